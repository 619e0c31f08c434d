/**
 * TensorFlow.js (float32), through its pure-JS `cpu` backend and its WebAssembly `wasm`
 * backend. The wasm binaries are read from node_modules (setWasmPaths with a file path),
 * so nothing is fetched; tfjs-node is never used (it downloads a native binary).
 * TensorFlow.js has one global backend, so `activate` switches to the contender's own
 * before each sample; tensors are created under that backend and stay there.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type Contender, type Instance } from '../harness.js';
import { type WorkloadData, type WorkloadId, updatesParameters } from '../workloads.js';
import { BenchError } from '../errors.js';

type Tf = typeof import('@tensorflow/tfjs');
type TfTensor = import('@tensorflow/tfjs').Tensor;

let loaded: Promise<Tf> | null = null;

/** Loads tfjs and the wasm backend once; both contenders share the module. */
function loadTf(): Promise<Tf> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${dir}/`);
    // Production mode: no per-op NaN checks or debug warnings (the "install tfjs-node" banner).
    tf.enableProdMode();
    return tf;
  })();
  return loaded;
}

function mlpInstance(tf: Tf, id: WorkloadId, data: WorkloadData): Instance {
  if (data.kind !== 'mlp') throw new BenchError(`${id}: expected MLP data, got matmul data; pass workloadData(id) for this workload`);
  const d = data.mlp;
  const L = d.sizes.length - 1;
  const Ws = d.W.map((w, l) => tf.variable(tf.tensor2d(Float32Array.from(w), [d.sizes[l + 1]!, d.sizes[l]!])));
  const bs = d.b.map((b) => tf.variable(tf.tensor1d(Float32Array.from(b))));
  const vars = [...Ws, ...bs];
  const X = tf.tensor2d(Float32Array.from(d.X), [d.batch, d.sizes[0]!]);
  const Y = tf.tensor2d(Float32Array.from(d.Y), [d.batch, d.sizes[L]!]);
  const sigmoid = d.kind === 'sigmoid-squares';
  const lossFn = (): ReturnType<Tf['scalar']> => {
    let a: TfTensor = X;
    for (let l = 0; l < L; l++) {
      const z = tf.add(tf.matMul(a, Ws[l]!, false, true), bs[l]!);
      a = sigmoid ? tf.sigmoid(z) : l < L - 1 ? tf.tanh(z) : z;
    }
    // mean over the batch of the per-sample loss, as tapegrad's 'mean' reduction
    if (sigmoid) return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(a, Y)))), d.batch);
    return tf.losses.softmaxCrossEntropy(Y, a);
  };
  const update = updatesParameters(id);
  return {
    step: () => {
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars);
        if (update) for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, d.lr)));
        return value;
      });
      const v = value.dataSync()[0]!;
      value.dispose();
      return v;
    },
    dispose: () => {
      for (const t of [...vars, X, Y]) t.dispose();
    },
  };
}

function matmulInstance(tf: Tf, data: WorkloadData): Instance {
  if (data.kind !== 'matmul') throw new BenchError('matmul workload: expected matmul data, got MLP data; pass workloadData(id) for this workload');
  const { n, A, B } = data.matmul;
  const a = tf.tensor2d(Float32Array.from(A), [n, n]);
  const b = tf.tensor2d(Float32Array.from(B), [n, n]);
  return {
    step: () => {
      const c = tf.matMul(a, b);
      const v = c.dataSync()[0]!;
      c.dispose();
      return v;
    },
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

function tfjs(backend: 'cpu' | 'wasm'): Contender {
  let tf: Tf | null = null;
  let details = '';
  const ready = (): Tf => {
    if (tf === null) throw new BenchError(`tfjs-${backend}: setup() was not run`);
    return tf;
  };
  return {
    id: `tfjs-${backend}`,
    label: `TF.js ${backend}`,
    precision: 'f32',
    ours: false,
    setup: async () => {
      const t = await loadTf();
      if (!(await t.setBackend(backend))) throw new BenchError(`TensorFlow.js could not initialise its '${backend}' backend`);
      await t.ready();
      tf = t;
      if (backend === 'wasm') {
        const simd = await t.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await t.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        details = `@tensorflow/tfjs-backend-wasm ${t.version.tfjs}, SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
      } else details = `@tensorflow/tfjs ${t.version.tfjs} cpu backend (plain JavaScript)`;
    },
    activate: async () => {
      const t = ready();
      if (t.getBackend() !== backend) await t.setBackend(backend);
    },
    describe: () => details,
    create: (id, data) => (data.kind === 'matmul' ? matmulInstance(ready(), data) : mlpInstance(ready(), id, data)),
  };
}

export const tfjsCpu = tfjs('cpu');
export const tfjsWasm = tfjs('wasm');

/**
 * jax-js (float32) on its WebAssembly device, eager and under `jit`. Under Node there is
 * no WebGPU, and no global `Worker`, so its wasm kernels run on one thread; `init('wasm')`
 * is called explicitly because a bare `init()` probes WebGPU through `navigator`, which
 * Node 20 does not have. jax-js arrays are reference-counted: every call consumes its
 * arguments, so anything used again is passed as `.ref` (see its README).
 */
import { type Contender, type Instance } from '../harness.js';
import { type MlpData, type WorkloadData, type WorkloadId, updatesParameters } from '../workloads.js';
import { BenchError } from '../errors.js';

type Jax = typeof import('@jax-js/jax');
type JArray = import('@jax-js/jax').numpy.Array;
type Params = { W: JArray; b: JArray }[];

let loaded: Promise<Jax> | null = null;

function loadJax(): Promise<Jax> {
  loaded ??= (async () => {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new BenchError(`jax-js: no wasm device (got ${devices.join(', ') || 'none'})`);
    jax.defaultDevice('wasm');
    return jax;
  })();
  return loaded;
}

function f32(jax: Jax, values: Float64Array, shape: number[]): JArray {
  return jax.numpy.array(Float32Array.from(values)).reshape(shape);
}

/** The network's mean loss; consumes params, x and y (jax-js ownership rules). */
function lossFn(jax: Jax, d: MlpData): (params: Params, x: JArray, y: JArray) => JArray {
  const { numpy: np, nn } = jax;
  const L = d.sizes.length - 1;
  const sigmoid = d.kind === 'sigmoid-squares';
  return (params, x, y) => {
    let a = x;
    for (let l = 0; l < L; l++) {
      const p = params[l]!;
      const z = np.matmul(a, p.W.transpose()).add(p.b);
      a = sigmoid ? nn.sigmoid(z) : l < L - 1 ? np.tanh(z) : z;
    }
    if (sigmoid) return np.sum(np.square(a.sub(y))).mul(0.5 / d.batch);
    return np.sum(nn.logSoftmax(a, -1).mul(y)).mul(-1 / d.batch);
  };
}

function sgdUpdate(params: Params, grads: Params, lr: number): Params {
  return params.map((p, i) => ({ W: p.W.sub(grads[i]!.W.mul(lr)), b: p.b.sub(grads[i]!.b.mul(lr)) }));
}

function mlpInstance(jax: Jax, id: WorkloadId, data: WorkloadData, jitted: boolean): Instance {
  if (data.kind !== 'mlp') throw new BenchError(`${id}: expected MLP data, got matmul data; pass workloadData(id) for this workload`);
  const d = data.mlp;
  const L = d.sizes.length - 1;
  let params: Params = d.W.map((w, l) => ({ W: f32(jax, w, [d.sizes[l + 1]!, d.sizes[l]!]), b: f32(jax, d.b[l]!, [d.sizes[l + 1]!]) }));
  const x = f32(jax, d.X, [d.batch, d.sizes[0]!]);
  const y = f32(jax, d.Y, [d.batch, d.sizes[L]!]);
  const loss = lossFn(jax, d);
  const update = updatesParameters(id);
  const vg = jax.valueAndGrad(loss);
  const dispose = (): void => {
    jax.tree.dispose(params);
    x.dispose();
    y.dispose();
  };
  if (update) {
    const stepFn = (ps: Params, xs: JArray, ys: JArray): [Params, JArray] => {
      const [l, g] = jax.valueAndGrad(loss)(jax.tree.ref(ps), xs, ys);
      return [sgdUpdate(ps, g, d.lr), l];
    };
    const compiled = jitted ? jax.jit(stepFn) : null;
    return {
      step: () => {
        const [next, l] = compiled !== null ? compiled(params, x.ref, y.ref) : stepFn(params, x.ref, y.ref);
        params = next;
        return l.dataSync()[0]!;
      },
      dispose: () => {
        dispose();
        compiled?.dispose();
      },
    };
  }
  const gradFn = (ps: Params, xs: JArray, ys: JArray): [JArray, Params] => vg(ps, xs, ys);
  const compiled = jitted ? jax.jit(gradFn) : null;
  return {
    step: () => {
      const [l, g] = compiled !== null ? compiled(jax.tree.ref(params), x.ref, y.ref) : gradFn(jax.tree.ref(params), x.ref, y.ref);
      // Arrays are lazy: reading every gradient makes sure all of them were computed (and frees them).
      let s = 0;
      for (const leaf of jax.tree.leaves(g)) s += leaf.dataSync()[0]!;
      return l.dataSync()[0]! + 0 * s;
    },
    dispose: () => {
      dispose();
      compiled?.dispose();
    },
  };
}

function matmulInstance(jax: Jax, data: WorkloadData, jitted: boolean): Instance {
  if (data.kind !== 'matmul') throw new BenchError('matmul workload: expected matmul data, got MLP data; pass workloadData(id) for this workload');
  const { n, A, B } = data.matmul;
  const a = f32(jax, A, [n, n]);
  const b = f32(jax, B, [n, n]);
  const mm = (x: JArray, y: JArray): JArray => jax.numpy.matmul(x, y);
  const compiled = jitted ? jax.jit(mm) : null;
  return {
    step: () => (compiled !== null ? compiled(a.ref, b.ref) : mm(a.ref, b.ref)).dataSync()[0]!,
    dispose: () => {
      a.dispose();
      b.dispose();
      compiled?.dispose();
    },
  };
}

function jaxjs(jitted: boolean): Contender {
  let jax: Jax | null = null;
  const ready = (): Jax => {
    if (jax === null) throw new BenchError('jax-js: setup() was not run');
    return jax;
  };
  return {
    id: jitted ? 'jax-jit' : 'jax-eager',
    label: jitted ? 'jax-js jit' : 'jax-js eager',
    precision: 'f32',
    ours: false,
    setup: async () => {
      jax = await loadJax();
    },
    activate: async () => undefined,
    describe: () => `@jax-js/jax wasm device, ${jitted ? 'jit (fused kernels)' : 'eager'}, single-threaded under Node (no global Worker)`,
    create: (id, data) => (data.kind === 'matmul' ? matmulInstance(ready(), data, jitted) : mlpInstance(ready(), id, data, jitted)),
  };
}

export const jaxEager = jaxjs(false);
export const jaxJit = jaxjs(true);

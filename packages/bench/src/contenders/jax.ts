/**
 * jax-js on its WebAssembly device, eager and under `jit`, in float32 and in float64. Under Node there is
 * no WebGPU, and no global `Worker`, so its wasm kernels run on one thread; `init('wasm')`
 * is called explicitly because a bare `init()` probes WebGPU through `navigator`, which
 * Node 20 does not have. jax-js arrays are reference-counted: every call consumes its
 * arguments, so anything used again is passed as `.ref` (see its README).
 *
 * Float64 on that device (read from @jax-js/jax 0.1.25's wasm code generator): arrays,
 * `+ - * /`, sums and matmul are float64 and `jit` compiles them, but scalar only (its
 * SIMD path covers float32 and integers), and `exp`/`log` (so tanh, sigmoid and
 * log-softmax) demote to float32, call the float32 routine and promote back: float64
 * values with float32-accurate transcendentals. The describe() text says so.
 */
import { type Contender, type Instance } from '../harness.js';
import { type MlpData, type WorkloadData, type WorkloadId, updatesParameters } from '../workloads.js';
import { BenchError } from '../errors.js';

type Jax = typeof import('@jax-js/jax');
type JArray = import('@jax-js/jax').numpy.Array;
type Params = { W: JArray; b: JArray }[];
type Precision = 'f32' | 'f64';

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

/**
 * Workload data (float64) as a jax-js array: rounded once to float32, or exactly in float64.
 * jax-js 0.1.25 cannot take a Float64Array under Node 20: its `array` tests
 * `instanceof Float16Array` before Float64Array, a ReferenceError where Float16Array does
 * not exist. So the value is split into three float32 parts (72 significand bits, more
 * than float64's 53: their float64 sum is the value) summed in float64 by jax-js, and the
 * result is checked bit for bit once.
 */
function toArray(jax: Jax, values: Float64Array, shape: number[], precision: Precision): JArray {
  const np = jax.numpy;
  if (precision === 'f32') return np.array(Float32Array.from(values)).reshape(shape);
  const hi = Float32Array.from(values);
  const rest = values.map((v, i) => v - hi[i]!);
  const mid = Float32Array.from(rest);
  const lo = Float32Array.from(rest.map((v, i) => v - mid[i]!));
  const part = (p: Float32Array): JArray => np.array(p).astype(np.float64);
  const out = part(hi).add(part(mid)).add(part(lo)).reshape(shape);
  const back = out.ref.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (back[i] !== values[i]) throw new BenchError(`jax-js float64: element ${i} of the workload data arrived as ${back[i]}, expected ${values[i]}; the float32-parts conversion in toArray no longer round-trips`);
  }
  return out;
}

/** A result's dtype, checked before it is read: a float64 contender must not compute in float32. */
function read(a: JArray, precision: Precision): Float32Array | Float64Array | Int32Array | Uint32Array {
  const want = precision === 'f32' ? 'float32' : 'float64';
  if (a.dtype !== want) throw new BenchError(`jax-js ${precision}: a step produced ${a.dtype}, expected ${want}; some op promoted or demoted the computation`);
  return a.dataSync();
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

function mlpInstance(jax: Jax, id: WorkloadId, data: WorkloadData, jitted: boolean, precision: Precision): Instance {
  if (data.kind !== 'mlp') throw new BenchError(`${id}: expected MLP data, got matmul data; pass workloadData(id) for this workload`);
  const d = data.mlp;
  const L = d.sizes.length - 1;
  let params: Params = d.W.map((w, l) => ({ W: toArray(jax, w, [d.sizes[l + 1]!, d.sizes[l]!], precision), b: toArray(jax, d.b[l]!, [d.sizes[l + 1]!], precision) }));
  const x = toArray(jax, d.X, [d.batch, d.sizes[0]!], precision);
  const y = toArray(jax, d.Y, [d.batch, d.sizes[L]!], precision);
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
        return read(l, precision)[0]!;
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
      for (const leaf of jax.tree.leaves(g)) s += read(leaf, precision)[0]!;
      return read(l, precision)[0]! + 0 * s;
    },
    dispose: () => {
      dispose();
      compiled?.dispose();
    },
  };
}

function matmulInstance(jax: Jax, data: WorkloadData, jitted: boolean, precision: Precision): Instance {
  if (data.kind !== 'matmul') throw new BenchError('matmul workload: expected matmul data, got MLP data; pass workloadData(id) for this workload');
  const { n, A, B } = data.matmul;
  const a = toArray(jax, A, [n, n], precision);
  const b = toArray(jax, B, [n, n], precision);
  const mm = (x: JArray, y: JArray): JArray => jax.numpy.matmul(x, y);
  const compiled = jitted ? jax.jit(mm) : null;
  return {
    step: () => read(compiled !== null ? compiled(a.ref, b.ref) : mm(a.ref, b.ref), precision)[0]!,
    dispose: () => {
      a.dispose();
      b.dispose();
      compiled?.dispose();
    },
  };
}

function jaxjs(jitted: boolean, precision: Precision): Contender {
  let jax: Jax | null = null;
  const ready = (): Jax => {
    if (jax === null) throw new BenchError('jax-js: setup() was not run');
    return jax;
  };
  const mode = jitted ? 'jit (fused kernels)' : 'eager';
  const dtype =
    precision === 'f32'
      ? 'float32 (data rounded once at setup)'
      : 'float64 (data exact; matmul and sums in float64 without SIMD, exp/log behind tanh, sigmoid and log-softmax at float32 accuracy, as its wasm backend computes them)';
  return {
    id: `${jitted ? 'jax-jit' : 'jax-eager'}${precision === 'f64' ? '-f64' : ''}`,
    // The report appends the precision, so both precisions of a mode share the label.
    label: jitted ? 'jax-js jit' : 'jax-js eager',
    precision,
    ours: false,
    setup: async () => {
      jax = await loadJax();
    },
    activate: async () => undefined,
    describe: () => `@jax-js/jax wasm device, ${mode}, ${dtype}, single-threaded under Node (no global Worker)`,
    create: (id, data) => (data.kind === 'matmul' ? matmulInstance(ready(), data, jitted, precision) : mlpInstance(ready(), id, data, jitted, precision)),
  };
}

export const jaxEager = jaxjs(false, 'f32');
export const jaxJit = jaxjs(true, 'f32');
/** The same contenders in float64, tapegrad's precision. */
export const jaxEagerF64 = jaxjs(false, 'f64');
export const jaxJitF64 = jaxjs(true, 'f64');

/**
 * Test helpers for the ONNX export (not published: package.json leaves src/testing out):
 * run a model in onnxruntime (its WebAssembly build, onnxruntime-web, a dev dependency),
 * decode the bytes with protobufjs, and a first-order bound on how far a runtime's outputs may
 * lie from `model.forward`'s.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import protobuf from 'protobufjs';
import type { ModelMetadata } from '../model-metadata.js';
import type { MLP } from '../model.js';

// One thread: no worker threads under vitest, and the same kernels every run.
ort.env.wasm.numThreads = 1;

/**
 * Runs the ONNX bytes on `X: [batch, nIn]` (row-major) and returns the output row-major.
 * @param dtype the model's element type: the input is passed as Float64Array or Float32Array
 */
export async function runOnnx(bytes: Uint8Array, X: Float64Array, batch: number, opts: { dtype: 'float64' | 'float32'; input?: string; output?: string }): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(bytes);
  const nIn = X.length / batch;
  const x = opts.dtype === 'float64' ? new ort.Tensor('float64', X, [batch, nIn]) : new ort.Tensor('float32', Float32Array.from(X), [batch, nIn]);
  const result = await session.run({ [opts.input ?? 'input']: x });
  const y = result[opts.output ?? 'output'];
  if (y === undefined) throw new Error(`runOnnx: the session has no output '${opts.output ?? 'output'}'`);
  // The comparison must not hide a float32 result behind Float64Array.from.
  if (y.type !== opts.dtype) throw new Error(`runOnnx: the output is ${y.type}, not ${opts.dtype}`);
  await session.release();
  return Float64Array.from(y.data as Float64Array | Float32Array);
}

/** The ModelProto decoded with a full protobufjs parse of onnx-subset.proto, as a plain object (snake_case names, longs as numbers). */
export function decodeOnnx(bytes: Uint8Array): Record<string, unknown> {
  const proto = readFileSync(new URL('../onnx/onnx-subset.proto', import.meta.url), 'utf8');
  const type = protobuf.parse(proto, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true });
}

// Lipschitz constants of the built-in activations: max |f'| (gelu' peaks at 1.1289, swish' at 1.0998).
function lipschitz(name: string): number {
  if (name === 'sigmoid') return 0.25;
  if (name === 'gelu') return 1.13;
  if (name === 'swish') return 1.1;
  const alpha = /^(?:leakyRelu|elu)\((.+)\)$/.exec(name);
  if (alpha !== null) return Math.max(1, Math.abs(Number(alpha[1])));
  return 1;
}

/**
 * A first-order bound on |runtime − exact| for every output of `model` at `X` (raw features,
 * standardised first when `meta.standardizer` is given, outputs mapped back with
 * `meta.targetStandardizer`), for a runtime that rounds with unit roundoff `u` (2⁻⁵³ for
 * float64, 2⁻²⁴ for float32) and rounds the weights to its type (`weightsRounded`):
 *
 * - a dot product of n terms plus a bias, with weights rounded: `|Δz| ≤ |W| e + (n + 2) u (|W||a| + |b|)`
 *   (Higham, Accuracy and Stability of Numerical Algorithms, §3.1: γ_n for the sum of n products,
 *   one more u for the bias and one for the rounded weight);
 * - an activation: `|Δa| ≤ Lip(f) |Δz| + 16 u (|z| + |a| + α_elu)`: the longest composite (gelu,
 *   softplus with its log1p) has 8-9 rounded ops whose rounding is relative to |z| or |a|, each
 *   kernel within 2 ulp; elu's e^z - 1 cancels, so its error is absolute, of size u α;
 * - softmax: `|Δs_i| ≤ 2 s_i max_j |Δz_j| + (n + 16) u s_i` (∂s_i/∂z_j = s_i(δ_ij - s_j)).
 *
 * The same bound holds for tapegrad's own float64 forward, so two float64 computations differ by
 * at most twice it; tests compare against 2× the bound.
 */
export function forwardErrorBound(model: MLP, X: Float64Array, batch: number, u: number, meta: ModelMetadata = {}, weightsRounded = false): Float64Array {
  const nIn = model.layers[0]!.inputSize;
  const nOut = model.layers[model.layers.length - 1]!.outputSize;
  const uw = weightsRounded ? u : 0;
  const bound = new Float64Array(batch * nOut);
  for (let r = 0; r < batch; r++) {
    let a = Array.from(X.subarray(r * nIn, (r + 1) * nIn));
    let e = a.map((v) => uw * Math.abs(v));
    const st = meta.standardizer;
    if (st !== undefined) {
      const scaled = a.map((v, j) => (v - st.mean[j]!) / st.std[j]!);
      e = a.map((v, j) => (e[j]! + uw * Math.abs(st.mean[j]!) + u * Math.abs(v - st.mean[j]!)) / st.std[j]! + (uw + u) * Math.abs(scaled[j]!));
      a = scaled;
    }
    for (const layer of model.layers) {
      const n = layer.inputSize;
      const z = new Float64Array(layer.outputSize);
      const ez = new Array<number>(layer.outputSize);
      for (let i = 0; i < layer.outputSize; i++) {
        let s = layer.b[i]!;
        let m = Math.abs(layer.b[i]!);
        let prop = 0;
        for (let j = 0; j < n; j++) {
          const w = layer.W[i * n + j]!;
          s += w * a[j]!;
          m += Math.abs(w) * Math.abs(a[j]!);
          prop += Math.abs(w) * e[j]!;
        }
        z[i] = s;
        ez[i] = prop + (n + 2) * u * m;
      }
      const out = new Float64Array(layer.outputSize);
      layer.activation.forward(z, out, layer.outputSize);
      const name = layer.activation.name;
      if (name === 'softmax') {
        const worst = Math.max(...ez);
        e = Array.from(out, (s) => 2 * s * worst + (layer.outputSize + 16) * u * s);
      } else {
        const elu = /^elu(?:\((.+)\))?$/.exec(name);
        const alpha = elu === null ? 0 : elu[1] === undefined ? 1 : Number(elu[1]);
        e = Array.from(out, (v, i) => lipschitz(name) * ez[i]! + 16 * u * (Math.abs(z[i]!) + Math.abs(v) + alpha));
      }
      a = Array.from(out);
    }
    const ts = meta.targetStandardizer;
    for (let i = 0; i < nOut; i++) {
      bound[r * nOut + i] = ts === undefined ? e[i]! : e[i]! * ts.std + 3 * u * (Math.abs(a[i]!) * ts.std + Math.abs(ts.mean));
    }
  }
  return bound;
}

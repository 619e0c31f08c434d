/**
 * Reductions over any axes, with keepDims: sum, max, min and logSumExp are primitives;
 * mean, softmax and logSoftmax are composed from them (and stay stable).
 */
import { ShapeError, fmtShape } from '../errors.js';
import { type Shape, normalizeAxes, reducedShape, sizeOf, stridesOf } from '../shape.js';
import { apply, noGrad, type KernelOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { type Unary } from './define.js';
import { mul, div, sub } from './arithmetic.js';
import { exp } from './unary.js';
import { equal } from './compare.js';
import { broadcastTo, reshape } from './reshape.js';

/** Reduction attributes: sorted, non-negative axes. */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/** For each input element, the index of the output element it reduces into. */
function outputIndex(shape: Shape, axes: readonly number[]): Int32Array {
  const keep = reducedShape(shape, axes, true);
  const ks = stridesOf(keep).map((s, i) => (axes.includes(i) ? 0 : s));
  const n = sizeOf(shape);
  const map = new Int32Array(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    map[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      o += ks[d]!;
      if (idx[d]! < shape[d]!) break;
      o -= ks[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/** True when `axes` are exactly the first `axes.length` axes. */
function isLeading(axes: readonly number[]): boolean {
  return axes.every((a, i) => a === i);
}

/** True when `axes` are exactly the last `axes.length` axes of a rank-`rank` shape. */
function isTrailing(axes: readonly number[], rank: number): boolean {
  return axes.every((a, i) => a === rank - axes.length + i);
}

function sumKernel(x: Float64Array, shape: Shape, axes: readonly number[], outSize: number): Float64Array {
  const out = new Float64Array(outSize);
  const n = x.length;
  if (outSize === 0 || n === 0) return out;
  if (isTrailing(axes, shape.length)) {
    // out[i] = Σ_k x[i·m + k]: contiguous blocks (row sums, sum of all).
    const m = n / outSize;
    for (let i = 0; i < outSize; i++) {
      let s = 0;
      const base = i * m;
      for (let k = 0; k < m; k++) s += x[base + k]!;
      out[i] = s;
    }
  } else if (isLeading(axes)) {
    // out[j] = Σ_i x[i·m + j]: column sums (the bias gradient over a batch).
    const rows = n / outSize;
    for (let i = 0; i < rows; i++) {
      const base = i * outSize;
      for (let j = 0; j < outSize; j++) out[j]! += x[base + j]!;
    }
  } else {
    const map = outputIndex(shape, axes);
    for (let i = 0; i < n; i++) out[map[i]!]! += x[i]!;
  }
  return out;
}

function reduceShape(op: string) {
  return ([s]: readonly Shape[], { axes, keepDims }: ReduceAttrs): Shape => {
    if (op !== 'sum') {
      for (const a of axes) {
        if (s![a] === 0) throw new ShapeError(`${op}: cannot reduce axis ${a} of size 0 in ${fmtShape(s!)}; the result would have no value`);
      }
    }
    return reducedShape(s!, axes, keepDims);
  };
}

/** g (reduced shape) back to the input's shape, for reductions' VJPs. */
function expandBack(g: Tensor, x: Tensor, { axes }: ReduceAttrs): Tensor {
  return broadcastTo(reshape(g, reducedShape(x.shape, axes, true)), x.shape);
}

export const sumOp: KernelOp<Unary, ReduceAttrs> = {
  name: 'sum',
  inputs: ['x'],
  saves: [],
  shape: reduceShape('sum'),
  forward: ([x], { axes }, outShape) => sumKernel(x.data, x.shape, axes, sizeOf(outShape)),
  vjp: { x: (g, { inputs: [x], attrs }) => expandBack(g, x, attrs) },
};

function extremumKernel(sign: 1 | -1) {
  return ([x]: Unary, { axes }: ReduceAttrs, outShape: Shape): Float64Array => {
    const out = new Float64Array(sizeOf(outShape)).fill(-sign * Infinity);
    const map = outputIndex(x.shape, axes);
    const xs = x.data;
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      const o = map[i]!;
      const cur = out[o]!;
      if (sign * v > sign * cur || v !== v) out[o] = v; // NaN wins; later comparisons with it are false, so it stays
    }
    return out;
  };
}

// The gradient of max/min is split evenly between tied extrema (as PyTorch's amax does).
function extremumVjp(g: Tensor, x: Tensor, out: Tensor, attrs: ReduceAttrs): Tensor {
  const mask = equal(x, expandBack(out, x, attrs));
  const count = sum(mask, attrs.axes, true);
  return mul(expandBack(g, x, attrs), div(mask, count));
}

export const maxOp: KernelOp<Unary, ReduceAttrs> = {
  name: 'max',
  inputs: ['x'],
  saves: ['x', 'out'],
  shape: reduceShape('max'),
  forward: extremumKernel(1),
  vjp: { x: (g, { inputs: [x], out, attrs }) => extremumVjp(g, x, out, attrs) },
};

export const minOp: KernelOp<Unary, ReduceAttrs> = {
  name: 'min',
  inputs: ['x'],
  saves: ['x', 'out'],
  shape: reduceShape('min'),
  forward: extremumKernel(-1),
  vjp: { x: (g, { inputs: [x], out, attrs }) => extremumVjp(g, x, out, attrs) },
};

// log Σ e^x = m + log Σ e^(x - m) with m the max: no overflow, and an all -Infinity
// slice gives -Infinity rather than NaN.
export const logSumExpOp: KernelOp<Unary, ReduceAttrs> = {
  name: 'logSumExp',
  inputs: ['x'],
  saves: ['x', 'out'],
  shape: reduceShape('logSumExp'),
  forward: ([x], attrs, outShape) => {
    const m = extremumKernel(1)([x], attrs, outShape);
    const map = outputIndex(x.shape, attrs.axes);
    const s = new Float64Array(m.length);
    const xs = x.data;
    for (let i = 0; i < xs.length; i++) {
      const mi = m[map[i]!]!;
      s[map[i]!]! += Number.isFinite(mi) ? Math.exp(xs[i]! - mi) : xs[i] === mi ? 1 : 0;
    }
    for (let o = 0; o < m.length; o++) m[o] = Number.isFinite(m[o]!) ? m[o]! + Math.log(s[o]!) : m[o]!;
    return m;
  },
  // ∂/∂x_i log Σ e^x = softmax(x)_i = e^(x_i - out)
  vjp: { x: (g, { inputs: [x], out, attrs }) => mul(expandBack(g, x, attrs), exp(sub(x, expandBack(out, x, attrs)))) },
};

// `[0, 1, ..., rank-1]` per rank, shared: attrs are read-only, and reducing every axis is the common call.
const everyAxis: (readonly number[])[] = [];

/**
 * `normalizeAxes` with fast paths for the calls VJPs make on every step: every axis, one
 * valid axis, or axes already sorted, distinct and non-negative (sumTo's). Anything else,
 * including every invalid input, goes through `normalizeAxes` and its errors.
 */
function axesOf(op: string, axes: number | readonly number[] | undefined, rank: number): readonly number[] {
  if (axes === undefined) return (everyAxis[rank] ??= Array.from({ length: rank }, (_, i) => i));
  if (typeof axes === 'number') {
    if (Number.isInteger(axes) && axes >= -rank && axes < rank) return [axes < 0 ? axes + rank : axes];
  } else if (Array.isArray(axes)) {
    let ok = true;
    for (let i = 0; i < axes.length && ok; i++) {
      const v: unknown = axes[i];
      ok = typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < rank && (i === 0 || v > axes[i - 1]!);
    }
    if (ok) return axes.slice(); // a copy: the tape keeps attrs, the caller keeps its array
  }
  return normalizeAxes(op, axes, rank);
}

function reduction(op: KernelOp<Unary, ReduceAttrs>) {
  return (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => {
    const a = axesOf(op.name, axes, x.shape.length);
    return apply(op, [x], { axes: a, keepDims });
  };
}

/**
 * Σ over `axes` (default: all), dropping them unless `keepDims`.
 * @param x any shape @returns x's shape without (or with size-1) reduced axes
 * @example sum(tensor([[1, 2], [3, 4]]), 0) // [4, 6]
 */
export const sum = reduction(sumOp);
/** Maximum over `axes` (NaN propagates); ties share the gradient evenly. */
export const max = reduction(maxOp);
/** Minimum over `axes` (NaN propagates); ties share the gradient evenly. */
export const min = reduction(minOp);
/** `log Σ exp(x)` over `axes`, computed stably. */
export const logSumExp = reduction(logSumExpOp);

/** Arithmetic mean over `axes` (default: all). */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const a = axesOf('mean', axes, x.shape.length);
  let count = 1;
  for (const i of a) count *= x.shape[i]!;
  return div(sum(x, a, keepDims), count);
}

// Both shift by the row max m first, as a constant (the result does not depend on it, so
// neither does any derivative). x - m is exact near the max, so 1e3-scale logits keep full
// relative precision; x - logSumExp(x) would round through 1e3-scale numbers (ulp 1e-13).

/** `(x - m) - log Σ e^(x - m)` along `axis` (default: last), m the max; stable for any magnitude. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const z = sub(x, noGrad(() => max(x, axis, true)));
  return sub(z, logSumExp(z, axis, true));
}

/** `e^(x - m) / Σ e^(x - m)` along `axis` (default: last), m the max, so it never overflows. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const e = exp(sub(x, noGrad(() => max(x, axis, true))));
  return div(e, sum(e, axis, true));
}

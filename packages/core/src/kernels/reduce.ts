/** Reduction kernels on plain arrays: the output slot of each input element, sums, extrema, log-sum-exp. */
import { type Shape, reducedShape, sizeOf, stridesOf } from '../shape.js';

/** For each input element, the index of the output element it reduces into. */
export function outputIndex(shape: Shape, axes: readonly number[]): Int32Array {
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
  // Loops, not every(): a closure per call is garbage on compile's allocation-free replay.
  for (let i = 0; i < axes.length; i++) if (axes[i] !== i) return false;
  return true;
}

/** True when `axes` are exactly the last `axes.length` axes of a rank-`rank` shape. */
function isTrailing(axes: readonly number[], rank: number): boolean {
  for (let i = 0; i < axes.length; i++) if (axes[i] !== rank - axes.length + i) return false;
  return true;
}

/** Σ of `x` (shape `shape`) over sorted `axes` into `out` (any contents on entry). */
export function sumKernel(x: Float64Array, shape: Shape, axes: readonly number[], out: Float64Array): void {
  const outSize = out.length;
  const n = x.length;
  out.fill(0);
  if (outSize === 0 || n === 0) return;
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
}

/** Max (`sign` 1) or min (`sign` -1) over `axes` into `out`; NaN wins. */
export function extremumKernel(sign: 1 | -1, x: Float64Array, shape: Shape, axes: readonly number[], out: Float64Array): void {
  const start = -sign * Infinity;
  for (let o = 0; o < out.length; o++) out[o] = start; // not fill(): it would box the double
  if (out.length > 0 && isTrailing(axes, shape.length)) {
    // Contiguous blocks (a row max, as softmax takes): no index map to build.
    const m = x.length / out.length;
    for (let o = 0, i = 0; o < out.length; o++) {
      let cur = out[o]!;
      for (let e = i + m; i < e; i++) {
        const v = x[i]!;
        if (sign * v > sign * cur || v !== v) cur = v; // NaN wins, as below
        if (cur !== cur) {
          i = e;
          break;
        }
      }
      out[o] = cur;
    }
    return;
  }
  const map = outputIndex(shape, axes);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const o = map[i]!;
    const cur = out[o]!;
    if (sign * v > sign * cur || v !== v) out[o] = v; // NaN wins; later comparisons with it are false, so it stays
  }
}

// log Σ e^x = m + log Σ e^(x - m) with m the max: no overflow, and an all -Infinity
// slice gives -Infinity rather than NaN.
export function logSumExpKernel(x: Float64Array, shape: Shape, axes: readonly number[], m: Float64Array): void {
  extremumKernel(1, x, shape, axes, m);
  if (m.length > 0 && isTrailing(axes, shape.length)) {
    // Contiguous blocks: the same sums in the same order as the general loop below, without its index map.
    const len = x.length / m.length;
    for (let o = 0; o < m.length; o++) {
      const mi = m[o]!;
      const finite = Number.isFinite(mi);
      let s = 0;
      for (let i = o * len, e = i + len; i < e; i++) s += finite ? Math.exp(x[i]! - mi) : x[i] === mi ? 1 : 0;
      m[o] = finite ? mi + Math.log(s) : mi;
    }
    return;
  }
  const map = outputIndex(shape, axes);
  const s = new Float64Array(m.length);
  for (let i = 0; i < x.length; i++) {
    const mi = m[map[i]!]!;
    s[map[i]!]! += Number.isFinite(mi) ? Math.exp(x[i]! - mi) : x[i] === mi ? 1 : 0;
  }
  for (let o = 0; o < m.length; o++) m[o] = Number.isFinite(m[o]!) ? m[o]! + Math.log(s[o]!) : m[o]!;
}

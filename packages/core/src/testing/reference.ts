/**
 * Test-only reference implementations: the slowest, plainest loops over multi-indices,
 * sharing no code with the kernels (no strides merging, no fast paths), so a kernel
 * optimisation that breaks an edge case disagrees with them. Not exported from index.ts.
 */
import { type Shape, Tensor } from '../index.js';

export function sizeOf(s: Shape): number {
  return s.reduce((a, b) => a * b, 1);
}

/** Multi-index of flat position `k` in row-major `shape`. */
export function unravel(k: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

/** Flat position of a multi-index in row-major `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let k = 0;
  for (let d = 0; d < shape.length; d++) k = k * shape[d]! + idx[d]!;
  return k;
}

/** The NumPy broadcast of several shapes (the test's own, independent of core's). */
export function broadcastAll(shapes: readonly Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(1, ...shapes.map((s) => s[s.length - rank + i] ?? 1)));
}

/** Reads `t` at an index of the broadcast shape (trailing alignment, size-1 axes repeat). */
export function readBroadcast(t: Tensor, outIdx: readonly number[]): number {
  const off = outIdx.length - t.shape.length;
  const idx = t.shape.map((d, i) => (d === 1 ? 0 : outIdx[off + i]!));
  return t.data[ravel(idx, t.shape)]!;
}

/** Elementwise n-ary op with broadcasting, one multi-index at a time. */
export function naiveElementwise(inputs: readonly Tensor[], f: (...v: number[]) => number): Tensor {
  const shape = broadcastAll(inputs.map((t) => t.shape));
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < data.length; k++) {
    const idx = unravel(k, shape);
    data[k] = f(...inputs.map((t) => readBroadcast(t, idx)));
  }
  return new Tensor(data, shape);
}

/** Reduction over `axes` (all when undefined; negatives allowed) by folding `f` from `init`. */
export function naiveReduce(
  x: Tensor,
  axes: readonly number[] | undefined,
  keepDims: boolean,
  init: number,
  f: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (a) => a,
): Tensor {
  const r = x.shape.length;
  const ax = new Set((axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + r : a)));
  const kept = x.shape.map((d, i) => (ax.has(i) ? 1 : d));
  const acc = new Float64Array(sizeOf(kept)).fill(init);
  const counts = new Float64Array(acc.length);
  for (let k = 0; k < x.size; k++) {
    const idx = unravel(k, x.shape).map((v, i) => (ax.has(i) ? 0 : v));
    const o = ravel(idx, kept);
    acc[o] = f(acc[o]!, x.data[k]!);
    counts[o]!++;
  }
  for (let o = 0; o < acc.length; o++) acc[o] = finish(acc[o]!, counts[o]!);
  const shape = keepDims ? kept : x.shape.filter((_, i) => !ax.has(i));
  return new Tensor(acc, shape);
}

/** out[i_0..] = x[i_perm^-1 ...]: output axis j is input axis perm[j]. */
export function naiveTranspose(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => x.shape[p]!);
  const data = new Float64Array(x.size);
  for (let k = 0; k < data.length; k++) {
    const o = unravel(k, shape);
    const src = new Array<number>(perm.length);
    perm.forEach((p, j) => (src[p] = o[j]!));
    data[k] = x.data[ravel(src, x.shape)]!;
  }
  return new Tensor(data, shape);
}

/** C = op(A) op(B) for matrices, the triple loop. */
export function naiveMatmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const at = (i: number, p: number): number => (transA ? a.data[p * a.shape[1]! + i]! : a.data[i * a.shape[1]! + p]!);
  const bt = (p: number, j: number): number => (transB ? b.data[j * b.shape[1]! + p]! : b.data[p * b.shape[1]! + j]!);
  const m = transA ? a.shape[1]! : a.shape[0]!;
  const k = transA ? a.shape[0]! : a.shape[1]!;
  const n = transB ? b.shape[0]! : b.shape[1]!;
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      data[i * n + j] = s;
    }
  }
  return new Tensor(data, [m, n]);
}

/**
 * The elements `start, start + step, ...` below `stop` on each axis (`[start, stop, step]`,
 * start and stop already counted from the start, step non-zero) of `x`, one element at a time.
 */
export function naiveSlice(x: Tensor, ranges: readonly (readonly [number, number, number])[]): Tensor {
  const shape = ranges.map(([a, b, st]) => Math.max(0, Math.ceil((b - a) / st)));
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < data.length; k++) data[k] = x.data[ravel(unravel(k, shape).map((i, d) => ranges[d]![0] + i * ranges[d]![2]), x.shape)]!;
  return new Tensor(data, shape);
}

/** Zero padding by `widths` (`[before, after]` per axis). */
export function naivePad(x: Tensor, widths: readonly (readonly [number, number])[]): Tensor {
  const shape = x.shape.map((d, i) => widths[i]![0] + d + widths[i]![1]);
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < x.size; k++) data[ravel(unravel(k, x.shape).map((i, d) => i + widths[d]![0]), shape)] = x.data[k]!;
  return new Tensor(data, shape);
}

/** `xs` joined along `axis` (non-negative): each element lands at its offset along the axis. */
export function naiveConcat(xs: readonly Tensor[], axis: number): Tensor {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
  const data = new Float64Array(sizeOf(shape));
  let offset = 0;
  for (const x of xs) {
    for (let k = 0; k < x.size; k++) {
      const idx = unravel(k, x.shape);
      idx[axis]! += offset;
      data[ravel(idx, shape)] = x.data[k]!;
    }
    offset += x.shape[axis]!;
  }
  return new Tensor(data, shape);
}

/** Rows `indices` of `x` (axis 0), one element at a time. */
export function naiveTake(x: Tensor, indices: readonly number[]): Tensor {
  const shape = [indices.length, ...x.shape.slice(1)];
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < data.length; k++) {
    const idx = unravel(k, shape);
    idx[0] = indices[idx[0]!]!;
    data[k] = x.data[ravel(idx, x.shape)]!;
  }
  return new Tensor(data, shape);
}

/** Row i of `x` added into row `indices[i]` of `rows` zero rows. */
export function naiveScatterAdd(x: Tensor, indices: readonly number[], rows: number): Tensor {
  const shape = [rows, ...x.shape.slice(1)];
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < x.size; k++) {
    const idx = unravel(k, x.shape);
    idx[0] = indices[idx[0]!]!;
    data[ravel(idx, shape)]! += x.data[k]!;
  }
  return new Tensor(data, shape);
}

/** `a @ b` with NumPy's vector rules, through the matrix triple loop. */
export function naiveMatmulAny(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const a2 = a.shape.length === 1 ? new Tensor(a.data, [1, a.shape[0]!]) : a;
  const b2 = b.shape.length === 1 ? new Tensor(b.data, [b.shape[0]!, 1]) : b;
  const c = naiveMatmul(a2, b2, transA && a.shape.length === 2, transB && b.shape.length === 2);
  const shape: number[] = [];
  if (a.shape.length === 2) shape.push(c.shape[0]!);
  if (b.shape.length === 2) shape.push(c.shape[1]!);
  return new Tensor(c.data, shape);
}

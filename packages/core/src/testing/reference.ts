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

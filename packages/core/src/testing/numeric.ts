/**
 * Test-only numerics: inner products, random directions, central finite differences and
 * the dot-product test <u, J v> = <Jᵀ u, v>. Not exported from index.ts.
 */
import { expect } from 'vitest';
import { Rng, Tensor, type NestedArray, vjp } from '../index.js';

/** <a, b> = Σ a_k b_k over equal-size tensors. */
export function dot(a: Tensor, b: Tensor): number {
  expect(a.size).toBe(b.size);
  let s = 0;
  for (let k = 0; k < a.size; k++) s += a.data[k]! * b.data[k]!;
  return s;
}

/** Σ |a_k| |b_k|: the scale a rounding error of <a, b> is measured against. */
export function absDot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let k = 0; k < a.size; k++) s += Math.abs(a.data[k]!) * Math.abs(b.data[k]!);
  return s;
}

/** Uniform values in [-1, 1) of `shape`. */
export function randomLike(shape: readonly number[], rng: Rng): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) data[k] = 2 * rng.next() - 1;
  return new Tensor(data, shape);
}

/** x + s·v, as a fresh untraced tensor. */
export function axpy(x: Tensor, s: number, v: Tensor): Tensor {
  const data = new Float64Array(x.size);
  for (let k = 0; k < x.size; k++) data[k] = x.data[k]! + s * v.data[k]!;
  return new Tensor(data, x.shape);
}

/**
 * Central difference of a tensor-valued `f` along direction `vs` (one per input):
 * (f(x + eps v) - f(x - eps v)) / 2eps ≈ J v, with error O(eps²) + O(ε_mach |f| / eps).
 */
export function centralDiff(f: (xs: readonly Tensor[]) => Tensor, xs: readonly Tensor[], vs: readonly Tensor[], eps: number): Tensor {
  const plus = f(xs.map((x, i) => axpy(x, eps, vs[i]!)));
  const minus = f(xs.map((x, i) => axpy(x, -eps, vs[i]!)));
  const data = new Float64Array(plus.size);
  for (let k = 0; k < plus.size; k++) data[k] = (plus.data[k]! - minus.data[k]!) / (2 * eps);
  return new Tensor(data, plus.shape);
}

/** The two sides of the dot-product test and the scale their rounding errors live on. */
export interface DotProductResult {
  /** <u, J v> with J v by central differences. */
  readonly numeric: number;
  /** <Jᵀ u, v> with Jᵀ u from the tape's pullback. */
  readonly autodiff: number;
  /** Σ_k |u_k| (|y_k| + |(Jv)_k|): the magnitude both sides are computed from. */
  readonly scale: number;
  /** The pullback's cotangents, one per input. */
  readonly cotangents: readonly Tensor[];
}

/**
 * The dot-product test (autograd's check_vjp): for random u and v, the VJP from `vjp`
 * must satisfy <Jᵀu, v> = <u, Jv>, with Jv by central differences in float64.
 * Inputs with `diff[i] === false` get v_i = 0 (they are not differentiable).
 */
export function dotProductTest(
  f: (xs: readonly Tensor[]) => Tensor,
  xs: readonly Tensor[],
  diff: readonly boolean[],
  seed: number,
  eps = 1e-6,
): DotProductResult {
  const rng = new Rng(seed);
  const [y, pull] = vjp((...args: Tensor[]) => f(args), ...xs);
  const u = randomLike(y.shape, rng);
  const vs = xs.map((x, i) => {
    const v = randomLike(x.shape, rng);
    return diff[i] === false ? new Tensor(new Float64Array(x.size), x.shape) : v;
  });
  const cotangents = pull(u);
  expect(cotangents.length).toBe(xs.length);
  let autodiff = 0;
  cotangents.forEach((c, i) => {
    expect(c.shape).toEqual(xs[i]!.shape);
    autodiff += dot(c, vs[i]!);
  });
  const jv = centralDiff(f, xs, vs, eps);
  expect(jv.shape).toEqual(y.shape);
  const numeric = dot(u, jv);
  const scale = absDot(u, y) + absDot(u, jv);
  return { numeric, autodiff, scale, cotangents };
}

/** Elementwise |actual - expected| <= atol + rtol |expected|, with NaN/±Infinity required to match exactly. */
export function expectAllClose(actual: Tensor | NestedArray, expected: NestedArray, rtol = 1e-12, atol = 1e-12): void {
  const a = flat(actual instanceof Tensor ? actual.toArray() : actual);
  const e = flat(expected);
  if (actual instanceof Tensor) expect(actual.shape).toEqual(shapeOf(expected));
  expect(a.length).toBe(e.length);
  for (let k = 0; k < e.length; k++) {
    const x = a[k]!;
    const y = e[k]!;
    if (!Number.isFinite(y)) {
      expect(x, `entry ${k}`).toBe(y);
      continue;
    }
    expect(Math.abs(x - y), `entry ${k}: got ${x}, expected ${y}`).toBeLessThanOrEqual(atol + rtol * Math.abs(y));
  }
}

function flat(v: NestedArray): number[] {
  return typeof v === 'number' ? [v] : v.flatMap(flat);
}

function shapeOf(v: NestedArray): number[] {
  const s: number[] = [];
  let x: NestedArray = v;
  while (typeof x !== 'number') {
    s.push(x.length);
    if (x.length === 0) break;
    x = x[0]!;
  }
  return s;
}

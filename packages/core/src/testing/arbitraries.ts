/**
 * Test-only fast-check arbitraries: shapes (with NumPy broadcasting) and tensor values
 * drawn from an op's declared domain. Not exported from index.ts.
 */
import fc from 'fast-check';
import { type Shape, Tensor, tensor } from '../index.js';

/** Dimensions stay small: the property runs a finite-difference probe per case. */
export const dimArb = fc.integer({ min: 1, max: 4 });

export function shapeArb(minRank = 0, maxRank = 3): fc.Arbitrary<number[]> {
  return fc.array(dimArb, { minLength: minRank, maxLength: maxRank });
}

/** A shape that broadcasts to `out`: some leading axes dropped, some of the rest set to 1. */
export function broadcastableTo(out: Shape): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, toOne]) => out.slice(drop).map((d, i) => (toOne[i + drop] === true ? 1 : d)));
}

/** `k` shapes that broadcast together (each derived from one common full shape). */
export function broadcastingShapes(k: number, maxRank = 3): fc.Arbitrary<number[][]> {
  return shapeArb(0, maxRank).chain((out) => fc.array(broadcastableTo(out), { minLength: k, maxLength: k }));
}

/** Where an op's test values come from: `n` numbers. */
export type Domain = (n: number) => fc.Arbitrary<number[]>;

const exactly = (n: number): { minLength: number; maxLength: number } => ({ minLength: n, maxLength: n });

/** Uniform-ish doubles in [lo, hi]. */
export function interval(lo: number, hi: number): Domain {
  return (n) => fc.array(fc.double({ min: lo, max: hi, noNaN: true }), exactly(n));
}

/** |x| in [lo, hi] with either sign: keeps relu/abs/step/sign away from their kink at 0. */
export function awayFromZero(lo: number, hi: number): Domain {
  return (n) => fc.array(fc.tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.boolean()).map(([m, s]) => (s ? m : -m)), exactly(n));
}

/**
 * Pairwise distinct values on a grid of step 1/64 in [lo, hi]; every two differ by at
 * least 1/64 ≫ the finite-difference step, so max/min/maximum/comparisons never see a tie
 * and no perturbation crosses one. Drawn jointly across all inputs of an op.
 */
export function distinct(lo: number, hi: number): Domain {
  return (n) =>
    fc.uniqueArray(fc.integer({ min: Math.ceil(lo * 64), max: Math.floor(hi * 64) }), exactly(n)).map((a) => a.map((v) => v / 64));
}

/** Non-zero 0/1 masks (for `where`'s condition). */
export const mask: Domain = (n) => fc.array(fc.constantFrom(0, 1), exactly(n));

function size(s: Shape): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/** Tensors of `shapes` whose values are drawn jointly from `domain` (so `distinct` holds across them). */
export function tensorsArb(shapes: readonly Shape[], domain: Domain): fc.Arbitrary<Tensor[]> {
  const sizes = shapes.map(size);
  const total = sizes.reduce((a, b) => a + b, 0);
  return domain(total).map((vals) => {
    let k = 0;
    return shapes.map((s, i) => {
      const t = tensor(vals.slice(k, k + sizes[i]!), s);
      k += sizes[i]!;
      return t;
    });
  });
}

/** One tensor of `shape` from `domain`. */
export function tensorArb(shape: Shape, domain: Domain): fc.Arbitrary<Tensor> {
  return tensorsArb([shape], domain).map((ts) => ts[0]!);
}

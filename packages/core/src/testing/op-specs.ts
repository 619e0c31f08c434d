/**
 * The test spec of every op in `opTable`: arity, the domain its values come from, the
 * attribute generator (with the input shapes, since they depend on each other), how to
 * call it through the public API, and a required reference for its forward (a scalar
 * function such as `Math.atan` for elementwise ops, a plain loop from reference.ts for the
 * rest). `ops/table.test.ts` walks `opTable` for the VJPs and `ops/forward.test.ts` for the
 * forwards, and both fail for any op without an entry here, so a new op is covered the day
 * it is added (and the `{ [K in OpName]: OpSpec }` type makes a missing entry a type error too).
 */
import fc from 'fast-check';
import {
  type OpName, type Shape, type SliceRange, type Tensor, Tensor as TensorClass, zeros as zerosOf,
  add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, log1p, sqrt, square, sin, cos, tanh,
  sigmoid, relu, leakyRelu, softplus, greater, greaterEqual, equal, step, sign, where,
  reshape, transpose, broadcastTo, named, slice, pad, concat, take, scatterAdd, sum, max, min, logSumExp, matmul,
} from '../index.js';
// The fused VJP kernels are table entries but not public API.
import { tanhGrad } from '../ops/elementwise.js';
import { sigmoidGrad } from '../ops/activation.js';
import { naiveConcat, naiveElementwise, naiveMatmulAny, naivePad, naiveReduce, naiveScatterAdd, naiveSlice, naiveTake, naiveTranspose } from './reference.js';
import {
  type Domain, awayFromZero, broadcastableTo, broadcastingShapes, dimArb, distinct, interval, mask, shapeArb, tensorsArb,
} from './arbitraries.js';

/** One generated application of an op. */
export interface OpCase {
  readonly inputs: readonly Tensor[];
  /** Inputs the op is differentiable in (`where`'s condition is not). */
  readonly diff: readonly boolean[];
  readonly call: (xs: readonly Tensor[]) => Tensor;
  /** The attributes, for failure messages. */
  readonly attrs: unknown;
  /** The op's forward on `xs` (with this case's attributes) by an independent plain loop. */
  readonly reference: (xs: readonly Tensor[]) => Tensor;
}

/**
 * How a forward must agree with its reference: bit for bit; within `tol` relative
 * (`|got - want| <= tol (1 + |want|)`), for kernels that use another but equally exact
 * formula; or within `tol` times the reference on |inputs| (`Σ|x|`, `Σ|a||b|`), for sums
 * an optimised kernel may reorder (recursive summation of n terms errs by (n-1) ε Σ|x|).
 */
export type Agreement = { readonly kind: 'exact' } | { readonly kind: 'relative' | 'sum'; readonly tol: number };

/** An elementwise op's scalar reference, for the forward test on a grid with ties, zeros and NaN. */
export interface Elementwise {
  readonly arity: 1 | 2;
  readonly call: (...xs: Tensor[]) => Tensor;
  readonly scalar: (...v: number[]) => number;
}

export interface OpSpec {
  readonly arity: number | 'variadic';
  /** The value domain in words; `values` below implements it. */
  readonly domain: string;
  /** `none`: piecewise constant, so the pullback must be exactly zero (no gradient). */
  readonly gradient: 'differentiable' | 'none';
  readonly cases: fc.Arbitrary<OpCase>;
  readonly agreement: Agreement;
  readonly elementwise?: Elementwise;
}

interface Layout<A> {
  readonly shapes: readonly Shape[];
  readonly attrs: A;
}

function spec<A>(s: {
  arity: number | 'variadic';
  domain: string;
  /** One domain drawn jointly over all inputs (so `distinct` holds across them), or one per input. */
  values: Domain | readonly Domain[];
  /** Input shapes together with the attributes (either may depend on the other). */
  layout: fc.Arbitrary<Layout<A>>;
  call: (xs: readonly Tensor[], attrs: A) => Tensor;
  /** Required: the forward by a plain loop, which shares no code with the kernel. */
  reference: (xs: readonly Tensor[], attrs: A) => Tensor;
  agreement?: Agreement;
  elementwise?: Elementwise;
  diff?: readonly boolean[];
  gradient?: 'none';
}): OpSpec {
  const cases = s.layout.chain(({ shapes, attrs }) => {
    const values = s.values;
    const inputs: fc.Arbitrary<Tensor[]> = Array.isArray(values)
      ? fc.tuple(...shapes.map((sh, i) => tensorsArb([sh], values[i]!))).map((ts) => ts.map((t) => t[0]!))
      : tensorsArb(shapes, values as Domain);
    return inputs.map(
      (xs): OpCase => ({
        inputs: xs,
        diff: s.diff ?? xs.map(() => true),
        call: (ys) => s.call(ys, attrs),
        attrs,
        reference: (ys) => s.reference(ys, attrs),
      }),
    );
  });
  return {
    arity: s.arity,
    domain: s.domain,
    gradient: s.gradient ?? 'differentiable',
    cases,
    agreement: s.agreement ?? exact,
    ...(s.elementwise ? { elementwise: s.elementwise } : {}),
  };
}

const exact: Agreement = { kind: 'exact' };

const noAttrs = (shapes: fc.Arbitrary<number[][]>): fc.Arbitrary<Layout<undefined>> => shapes.map((sh) => ({ shapes: sh, attrs: undefined }));
const unaryLayout = noAttrs(shapeArb(0, 3).map((s) => [s]));
const binaryLayout = noAttrs(broadcastingShapes(2));

interface ElementwiseOptions {
  readonly gradient?: 'none';
  readonly agreement?: Agreement;
}

const unary = (domain: string, values: Domain, f: (x: Tensor) => Tensor, scalar: (v: number) => number, o: ElementwiseOptions = {}): OpSpec =>
  spec({
    arity: 1, domain, values, layout: unaryLayout, call: ([x]) => f(x!),
    reference: (xs) => naiveElementwise(xs, scalar), elementwise: { arity: 1, call: f, scalar }, ...o,
  });

const binary = (domain: string, values: Domain | readonly Domain[], f: (a: Tensor, b: Tensor) => Tensor, scalar: (a: number, b: number) => number, o: ElementwiseOptions = {}): OpSpec =>
  spec({
    arity: 2, domain, values, layout: binaryLayout, call: ([a, b]) => f(a!, b!),
    reference: (xs) => naiveElementwise(xs, scalar), elementwise: { arity: 2, call: f, scalar }, ...o,
  });

// Values one grid step (1/64) apart at least: no ties for max/min/maximum/comparisons.
const noTies = distinct(-4, 4);
// |x| >= 0.05, far beyond the finite-difference step: no kink of relu/abs/step/sign is crossed.
const offKink = awayFromZero(0.05, 3);

/** Reduction layout: every rank 0..3, axes undefined (all) or a subset given as positive or negative indices, keepDims. */
const reduceLayout = shapeArb(0, 3).chain((s) =>
  fc
    .record({
      axes: fc.option(fc.subarray(s.map((_, i) => i)), { nil: undefined }),
      negative: fc.boolean(),
      keepDims: fc.boolean(),
    })
    .map(({ axes, negative, keepDims }) => ({
      shapes: [s],
      attrs: { axes: axes && negative ? axes.map((a) => a - s.length) : axes, keepDims },
    })),
);

/** A fold for naiveReduce: start value, step, and an optional finish. */
interface Fold {
  readonly init: number;
  readonly step: (acc: number, v: number) => number;
  readonly finish?: (acc: number) => number;
}

const reduction = (domain: string, values: Domain, f: (x: Tensor, axes: number[] | undefined, keepDims: boolean) => Tensor, fold: Fold, agreement?: Agreement): OpSpec =>
  spec({
    arity: 1, domain, values, layout: reduceLayout, call: ([x], { axes, keepDims }) => f(x!, axes, keepDims),
    reference: ([x], { axes, keepDims }) => naiveReduce(x!, axes, keepDims, fold.init, fold.step, fold.finish),
    ...(agreement ? { agreement } : {}),
  });

// NaN propagates through max and min, as in the kernels (and NumPy).
const pick = (better: (a: number, b: number) => boolean) => (acc: number, v: number): number =>
  Number.isNaN(acc) || Number.isNaN(v) ? NaN : better(v, acc) ? v : acc;
const σ = (v: number): number => 1 / (1 + Math.exp(-v));
const nanMax = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const nanMin = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
// Two exact formulas for one value differ by a few ulp: 1e-15 relative is 4.5 ulp.
const fewUlp: Agreement = { kind: 'relative', tol: 1e-15 };
// Sums of at most 64 terms here: (n-1)·ε·Σ|x| <= 63 · 1.1e-16 · Σ|x| < 1e-14 · Σ|x|.
const reordered: Agreement = { kind: 'sum', tol: 1e-14 };

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export const opSpecs: { readonly [K in OpName]: OpSpec } = {
  add: binary('[-2, 2]', interval(-2, 2), add, (a, b) => a + b),
  sub: binary('[-2, 2]', interval(-2, 2), sub, (a, b) => a - b),
  mul: binary('[-2, 2]', interval(-2, 2), mul, (a, b) => a * b),
  div: binary('a in [-2, 2], |b| in [0.5, 2]', [interval(-2, 2), awayFromZero(0.5, 2)], div, (a, b) => a / b),
  pow: binary('base in [0.5, 2.5] (positive, so d/db = a^b ln a exists), exponent in [-2, 2]', [interval(0.5, 2.5), interval(-2, 2)], pow, Math.pow),
  maximum: binary('distinct values in [-4, 4] (no ties)', noTies, maximum, nanMax),
  minimum: binary('distinct values in [-4, 4] (no ties)', noTies, minimum, nanMin),
  neg: unary('[-3, 3]', interval(-3, 3), neg, (v) => -v),
  abs: unary('|x| in [0.05, 3] (off the kink)', offKink, abs, Math.abs),
  exp: unary('[-2, 2]', interval(-2, 2), exp, Math.exp),
  log: unary('[0.2, 4] (away from 0)', interval(0.2, 4), log, Math.log),
  log1p: unary('[-0.7, 3] (away from -1)', interval(-0.7, 3), log1p, Math.log1p),
  sqrt: unary('[0.2, 4] (away from 0)', interval(0.2, 4), sqrt, Math.sqrt),
  square: unary('[-3, 3]', interval(-3, 3), square, (v) => v * v),
  sin: unary('[-4, 4]', interval(-4, 4), sin, Math.sin),
  cos: unary('[-4, 4]', interval(-4, 4), cos, Math.cos),
  tanh: unary('[-3, 3]', interval(-3, 3), tanh, Math.tanh),
  tanhGrad: binary('g in [-2, 2], y in [-1, 1] (a tanh output)', [interval(-2, 2), interval(-1, 1)], tanhGrad, (g, y) => g * (1 - y * y)),
  sigmoid: unary('[-6, 6]', interval(-6, 6), sigmoid, σ, { agreement: fewUlp }),
  sigmoidGrad: binary('g in [-2, 2], y in [0, 1] (a sigmoid output)', [interval(-2, 2), interval(0, 1)], sigmoidGrad, (g, y) => g * y * (1 - y)),
  relu: unary('|x| in [0.05, 3] (off the kink)', offKink, relu, (v) => (v > 0 || Number.isNaN(v) ? v : 0)), // relu keeps NaN
  leakyRelu: spec({
    arity: 1,
    domain: '|x| in [0.05, 3] (off the kink); alpha in [0, 0.5]',
    values: offKink,
    layout: shapeArb(0, 3).chain((s) => fc.double({ min: 0, max: 0.5, noNaN: true }).map((alpha) => ({ shapes: [s], attrs: alpha }))),
    call: ([x], alpha) => leakyRelu(x!, alpha),
    reference: (xs, alpha) => naiveElementwise(xs, (v) => (v > 0 ? v : alpha * v)),
    elementwise: { arity: 1, call: (x) => leakyRelu(x, 0.1), scalar: (v) => (v > 0 ? v : 0.1 * v) },
  }),
  softplus: unary('[-6, 6]', interval(-6, 6), softplus, (v) => Math.log1p(Math.exp(v)), { agreement: fewUlp }),
  greater: binary('distinct values (no ties)', noTies, greater, (a, b) => (a > b ? 1 : 0), { gradient: 'none' }),
  greaterEqual: binary('distinct values (no ties)', noTies, greaterEqual, (a, b) => (a >= b ? 1 : 0), { gradient: 'none' }),
  equal: binary('distinct values (no ties)', noTies, equal, (a, b) => (a === b ? 1 : 0), { gradient: 'none' }),
  step: unary('|x| in [0.05, 3] (off the jump)', offKink, step, (v) => (v > 0 ? 1 : 0), { gradient: 'none' }),
  sign: unary('|x| in [0.05, 3] (off the jump)', offKink, sign, Math.sign, { gradient: 'none' }),
  where: spec({
    arity: 3,
    domain: 'cond a 0/1 mask (not differentiable); a, b in [-2, 2]; all three broadcast',
    values: [mask, interval(-2, 2), interval(-2, 2)],
    layout: noAttrs(broadcastingShapes(3)),
    diff: [false, true, true],
    call: ([c, a, b]) => where(c!, a!, b!),
    reference: (xs) => naiveElementwise(xs, (c, a, b) => (c !== 0 ? a : b)),
  }),
  named: spec({
    arity: 1,
    domain: '[-3, 3]; an identity that labels its input',
    values: interval(-3, 3),
    layout: unaryLayout,
    call: ([x]) => named(x!, 'z'),
    reference: ([x]) => new TensorClass(x!.data.slice(), x!.shape),
  }),
  reshape: spec({
    arity: 1,
    domain: '[-3, 3]; target: the dims shuffled plus a trailing 1, sometimes with one -1',
    values: interval(-3, 3),
    layout: shapeArb(0, 3).chain((s) =>
      fc
        .tuple(fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }), fc.boolean())
        .map(([dims, infer]) => ({ shapes: [s], attrs: [...dims, 1].map((d, i) => (infer && i === 0 ? -1 : d)) })),
    ),
    call: ([x], target) => reshape(x!, target),
    // Same values in row-major order; the -1 resolved from the other dimensions.
    reference: ([x], target) => {
      const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
      return new TensorClass(x!.data.slice(), target.map((d) => (d === -1 ? x!.size / known : d)));
    },
  }),
  transpose: spec({
    arity: 1,
    domain: '[-3, 3]; perm: a random non-identity permutation, or the default reversal',
    values: interval(-3, 3),
    layout: shapeArb(2, 4).chain((s) =>
      fc
        .option(fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }), { nil: undefined })
        .filter((p) => p === undefined || p.some((v, i) => v !== i))
        .map((perm) => ({ shapes: [s], attrs: perm })),
    ),
    call: ([x], perm) => transpose(x!, perm),
    reference: ([x], perm) => naiveTranspose(x!, perm ?? x!.shape.map((_, i) => x!.shape.length - 1 - i)),
  }),
  broadcastTo: spec({
    arity: 1,
    domain: '[-3, 3]; x made from the target by dropping leading axes and setting axes to 1',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((target) =>
      broadcastableTo(target)
        .filter((s) => !sameShape(s, target))
        .map((s) => ({ shapes: [s], attrs: target })),
    ),
    call: ([x], target) => broadcastTo(x!, target),
    reference: ([x], target) => naiveElementwise([x!, zerosOf(target)], (v) => v),
  }),
  slice: spec({
    arity: 1,
    domain: '[-3, 3]; a range per axis (sometimes null, sometimes negative, sometimes with a step -3..3), not the whole tensor',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((s) =>
      fc
        .tuple(
          ...s.map((d) =>
            fc.option(
              fc
                .tuple(fc.integer({ min: 0, max: d }), fc.integer({ min: 0, max: d }), fc.boolean(), fc.integer({ min: -3, max: 3 }))
                .map(([p, q, negative, step]): SliceRange => {
                  const [lo, hi] = p <= q ? [p, q] : [q, p];
                  if (step < 0) {
                    // Backwards from hi - 1 down to just above lo - 1; through element 0 is end -(d + 1).
                    if (hi === lo) return [lo, lo, step];
                    const end = lo === 0 ? -(d + 1) : negative ? lo - 1 - d : lo - 1;
                    return [hi - 1, end, step];
                  }
                  const start = negative && lo > 0 ? lo - d : lo;
                  // step 0 here means "no step entry": the two-entry form.
                  return step === 0 ? [start, hi] : [start, hi, step];
                }),
              { nil: null },
            ),
          ),
        )
        .filter((ranges) => ranges.some((r, i) => r !== null && !(r[0] === 0 && r[1] === s[i] && (r[2] ?? 1) === 1)))
        .map((ranges): Layout<SliceRange[]> => ({ shapes: [s], attrs: ranges })),
    ),
    call: ([x], ranges) => slice(x!, ranges),
    reference: ([x], ranges) =>
      naiveSlice(x!, x!.shape.map((d, i): readonly [number, number, number] => {
        const r = ranges[i];
        return r === null || r === undefined ? [0, d, 1] : [r[0] < 0 ? r[0] + d : r[0], r[1] < 0 ? r[1] + d : r[1], r[2] ?? 1];
      })),
  }),
  pad: spec({
    arity: 1,
    domain: '[-3, 3]; widths [0..2, 0..2] per axis, not all zero',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((s) =>
      fc
        .array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: s.length, maxLength: s.length })
        .filter((w) => w.some(([a, b]) => a + b > 0))
        .map((widths) => ({ shapes: [s], attrs: widths })),
    ),
    call: ([x], widths) => pad(x!, widths),
    reference: ([x], widths) => naivePad(x!, widths),
  }),
  concat: spec({
    arity: 'variadic',
    domain: '[-3, 3]; 2 or 3 tensors differing only along the (possibly negative) axis',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((base) =>
      fc
        .record({
          axis: fc.integer({ min: 0, max: base.length - 1 }),
          negative: fc.boolean(),
          sizes: fc.array(dimArb, { minLength: 2, maxLength: 3 }),
        })
        .map(({ axis, negative, sizes }) => ({
          shapes: sizes.map((n) => base.map((d, i) => (i === axis ? n : d))),
          attrs: negative ? axis - base.length : axis,
        })),
    ),
    call: (xs, axis) => concat(xs, axis),
    reference: (xs, axis) => naiveConcat(xs, axis < 0 ? axis + xs[0]!.shape.length : axis),
  }),
  take: spec({
    arity: 1,
    domain: '[-3, 3]; 1..5 row indices with repeats',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((s) =>
      fc.array(fc.integer({ min: 0, max: s[0]! - 1 }), { minLength: 1, maxLength: 5 }).map((indices) => ({ shapes: [s], attrs: indices })),
    ),
    call: ([x], indices) => take(x!, indices),
    reference: ([x], indices) => naiveTake(x!, indices),
  }),
  scatterAdd: spec({
    arity: 1,
    domain: '[-3, 3]; one target row in [0, rows) per input row, with repeats',
    values: interval(-3, 3),
    layout: fc.tuple(shapeArb(1, 3), dimArb).chain(([s, rows]) =>
      fc
        .array(fc.integer({ min: 0, max: rows - 1 }), { minLength: s[0]!, maxLength: s[0]! })
        .map((indices) => ({ shapes: [s], attrs: { indices, rows } })),
    ),
    call: ([x], { indices, rows }) => scatterAdd(x!, indices, rows),
    reference: ([x], { indices, rows }) => naiveScatterAdd(x!, indices, rows),
  }),
  sum: reduction('[-3, 3]', interval(-3, 3), sum, { init: 0, step: (s, v) => s + v }, reordered),
  max: reduction('distinct values (a unique maximum in every slice)', noTies, max, { init: -Infinity, step: pick((a, b) => a > b) }),
  min: reduction('distinct values (a unique minimum in every slice)', noTies, min, { init: Infinity, step: pick((a, b) => a < b) }),
  // |x| <= 3: no overflow, so log Σ e^x directly; the kernel's max shift changes the rounding only.
  logSumExp: reduction('[-3, 3]', interval(-3, 3), logSumExp, { init: 0, step: (s, v) => s + Math.exp(v), finish: Math.log }, { kind: 'relative', tol: 1e-14 }),
  matmul: spec({
    arity: 2,
    domain: '[-2, 2]; [m,k]@[k,n], matrix@vector, vector@matrix, vector@vector, each transpose flag',
    values: interval(-2, 2),
    layout: fc
      .record({ m: dimArb, k: dimArb, n: dimArb, rankA: fc.constantFrom(1, 2), rankB: fc.constantFrom(1, 2), transA: fc.boolean(), transB: fc.boolean() })
      .map(({ m, k, n, rankA, rankB, transA, transB }) => ({
        shapes: [rankA === 1 ? [k] : transA ? [k, m] : [m, k], rankB === 1 ? [k] : transB ? [n, k] : [k, n]],
        attrs: { transA, transB },
      })),
    call: ([a, b], flags) => matmul(a!, b!, flags),
    reference: ([a, b], { transA, transB }) => naiveMatmulAny(a!, b!, transA, transB),
    agreement: reordered, // a blocked kernel reorders the k-sum (k <= 4 here)
  }),
};

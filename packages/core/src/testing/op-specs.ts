/**
 * The test spec of every op in `opTable`: arity, the domain its values come from, the
 * attribute generator (with the input shapes, since they depend on each other) and how
 * to call it through the public API. `ops/table.test.ts` walks `opTable` and fails for
 * any op without an entry here, so a new op is covered the day it is added (and the
 * `Record<OpName, ...>` type makes a missing entry a type error too).
 */
import fc from 'fast-check';
import {
  type OpName, type Shape, type SliceRange, type Tensor,
  add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, log1p, sqrt, square, sin, cos, tanh,
  sigmoid, relu, leakyRelu, softplus, greater, greaterEqual, equal, step, sign, where,
  reshape, transpose, broadcastTo, slice, pad, concat, take, scatterAdd, sum, max, min, logSumExp, matmul,
} from '../index.js';
// The fused VJP kernels are table entries but not public API.
import { tanhGrad } from '../ops/elementwise.js';
import { sigmoidGrad } from '../ops/activation.js';
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
}

export interface OpSpec {
  readonly arity: number | 'variadic';
  /** The value domain in words; `values` below implements it. */
  readonly domain: string;
  /** `none`: piecewise constant, so the pullback must be exactly zero (no gradient). */
  readonly gradient: 'differentiable' | 'none';
  readonly cases: fc.Arbitrary<OpCase>;
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
      }),
    );
  });
  return { arity: s.arity, domain: s.domain, gradient: s.gradient ?? 'differentiable', cases };
}

const noAttrs = (shapes: fc.Arbitrary<number[][]>): fc.Arbitrary<Layout<undefined>> => shapes.map((sh) => ({ shapes: sh, attrs: undefined }));
const unaryLayout = noAttrs(shapeArb(0, 3).map((s) => [s]));
const binaryLayout = noAttrs(broadcastingShapes(2));

const unary = (domain: string, values: Domain, f: (x: Tensor) => Tensor, gradient?: 'none'): OpSpec =>
  spec({ arity: 1, domain, values, layout: unaryLayout, call: ([x]) => f(x!), ...(gradient ? { gradient } : {}) });

const binary = (domain: string, values: Domain | readonly Domain[], f: (a: Tensor, b: Tensor) => Tensor, gradient?: 'none'): OpSpec =>
  spec({ arity: 2, domain, values, layout: binaryLayout, call: ([a, b]) => f(a!, b!), ...(gradient ? { gradient } : {}) });

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

const reduction = (domain: string, values: Domain, f: (x: Tensor, axes: number[] | undefined, keepDims: boolean) => Tensor): OpSpec =>
  spec({ arity: 1, domain, values, layout: reduceLayout, call: ([x], { axes, keepDims }) => f(x!, axes, keepDims) });

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export const opSpecs: { readonly [K in OpName]: OpSpec } = {
  add: binary('[-2, 2]', interval(-2, 2), add),
  sub: binary('[-2, 2]', interval(-2, 2), sub),
  mul: binary('[-2, 2]', interval(-2, 2), mul),
  div: binary('a in [-2, 2], |b| in [0.5, 2]', [interval(-2, 2), awayFromZero(0.5, 2)], div),
  pow: binary('base in [0.5, 2.5] (positive, so d/db = a^b ln a exists), exponent in [-2, 2]', [interval(0.5, 2.5), interval(-2, 2)], pow),
  maximum: binary('distinct values in [-4, 4] (no ties)', noTies, maximum),
  minimum: binary('distinct values in [-4, 4] (no ties)', noTies, minimum),
  neg: unary('[-3, 3]', interval(-3, 3), neg),
  abs: unary('|x| in [0.05, 3] (off the kink)', offKink, abs),
  exp: unary('[-2, 2]', interval(-2, 2), exp),
  log: unary('[0.2, 4] (away from 0)', interval(0.2, 4), log),
  log1p: unary('[-0.7, 3] (away from -1)', interval(-0.7, 3), log1p),
  sqrt: unary('[0.2, 4] (away from 0)', interval(0.2, 4), sqrt),
  square: unary('[-3, 3]', interval(-3, 3), square),
  sin: unary('[-4, 4]', interval(-4, 4), sin),
  cos: unary('[-4, 4]', interval(-4, 4), cos),
  tanh: unary('[-3, 3]', interval(-3, 3), tanh),
  tanhGrad: binary('g in [-2, 2], y in [-1, 1] (a tanh output)', [interval(-2, 2), interval(-1, 1)], tanhGrad),
  sigmoid: unary('[-6, 6]', interval(-6, 6), sigmoid),
  sigmoidGrad: binary('g in [-2, 2], y in [0, 1] (a sigmoid output)', [interval(-2, 2), interval(0, 1)], sigmoidGrad),
  relu: unary('|x| in [0.05, 3] (off the kink)', offKink, relu),
  leakyRelu: spec({
    arity: 1,
    domain: '|x| in [0.05, 3] (off the kink); alpha in [0, 0.5]',
    values: offKink,
    layout: shapeArb(0, 3).chain((s) => fc.double({ min: 0, max: 0.5, noNaN: true }).map((alpha) => ({ shapes: [s], attrs: alpha }))),
    call: ([x], alpha) => leakyRelu(x!, alpha),
  }),
  softplus: unary('[-6, 6]', interval(-6, 6), softplus),
  greater: binary('distinct values (no ties)', noTies, greater, 'none'),
  greaterEqual: binary('distinct values (no ties)', noTies, greaterEqual, 'none'),
  equal: binary('distinct values (no ties)', noTies, equal, 'none'),
  step: unary('|x| in [0.05, 3] (off the jump)', offKink, step, 'none'),
  sign: unary('|x| in [0.05, 3] (off the jump)', offKink, sign, 'none'),
  where: spec({
    arity: 3,
    domain: 'cond a 0/1 mask (not differentiable); a, b in [-2, 2]; all three broadcast',
    values: [mask, interval(-2, 2), interval(-2, 2)],
    layout: noAttrs(broadcastingShapes(3)),
    diff: [false, true, true],
    call: ([c, a, b]) => where(c!, a!, b!),
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
  }),
  slice: spec({
    arity: 1,
    domain: '[-3, 3]; a range per axis (sometimes null, sometimes negative), not the whole tensor',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((s) =>
      fc
        .tuple(
          ...s.map((d) =>
            fc.option(
              fc
                .tuple(fc.integer({ min: 0, max: d }), fc.integer({ min: 0, max: d }), fc.boolean())
                .map(([p, q, negative]): readonly [number, number] => {
                  const [lo, hi] = p <= q ? [p, q] : [q, p];
                  return negative && lo > 0 ? [lo - d, hi] : [lo, hi];
                }),
              { nil: null },
            ),
          ),
        )
        .filter((ranges) => ranges.some((r, i) => r !== null && !(r[0] === 0 && r[1] === s[i])))
        .map((ranges): Layout<SliceRange[]> => ({ shapes: [s], attrs: ranges })),
    ),
    call: ([x], ranges) => slice(x!, ranges),
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
  }),
  take: spec({
    arity: 1,
    domain: '[-3, 3]; 1..5 row indices with repeats',
    values: interval(-3, 3),
    layout: shapeArb(1, 3).chain((s) =>
      fc.array(fc.integer({ min: 0, max: s[0]! - 1 }), { minLength: 1, maxLength: 5 }).map((indices) => ({ shapes: [s], attrs: indices })),
    ),
    call: ([x], indices) => take(x!, indices),
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
  }),
  sum: reduction('[-3, 3]', interval(-3, 3), sum),
  max: reduction('distinct values (a unique maximum in every slice)', noTies, max),
  min: reduction('distinct values (a unique minimum in every slice)', noTies, min),
  logSumExp: reduction('[-3, 3]', interval(-3, 3), logSumExp),
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
  }),
};

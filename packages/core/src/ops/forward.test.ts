/**
 * Forward values on random shapes against the plain multi-index loops of
 * testing/reference.ts. The dot-product property checks each VJP against its own forward;
 * this checks the forward itself, so a kernel fast path (merged strides, blocking,
 * unrolling) that breaks an edge case of broadcasting, reduction or layout shows up here,
 * and so does a wrong kernel with an equally wrong VJP. Every op in the table is checked
 * against the reference its spec must give (testing/op-specs.ts): no hand-kept list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Tensor, abs, broadcastTo, concat, logSumExp, matmul, max, min, opTable, sigmoid, slice, softplus, sum, take, tensor, transpose, where, zeros,
} from '../index.js';
import { type Agreement, type OpSpec, opSpecs } from '../testing/op-specs.js';
import { broadcastingShapes, dimArb, interval, mask, shapeArb, tensorArb, tensorsArb } from '../testing/arbitraries.js';
import { naiveElementwise, naiveMatmul, naiveReduce, naiveTranspose, ravel, unravel } from '../testing/reference.js';

/** Identical IEEE results: same shape, same values, NaN where NaN. */
function expectSame(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
}

/**
 * Sums may be reordered by an optimised kernel. Recursive summation of n terms is off by at
 * most (n-1)·ε_mach·Σ|x|; with n <= 64 here, 1e-14·Σ|x| bounds it.
 */
function expectSumClose(actual: Tensor, expected: Tensor, absScale: Tensor, tol = 1e-14): void {
  expect(actual.shape).toEqual(expected.shape);
  for (let k = 0; k < expected.size; k++) {
    expect(Math.abs(actual.data[k]! - expected.data[k]!)).toBeLessThanOrEqual(tol * absScale.data[k]!);
  }
}

// Values from a small grid (plus 0, negatives and the odd NaN) so ties, zeros and NaN occur.
const gridValues = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -8, max: 8 }).map((v) => v / 4) }, { weight: 1, arbitrary: fc.constant(NaN) }), {
    minLength: n,
    maxLength: n,
  });

function expectAgree(actual: Tensor, expected: Tensor, agreement: Agreement, absScale: () => Tensor): void {
  if (agreement.kind === 'exact') return expectSame(actual, expected);
  if (agreement.kind === 'sum') return expectSumClose(actual, expected, absScale(), agreement.tol);
  expect(actual.shape).toEqual(expected.shape);
  for (let k = 0; k < expected.size; k++) {
    const want = expected.data[k]!;
    if (Number.isNaN(want)) expect(actual.data[k]).toBeNaN();
    else expect(Math.abs(actual.data[k]! - want)).toBeLessThanOrEqual(agreement.tol * (1 + Math.abs(want)));
  }
}

const specs: Readonly<Record<string, OpSpec | undefined>> = opSpecs;
const elementwise = Object.entries(opSpecs).flatMap(([name, s]) => (s.elementwise ? [[name, s.elementwise] as const] : []));

describe('every op against its spec reference, on its spec cases', () => {
  it.each(Object.keys(opTable))('%s', (name) => {
    const spec = specs[name];
    if (spec === undefined) throw new Error(`op '${name}' has no spec in testing/op-specs.ts, so its forward has no reference; add one`);
    fc.assert(
      fc.property(spec.cases, (c) => expectAgree(c.call(c.inputs), c.reference(c.inputs), spec.agreement, () => c.reference(c.inputs.map((x) => abs(x))))),
      { numRuns: 30 },
    );
  });

  it('covers the elementwise ops on a grid too', () => {
    expect(elementwise.length).toBeGreaterThanOrEqual(25);
  });
});

describe('elementwise forward on random shapes', () => {
  it.each(elementwise.filter(([, e]) => e.arity === 1))('%s matches its scalar reference elementwise, NaN included', (name, e) => {
    const agreement = specs[name]!.agreement;
    fc.assert(
      fc.property(shapeArb(0, 4).chain((s) => tensorArb(s, gridValues)), (x) => expectAgree(e.call(x), naiveElementwise([x], e.scalar), agreement, () => x)),
      { numRuns: 25 },
    );
  });

  it('sigmoid and softplus match their closed forms to 1e-15 relative', () => {
    fc.assert(
      fc.property(shapeArb(0, 3).chain((s) => tensorArb(s, interval(-30, 30))), (x) => {
        const s = sigmoid(x);
        const sp = softplus(x);
        for (let k = 0; k < x.size; k++) {
          const v = x.data[k]!;
          const es = 1 / (1 + Math.exp(-v));
          const esp = Math.log1p(Math.exp(v));
          expect(Math.abs(s.data[k]! - es)).toBeLessThanOrEqual(1e-15 * es);
          expect(Math.abs(sp.data[k]! - esp)).toBeLessThanOrEqual(1e-15 * esp);
        }
      }),
      { numRuns: 25 },
    );
  });

  it.each(elementwise.filter(([, e]) => e.arity === 2))('%s broadcasts like NumPy', (name, e) => {
    const agreement = specs[name]!.agreement;
    fc.assert(
      fc.property(broadcastingShapes(2, 4).chain((shapes) => tensorsArb(shapes, gridValues)), ([a, b]) =>
        expectAgree(e.call(a!, b!), naiveElementwise([a!, b!], e.scalar), agreement, () => a!),
      ),
      { numRuns: 40 },
    );
  });

  it('broadcastTo repeats like NumPy', () => {
    const arb = broadcastingShapes(2, 4).chain((shapes) => tensorArb(shapes[0]!, gridValues).map((x) => ({ x, target: shapes[1]! })));
    fc.assert(
      fc.property(arb, ({ x, target }) => {
        const full = naiveElementwise([x, zeros(target)], (v) => v);
        expectSame(broadcastTo(x, full.shape), full);
      }),
      { numRuns: 40 },
    );
  });

  it('where broadcasts cond, a and b together', () => {
    const arb = broadcastingShapes(3, 4).chain((shapes) =>
      fc.tuple(tensorArb(shapes[0]!, mask), tensorArb(shapes[1]!, gridValues), tensorArb(shapes[2]!, gridValues)),
    );
    fc.assert(fc.property(arb, ([c, a, b]) => expectSame(where(c, a, b), naiveElementwise([c, a, b], (cv, av, bv) => (cv !== 0 ? av : bv)))), { numRuns: 40 });
  });
});

describe('reductions on random shapes and axes', () => {
  const layout = shapeArb(0, 3).chain((s) =>
    fc.record({
      x: tensorArb(s, interval(-3, 3)),
      axes: fc.option(fc.subarray(s.map((_, i) => i)), { nil: undefined }),
      keepDims: fc.boolean(),
    }),
  );

  it('sum within the summation error bound', () => {
    fc.assert(
      fc.property(layout, ({ x, axes, keepDims }) => {
        const scale = naiveReduce(abs(x), axes, keepDims, 0, (s, v) => s + v);
        expectSumClose(sum(x, axes, keepDims), naiveReduce(x, axes, keepDims, 0, (s, v) => s + v), scale);
      }),
      { numRuns: 60 },
    );
  });

  it('max and min exactly, NaN included', () => {
    const withNaN = shapeArb(1, 4).chain((s) =>
      fc.record({ x: tensorArb(s, gridValues), axes: fc.option(fc.subarray(s.map((_, i) => i)), { nil: undefined }), keepDims: fc.boolean() }),
    );
    const pick = (better: (a: number, b: number) => boolean) => (acc: number, v: number) => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : better(v, acc) ? v : acc);
    fc.assert(
      fc.property(withNaN, ({ x, axes, keepDims }) => {
        expectSame(max(x, axes, keepDims), naiveReduce(x, axes, keepDims, -Infinity, pick((a, b) => a > b)));
        expectSame(min(x, axes, keepDims), naiveReduce(x, axes, keepDims, Infinity, pick((a, b) => a < b)));
      }),
      { numRuns: 60 },
    );
  });

  it('logSumExp matches log Σ e^x (no overflow in this range) to 1e-14', () => {
    fc.assert(
      fc.property(layout, ({ x, axes, keepDims }) => {
        const expected = naiveReduce(x, axes, keepDims, 0, (s, v) => s + Math.exp(v), (s) => Math.log(s));
        const got = logSumExp(x, axes, keepDims);
        expect(got.shape).toEqual(expected.shape);
        for (let k = 0; k < got.size; k++) expect(Math.abs(got.data[k]! - expected.data[k]!)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(expected.data[k]!)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('layout ops on random shapes', () => {
  it('transpose with any permutation', () => {
    const arb = shapeArb(1, 5).chain((s) =>
      fc.record({ x: tensorArb(s, interval(-3, 3)), perm: fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }) }),
    );
    fc.assert(fc.property(arb, ({ x, perm }) => expectSame(transpose(x, perm), naiveTranspose(x, perm))), { numRuns: 60 });
  });

  it('slice reads the box it names', () => {
    const arb = shapeArb(1, 4).chain((s) =>
      fc.record({
        x: tensorArb(s, interval(-3, 3)),
        ranges: fc.tuple(...s.map((d) => fc.tuple(fc.integer({ min: 0, max: d }), fc.integer({ min: 0, max: d })).map(([p, q]): [number, number] => (p <= q ? [p, q] : [q, p])))),
      }),
    );
    fc.assert(
      fc.property(arb, ({ x, ranges }) => {
        const shape = ranges.map(([a, b]) => b - a);
        const data = new Float64Array(shape.reduce((p, d) => p * d, 1));
        for (let k = 0; k < data.length; k++) data[k] = x.data[ravel(unravel(k, shape).map((i, d) => i + ranges[d]![0]), x.shape)]!;
        expectSame(slice(x, ranges), tensor(data, shape));
      }),
      { numRuns: 60 },
    );
  });

  it('concat places each piece at its offset along the axis; take gathers rows', () => {
    const arb = shapeArb(1, 3).chain((base) =>
      fc.record({ axis: fc.integer({ min: 0, max: base.length - 1 }), sizes: fc.array(dimArb, { minLength: 1, maxLength: 4 }) }).chain(({ axis, sizes }) =>
        tensorsArb(sizes.map((n) => base.map((d, i) => (i === axis ? n : d))), interval(-3, 3)).map((xs) => ({ axis, xs })),
      ),
    );
    fc.assert(
      fc.property(arb, ({ axis, xs }) => {
        const out = concat(xs, axis);
        let offset = 0;
        for (const x of xs) {
          for (let k = 0; k < x.size; k++) {
            const idx = unravel(k, x.shape);
            idx[axis]! += offset;
            expect(out.data[ravel(idx, out.shape)]).toBe(x.data[k]);
          }
          offset += x.shape[axis]!;
        }
        expect(out.shape[axis]).toBe(offset);
        const rows = xs[0]!.shape[0]!;
        const indices = Array.from({ length: 5 }, (_, i) => (i * 7) % rows);
        const t = take(xs[0]!, indices);
        const rowSize = xs[0]!.size / rows;
        indices.forEach((r, i) => expect(Array.from(t.data.subarray(i * rowSize, (i + 1) * rowSize))).toEqual(Array.from(xs[0]!.data.subarray(r * rowSize, (r + 1) * rowSize))));
      }),
      { numRuns: 40 },
    );
  });

  it('matmul with every transpose flag, sizes up to 40 (past any block edge)', () => {
    const size = fc.integer({ min: 1, max: 40 });
    const arb = fc.record({ m: size, k: size, n: size, transA: fc.boolean(), transB: fc.boolean() }).chain(({ m, k, n, transA, transB }) =>
      fc.tuple(tensorArb(transA ? [k, m] : [m, k], interval(-2, 2)), tensorArb(transB ? [n, k] : [k, n], interval(-2, 2))).map(([a, b]) => ({ a, b, transA, transB })),
    );
    fc.assert(
      fc.property(arb, ({ a, b, transA, transB }) => {
        // Blocked kernels reorder the k-sum: bound the difference by 1e-14·Σ_p |a_ip b_pj|.
        expectSumClose(matmul(a, b, { transA, transB }), naiveMatmul(a, b, transA, transB), naiveMatmul(abs(a), abs(b), transA, transB));
      }),
      { numRuns: 25 },
    );
  });
});

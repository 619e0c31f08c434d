import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastTo, logSumExp, max, min, sub, tensor, transpose } from '../index.js';

// The kernels' fast paths (a reduction over the last axis, a column broadcast) must give the
// general strided path's bits: the same sums in the same order, NaN and ±Infinity included.
const value = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, -0));
const matrix = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).chain(([r, c]) =>
  fc.array(value, { minLength: r * c, maxLength: r * c }).map((v) => ({ r, c, v })),
);

function bits(a: Float64Array): string[] {
  return Array.from(a, (x) => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x)));
}

describe('kernel fast paths agree with the general path bit for bit', () => {
  it('max, min and logSumExp over the last axis vs over the first axis of the transpose', () => {
    fc.assert(
      fc.property(matrix, ({ r, c, v }) => {
        const x = tensor(v, [r, c]);
        const xt = transpose(x);
        expect(bits(max(x, 1).data)).toEqual(bits(max(xt, 0).data));
        expect(bits(min(x, 1).data)).toEqual(bits(min(xt, 0).data));
        expect(bits(logSumExp(x, 1, true).data)).toEqual(bits(logSumExp(xt, 0).data));
      }),
    );
  });

  it('a column broadcast ([r, c] with [r, 1]) vs the same values broadcast by the strided walk', () => {
    fc.assert(
      fc.property(matrix, ({ r, c, v }) => {
        const x = tensor(v, [r, c]);
        const col = tensor(v.slice(0, r), [r, 1]);
        // broadcastTo of a [1, r] row then transposed goes through the general strided copy.
        const wide = transpose(broadcastTo(tensor(v.slice(0, r), [1, r]), [c, r]));
        expect(bits(broadcastTo(col, [r, c]).data)).toEqual(bits(wide.data));
        expect(bits(sub(x, col).data)).toEqual(bits(sub(x, wide).data));
        expect(bits(sub(col, x).data)).toEqual(bits(sub(wide, x).data));
      }),
    );
  });
});

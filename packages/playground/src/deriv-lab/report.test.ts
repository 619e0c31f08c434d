import { describe, expect, it } from 'vitest';
import { fmtRanges, MAX_TICKS, niceTicks, yExtent } from './report.js';

describe('the plot scales', () => {
  it('ticks at round steps inside the range', () => {
    expect(niceTicks(-4, 4, 8)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect(niceTicks(-0.13, 1.21, 6)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    expect(niceTicks(0, 1e-3, 4)).toEqual([0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001]);
  });

  it('returns at once on a range too narrow for its floats, where counting ticks one by one never ended', () => {
    // [1, 1 + 2^-52]: the step is ~5e-17, the first tick index 2e16, where k++ leaves k unchanged.
    expect(niceTicks(1, 1.0000000000000002, 8)).toEqual([]);
    expect(niceTicks(1e300, 1e300 * (1 + 2 ** -52), 4)).toEqual([]);
    expect(niceTicks(3, 3, 4)).toEqual([]);
    expect(niceTicks(-Infinity, Infinity, 4)).toEqual([]);
    expect(niceTicks(0, NaN, 4)).toEqual([]);
    expect(niceTicks(-1e308, 1e308, 4)).toEqual([]);
    // More than MAX_TICKS asked for: refused, not a loop of a million.
    expect(niceTicks(0, 1e6, 1e6)).toEqual([]);
    expect(niceTicks(0, MAX_TICKS - 1, MAX_TICKS - 1)).toHaveLength(MAX_TICKS);
  });

  it('pads the finite values, and lets a pole go off the top instead of squashing the rest', () => {
    const unit = yExtent([Float64Array.of(0, 1), Float64Array.of(NaN, Infinity)]);
    expect(unit.lo).toBeCloseTo(-0.06, 15);
    expect(unit.hi).toBeCloseTo(1.06, 15);
    const withPole = Float64Array.from({ length: 400 }, (_, i) => (i === 200 ? 1e6 : Math.sin(i / 20)));
    const e = yExtent([withPole]);
    expect(e.hi).toBeLessThan(2);
    expect(e.lo).toBeLessThan(-0.9);
    const flat = yExtent([Float64Array.of(3, 3)]);
    expect(flat.lo).toBeCloseTo(1.88, 14);
    expect(flat.hi).toBeCloseTo(4.12, 14);
    expect(yExtent([Float64Array.of(NaN)])).toEqual({ lo: -1, hi: 1 });
  });
});

describe('fmtRanges', () => {
  it('writes each failing range, a single point as z = v, and counts the rest', () => {
    expect(fmtRanges([{ from: -3.99, to: -0.03 }, { from: 0.5, to: 0.5 }])).toBe('z in [-3.99, -0.03] and z = 0.5');
    const many = Array.from({ length: 6 }, (_, i) => ({ from: i, to: i }));
    expect(fmtRanges(many)).toBe('z = 0 and z = 1 and z = 2 and z = 3 and 2 more ranges');
  });
});

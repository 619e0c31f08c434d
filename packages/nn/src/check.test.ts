import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Tensor, ArgumentError, mul, sigmoid, sin, square, sub, sum, tanh, tensor } from '@tapegrad/core';
import { callWith } from '../../core/src/testing/untyped.js';
import { activations, checkActivation, checkLoss, defineActivation, defineLoss } from './index.js';
import { failingRanges, fmtRanges, toleranceRatio } from './tolerance.js';

/** The default probe grid of checkActivation, restated: 161 points in (-8, 8), off the integers. */
const grid = Array.from({ length: 161 }, (_, i) => -8 + (16 * (i + 0.5)) / 161 + 1e-3);
const sig = (z: number): number => 1 / (1 + Math.exp(-z));
const bump = (z: number, h: number): number => h * Math.exp(-(((z - 0.5) / 0.1) ** 2));

describe('tolerance: one definition of the error relative to the tolerance', () => {
  it('toleranceRatio is |u - v| / (atol + rtol·max(|u|, |v|)), 0 for equal values, Infinity for NaN', () => {
    expect(toleranceRatio(1, 1.1, 0, 0.05)).toBeCloseTo(2, 12); // 0.1 / 0.05
    expect(toleranceRatio(-4, 6, 0.5, 0)).toBe(10 / 3); // 10 / (0.5·6)
    expect(toleranceRatio(Infinity, Infinity, 0, 0)).toBe(0);
    expect(toleranceRatio(0, -0, 0, 0)).toBe(0);
    expect(toleranceRatio(NaN, NaN, 1, 1)).toBe(Infinity);
    expect(toleranceRatio(Infinity, 1, 1, 1)).toBe(Infinity);
    expect(toleranceRatio(1, 2, 0, 0)).toBe(Infinity);
  });

  it('failingRanges sorts by z and splits at a passing point; repeated z count once', () => {
    expect(failingRanges(Float64Array.of(3, 1, 2, 5, 4), Uint8Array.of(1, 1, 0, 1, 1))).toEqual([{ from: 1, to: 1 }, { from: 3, to: 5 }]);
    expect(failingRanges(Float64Array.of(1, 1, 2), Uint8Array.of(0, 1, 0))).toEqual([{ from: 1, to: 1 }]);
    expect(failingRanges(Float64Array.of(1, 2), Uint8Array.of(0, 0))).toEqual([]);
    expect(fmtRanges([{ from: 1, to: 1 }, { from: 0.31, to: 0.69 }])).toBe('z = 1 and z in [0.31, 0.69]');
    expect(fmtRanges([1, 2, 3, 4, 5, 6].map((v) => ({ from: v, to: v })))).toBe('z = 1 and z = 2 and z = 3 and z = 4 and 2 more ranges');
  });
});

describe('checkActivation: worst is relative to the tolerance', () => {
  it('an activation wrong only near z = 0.5 reports its worst point there and the failing range around it (issue 10)', () => {
    const act = defineActivation({ name: 'sigmoid-bump', f: sigmoid, df: (z) => sig(z) * (1 - sig(z)) + bump(z, 0.01) });
    const r = checkActivation(act);
    expect(r.ok).toBe(false);
    // Witness: with the analytic σ', a point fails when bump > 1e-9 + 1e-7·max(|df|, |σ'|), i.e. |z - 0.5| < ~0.36.
    const fails = grid.filter((z) => bump(z, 0.01) > 1e-9 + 1e-7 * (sig(z) * (1 - sig(z)) + bump(z, 0.01)));
    expect(fails.length).toBe(7);
    expect(r.failures).toBe(7);
    expect(r.ranges).toEqual([{ from: fails[0], to: fails[6] }]);
    expect(r.ranges[0]!.from).toBeCloseTo(0.199758, 6);
    expect(r.ranges[0]!.to).toBeCloseTo(0.796031, 6);
    // The grid point nearest 0.5 is 0.497894; the bump there is 0.01·e^(-0.00044).
    expect(r.worst.z).toBeCloseTo(0.497894, 6);
    expect(r.worst.df - r.worst.tape).toBeCloseTo(bump(r.worst.z, 0.01), 12);
    expect(r.toString()).toMatch(/DISAGREES with the tape at 7 of 161 points; fails for z in \[0.199758, 0.796031\]; worst at z = 0.497894: df = 0.24512, tape = 0.235125 \(391798× the tolerance of rtol 1e-7, atol 1e-9; max abs error 0.00999557\)$/);
  });

  it('a passing point with the largest absolute error is not the worst (the old report said z = 7.95)', () => {
    // f = z⁴/4: df = z³ carries a relative slip of 5e-8 (inside rtol 1e-7) and a bump of 1e-6 near 0.5.
    // At z = 7.95 the absolute error is 5e-8·502 = 2.5e-5, the largest, but its tolerance is 5e-5: it passes.
    const act = defineActivation({ name: 'quartic', f: (z) => mul(0.25, mul(mul(z, z), mul(z, z))), df: (z) => z ** 3 * (1 + 5e-8) + bump(z, 1e-6) });
    const r = checkActivation(act);
    const absErr = grid.map((z) => Math.abs(z ** 3 * 5e-8 + bump(z, 1e-6)));
    const argmaxAbs = grid[absErr.indexOf(Math.max(...absErr))]!;
    expect(argmaxAbs).toBeCloseTo(7.9513, 4);
    expect(r.maxAbsError).toBeCloseTo(Math.max(...absErr), 10);
    expect(r.worst.z).toBeCloseTo(0.497894, 6);
    expect(r.worst.ratio).toBeGreaterThan(1);
    // Witness: a point fails where 5e-8·z³ + bump exceeds 1e-9 + 1e-7·|df| (the smallest margin, at z = 0.6967,
    // is 9%, far above rounding): only next to 0.5, where the bump is, never at large |z|.
    const fails = grid.filter((z, i) => absErr[i]! > 1e-9 + 1e-7 * Math.abs(z ** 3 * (1 + 5e-8) + bump(z, 1e-6)));
    expect(fails.map((v) => v.toFixed(4))).toEqual(['0.2991', '0.3985', '0.4979', '0.5973', '0.6967']);
    expect(r.failures).toBe(5);
    expect(r.ranges).toEqual([{ from: fails[0], to: fails[4] }]);
  });

  it('failures and ranges agree with checking each point alone (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 12 }), fc.double({ min: -3, max: 3, noNaN: true }), (pts, c) => {
        const act = defineActivation({ name: 'tanh-bump', f: tanh, df: (z, a) => 1 - a * a + 1e-4 * Math.exp(-((z - c) ** 2)) });
        const r = checkActivation(act, { points: pts });
        const alone = pts.map((z) => checkActivation(act, { points: [z] }));
        expect(r.failures).toBe(alone.filter((x) => !x.ok).length);
        for (const [i, z] of pts.entries()) {
          const inside = r.ranges.some((g) => g.from <= z && z <= g.to);
          expect(inside).toBe(!alone[i]!.ok);
          expect(alone[i]!.worst.ratio).toBeLessThanOrEqual(r.worst.ratio);
        }
        if (r.failures > 0) expect(r.worst.ratio).toBeGreaterThan(1);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});

describe("checkActivation: the second derivative f''", () => {
  for (const act of Object.values(activations)) {
    it(`${act.name}: declared f'' ${act.elementwise ? 'agrees with the tape' : 'is absent (softmax is not elementwise)'}`, () => {
      const r = checkActivation(act);
      if (!act.elementwise) {
        expect(r.second).toBeNull();
        return;
      }
      expect(r.second, 'built-ins declare d2f').not.toBeNull();
      expect(r.second!.ok, r.toString()).toBe(true);
      // Both sides are exact to rounding: |f''| ≤ 1 here, so 1e-12 absolute is ~1e4 ulps.
      expect(r.second!.maxAbsError).toBeLessThan(1e-12);
      expect(r.toString()).toMatch(/\n {2}f'': closed-form second derivative agrees with the tape's grad of grad at 161 points/);
    });
  }

  it('hand values: for z³ the tape gives f\'\' = 6z, and a d2f missing the factor 2 fails everywhere but 0', () => {
    const f = (z: Parameters<typeof mul>[0]) => mul(z, mul(z, z));
    const right = checkActivation(defineActivation({ name: 'cube', f, df: (z) => 3 * z * z, d2f: (z) => 6 * z }), { points: [-2, 0, 0.5, 3] });
    expect(right.ok).toBe(true);
    expect(right.second).toMatchObject({ ok: true, failures: 0, maxAbsError: 0 });
    const wrong = checkActivation(defineActivation({ name: 'cube', f, df: (z) => 3 * z * z, d2f: (z) => 3 * z }), { points: [-2, 0, 0.5, 3] });
    expect(wrong.ok).toBe(false);
    expect(wrong.failures).toBe(0); // the first derivative is right
    expect(wrong.second).toMatchObject({ ok: false, failures: 3, ranges: [{ from: -2, to: -2 }, { from: 0.5, to: 3 }] });
    // ratio = 3|z| / (1e-9 + 1e-7·6|z|) grows with |z|: worst at z = 3, d2f = 9 against the tape's 18.
    expect(wrong.second!.worst).toMatchObject({ z: 3, d2f: 9, tape: 18 });
    expect(wrong.second!.worst.ratio).toBeCloseTo(9 / (1e-9 + 1.8e-6), 3);
    expect(wrong.toString().split('\n')[1]).toBe(
      "  f'': closed-form second derivative DISAGREES with the tape's grad of grad at 3 of 4 points; fails for z = -2 and z in [0.5, 3]; worst at z = 3: d2f = 9, tape = 18 (4.9972e+6× the tolerance of rtol 1e-7, atol 1e-9; max abs error 9)",
    );
  });

  it('an activation without d2f has second = null', () => {
    expect(checkActivation(defineActivation({ name: 't', f: tanh, df: (_z, a) => 1 - a * a })).second).toBeNull();
  });

  it('a d2f that is not a function is rejected by defineActivation and by checkActivation', () => {
    expect(() => callWith(defineActivation, { name: 'x', f: tanh, df: () => 1, d2f: 2 })).toThrow("defineActivation 'x': d2f must be a function (z: number, a: number) => number, or left out");
    expect(() => callWith(checkActivation, { ...activations.tanh, d2f: 'no' })).toThrow(ArgumentError);
    expect(() => callWith(checkActivation, { ...activations.tanh, d2f: 'no' })).toThrow("checkActivation: activation 'tanh' has a d2f that is the string \"no\", not a function");
  });

  it('the tape forms really have the declared second derivative (spot values by hand)', () => {
    // σ''(0) = 0; σ''(1) = σ(1)(1-σ(1))(1-2σ(1)); tanh''(0.5) = -2 tanh(0.5)(1 - tanh²(0.5)).
    const s1 = sig(1);
    const r = checkActivation(activations.sigmoid, { points: [0, 1] });
    expect(r.second!.ok).toBe(true);
    const d = new Float64Array(2);
    activations.sigmoid.d2f!(Float64Array.of(0, 1), Float64Array.of(0.5, s1), d);
    expect(d[0]).toBe(0);
    expect(d[1]).toBeCloseTo(s1 * (1 - s1) * (1 - 2 * s1), 15);
    const t = Math.tanh(0.5);
    const e = new Float64Array(1);
    activations.tanh.d2f!(Float64Array.of(0.5), Float64Array.of(t), e);
    expect(e[0]).toBeCloseTo(-2 * t * (1 - t * t), 15);
    expect(tensor([1]).size).toBe(1);
  });
});

describe('checkActivation and checkLoss name the mistake (core diagnose)', () => {
  it('a correct derivative has no diagnosis', () => {
    const r = checkActivation(activations.tanh);
    expect(r.diagnosis).toBeNull();
    expect(r.second!.diagnosis).toBeNull();
    expect(r.toString()).not.toMatch(/diagnosis/);
  });

  it('a df that forgot the inner chain factor of sin(2z) is a missing factor 2', () => {
    const r = checkActivation(defineActivation({ name: 'sin2z', f: (z) => sin(mul(2, z)), df: (z) => Math.cos(2 * z) }));
    expect(r.diagnosis).toMatchObject({ kind: 'factor', factor: expect.closeTo(0.5, 12) as number });
    expect(r.toString().split('\n')[1]).toBe('  diagnosis (df against the tape): missing factor 2 (mine = reference / 2): multiply by 2');
  });

  it("a df of 1 (f' forgotten) and a df of f'² (applied twice) are named with the tape's f'(z)", () => {
    const one = checkActivation(defineActivation({ name: 'tanh1', f: tanh, df: () => 1 }));
    expect(one.diagnosis).toMatchObject({ kind: 'missing-derivative', derivative: "f'(z)" });
    const twice = checkActivation(defineActivation({ name: 'tanh2', f: tanh, df: (_z, a) => (1 - a * a) ** 2 }));
    expect(twice.diagnosis).toMatchObject({ kind: 'doubled-derivative', derivative: "f'(z)" });
  });

  it("a d2f that forgot the chain factor σ' (σ'' written 1 - 2σ) is a missing f'(z)", () => {
    const r = checkActivation(defineActivation({ name: 'sig', f: sigmoid, df: (_z, a) => a * (1 - a), d2f: (_z, a) => 1 - 2 * a }));
    expect(r.failures).toBe(0);
    expect(r.second!.diagnosis).toMatchObject({ kind: 'missing-derivative', derivative: "f'(z)" });
    expect(r.toString().split('\n')[2]).toBe("  diagnosis (d2f against the tape): missing f'(z): multiply by f'(z) (mine × f'(z) matches the reference)");
  });

  it('checkLoss: a per-sample gradient divided by the batch size is an extra 1/N', () => {
    const loss = defineLoss({
      name: 'sq-over-N',
      value: (a: Tensor, y: Tensor) => sum(square(sub(a, y)), 1),
      grad: (a, y, batch, _n, out) => {
        for (let i = 0; i < out.length; i++) out[i] = (2 * (a[i]! - y[i]!)) / batch;
      },
    });
    const r = checkLoss(loss, tensor([[0.5, -1], [2, 0.1], [1, 1]]), tensor([[0, 0], [-1, 0], [0, 0]]));
    expect(r.diagnosis).toMatchObject({ kind: 'factor', message: 'extra factor 1/N (N = 3, the batch size): multiply by N' });
    expect(r.toString()).toMatch(/\n {2}diagnosis \(grad against the tape\): extra factor 1\/N \(N = 3, the batch size\): multiply by N$/);
    expect(checkLoss(defineLoss({ name: 'sq', value: (a: Tensor, y: Tensor) => sum(square(sub(a, y)), 1), grad: (a, y, _b, _n, out) => {
      for (let i = 0; i < out.length; i++) out[i] = 2 * (a[i]! - y[i]!);
    } }), tensor([[0.5, -1]]), tensor([[0, 0]])).diagnosis).toBeNull();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, abs, add, div, exp, mul, neg, sum, square, sub, tensor, tanh } from '@tapegrad/core';
import { activations, checkActivation, defineActivation, eluActivation, getActivation, leakyReluActivation } from './index.js';

describe('built-in activations', () => {
  for (const act of Object.values(activations)) {
    it(`${act.name}: closed-form derivative agrees with the tape's`, () => {
      const report = checkActivation(act);
      expect(report.ok, report.toString()).toBe(true);
      // Both sides are exact to rounding: 1e-12 absolute is ~1e4 ulps at |f'| ≤ 2.
      expect(report.maxAbsError).toBeLessThan(1e-12);
    });
    it(`${act.name}: closed-form forward equals the tape form`, () => {
      const z = Float64Array.from({ length: 24 }, (_, i) => -6 + i * 0.53);
      const out = new Float64Array(z.length);
      act.forward(z, out, 4);
      const t = act.tape(tensor(z, [6, 4])).data;
      out.forEach((v, i) => expect(Math.abs(v - t[i]!)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(v))));
    });
  }

  it('derivative agrees with checkActivation at random points (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 20 }), (pts) => {
        for (const act of Object.values(activations)) {
          if (act.name === 'relu' || act.name === 'leakyRelu') continue; // their kink at 0 is covered by the grid test
          expect(checkActivation(act, { points: pts }).ok).toBe(true);
        }
      }),
      { numRuns: 50, seed: 3 },
    );
  });

  it('sigmoid, softplus and softmax stay finite at extreme inputs (300 to 1000)', () => {
    const z = Float64Array.of(-1000, -400, -300, 300, 400, 1000);
    for (const act of [activations.sigmoid, activations.softplus, activations.softmax, activations.swish, activations.elu, activations.gelu]) {
      const out = new Float64Array(z.length);
      act.forward(z, out, 3);
      for (const v of out) expect(Number.isFinite(v), `${act.name}`).toBe(true);
      const d = new Float64Array(z.length);
      act.backward(z, out, new Float64Array(z.length).fill(1), d, 3);
      for (const v of d) expect(Number.isFinite(v), `${act.name}'`).toBe(true);
    }
    const s = new Float64Array(6);
    activations.sigmoid.forward(z, s, 6);
    expect(s[0]).toBe(0);
    expect(s[5]).toBe(1);
  });

  it('softmax backward is the Jacobian-vector product a ⊙ (g - <a, g>)', () => {
    const z = Float64Array.of(0.1, 2, -1);
    const a = new Float64Array(3);
    activations.softmax.forward(z, a, 3);
    const g = Float64Array.of(1, -2, 0.5);
    const out = new Float64Array(3);
    activations.softmax.backward(z, a, g, out, 3);
    // Full Jacobian J_ij = a_i(δ_ij - a_j), then Jᵀ g.
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < 3; i++) s += g[i]! * a[i]! * ((i === j ? 1 : 0) - a[j]!);
      expect(out[j]).toBeCloseTo(s, 15);
    }
  });
});

describe('getActivation', () => {
  it('finds names and aliases', () => {
    expect(getActivation('tanh')).toBe(activations.tanh);
    expect(getActivation('linear')).toBe(activations.identity);
    expect(getActivation('leaky-relu')).toBe(activations.leakyRelu);
  });
  it('rejects unknown names with the list of valid ones', () => {
    expect(() => getActivation('sigmoidd')).toThrow(ArgumentError);
    expect(() => getActivation('sigmoidd')).toThrow(/unknown activation 'sigmoidd'; use one of identity, sigmoid, tanh/);
  });
});

describe('defineActivation + checkActivation', () => {
  const softsign = (z: Parameters<typeof abs>[0]) => div(z, add(1, abs(z)));

  it('accepts a correct hand derivative', () => {
    const act = defineActivation({ name: 'softsign', f: softsign, df: (z) => 1 / (1 + Math.abs(z)) ** 2 });
    const r = checkActivation(act);
    expect(r.ok, r.toString()).toBe(true);
    expect(r.toString()).toMatch(/agrees with the tape/);
  });

  it('catches a wrong derivative and locates where it disagrees most, relative to the tolerance', () => {
    // Forgot the square: 1/(1+|z|) instead of 1/(1+|z|)².
    const wrong = defineActivation({ name: 'softsign', f: softsign, df: (z) => 1 / (1 + Math.abs(z)) });
    const r = checkActivation(wrong, { points: [-3, -1, -0.2, 0.5, 1, 2, 6] });
    expect(r.ok).toBe(false);
    expect(r.failures).toBe(7);
    // The absolute gap |z|/(1+|z|)² is largest at |z| = 1 (value 1/4) ...
    expect(r.maxAbsError).toBeCloseTo(0.25, 15);
    // ... but relative to the tolerance 1e-9 + 1e-7/(1+|z|) the gap is ~1e7·|z|/(1+|z|), largest at z = 6
    // (issue 10 point 4: "worst" is the error relative to the tolerance; it was the largest absolute error).
    expect(r.worst.z).toBe(6);
    expect(r.worst.df).toBeCloseTo(1 / 7, 15);
    expect(r.worst.tape).toBeCloseTo(1 / 49, 15);
    expect(r.worst.ratio).toBeCloseTo((1 / 7 - 1 / 49) / (1e-9 + 1e-7 / 7), 6);
    expect(r.toString()).toMatch(/DISAGREES with the tape at 7 of 7 points; fails for z in \[-3, 6\]; worst at z = 6: df = 0.142857, tape = 0.0204082/);
  });

  it('catches a derivative wrong only on part of the line (a sign slip for z < -2)', () => {
    const f = (z: Parameters<typeof tanh>[0]) => tanh(z);
    const act = defineActivation({ name: 'tanhSlip', f, df: (z, a) => (z < -2 ? -(1 - a * a) : 1 - a * a) });
    const r = checkActivation(act);
    expect(r.ok).toBe(false);
    expect(r.worst.z).toBeLessThan(-2);
    expect(r.worst.z).toBeGreaterThan(-2.2); // tanh' is largest near the boundary of the slip
  });

  it('a user activation built from several ops (z·e^(-z²)) is checked point by point', () => {
    const act = defineActivation({
      name: 'gaussWave',
      f: (z) => mul(z, exp(neg(square(z)))),
      df: (z) => Math.exp(-z * z) * (1 - 2 * z * z),
    });
    expect(checkActivation(act).ok).toBe(true);
  });

  it('rejects a malformed spec', () => {
    expect(() => defineActivation({ name: '', f: (z) => z, df: () => 1 })).toThrow(/name must be a non-empty string/);
    // @ts-expect-error df missing on purpose
    expect(() => defineActivation({ name: 'x', f: (z) => z })).toThrow(/df must be a function/);
  });

  it('a non-elementwise f is reported when the closed form runs it', () => {
    const act = defineActivation({ name: 'rowsum', f: (z) => sum(z, 1), df: () => 1 });
    expect(() => act.forward(new Float64Array(6), new Float64Array(6), 3)).toThrow(/f must be elementwise, but it maps \[2,3\] to \[2\]/);
  });

  it('checkActivation validates its options', () => {
    expect(() => checkActivation(activations.tanh, { points: [] })).toThrow(/points is empty/);
    expect(() => checkActivation(activations.tanh, { rtol: -1 })).toThrow('checkActivation: rtol must be a finite number >= 0, got -1');
  });

  it('uses sub/abs without error for the tape at a kink-free grid (sanity of default points)', () => {
    const act = defineActivation({ name: 'absAct', f: (z) => abs(sub(z, 0)), df: (z) => Math.sign(z) });
    expect(checkActivation(act).ok).toBe(true);
  });
});

describe('parameterised leakyRelu(α) and elu(α)', () => {
  it('derivatives agree with the tape, names round-trip through getActivation', () => {
    for (const act of [leakyReluActivation(0.2), eluActivation(0.5), eluActivation(2)]) {
      expect(checkActivation(act).ok).toBe(true);
      expect(getActivation(act.name).name).toBe(act.name);
    }
    expect(leakyReluActivation(0.01).name).toBe('leakyRelu');
    expect(getActivation('leakyRelu(0.2)').name).toBe('leakyRelu(0.2)');
    const out = new Float64Array(2);
    getActivation('leakyRelu(0.2)').forward(Float64Array.of(-2, 3), out, 2);
    expect([...out]).toEqual([-0.4, 3]);
  });
  it('rejects bad parameters', () => {
    expect(() => getActivation('elu(-1)')).toThrow("getActivation: activation 'elu(-1)' needs a finite α > 0 in the parentheses, like elu(0.2)");
    expect(() => getActivation('leakyRelu(abc)')).toThrow("getActivation: activation 'leakyRelu(abc)' needs a finite slope in the parentheses");
    expect(() => eluActivation(-1)).toThrow(/eluActivation: alpha must be a finite number > 0, got -1/);
    expect(() => leakyReluActivation(NaN)).toThrow(/alpha must be a finite number, got NaN/);
  });
});

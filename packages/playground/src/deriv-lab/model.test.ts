import { describe, expect, it } from 'vitest';
import { analyse, ATOL, RTOL, type ActCurves, type Analysis } from './model.js';
import { DEFAULT_STATE, PRESETS, type DerivState } from './state.js';

const at = (f: string, df: string, lo = '-4', hi = '4'): DerivState => ({ mode: 'act', f, df, lo, hi, y: '1', at: '' });

function curves(a: Analysis<ActCurves>): ActCurves {
  if (!a.ok) throw new Error(`expected curves, got errors ${JSON.stringify(a.errors)}`);
  return a.curves;
}

/** The sample z where `mine` and `truth` differ by more than the check's tolerance, computed here without the library. */
function expectedFlags(z: Float64Array, mine: (z: number) => number, truth: (z: number) => number): number[] {
  return Array.from(z).filter((v) => Math.abs(mine(v) - truth(v)) > ATOL + RTOL * Math.max(Math.abs(mine(v)), Math.abs(truth(v))));
}
const flagged = (c: ActCurves): number[] => Array.from(c.z).filter((_, i) => c.flagged[i] === 1);
const sigma = (v: number): number => 1 / (1 + Math.exp(-v));

describe("the tape's f'", () => {
  it('is tanh′ = 1 − tanh² to 1e-15 relative at every sample', () => {
    // The tape's tanh rule is g·(1 − y²) on its saved output y = Math.tanh(z), and the gradient of
    // a sum gives g = 1 exactly: the same float operations as 1 − Math.tanh(z)², so only rounding
    // (here none) separates them. (Against 1/cosh²(z) it would not be: 1 − tanh² cancels near |z| = 4.)
    const c = curves(analyse(at('tanh(z)', '1 - a^2')));
    for (let i = 0; i < c.z.length; i++) {
      const exact = 1 - Math.tanh(c.z[i]!) ** 2;
      expect(Math.abs(c.tape[i]! - exact)).toBeLessThanOrEqual(1e-15 * exact);
    }
    expect(c.check.ok).toBe(true);
    expect(c.flagged.every((b) => b === 0)).toBe(true);
  });

  it("binds a to f(z) in your f' and repeats a constant f' at every point", () => {
    const c = curves(analyse(at('3*z - 1', '3')));
    expect(Array.from(c.mine)).toEqual(new Array(c.z.length).fill(3));
    expect(c.check.ok).toBe(true);
    const s = curves(analyse(at('sigmoid(z)', 'a * (1 - a)')));
    for (let i = 0; i < s.z.length; i++) expect(s.mine[i]).toBe(s.f[i]! * (1 - s.f[i]!));
  });

  it('agrees with every preset marked right, and flags every preset marked wrong', () => {
    for (const p of PRESETS) expect(curves(analyse(at(p.f, p.df))).check.ok, p.id).toBe(p.right);
  });
});

describe("a wrong f' is flagged at the right z", () => {
  it("tanh with 1 − z² (z written for a): everywhere but next to 0, where z ≈ tanh z", () => {
    const c = curves(analyse(at('tanh(z)', '1 - z^2')));
    const want = expectedFlags(c.z, (v) => 1 - v * v, (v) => 1 - Math.tanh(v) ** 2);
    expect(flagged(c)).toEqual(want);
    const near = (x: number): boolean => want.some((v) => Math.abs(v - x) < 1e-9);
    expect(near(0.01) || near(-0.01)).toBe(false);
    expect(near(0.03) && near(-0.03)).toBe(true);
    expect(want.length).toBe(c.z.length - 2);
    expect(c.check.failures).toBe(want.length);
  });

  it("swish with σ(z) (the product rule's z·σ′ forgotten), the first-load example", () => {
    const c = curves(analyse(DEFAULT_STATE));
    const want = expectedFlags(c.z, sigma, (v) => sigma(v) + v * sigma(v) * (1 - sigma(v)));
    expect(flagged(c)).toEqual(want);
    expect(c.check.failures).toBeGreaterThan(390);
    expect(c.verdict.headline).toBe(`Your f' disagrees with the tape's at ${want.length} of 400 points.`);
  });

  it('only where a planted piece is wrong: relu-free kink at z > 1 in an otherwise right derivative', () => {
    // f = softplus; the planted f' clips σ(z) at σ(1) for z > 1, so only z > 1 should be flagged.
    const c = curves(analyse(at('softplus(z)', 'minimum(sigmoid(z), sigmoid(1))')));
    const want = expectedFlags(c.z, (v) => Math.min(sigma(v), sigma(1)), sigma);
    expect(flagged(c)).toEqual(want);
    expect(Math.min(...want)).toBeGreaterThan(1);
    expect(c.check.ranges).toEqual([{ from: want[0], to: want[want.length - 1] }]);
  });

  it('names the mistake when it is a known one (a missing factor 2)', () => {
    const c = curves(analyse(at('z^2', 'z')));
    expect(c.check.diagnosis?.kind).toBe('factor');
    expect(c.verdict.diagnosis).toMatch(/^Diagnosis: /);
  });
});

describe('bad input', () => {
  it('gives each input its own message at once: syntax errors (with the caret) and the range', () => {
    const a = analyse(at('tanh(z', '1 - ', '3', '1'));
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.errors.f).toMatch(/at column 7\n {2}tanh\(z\n {8}\^$/);
    expect(a.errors.df).toMatch(/at column 5/);
    expect(a.errors.range).toBe('the range needs from < to, got from 3, to 1');
  });

  it("refuses a name other than z and a in f', as the network lab's activation would, with the caret under it", () => {
    const a = analyse(at('tanh(z)', 'x + 1'));
    expect(a.ok ? '' : a.errors.df).toMatch(/'x' is not one of them at column 1\n {2}x \+ 1\n {2}\^$/);
    const b = analyse(at('tanh(a)', '1'));
    expect(b.ok ? '' : b.errors.f).toMatch(/'a' is not one of them/);
  });

  it('refuses an f that is not elementwise or does not use z, and a df of the wrong shape', () => {
    const err = (s: DerivState): InputErrorsOf => {
      const a = analyse(s);
      return a.ok ? {} : a.errors;
    };
    expect(err(at('softmax(z)', '1')).f).toMatch(/softmax\(\) mixes entries/);
    expect(err(at('z * sum(z)', '1')).f).toMatch(/sum\(\) mixes entries/);
    expect(err(at('2', '0')).f).toMatch(/must use z/);
    expect(err(at('z', '')).df).toMatch(/empty/);
    expect(err(at('z', 'sum(z) * z + z @ z')).df).toMatch(/sum\(\) mixes entries .* at column 1\n {2}sum\(z\) \* z \+ z @ z\n {2}\^$/);
  });

  it('plots an f that is not finite everywhere (log on negative z) without throwing', () => {
    const c = curves(analyse(at('log(z)', '1/z')));
    expect(Number.isNaN(c.f[0])).toBe(true);
    expect(c.f[c.z.length - 1]).toBeCloseTo(Math.log(3.99), 12);
  });
});

type InputErrorsOf = { f?: string; df?: string; range?: string };

import { describe, expect, it } from 'vitest';
import { analyseLoss, failing, runsOf, type LossCurves } from './loss-model.js';
import { type Analysis } from './model.js';
import { LOSS_PRESETS, defaultState, type DerivState } from './state.js';

const loss = (f: string, df: string, lo = '-3', hi = '5', y = '1'): DerivState => ({ mode: 'loss', f, df, lo, hi, y, at: '' });

function curves(a: Analysis<LossCurves>): LossCurves {
  if (!a.ok) throw new Error(`expected curves, got errors ${JSON.stringify(a.errors)}`);
  return a.curves;
}

describe('the loss mode', () => {
  it("takes the tape's ∂L/∂a of (a − y)²/2 as exactly a − y, and agrees with the right presets only", () => {
    const c = curves(analyseLoss(loss('(a - y)^2 / 2', 'a - y')));
    for (let i = 0; i < c.z.length; i++) expect(c.tape[i]).toBeCloseTo(c.z[i]! - 1, 14);
    expect(c.check.ok).toBe(true);
    for (const p of LOSS_PRESETS) expect(curves(analyseLoss({ ...loss(p.f, p.df, p.lo, p.hi, p.y) })).check.ok, p.id).toBe(p.right);
  });

  it('flags exactly the points checkLoss counts, and names the missing 2 of the first-load example', () => {
    const c = curves(analyseLoss(defaultState('loss')));
    const flagged = c.flagged.reduce((k, b) => k + b, 0);
    expect(flagged).toBe(c.check.failures);
    // mine = a − 1, the truth 2(a − 1): they differ at every a but 1, which no sample hits.
    expect(flagged).toBe(400);
    expect(c.check.diagnosis?.kind).toBe('factor');
    expect(c.verdict.diagnosis).toMatch(/^Diagnosis: .*2/);
  });

  it("cross-entropy with the logit's gradient a − y fails everywhere on (0, 1) for y = 1, where −1/a is right", () => {
    const c = curves(analyseLoss(loss('-(y*log(a) + (1 - y)*log(1 - a))', 'a - y', '0.02', '0.98')));
    for (let i = 0; i < c.z.length; i += 37) expect(c.tape[i]).toBeCloseTo(-1 / c.z[i]!, 10);
    expect(c.verdict.ok).toBe(false);
    expect(c.ranges).toEqual([{ from: c.z[0], to: c.z[c.z.length - 1] }]);
  });

  it('explains a bad target, a bad range and a name other than a and y', () => {
    const a = analyseLoss(loss('(a - y)^2', 'a - y', '1', '0', 'one'));
    expect(a.ok ? {} : a.errors).toEqual({ range: 'the range needs from < to, got from 1, to 0', y: "y must be a number, got 'one'" });
    const b = analyseLoss(loss('(a - t)^2', 'a - y'));
    expect(b.ok ? '' : b.errors.f).toMatch(/'t' is not one of them/);
  });
});

describe('failing and runsOf', () => {
  it('use the check rule (equal values pass, NaN fails) and join neighbours into runs', () => {
    const flags = failing(Float64Array.of(1, 1, NaN, 0, 5), Float64Array.of(1, 1 + 1e-12, 0, 0, 4));
    expect(Array.from(flags)).toEqual([0, 0, 1, 0, 1]);
    expect(runsOf(Float64Array.of(0, 1, 2, 3, 4), Uint8Array.of(1, 1, 0, 0, 1))).toEqual([
      { from: 0, to: 1 },
      { from: 4, to: 4 },
    ]);
  });
});

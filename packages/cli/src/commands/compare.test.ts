import { describe, expect, it } from 'vitest';
import { EXIT } from '../index.js';
import { runIo } from '../testing/run-io.js';

describe('tapegrad compare', () => {
  it('agrees three ways and prints the per-parameter table and timings', () => {
    const { code, out } = runIo(['compare', '--layers', '4,8,3', '--activation', 'relu', '--loss', 'softmax-ce', '--batch', '16', '--seed', '1']);
    expect(code).toBe(0);
    expect(out).toContain('network 4-8-3 (relu, identity) · 67 parameters · loss softmaxCrossEntropy (mean over 16)');
    for (const p of ['W1', 'b1', 'W2', 'b2']) expect(out).toMatch(new RegExp(`^${p} +\\[[\\d,]+\\] .* ✓$`, 'm'));
    expect(out).toMatch(/^tape +[\d.]+ ms/m);
    expect(out).toMatch(/^closed form +[\d.]+ ms +1\.0×/m);
    expect(out).toMatch(/^finite differences +[\d.]+ ms/m);
    expect(out).toContain('All three agree ✓');
  });

  it('--json carries every row, the timings and ok', () => {
    const { code, out } = runIo(['compare', '--layers', '3,5,4,2', '--loss', 'mse', '--activation', 'sigmoid', '--batch', '3', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out) as { ok: boolean; rows: { param: string; tapeVsClosedForm: { maxRelError: number }; tapeVsFiniteDiff: { ok: boolean } }[]; timings: { method: string }[] };
    expect(r.ok).toBe(true);
    expect(r.rows.map((x) => x.param)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    // Tape and closed form are both exact up to rounding (nn's default tolerance is 1e-10).
    for (const row of r.rows) expect(row.tapeVsClosedForm.maxRelError).toBeLessThan(1e-10);
    expect(r.timings.map((t) => t.method)).toEqual(['tape', 'closed form', 'finite differences']);
  });

  it('exits 1 when finite differences are too coarse to agree (a step of 0.05 leaves O(eps²) ≈ 1e-3 truncation error)', () => {
    const { code, out, err } = runIo(['compare', '--eps', '0.05', '--activation', 'sigmoid']);
    expect(code).toBe(EXIT.checkFailed);
    expect(out).toContain('DISAGREEMENT ✗');
    expect(out).toMatch(/^W1 .* ✗$/m);
    expect(err).toMatch(/^tapegrad compare: gradients disagree \(tape vs closed form max rel \d\.\de-\d+, tape vs finite differences max rel \d\.\de-\d+\)\n$/);
  });

  it('exits 2 on a too-short --layers', () => {
    expect(runIo(['compare', '--layers', '4']).err).toBe("tapegrad compare --layers: needs at least 2 sizes, got 1 ('4'); see `tapegrad compare --help`\n");
  });
});

import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/core';
import { backpropClosedForm, backpropTape, compareGradients, createMLP, type GradResult } from '@tapegrad/nn';
import { EXIT } from '../index.js';
import { runIo } from '../testing/run-io.js';
import { diagnosisLines } from './compare.js';

describe('tapegrad compare', () => {
  it('agrees three ways and prints the per-parameter table and timings', () => {
    const { code, out } = runIo(['compare', '--sizes', '4,8,3', '--activation', 'relu', '--loss', 'softmax-ce', '--batch-size', '16', '--seed', '1']);
    expect(code).toBe(0);
    expect(out).toContain('network 4-8-3 (relu, identity) · 67 parameters · loss softmaxCrossEntropy (mean over 16)');
    for (const p of ['W1', 'b1', 'W2', 'b2']) expect(out).toMatch(new RegExp(`^${p} +\\[[\\d,]+\\] .* ✓$`, 'm'));
    expect(out).toMatch(/^tape +[\d.]+ ms/m);
    expect(out).toMatch(/^closed form +[\d.]+ ms +1\.0×/m);
    expect(out).toMatch(/^finite differences +[\d.]+ ms/m);
    expect(out).toContain('All three agree ✓');
  });

  it('--json carries every row, the timings and ok', () => {
    const { code, out } = runIo(['compare', '--sizes', '3,5,4,2', '--loss', 'mse', '--activation', 'sigmoid', '--batch-size', '3', '--json']);
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

  it('exits 2 on a too-short --sizes', () => {
    expect(runIo(['compare', '--sizes', '4']).err).toBe("tapegrad compare --sizes: needs at least 2 sizes, got 1 ('4'); see `tapegrad compare --help`\n");
  });
});

describe('tapegrad compare: the diagnosis', () => {
  it('prints no diagnosis when all three agree, and --json carries null for each comparison', () => {
    expect(runIo(['compare', '--batch-size', '4']).out).not.toContain('diagnosis');
    const r = JSON.parse(runIo(['compare', '--batch-size', '4', '--json']).out) as { diagnosis: Record<string, unknown>; rows: { tapeVsClosedForm: { diagnosis: unknown } }[] };
    expect(r.diagnosis).toEqual({ tapeVsClosedForm: null, tapeVsFiniteDiff: null, closedFormVsFiniteDiff: null });
    expect(r.rows[0]!.tapeVsClosedForm.diagnosis).toBeNull();
  });

  it('a disagreement no known mistake explains (coarse finite differences) says so under the table, and in --json', () => {
    const { out } = runIo(['compare', '--eps', '0.05', '--activation', 'sigmoid']);
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('diagnosis'));
    expect(lines[at - 1]).toMatch(/^b2 .* ✗$/); // right under the table
    expect(lines.slice(at, at + 2)).toEqual([
      'diagnosis (finite differences against tape): no known mistake fits (not a constant factor such as 1/N, a sign, a transpose, zeros or an unsummed broadcast)',
      'diagnosis (finite differences against closed form): no known mistake fits (not a constant factor such as 1/N, a sign, a transpose, zeros or an unsummed broadcast)',
    ]);
    const j = JSON.parse(runIo(['compare', '--eps', '0.05', '--activation', 'sigmoid', '--json']).out) as { ok: boolean; diagnosis: Record<string, unknown> };
    expect(j.ok).toBe(false);
    expect(j.diagnosis).toEqual({ tapeVsClosedForm: null, tapeVsFiniteDiff: null, closedFormVsFiniteDiff: null });
  });

  it('names a planted missing 1/N in the closed form (the line compare prints)', () => {
    const m = createMLP({ sizes: [3, 4, 2], activations: 'tanh', seed: 3 });
    const X = tensor([[0.5, -1, 0.2], [1, 2, -0.3], [0.1, 0.4, 0.9]]);
    const Y = tensor([[1, 0], [0, 1], [0.5, 0.5]]);
    const tape = backpropTape(m, X, Y, 'mse');
    const closed = backpropClosedForm(m, X, Y, 'mse');
    const unmeaned: GradResult = { loss: closed.loss, grads: closed.grads.map((g) => ({ W: tensor(g.W.data.map((v) => 3 * v), [...g.W.shape]), b: tensor(g.b.data.map((v) => 3 * v), [...g.b.shape]) })) };
    const cmp = compareGradients(tape, unmeaned, { batch: 3 });
    expect(diagnosisLines([{ key: 'tapeVsClosedForm', a: 'tape', b: 'closed form', cmp }])).toEqual([
      'diagnosis (closed form against tape): every parameter: missing factor 1/N (N = 3, the batch size): divide by N',
    ]);
    expect(diagnosisLines([{ key: 'tapeVsClosedForm', a: 'tape', b: 'closed form', cmp: compareGradients(tape, closed, { batch: 3 }) }])).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, mul, normal, tensor } from '@tapegrad/core';
import { backpropClosedForm, backpropTape, compareGradients, createMLP, type GradResult } from './index.js';

describe('compareGradients', () => {
  it('reports per-parameter errors, the worst entry, and a table', () => {
    const m = createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 5 });
    const X = tensor([[0.5, -1], [1, 2]]);
    const Y = tensor([[1], [0]]);
    const a = backpropTape(m, X, Y, 'mse');
    const b = backpropClosedForm(m, X, Y, 'mse');
    const c = compareGradients(a, b, { labels: ['tape', 'closed form'] });
    expect(c.ok).toBe(true);
    expect(c.rows.map((r) => r.param)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(c.rows[0]!.shape).toEqual([3, 2]);
    expect(c.toTable().split('\n')[0]).toMatch(/^param\s+shape\s+max abs err\s+max rel err\s+worst at\s+tape\s+closed form\s+ok$/);
    // A perturbed gradient is caught, and located.
    const bad = { loss: b.loss, grads: b.grads.map((g, l) => (l === 1 ? { W: tensor(g.W.data.map((v, i) => (i === 2 ? v * 1.001 + 1e-3 : v)), [1, 3]), b: g.b } : g)) };
    const d = compareGradients(a, bad);
    expect(d.ok).toBe(false);
    expect(d.rows[2]).toMatchObject({ param: 'W2', ok: false, worstIndex: [0, 2] });
    expect(d.toString()).toMatch(/DISAGREE/);
  });

  it('rejects results of different models', () => {
    const a = backpropClosedForm(createMLP({ sizes: [2, 1], activations: ['identity'] }), tensor([[1, 2]]), tensor([[1]]), 'mse');
    const b = backpropClosedForm(createMLP({ sizes: [2, 2, 1], activations: 'tanh' }), tensor([[1, 2]]), tensor([[1]]), 'mse');
    expect(() => compareGradients(a, b)).toThrow(/1 and 2 layers/);
  });
});

/** Two hand-made gradient results for a 2-2-1 model: W1[1,0] differs by 0.003 (planted), W2[0,1] by 2e-20 (rounding noise). */
const planted = (): [GradResult, GradResult] => [
  { loss: 1, grads: [{ W: tensor([[1, 2], [3, 4]]), b: tensor([0.5, -0.5]) }, { W: tensor([[-2, 1e-20]]), b: tensor([0]) }] },
  { loss: 1, grads: [{ W: tensor([[1, 2], [3.003, 4]]), b: tensor([0.5, -0.5]) }, { W: tensor([[-2, -1e-20]]), b: tensor([0]) }] },
];

describe('compareGradients finds a planted discrepancy', () => {
  it('flags exactly the planted entry, locates it, and prints the table', () => {
    const [a, b] = planted();
    const c = compareGradients(a, b, { labels: ['tape', 'hand'] });
    expect(c.ok).toBe(false);
    expect(c.rows.map((r) => [r.param, r.ok])).toEqual([['W1', false], ['b1', true], ['W2', true], ['b2', true]]);
    // |3.003 - 3| = 0.003, relative 0.003 / 3.003 = 9.99001e-4.
    expect(c.rows[0]).toMatchObject({ worstIndex: [1, 0], worst: { a: 3, b: 3.003 } });
    expect(c.rows[0]!.maxAbsError).toBeCloseTo(0.003, 15);
    expect(c.rows[0]!.maxRelError).toBeCloseTo(0.003 / 3.003, 15);
    // scale s = max(1, largest |entry|) = 4, so the floor under W2's 1e-20 entries is (atol/rtol)·s = 0.004:
    // their gap of 2e-20 is noise, reported as 2e-20 / 0.004 = 5e-18 relative.
    expect(c.rows[2]!.maxRelError).toBeCloseTo(5e-18, 30);
    expect(c.toString()).toBe(
      [
        'param  shape  max abs err  max rel err  worst at  tape        hand         ok',
        '-----  -----  -----------  -----------  --------  ----------  -----------  ---',
        'W1     [2,2]  0.003        0.000999001  [1,0]     3           3.003        NO',
        'b1     [2]    0            0            [0]       0.5         0.5          yes',
        'W2     [1,2]  2.0000e-20   5.0000e-18   [0,1]     1.0000e-20  -1.0000e-20  yes',
        'b2     [1]    0            0            [0]       0           0            yes',
        'DISAGREE (rtol 1e-10, atol 1e-13·scale 4): max rel error 0.000999001',
      ].join('\n'),
    );
    expect(c.maxRelError).toBe(c.rows[0]!.maxRelError);
  });

  it('is symmetric in its arguments, apart from the column labels', () => {
    const [a, b] = planted();
    const ab = compareGradients(a, b);
    const ba = compareGradients(b, a);
    expect(ba.rows.map((r) => [r.param, r.ok, r.maxAbsError, r.maxRelError, r.worstIndex])).toEqual(
      ab.rows.map((r) => [r.param, r.ok, r.maxAbsError, r.maxRelError, r.worstIndex]),
    );
    expect(ab.toTable().split('\n')[0]).toMatch(/ a +b +ok$/);
  });

  it('a looser rtol accepts the planted entry; an explicit scale moves the absolute floor', () => {
    const [a, b] = planted();
    expect(compareGradients(a, b, { rtol: 1e-3 }).ok).toBe(true); // 0.003 <= 1e-3·3.003 + 1e-13·4
    expect(compareGradients(a, b, { rtol: 1e-4 }).ok).toBe(false);
    expect(compareGradients(a, b, { scale: 1e11 }).ok).toBe(true); // atol·scale = 0.01 > 0.003
    expect(compareGradients(a, b, { rtol: 0, atol: 0 }).rows.map((r) => r.ok)).toEqual([false, true, false, true]);
  });

  it('NaN on either side is a disagreement with infinite error; equal infinities agree', () => {
    const one = (w: number): GradResult => ({ loss: 0, grads: [{ W: tensor([[w, 1]]), b: tensor([0]) }] });
    const nan = compareGradients(one(NaN), one(1));
    expect(nan.ok).toBe(false);
    expect(nan.rows[0]).toMatchObject({ ok: false, maxAbsError: Infinity, maxRelError: Infinity, worstIndex: [0, 0] });
    expect(compareGradients(one(Infinity), one(Infinity)).ok).toBe(true);
    expect(compareGradients(one(Infinity), one(-Infinity)).ok).toBe(false);
    const overflowed = compareGradients(one(Infinity), one(5));
    expect(overflowed.rows[0]).toMatchObject({ ok: false, maxAbsError: Infinity, maxRelError: Infinity, worstIndex: [0, 0], worst: { a: Infinity, b: 5 } });
  });

  it('an infinite or NaN entry does not change how the other entries are judged (the scale counts finite entries)', () => {
    const res = (w1: number, bias: number): GradResult => ({ loss: 0, grads: [{ W: tensor([[1, w1]]), b: tensor([bias]) }] });
    // An infinite scale would accept 1 vs 2 in W1; the equal infinities in b1 agree.
    const inf = compareGradients(res(1, Infinity), res(2, Infinity));
    expect(inf.rows.map((r) => [r.param, r.ok])).toEqual([['W1', false], ['b1', true]]);
    expect(inf.rows[0]).toMatchObject({ maxRelError: 0.5, worstIndex: [0, 1] });
    // A NaN scale would reject 1 vs 1 + 1e-12 in W1; NaN against NaN in b1 is a disagreement.
    const nan = compareGradients(res(1, NaN), res(1 + 1e-12, NaN));
    expect(nan.rows.map((r) => [r.param, r.ok])).toEqual([['W1', true], ['b1', false]]);
  });

  it('rejects bad tolerances, a bad scale and results of different shapes', () => {
    const [a, b] = planted();
    expect(() => compareGradients(a, b, { rtol: -1 })).toThrow(ArgumentError);
    expect(() => compareGradients(a, b, { atol: NaN })).toThrow('compareGradients: need rtol >= 0 and atol >= 0, got rtol=1e-10, atol=NaN');
    expect(() => compareGradients(a, b, { scale: 0 })).toThrow('compareGradients: scale must be a finite number > 0, got 0');
    const other: GradResult = { loss: 1, grads: [a.grads[0]!, { W: tensor([[1, 2, 3]]), b: tensor([0]) }] };
    expect(() => compareGradients(a, other)).toThrow('compareGradients: W2 has shape [1,2] in a but [1,3] in b; compare gradients of the same model');
  });
});

describe('compareGradients names the mistake (core diagnose)', () => {
  const m = createMLP({ sizes: [3, 4, 2], activations: 'tanh', seed: 7 });
  const X = tensor([[0.5, -1, 0.2], [1, 2, -0.3], [0.1, 0.4, 0.9], [-0.7, 0.3, 0.5]]);
  const Y = tensor([[1, 0], [0, 1], [0.5, 0.5], [0, 0]]);
  const tape = backpropTape(m, X, Y, 'mse');
  const closed = backpropClosedForm(m, X, Y, 'mse');
  const scaled = (r: GradResult, c: number, only?: number): GradResult => ({
    loss: r.loss,
    grads: r.grads.map((g, l) => (only === undefined || only === l ? { W: tensor(g.W.data.map((v) => v * c), [...g.W.shape]), b: tensor(g.b.data.map((v) => v * c), [...g.b.shape]) } : g)),
  });

  it('a correct comparison has no diagnosis', () => {
    const c = compareGradients(tape, closed, { batch: 4 });
    expect(c.ok).toBe(true);
    expect(c.diagnosis).toBeNull();
    expect(c.rows.every((r) => r.diagnosis === null)).toBe(true);
    expect(c.toString()).not.toMatch(/diagnosis/);
  });

  it('a closed form that forgot the mean (N times too large) is named: missing factor 1/N', () => {
    const c = compareGradients(tape, scaled(closed, 4), { batch: 4, labels: ['tape', 'closed form'] });
    expect(c.ok).toBe(false);
    expect(c.diagnosis).toMatchObject({ kind: 'factor', factor: expect.closeTo(4, 12) as number });
    expect(c.diagnosis!.message).toBe('every parameter: missing factor 1/N (N = 4, the batch size): divide by N');
    expect(c.rows.map((r) => r.diagnosis?.kind)).toEqual(['factor', 'factor', 'factor', 'factor']);
    expect(c.toString().split('\n').at(-1)).toBe('diagnosis (closed form against tape): every parameter: missing factor 1/N (N = 4, the batch size): divide by N');
    // Without the batch size the same factor is still named, as a plain 4.
    expect(compareGradients(tape, scaled(closed, 4)).diagnosis!.message).toBe('every parameter: a factor 4 too many (mine = 4 × reference): divide by 4');
  });

  it('a sign flip, and a factor in one layer only (named under that parameter)', () => {
    expect(compareGradients(tape, scaled(closed, -1)).diagnosis).toMatchObject({ kind: 'sign', message: 'every parameter: sign flipped (mine = −reference): negate it' });
    const one = compareGradients(tape, scaled(closed, 0.5, 1));
    expect(one.rows.map((r) => [r.param, r.ok])).toEqual([['W1', true], ['b1', true], ['W2', false], ['b2', false]]);
    expect(one.diagnosis!.message).toBe('W2: missing factor 2 (mine = reference / 2): multiply by 2');
  });

  it('a transposed square weight gradient is named under its parameter', () => {
    const sq = createMLP({ sizes: [3, 3, 1], activations: 'tanh', seed: 2 });
    const X3 = tensor([[0.5, -1, 0.2], [1, 2, -0.3]]);
    const Y3 = tensor([[1], [0]]);
    const t = backpropTape(sq, X3, Y3, 'mse');
    const W = t.grads[0]!.W;
    const WT = tensor(W.data.map((_, k) => W.data[(k % 3) * 3 + Math.floor(k / 3)]!), [3, 3]);
    const c = compareGradients(t, { loss: t.loss, grads: [{ W: WT, b: t.grads[0]!.b }, t.grads[1]!] });
    expect(c.rows[0]!.diagnosis?.kind).toBe('transpose');
    expect(c.diagnosis!.message).toMatch(/^W1: transposed \(mine = transpose\(reference\)\)/);
  });

  it('rejects a bad batch', () => {
    expect(() => compareGradients(tape, closed, { batch: 0 })).toThrow('compareGradients: batch must be an integer >= 1, got 0');
    expect(() => compareGradients(tape, closed, { batch: 2.5 })).toThrow(ArgumentError);
  });
});

describe('compareGradients diagnosis over random networks (fast-check)', () => {
  it('never fires on a correct comparison; names a planted 1/N, 1/2 or sign on every parameter', () => {
    const acts = ['tanh', 'sigmoid', 'softplus', 'swish'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(...acts),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('batch', 'half', 'sign'),
        (nIn, hidden, batch, act, seed, mistake) => {
          const model = createMLP({ sizes: [nIn, hidden, 2], activations: act, seed });
          const X = normal([batch, nIn], { seed: seed + 1 });
          const Y = normal([batch, 2], { seed: seed + 2 });
          const tape = backpropTape(model, X, Y, 'meanSquared');
          const closed = backpropClosedForm(model, X, Y, 'meanSquared');
          const good = compareGradients(tape, closed, { batch });
          expect(good.ok).toBe(true);
          expect(good.diagnosis).toBeNull();
          const c = mistake === 'batch' ? batch : mistake === 'half' ? 0.5 : -1;
          const bad: GradResult = { loss: closed.loss, grads: closed.grads.map(({ W, b }) => ({ W: mul(c, W), b: mul(c, b) })) };
          const d = compareGradients(tape, bad, { batch }).diagnosis;
          // A gradient that is all zero (a saturated or dead network) has no factor to find; the seeds here never give one.
          expect(d?.kind).toBe(mistake === 'sign' ? 'sign' : 'factor');
          // With N = 2, a factor 1/2 is also "an extra 1/N": diagnose names the batch reading first.
          const half = batch === 2 ? 'extra factor 1/N (N = 2' : 'missing factor 2';
          expect(d!.message).toContain(mistake === 'batch' ? `missing factor 1/N (N = ${batch}` : mistake === 'half' ? half : 'sign flipped');
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });
});

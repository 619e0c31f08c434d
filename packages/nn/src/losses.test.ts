import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, mul, square, sub, sum, tensor } from '@tapegrad/core';
import { backpropClosedForm, backpropTape, checkLoss, createMLP, defineLoss, evaluate, getLoss, huberLoss, losses } from './index.js';
import { rowSumTolerance } from './losses.js';

const matrix = (rows: number, cols: number, lo: number, hi: number) =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }).map((v) => tensor(v, [rows, cols]));

describe('built-in losses', () => {
  for (const loss of Object.values(losses)) {
    it(`${loss.name}: closed-form ∇_a C agrees with the tape (fast-check)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5 }).chain((b) => fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(matrix(b, n, -5, 5), matrix(b, n, 0, 1)))),
          ([a, y]) => {
            const r = checkLoss(loss, a, y);
            expect(r.ok, r.toString()).toBe(true);
          },
        ),
        { numRuns: 60, seed: 5 },
      );
    });
    it(`${loss.name}: closed-form value equals the tape value`, () => {
      const a = tensor([[0.3, -1.2, 2.5], [4, 0.1, -0.7]]);
      const y = tensor([[0.2, 0.5, 0.3], [0, 1, 0]]);
      const out = new Float64Array(2);
      loss.value(a.data, y.data, 2, 3, out);
      const t = loss.tape(a, y).data;
      out.forEach((v, i) => expect(Math.abs(v - t[i]!)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(v))));
    });
  }

  it('per-sample values follow the derivations’ formulas (docs/sources.md)', () => {
    const a = tensor([[1, 2]]);
    const y = tensor([[0, 4]]);
    const v = (name: string) => {
      const o = new Float64Array(1);
      getLoss(name).value(a.data, y.data, 1, 2, o);
      return o[0];
    };
    expect(v('halfSumSquares')).toBe(0.5 * (1 + 4)); // ½‖a - y‖², the unrolled-recursion notes and the sigmoid lecture notes
    expect(v('sumSquares')).toBe(5); // Σ (a - y)², the worked 2-3-2 example
    expect(v('meanSquared')).toBe(2.5);
    expect(v('huber')).toBe(0.5 + (2 - 0.5)); // ½·1² + δ(|−2| − ½δ)
  });

  it('softmaxCrossEntropy on logits is stable and its gradient is softmax(z) - y', () => {
    const z = tensor([[1000, 0, -1000]]);
    const y = tensor([[0, 1, 0]]);
    const out = new Float64Array(1);
    losses.softmaxCrossEntropy.value(z.data, y.data, 1, 3, out);
    expect(out[0]).toBe(1000); // -log softmax(z)_1 = lse(z) - z_1 = 1000 - 0
    const g = new Float64Array(3);
    losses.softmaxCrossEntropy.gradient(z.data, y.data, 1, 3, g);
    expect([...g]).toEqual([1, -1, 0]);
    expect(losses.softmaxCrossEntropy.tape(z, y).item()).toBe(1000);
  });

  it('binaryCrossEntropy on logits is stable at ±800 and its gradient is σ(z) - y', () => {
    const z = tensor([[800, -800, 0]]);
    const y = tensor([[0, 0, 1]]);
    const out = new Float64Array(1);
    losses.binaryCrossEntropy.value(z.data, y.data, 1, 3, out);
    expect(out[0]).toBeCloseTo(800 + 0 + Math.log(2), 12);
    const g = new Float64Array(3);
    losses.binaryCrossEntropy.gradient(z.data, y.data, 1, 3, g);
    expect([...g]).toEqual([1, 0, -0.5]);
    expect(losses.binaryCrossEntropy.tape(z, y).item()).toBeCloseTo(800 + Math.log(2), 12);
  });

  it('huberLoss(δ) clamps the gradient at ±δ and rejects δ ≤ 0', () => {
    const h = huberLoss(0.5);
    const g = new Float64Array(3);
    h.gradient(Float64Array.of(3, -3, 0.2), Float64Array.of(0, 0, 0), 1, 3, g);
    expect([...g]).toEqual([0.5, -0.5, 0.2]);
    expect(h.name).toBe('huber(0.5)');
    expect(() => huberLoss(0)).toThrow(/delta must be a finite number > 0, got 0/);
  });
});

describe('getLoss', () => {
  it('accepts names and CLI spellings', () => {
    expect(getLoss('half-sum-squares')).toBe(losses.halfSumSquares);
    expect(getLoss('mse')).toBe(losses.meanSquared);
    expect(getLoss('softmax-ce')).toBe(losses.softmaxCrossEntropy);
    expect(getLoss('bce')).toBe(losses.binaryCrossEntropy);
    expect(getLoss('huber')).toBe(losses.huber);
  });
  it('rejects unknown names, listing the valid ones', () => {
    expect(() => getLoss('l2')).toThrow(ArgumentError);
    expect(() => getLoss('l2')).toThrow(/unknown loss 'l2'; use one of halfSumSquares, sumSquares, meanSquared/);
  });
});

describe('defineLoss + checkLoss', () => {
  const value = (a: Parameters<typeof sub>[0], y: Parameters<typeof sub>[1]) => mul(0.5, sum(square(square(sub(a, y))), 1));

  it('accepts a correct hand gradient (½ Σ (a-y)⁴ → 2(a-y)³)', () => {
    const loss = defineLoss({
      name: 'halfQuartic',
      value,
      grad: (a, y, _b, _n, out) => {
        for (let i = 0; i < out.length; i++) out[i] = 2 * (a[i]! - y[i]!) ** 3;
      },
    });
    const r = checkLoss(loss, tensor([[0.5, -1, 2]]), tensor([[0, 0, 1]]));
    expect(r.ok, r.toString()).toBe(true);
  });

  it('catches and locates a wrong hand gradient', () => {
    // Dropped the factor 2: (a-y)³ instead of 2(a-y)³; the gap |a-y|³ is largest at the largest residual.
    const loss = defineLoss({
      name: 'halfQuartic',
      value,
      grad: (a, y, _b, _n, out) => {
        for (let i = 0; i < out.length; i++) out[i] = (a[i]! - y[i]!) ** 3;
      },
    });
    const r = checkLoss(loss, tensor([[0.5, -1], [2, 0.1]]), tensor([[0, 0], [-1, 0]]));
    expect(r.ok).toBe(false);
    expect(r.worst).toMatchObject({ sample: 1, index: 0, a: 2, y: -1, grad: 27, tape: 54 });
    // Every entry fails; the worst relative to the tolerance (27 / (1e-9 + 1e-7·54) ≈ 5e6) is also the largest residual here.
    expect(r.failures).toBe(4);
    expect(r.toString()).toMatch(/DISAGREES with the tape at 4 of 4 entries; worst at sample 1, output 0 \(a = 2, y = -1\): grad = 27, tape = 54 \(4.9991e\+6× the tolerance/);
  });

  it('checkLoss rejects mismatched shapes', () => {
    expect(() => checkLoss(losses.halfSumSquares, tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow(/a and y must both be \[batch, n\], got \[1,2\] and \[1,3\]/);
  });
});

describe('cross-entropy targets', () => {
  const m = createMLP({ sizes: [2, 2], activations: ['identity'], seed: 1 });
  const X = tensor([[0, 1], [1, 0]]);
  it('softmaxCrossEntropy accepts rows within 1e-6 + n·2⁻²³ of summing to 1 and rejects rows beyond', () => {
    // n = 2: tolerance 1e-6 + 2·2⁻²³ ≈ 1.2384e-6.
    expect(rowSumTolerance(2)).toBe(1e-6 + 2 * 2 ** -23);
    expect(() => backpropClosedForm(m, X, tensor([[0.5 + 1.2e-6, 0.5], [0, 1]]), 'softmaxCrossEntropy')).not.toThrow();
    expect(() => backpropClosedForm(m, X, tensor([[0.5 + 1.3e-6, 0.5], [0, 1]]), 'softmaxCrossEntropy')).toThrow(
      /backpropClosedForm: loss 'softmaxCrossEntropy' needs one-hot or probability target rows \(every entry in \[0, 1\], each row summing to 1\), but row 0 of Y sums to 1\.0000013\d* \(off from 1 by 1\.3000e-6, tolerance 1\.2384e-6\); one-hot encode class labels, or divide each row by its sum/,
    );
  });
  it('float32 one-hot and probability rows pass for many classes', () => {
    const n = 1000;
    const wide = createMLP({ sizes: [2, n], activations: ['identity'], seed: 1 });
    const row = Float32Array.from({ length: n }, () => 1 / n);
    const Y = tensor(Float64Array.from([...row, ...row]), [2, n]);
    expect(Number.isFinite(backpropTape(wide, X, Y, 'softmaxCrossEntropy').loss)).toBe(true);
  });
  it('binaryCrossEntropy accepts 0, 1 and probabilities, and names the first target outside [0, 1]', () => {
    const one = createMLP({ sizes: [2, 1], activations: ['identity'], seed: 1 });
    expect(() => evaluate(one, X, tensor([[0], [0.25]]), 'bce')).not.toThrow();
    expect(() => evaluate(one, X, tensor([[1], [1.0000001]]), 'bce')).toThrow(
      "evaluate: loss 'binaryCrossEntropy' needs targets in [0, 1] (labels 0/1 or probabilities), but Y[1, 0] (row 1) is 1.0000001; encode the two classes as 0 and 1",
    );
  });
});

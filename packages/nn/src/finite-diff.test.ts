import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/core';
import { createMLP, dense, finiteDifferenceGradients, mlp } from './index.js';

describe('finiteDifferenceGradients', () => {
  it('is exact for a linear model with ½‖·‖² up to rounding (the cost is quadratic: no truncation error)', () => {
    // C = ½(w·x + b - y)², ∂C/∂w = (w·x + b - y)x, ∂C/∂b = w·x + b - y.
    const m = mlp([dense(2, 1, 'identity', { W: Float64Array.of(0.5, -1.5), b: Float64Array.of(0.25) })]);
    const r = finiteDifferenceGradients(m, tensor([[2, 1]]), tensor([[3]]), 'halfSumSquares', { reduction: 'sum' });
    const e = 0.5 * 2 - 1.5 * 1 + 0.25 - 3;
    // central differences of a quadratic are exact; only rounding of C (≈ u·|C|/ε ≈ 1e-10) remains
    expect(r.grads[0]!.W.data[0]).toBeCloseTo(e * 2, 8);
    expect(r.grads[0]!.W.data[1]).toBeCloseTo(e * 1, 8);
    expect(r.grads[0]!.b.data[0]).toBeCloseTo(e, 8);
    expect(r.loss).toBe(0.5 * e * e);
  });

  it('leaves every parameter exactly as it found it', () => {
    const m = createMLP({ sizes: [3, 5, 2], activations: 'tanh', seed: 6 });
    const before = m.layers.map((l) => [...l.W, ...l.b]);
    finiteDifferenceGradients(m, tensor([[0.1, 0.2, 0.3]]), tensor([[1, 0]]), 'mse', { eps: 1e-3 });
    expect(m.layers.map((l) => [...l.W, ...l.b])).toEqual(before);
  });

  it('rejects a non-positive step', () => {
    const m = createMLP({ sizes: [1, 1], activations: ['identity'] });
    expect(() => finiteDifferenceGradients(m, tensor([[1]]), tensor([[1]]), 'mse', { eps: 0 })).toThrow(/eps must be a finite number > 0, got 0/);
  });
});

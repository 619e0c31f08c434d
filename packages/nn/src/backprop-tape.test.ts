import { describe, expect, it } from 'vitest';
import { type Tensor, tensor, traceTape } from '@tapegrad/core';
import { backpropClosedForm, backpropTape, createMLP, dense, losses, mlp, tapeCost } from './index.js';

describe('backpropTape builds the minimal graph', () => {
  it('per layer: one matmul (transB, no transpose op), one add for the bias, the activation; then the loss', () => {
    const model = createMLP({ sizes: [3, 4, 2], activations: ['tanh', 'sigmoid'], seed: 0 });
    const X = tensor([[1, 2, 3], [0, -1, 0.5]]);
    const Y = tensor([[0, 1], [1, 0]]);
    const rec = traceTape(
      (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) => tapeCost(model, [{ W: W1, b: b1 }, { W: W2, b: b2 }], X, Y, losses.halfSumSquares, 'sum'),
      tensor(model.layers[0]!.W, [4, 3]),
      tensor(model.layers[0]!.b, [4]),
      tensor(model.layers[1]!.W, [2, 4]),
      tensor(model.layers[1]!.b, [2]),
    );
    const ops = rec.entries.map((e) => e.op).filter((op) => op !== 'variable');
    // ½‖a - y‖² per sample is sub, square, sum over the row, mul by ½; the batch sum is one more sum.
    expect(ops).toEqual(['matmul', 'add', 'tanh', 'matmul', 'add', 'sigmoid', 'sub', 'square', 'sum', 'mul', 'sum']);
  });
});

describe('kinks: both ways take the same subgradient', () => {
  it('relu at exactly z = 0 has derivative 0 and leakyRelu α, in the tape and the closed form', () => {
    for (const [act, slope] of [['relu', 0], ['leakyRelu', 0.01]] as const) {
      // z = 1·1 + (-1)·1 + 0 = 0 exactly; the output layer passes it on with weight 2.
      const m = mlp([dense(2, 1, act, { W: Float64Array.of(1, -1) }), dense(1, 1, 'identity', { W: Float64Array.of(2), b: Float64Array.of(0.5) })]);
      const X = tensor([[1, 1]]);
      const Y = tensor([[0]]);
      for (const bp of [backpropTape, backpropClosedForm]) {
        const g = bp(m, X, Y, 'halfSumSquares', { reduction: 'sum' });
        // ∂C/∂b₁ = (a - y)·w₂·f′(0) = 0.5·2·slope
        expect(g.grads[0]!.b.data[0]).toBe(0.5 * 2 * slope);
      }
    }
  });
});

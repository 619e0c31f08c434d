import { describe, expect, it } from 'vitest';
import { type Tensor, mul, sin, tensor, traceTape } from '@tapegrad/core';
import { backpropClosedForm, backpropTape, checkActivation, compareGradients, createMLP, defineActivation, dense, losses, mlp, tapeCost } from './index.js';

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

describe('a wrong hand derivative inside a network', () => {
  it('makes tape and closed form disagree exactly at that layer and the layers below it', () => {
    // Layer 2 of 3 uses a user activation whose df forgot the chain rule: d/dz sin(2z) written as cos(2z).
    const sin2 = defineActivation({ name: 'sin2z', f: (z) => sin(mul(2, z)), df: (z) => Math.cos(2 * z) });
    const model = mlp([dense(3, 4, 'tanh'), dense(4, 4, sin2), dense(4, 2, 'identity')]);
    const init = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.15, -0.35, 0.45, 0.05, -0.15, 0.2];
    model.layers.forEach((l, i) => l.W.forEach((_, k) => (l.W[k] = init[(k + 3 * i) % init.length]!)));
    const X = tensor([[1, -0.5, 0.25], [0.3, 0.8, -1]]);
    const Y = tensor([[0.5, -0.5], [1, 0]]);
    const cmp = compareGradients(backpropTape(model, X, Y, 'mse'), backpropClosedForm(model, X, Y, 'mse'));
    expect(cmp.ok).toBe(false);
    // δ_3 and ∂C/∂W_3 do not involve f_2′; δ_2 and everything below it do.
    expect(cmp.rows.map((r) => [r.param, r.ok])).toEqual([
      ['W1', false],
      ['b1', false],
      ['W2', false],
      ['b2', false],
      ['W3', true],
      ['b3', true],
    ]);
    // And checkActivation pins the cause on the activation itself.
    expect(checkActivation(sin2).ok).toBe(false);
  });
});

describe('saturated networks stay finite and agree', () => {
  it('huge logits through softmaxCrossEntropy and binaryCrossEntropy after saturated sigmoid, softplus and tanh layers', () => {
    const big = (n: number, s: number): Float64Array => Float64Array.from({ length: n }, (_, i) => s * (i % 2 === 0 ? 1 : -1) * (1 + (i % 5) / 5));
    const X = tensor([[1, -1, 0.5], [-0.3, 0.9, -1]]);
    for (const [hidden, loss, Y] of [
      ['sigmoid', 'softmaxCrossEntropy', tensor([[1, 0], [0, 1]])],
      ['softplus', 'binaryCrossEntropy', tensor([[1, 0], [0, 1]])],
      ['tanh', 'softmaxCrossEntropy', tensor([[0.5, 0.5], [0, 1]])],
    ] as const) {
      const model = mlp([dense(3, 4, hidden, { W: big(12, 300) }), dense(4, 2, 'identity', { W: big(8, 250) })]);
      const tape = backpropTape(model, X, Y, loss);
      const closed = backpropClosedForm(model, X, Y, loss);
      // saturated, so the loss is large (tens to 10⁵) yet finite
      expect(Number.isFinite(tape.loss) && tape.loss > 10).toBe(true);
      expect(Math.abs(closed.loss - tape.loss)).toBeLessThanOrEqual(1e-12 * tape.loss);
      for (const g of [...tape.grads, ...closed.grads]) for (const v of [...g.W.data, ...g.b.data]) expect(Number.isFinite(v)).toBe(true);
      const cmp = compareGradients(tape, closed);
      expect(cmp.ok, cmp.toString()).toBe(true);
    }
  });
});

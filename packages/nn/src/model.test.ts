import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, tensor } from '@tapegrad/core';
import {
  ClosedFormBackprop,
  LayerShapeError,
  LossCompatibilityError,
  activations,
  backpropClosedForm,
  backpropTape,
  createMLP,
  dense,
  finiteDifferenceGradients,
  forward,
  mlp,
  paramCount,
  predict,
  train,
  sgd,
} from './index.js';

describe('createMLP', () => {
  it('builds layers with W: [n_l, n_(l-1)], b: [n_l] and the requested activations', () => {
    const m = createMLP({ sizes: [4, 5, 3], activations: 'relu', output: 'softmax', seed: 1 });
    expect(m.layers.map((l) => [l.outputSize, l.inputSize, l.W.length, l.b.length])).toEqual([
      [5, 4, 20, 5],
      [3, 5, 15, 3],
    ]);
    expect(m.layers.map((l) => l.activation.name)).toEqual(['relu', 'softmax']);
    expect(paramCount(m)).toBe(20 + 5 + 15 + 3);
  });

  it('one activation and no output: hidden layers use it, the output layer is identity', () => {
    const m = createMLP({ sizes: [2, 3, 3, 1], activations: 'tanh' });
    expect(m.layers.map((l) => l.activation.name)).toEqual(['tanh', 'tanh', 'identity']);
  });

  it('is reproducible from its seed, and different seeds differ', () => {
    const a = createMLP({ sizes: [3, 4, 2], activations: 'tanh', seed: 9 });
    const b = createMLP({ sizes: [3, 4, 2], activations: 'tanh', seed: 9 });
    const c = createMLP({ sizes: [3, 4, 2], activations: 'tanh', seed: 10 });
    expect([...a.layers[0]!.W]).toEqual([...b.layers[0]!.W]);
    expect([...a.layers[0]!.W]).not.toEqual([...c.layers[0]!.W]);
  });

  it('Glorot draws stay within ±√(6/(n_in+n_out)); He draws have variance ≈ 2/n_in', () => {
    const g = createMLP({ sizes: [50, 70], activations: ['tanh'], init: 'glorot', seed: 2 });
    const lim = Math.sqrt(6 / 120);
    for (const w of g.layers[0]!.W) expect(Math.abs(w)).toBeLessThanOrEqual(lim);
    const h = createMLP({ sizes: [200, 200], activations: ['relu'], init: 'he', seed: 3 });
    const W = h.layers[0]!.W;
    const variance = W.reduce((s, w) => s + w * w, 0) / W.length;
    // 40000 draws: the sample variance's relative standard error is √(2/40000) ≈ 0.7%; 5% is > 7σ.
    expect(Math.abs(variance / (2 / 200) - 1)).toBeLessThan(0.05);
    expect([...g.layers[0]!.b].every((v) => v === 0)).toBe(true);
  });

  it('rejects bad specs with messages that say how to fix them', () => {
    expect(() => createMLP({ sizes: [3], activations: 'tanh' })).toThrow(/sizes must list at least an input and an output width/);
    expect(() => createMLP({ sizes: [3, 0], activations: 'tanh' })).toThrow(/sizes\[1\] must be a positive integer, got 0/);
    expect(() => createMLP({ sizes: [3, 4, 2], activations: ['tanh'] })).toThrow(/got 1 activations for 2 layers/);
    // @ts-expect-error a misspelt name is a type error, and still a clear runtime error for JS callers
    expect(() => createMLP({ sizes: [3, 2], activations: 'tnah' })).toThrow(/unknown activation 'tnah'/);
  });

  it('mlp() checks that widths chain', () => {
    expect(() => mlp([dense(2, 3, 'tanh'), dense(4, 1, 'identity')])).toThrow(/layer 2 takes 4 inputs but layer 1 gives 3 outputs/);
  });
});

describe('forward', () => {
  it('keeps the forward chain: zs[0] = as[0] = x, zs[l] = A_(l-1)W_lᵀ + b_l, as[l] = f(zs[l])', () => {
    const m = mlp([
      dense(2, 2, 'relu', { W: Float64Array.of(1, -1, 2, 0.5), b: Float64Array.of(0, -3) }),
      dense(2, 1, 'sigmoid', { W: Float64Array.of(0.5, -0.25), b: Float64Array.of(0.1) }),
    ]);
    const t = forward(m, tensor([[1, 2], [3, -1]]));
    expect(t.zs.length).toBe(3);
    expect([...t.as[0]!]).toEqual([1, 2, 3, -1]);
    expect([...t.zs[1]!]).toEqual([-1, 0, 4, 2.5]);
    expect([...t.as[1]!]).toEqual([0, 0, 4, 2.5]);
    expect([...t.zs[2]!]).toEqual([0.1, 0.5 * 4 - 0.25 * 2.5 + 0.1]);
    expect(predict(m, tensor([[3, -1]])).toFlatArray()[0]).toBeCloseTo(1 / (1 + Math.exp(-1.475)), 15);
  });
});

describe('bad input gives typed errors naming the layer and the shapes', () => {
  const m = createMLP({ sizes: [3, 4, 2], activations: 'tanh', output: 'sigmoid', seed: 0 });
  const X = tensor([[1, 2, 3], [4, 5, 6]]);
  const Y = tensor([[0, 1], [1, 0]]);

  for (const [name, fn] of [
    ['backpropTape', backpropTape],
    ['backpropClosedForm', backpropClosedForm],
    ['finiteDifferenceGradients', finiteDifferenceGradients],
  ] as const) {
    it(`${name}: input width does not match the first layer`, () => {
      const bad = tensor([[1, 2], [3, 4]]);
      expect(() => fn(m, bad, Y, 'halfSumSquares')).toThrow(LayerShapeError);
      expect(() => fn(m, bad, Y, 'halfSumSquares')).toThrow(
        `${name}: input X has shape [2,2] but layer 1 (Dense 3→4) expects [batch, 3]; give each sample 3 features, one sample per row`,
      );
    });
    it(`${name}: labels of the wrong shape`, () => {
      expect(() => fn(m, X, tensor([[0, 1, 0], [1, 0, 0]]), 'halfSumSquares')).toThrow(
        `${name}: labels Y have shape [2,3] but the output layer (layer 2, Dense 4→2, sigmoid) gives [2, 2] for X's 2 rows; give one row of 2 targets per sample`,
      );
      expect(() => fn(m, X, tensor([1, 0]), 'halfSumSquares')).toThrow(/one-hot encode the 2 class labels to \[2, 2\]/);
    });
    it(`${name}: a logits loss after a non-identity output layer`, () => {
      expect(() => fn(m, X, Y, 'softmaxCrossEntropy')).toThrow(LossCompatibilityError);
      expect(() => fn(m, X, Y, 'softmaxCrossEntropy')).toThrow(
        `${name}: loss 'softmaxCrossEntropy' takes logits and applies softmax itself, but the output layer (layer 2, Dense 4→2, output [batch, 2]) uses 'sigmoid'; use the 'identity' activation for the output layer`,
      );
      expect(() => fn(m, X, Y, 'bce')).toThrow(/'binaryCrossEntropy' takes logits and applies the sigmoid itself/);
    });
  }

  it('a single sample given as a vector is told to reshape', () => {
    expect(() => forward(m, tensor([1, 2, 3]))).toThrow(/reshape a single sample to \[1, 3\]/);
  });

  it('errors are ShapeError / ArgumentError subclasses', () => {
    expect(() => forward(m, tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => backpropTape(m, X, Y, 'softmax-ce')).toThrow(ArgumentError);
    expect(() => backpropTape(m, X, Y, 'halfSumSquares', { reduction: 'avg' as 'mean' })).toThrow(/reduction must be 'sum' or 'mean', got 'avg'/);
  });

  it('train checks the same things before touching the model', () => {
    const before = [...m.layers[0]!.W];
    expect(() => train(m, { X, Y }, { epochs: 1, loss: 'softmaxCrossEntropy', optimizer: sgd({ lr: 0.1 }) })).toThrow(LossCompatibilityError);
    expect([...m.layers[0]!.W]).toEqual(before);
  });

  it('ClosedFormBackprop, constructed directly, names itself in its errors', () => {
    expect(() => new ClosedFormBackprop(m, 'softmaxCrossEntropy')).toThrow(LossCompatibilityError);
    expect(() => new ClosedFormBackprop(m, 'softmaxCrossEntropy')).toThrow(/^ClosedFormBackprop: loss 'softmaxCrossEntropy' takes logits/);
    expect(() => new ClosedFormBackprop(m, 'halfSumSquares', 'avg' as 'mean')).toThrow("ClosedFormBackprop: reduction must be 'sum' or 'mean', got 'avg'");
    expect(() => new ClosedFormBackprop({ layers: [] }, 'mse')).toThrow('ClosedFormBackprop: model must be an MLP with at least one layer (use createMLP)');
  });

  it('softmax output + softmaxCrossEntropy is refused (softmax would be applied twice)', () => {
    const s = createMLP({ sizes: [3, 2], activations: [activations.softmax] });
    expect(() => backpropClosedForm(s, X, Y, 'softmaxCrossEntropy')).toThrow(/uses 'softmax'; use the 'identity' activation/);
  });
});

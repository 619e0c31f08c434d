import { describe, expect, it } from 'vitest';
import { ArgumentError, TapegradError, tensor } from '@tapegrad/core';
import { TrainingDivergedError, accuracy, adam, createMLP, dense, evaluate, mlp, sgd, train } from './index.js';

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const Y = tensor([[0], [1], [1], [0]]);

describe('XOR', () => {
  // 2-4-1, tanh hidden, sigmoid output, ½‖·‖², full-batch SGD: a standard XOR set-up.
  const run = (gradients: 'tape' | 'closed-form') => {
    const model = createMLP({ sizes: [2, 4, 1], activations: 'tanh', output: 'sigmoid', seed: 1 });
    const { history } = train(model, { X, Y }, { epochs: 1500, batchSize: 4, loss: 'halfSumSquares', optimizer: sgd({ lr: 2 }), gradients, seed: 3 });
    return { model, history };
  };
  const tape = run('tape');
  const closed = run('closed-form');

  it('reaches 100% accuracy with either gradient source', () => {
    expect(accuracy(tape.model, X, Y)).toBe(1);
    expect(accuracy(closed.model, X, Y)).toBe(1);
    expect(tape.history.at(-1)!).toBeLessThan(0.01 * tape.history[0]!);
  });

  it('the two runs give identical loss histories to 1e-9', () => {
    // Gradients differ by rounding (~1e-16 relative) per step; gradient descent near a minimum
    // contracts such differences, so 1500 steps keep them far below 1e-9.
    expect(closed.history.length).toBe(1500);
    let worst = 0;
    tape.history.forEach((h, i) => (worst = Math.max(worst, Math.abs(h - closed.history[i]!))));
    expect(worst).toBeLessThan(1e-9);
    tape.model.layers.forEach((l, i) => l.W.forEach((w, j) => expect(Math.abs(w - closed.model.layers[i]!.W[j]!)).toBeLessThan(1e-9)));
  });

  it('mini-batches with shuffling and Adam also solve it, identically from tape and closed form', () => {
    const go = (gradients: 'tape' | 'closed-form') => {
      const model = createMLP({ sizes: [2, 8, 2], activations: 'relu', seed: 4 });
      const Y2 = tensor([[1, 0], [0, 1], [0, 1], [1, 0]]);
      const h = train(model, { X, Y: Y2 }, { epochs: 300, batchSize: 3, loss: 'softmaxCrossEntropy', optimizer: adam({ lr: 0.05 }), gradients, seed: 8 }).history;
      return { h, acc: accuracy(model, X, Y2) };
    };
    const a = go('tape');
    const b = go('closed-form');
    expect(a.acc).toBe(1);
    expect(b.acc).toBe(1);
    a.h.forEach((v, i) => expect(Math.abs(v - b.h[i]!)).toBeLessThan(1e-9));
  });
});

describe('train compiles the tape step by default', () => {
  it('the compiled and eager tape train identically, bit for bit (two batch sizes, so two programs; Adam, a custom activation)', () => {
    const go = (compiled: boolean, activations: 'relu' | 'swish') => {
      const model = createMLP({ sizes: [2, 8, 2], activations, seed: 4 });
      const Y2 = tensor([[1, 0], [0, 1], [0, 1], [1, 0]]);
      const h = train(model, { X, Y: Y2 }, { epochs: 60, batchSize: 3, loss: 'softmaxCrossEntropy', optimizer: adam({ lr: 0.05 }), gradients: 'tape', compile: compiled, seed: 8 }).history;
      return { h, W: model.layers.flatMap((l) => [...l.W, ...l.b]) };
    };
    for (const act of ['relu', 'swish'] as const) {
      const a = go(true, act);
      const b = go(false, act);
      expect(a.h).toEqual(b.h);
      expect(a.W).toEqual(b.W);
    }
  });

  it('compile must be a boolean', () => {
    const model = createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 0 });
    expect(() => train(model, { X, Y }, { epochs: 1, loss: 'mse', optimizer: sgd({ lr: 0.1 }), gradients: 'tape', compile: 'yes' as never })).toThrow(/compile must be true or false/);
  });
});

describe('train', () => {
  it('reports each epoch to onEpoch, 1-based, with the epoch loss', () => {
    const model = createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 0 });
    const seen: number[] = [];
    const { history } = train(model, { X, Y }, { epochs: 3, loss: 'mse', optimizer: sgd({ lr: 0.1 }), onEpoch: (e) => seen.push(e.epoch) });
    expect(seen).toEqual([1, 2, 3]);
    expect(history.length).toBe(3);
  });

  it('the epoch loss of one full batch is the loss before that epoch’s step', () => {
    const model = createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 0 });
    const before = evaluate(model, X, Y, 'halfSumSquares');
    const { history } = train(model, { X, Y }, { epochs: 1, batchSize: 4, shuffle: false, loss: 'halfSumSquares', optimizer: sgd({ lr: 0.1 }) });
    expect(history[0]).toBe(before);
  });

  it('rejects bad options', () => {
    const model = createMLP({ sizes: [2, 1], activations: ['identity'] });
    const base = { epochs: 1, loss: 'mse' as const, optimizer: sgd({ lr: 0.1 }) };
    expect(() => train(model, { X, Y }, { ...base, epochs: 1.5 })).toThrow('train: epochs must be an integer in [0, 10000000], got 1.5');
    expect(() => train(model, { X, Y }, { ...base, batchSize: 0 })).toThrow('train: batchSize must be an integer >= 1, got 0');
    expect(() => train(model, { X, Y }, { ...base, gradients: 'numeric' as 'tape' })).toThrow(/gradients must be 'tape' or 'closed-form', got 'numeric'/);
    expect(() => sgd({ lr: -1 })).toThrow(ArgumentError);
  });

  it('stops with a clear error when the loss diverges', () => {
    const model = createMLP({ sizes: [2, 4, 1], activations: ['identity', 'identity'], seed: 1 });
    const big = tensor([[1e150, 1e150], [1e150, -1e150], [3, 4], [5, 6]]);
    expect(() => train(model, { X: big, Y }, { epochs: 50, loss: 'mse', optimizer: sgd({ lr: 10 }) })).toThrow(/the loss became (Infinity|NaN) at epoch \d+; lower the learning rate/);
  });

  it('divergence is a TrainingDivergedError (not a usage error) naming the epoch, the step and the loss', () => {
    // A 1-1 identity model on y = 0 with x = 1: C = ½(w + b)², and sgd with lr 3 maps s = w + b to
    // s - 3·2s = -5s per step, so |s| grows 5× a step and overflows to Infinity in a few hundred steps.
    const m = mlp([dense(1, 1, 'identity', { W: Float64Array.of(1), b: Float64Array.of(0) })]);
    const X1 = tensor([[1], [1]]);
    const Y1 = tensor([[0], [0]]);
    let err: unknown;
    try {
      train(m, { X: X1, Y: Y1 }, { epochs: 1000, batchSize: 1, shuffle: false, loss: 'halfSumSquares', optimizer: sgd({ lr: 3 }) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TapegradError);
    expect(err).not.toBeInstanceOf(ArgumentError);
    if (!(err instanceof TrainingDivergedError)) throw new Error(`expected a TrainingDivergedError, got ${String(err)}`);
    const d = err;
    // s_k = (-5)^k after k steps; C = ½ s² overflows once 25^k / 2 > 1.8e308, i.e. at k = 221,
    // which is step 222 (the steps count from 1), batch 2 of 2 in epoch 111.
    expect(d.loss).toBe(Infinity);
    expect(d.step).toBe(222);
    expect(d.epoch).toBe(111);
    expect(d.message).toMatch(
      /^train: the loss became Infinity at epoch 111; lower the learning rate of sgd or check the data for NaN\/Infinity \(step 222, batch 2 of 2 in that epoch; the step before had loss \S+e\+30\d\)$/,
    );
  });

  it('NaN or ±Infinity in the data is rejected before any weight changes, naming the entry', () => {
    const m = createMLP({ sizes: [2, 1], activations: ['tanh'], seed: 1 });
    const before = Float64Array.from(m.layers[0]!.W);
    for (const [bad, entry] of [
      [tensor([[0, NaN], [0, 1], [1, 0], [1, 1]]), 'X[0, 1] is NaN'],
      [tensor([[0, 0], [0, 1], [Infinity, 0], [1, 1]]), 'X[2, 0] is Infinity'],
      [tensor([[0, 0], [0, 1], [1, 0], [1, -Infinity]]), 'X[3, 1] is -Infinity'],
    ] as const) {
      expect(() => train(m, { X: bad, Y }, { epochs: 1, loss: 'mse', optimizer: sgd({ lr: 0.1 }) })).toThrow(
        `train: ${entry}; the data must be finite (NaN and ±Infinity make the loss or the gradients non-finite), so clean or drop that row`,
      );
    }
    expect(() => train(m, { X, Y: tensor([[0], [NaN], [1], [0]]) }, { epochs: 1, loss: 'mse', optimizer: sgd({ lr: 0.1 }) })).toThrow('train: Y[1, 0] is NaN');
    expect(m.layers[0]!.W).toEqual(before);
  });

  it('a loss that is not finite before any update points at the data', () => {
    const m = createMLP({ sizes: [2, 1], activations: ['identity'], seed: 1 });
    m.layers[0]!.W[1] = NaN;
    for (const gradients of ['tape', 'closed-form'] as const) {
      expect(() => train(m, { X, Y }, { epochs: 1, loss: 'mse', optimizer: adam({ lr: 0.1 }), gradients })).toThrow(
        'train: the loss became NaN at epoch 1; lower the learning rate of adam or check the data for NaN/Infinity (step 1, before any update: the starting loss is not finite, so look at the data (or the initial weights) first)',
      );
    }
  });
});

describe('train stops the first step a gradient or parameter is not finite, though the loss is', () => {
  it('an overflowed gradient (a sum of large finite terms) stops before the step, weights untouched', () => {
    // Logit z = 0.1·1.5e308 = 1.5e307, BCE with y = 0.5 costs ≈ z/2 per sample: the summed loss
    // 2.25e307 is finite, but ∂C/∂W = Σ (σ(z) - 0.5)·x = 3 · 0.5 · 1.5e308 = 2.25e308 overflows.
    const X3 = tensor([[1.5e308], [1.5e308], [1.5e308]]);
    const Y3 = tensor([[0.5], [0.5], [0.5]]);
    for (const gradients of ['tape', 'closed-form'] as const) {
      const m = mlp([dense(1, 1, 'identity', { W: Float64Array.of(0.1), b: Float64Array.of(0) })]);
      let err: unknown;
      try {
        train(m, { X: X3, Y: Y3 }, { epochs: 3, batchSize: 3, loss: 'bce', reduction: 'sum', optimizer: sgd({ lr: 1e-9 }), gradients });
      } catch (e) {
        err = e;
      }
      expect(err, gradients).toBeInstanceOf(TrainingDivergedError);
      const d = err as TrainingDivergedError;
      expect(d.message).toBe(
        'train: the gradient layer 1 W[0] = Infinity at epoch 1, step 1 (batch 1 of 1), although the loss was finite (2.2500e+307); ' +
          'no step was taken. Lower the learning rate of sgd, or scale the data (large inputs overflow the gradient)',
      );
      expect([d.epoch, d.step]).toEqual([1, 1]);
      expect([m.layers[0]!.W[0], m.layers[0]!.b[0]]).toEqual([0.1, 0]);
    }
  });

  it('a step that overflows a parameter is undone, and says so', () => {
    // mse at W = b = 0 with x = 1, y = 10: loss 100, gradient (-20, -20), finite; lr 1e308 sends both to +Infinity.
    const m = mlp([dense(1, 1, 'identity', { W: Float64Array.of(0), b: Float64Array.of(0) })]);
    expect(() => train(m, { X: tensor([[1]]), Y: tensor([[10]]) }, { epochs: 2, loss: 'mse', optimizer: sgd({ lr: 1e308 }) })).toThrow(
      "train: the step made layer 1 W[0] = Infinity at epoch 1, step 1 (batch 1 of 1), although the loss was finite (100); the parameters were restored to their values before that step (the optimizer's state was not)",
    );
    expect([m.layers[0]!.W[0], m.layers[0]!.b[0]]).toEqual([0, 0]);
  });
});

describe('accuracy, evaluate and the backprops on bad data', () => {
  it('NaN outputs count as wrong: a diverged model scores 0, not 1', () => {
    const one = mlp([dense(2, 1, 'sigmoid', { W: Float64Array.of(NaN, 0), b: Float64Array.of(0) })]);
    expect(accuracy(one, X, tensor([[0], [0], [0], [0]]))).toBe(0);
    const two = mlp([dense(2, 2, 'identity', { W: Float64Array.of(NaN, 0, 0, 0), b: Float64Array.of(0, 0) })]);
    expect(accuracy(two, X, tensor([[1, 0], [1, 0], [1, 0], [1, 0]]))).toBe(0);
    // W = (∞, 0): rows with x₀ = 0 give ∞·0 = NaN (wrong, though NaN > 0.5 === (0 > 0.5)), rows with x₀ = 1 give ∞ (right).
    const half = mlp([dense(2, 1, 'identity', { W: Float64Array.of(Infinity, 0), b: Float64Array.of(0) })]);
    expect(accuracy(half, X, tensor([[0], [0], [1], [1]]))).toBe(0.5);
  });

  it('an empty batch is an error everywhere, as in train', () => {
    const m = createMLP({ sizes: [2, 1], activations: ['identity'] });
    const X0 = tensor(new Float64Array(0), [0, 2]);
    const Y0 = tensor(new Float64Array(0), [0, 1]);
    for (const [name, f] of [
      ['evaluate', () => evaluate(m, X0, Y0, 'mse')],
      ['accuracy', () => accuracy(m, X0, Y0)],
      ['train', () => train(m, { X: X0, Y: Y0 }, { epochs: 1, loss: 'mse', optimizer: sgd({ lr: 0.1 }) })],
    ] as const) {
      expect(f, name).toThrow(`${name}: the data has no samples (X is [0,2]); pass at least one row`);
    }
  });
});

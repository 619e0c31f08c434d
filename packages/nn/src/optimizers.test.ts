import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor } from '@tapegrad/core';
import { adam, createMLP, dense, mlp, momentum, sgd, type GradResult, type MLP, type Optimizer } from './index.js';

describe('optimizers', () => {
  const model = () => mlp([dense(2, 1, 'identity', { W: Float64Array.of(1, -2), b: Float64Array.of(0.5) })]);
  const grads = (gW: number[], gb: number): GradResult['grads'] => [{ W: tensor([gW]), b: tensor([gb]) }];

  it('sgd: θ ← θ - lr·g', () => {
    const m = model();
    sgd({ lr: 0.1 }).step(m, grads([1, 2], -3));
    expect([...m.layers[0]!.W]).toEqual([1 - 0.1, -2 - 0.2]);
    expect(m.layers[0]!.b[0]).toBeCloseTo(0.8, 15);
  });

  it('momentum: v ← βv + g, θ ← θ - lr·v', () => {
    const m = model();
    const opt = momentum({ lr: 0.1, beta: 0.5 });
    opt.step(m, grads([1, 0], 0));
    opt.step(m, grads([1, 0], 0));
    // v₁ = 1, v₂ = 0.5 + 1 = 1.5: θ = 1 - 0.1 - 0.15
    expect(m.layers[0]!.W[0]).toBeCloseTo(0.75, 15);
  });

  it('adam: the first step moves each parameter by lr·sign(g)', () => {
    const m = model();
    adam({ lr: 0.01 }).step(m, grads([3, -0.001], 0));
    // m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g)
    expect(m.layers[0]!.W[0]).toBeCloseTo(1 - 0.01, 8);
    expect(m.layers[0]!.W[1]).toBeCloseTo(-2 + 0.01, 6);
    expect(m.layers[0]!.b[0]).toBe(0.5);
  });

  it('rejects gradients of another model', () => {
    expect(() => sgd({ lr: 1 }).step(model(), [{ W: tensor([[1, 2, 3]]), b: tensor([1]) }])).toThrow(
      /sgd.step: layer 1 has W \[1,2\] and b \[1\] but the gradients are \[1,3\] and \[1\]/,
    );
  });
});

/** A two-parameter model θ = (w, b) of one identity neuron, and a gradient for it. */
const one = (w: number, b: number): MLP => mlp([dense(1, 1, 'identity', { W: Float64Array.of(w), b: Float64Array.of(b) })]);
const g1 = (gw: number, gb: number): GradResult['grads'] => [{ W: tensor([[gw]]), b: tensor([gb]) }];
const theta = (m: MLP): [number, number] => [m.layers[0]!.W[0]!, m.layers[0]!.b[0]!];

describe('one-step and few-step trajectories, computed by hand', () => {
  it('sgd: three steps with changing gradients subtract lr·g each time', () => {
    const m = one(1, -1);
    const opt = sgd({ lr: 0.5 });
    opt.step(m, g1(2, -4)); // (1 - 1, -1 + 2)
    expect(theta(m)).toEqual([0, 1]);
    opt.step(m, g1(-1, 0.5)); // (0 + 0.5, 1 - 0.25)
    expect(theta(m)).toEqual([0.5, 0.75]);
    opt.step(m, g1(0, 0)); // a zero gradient leaves θ where it is
    expect(theta(m)).toEqual([0.5, 0.75]);
  });

  it('momentum: v₁ = g₁, v₂ = βv₁ + g₂, v₃ = βv₂ + g₃; θ moves by -lr·v each step', () => {
    const m = one(0, 0);
    const opt = momentum({ lr: 0.5, beta: 0.5 });
    opt.step(m, g1(1, -2)); // v = (1, -2), θ = (-0.5, 1)
    expect(theta(m)).toEqual([-0.5, 1]);
    opt.step(m, g1(1, 0)); // v = (1.5, -1), θ = (-1.25, 1.5)
    expect(theta(m)).toEqual([-1.25, 1.5]);
    opt.step(m, g1(-3, 0)); // v = (-2.25, -0.5), θ = (-0.125, 1.75): velocity outlasts the gradient
    expect(theta(m)).toEqual([-0.125, 1.75]);
  });

  it('momentum with β = 0 is sgd', () => {
    const a = one(0.3, -0.7);
    const b = one(0.3, -0.7);
    const m0 = momentum({ lr: 0.1, beta: 0 });
    const s = sgd({ lr: 0.1 });
    for (const [gw, gb] of [[1, 2], [-0.5, 0.25], [3, -1]] as const) {
      m0.step(a, g1(gw, gb));
      s.step(b, g1(gw, gb));
    }
    expect(theta(a)).toEqual(theta(b));
  });

  it('adam: a constant gradient moves θ by lr·g/(|g| + ε) every step (m̂ = g and v̂ = g² exactly in real arithmetic)', () => {
    const m = one(1, 1);
    const opt = adam({ lr: 0.01 });
    const step = (0.01 * 2) / (2 + 1e-8);
    for (let t = 1; t <= 3; t++) {
      opt.step(m, g1(2, -2));
      // bias correction makes every step the same size; rounding of 1 - β^t adds ~1e-16 relative per step
      expect(theta(m)[0]).toBeCloseTo(1 - t * step, 14);
      expect(theta(m)[1]).toBeCloseTo(1 + t * step, 14);
    }
  });

  it('adam: after g = 1 then g = -1, m̂₂ = -1/19 and v̂₂ = 1, so the second step is +lr/19', () => {
    // m₁ = 0.1, v₁ = 0.001; m₂ = 0.9·0.1 - 0.1 = -0.01, v₂ = 0.999·0.001 + 0.001 = 0.001999;
    // m̂₂ = -0.01 / (1 - 0.81) = -1/19, v̂₂ = 0.001999 / (1 - 0.998001) = 1.
    const m = one(0, 0);
    const opt = adam({ lr: 0.1 });
    opt.step(m, g1(1, 0));
    expect(theta(m)[0]).toBeCloseTo(-0.1 / (1 + 1e-8), 15);
    opt.step(m, g1(-1, 0));
    expect(theta(m)[0]).toBeCloseTo(-0.1 / (1 + 1e-8) + 0.1 / 19 / (1 + 1e-8), 14);
    expect(theta(m)[1]).toBe(0); // m = v = 0 for b: no step, not 0/0
  });

  it('ε bounds adam\'s first step where the gradient is tiny: lr·g/(|g| + ε)', () => {
    const m = one(0, 0);
    adam({ lr: 1, eps: 1e-3 }).step(m, g1(1e-3, 0));
    expect(theta(m)[0]).toBeCloseTo(-0.5, 12);
  });
});

describe('optimizer state', () => {
  it('momentum and adam keep separate state per model: a second model starts from its own first step', () => {
    const stateful: Optimizer[] = [momentum({ lr: 0.1 }), adam({ lr: 0.1 })];
    for (const opt of stateful) {
      const a = one(0, 0);
      const b = one(0, 0);
      const fresh = one(0, 0);
      opt.step(a, g1(1, 1));
      opt.step(a, g1(1, 1));
      opt.step(b, g1(1, 1));
      // b's first step equals a first step of a new optimizer on a new model
      const ref = opt.name === 'adam' ? adam({ lr: 0.1 }) : momentum({ lr: 0.1 });
      ref.step(fresh, g1(1, 1));
      expect(theta(b), opt.name).toEqual(theta(fresh));
      expect(theta(a)[0], opt.name).not.toBe(theta(b)[0]);
    }
  });

  it('a step reads the gradients and leaves them as they were', () => {
    const m = createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 1 });
    const grads = m.layers.map((l) => ({
      W: tensor(new Float64Array(l.W.length).fill(0.25), [l.outputSize, l.inputSize]),
      b: tensor(new Float64Array(l.b.length).fill(-1), [l.outputSize]),
    }));
    for (const opt of [sgd({ lr: 0.1 }), momentum({ lr: 0.1 }), adam({ lr: 0.1 })]) opt.step(m, grads);
    for (const g of grads) {
      expect([...g.W.data].every((v) => v === 0.25)).toBe(true);
      expect([...g.b.data].every((v) => v === -1)).toBe(true);
    }
  });
});

describe('optimizer options and gradient shapes', () => {
  it('rejects out-of-range options, naming the option and the range', () => {
    expect(() => sgd({ lr: NaN })).toThrow('sgd: lr must be a number in [0, ∞], got NaN');
    expect(() => momentum({ lr: 0.1, beta: 1 })).toThrow(ArgumentError);
    expect(() => momentum({ lr: 0.1, beta: 1 })).toThrow(/momentum: beta must be a number in \[0, 0\.999999\], got 1/);
    expect(() => adam({ lr: 0.1, beta2: -0.5 })).toThrow(/adam: beta2 must be a number in \[0, /);
    expect(() => adam({ lr: 0.1, eps: Infinity })).toThrow(/adam: eps must be a number/);
  });

  it('rejects gradients for a different number of layers', () => {
    const m = createMLP({ sizes: [2, 3, 1], activations: 'tanh' });
    expect(() => adam({ lr: 0.1 }).step(m, g1(1, 1))).toThrow('adam.step: got gradients for 1 layers but the model has 2');
    expect(() => momentum({ lr: 0.1 }).step(m, [])).toThrow(ArgumentError);
  });
});

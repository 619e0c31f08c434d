import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor } from '@tapegrad/core';
import { adam, adamw, createMLP, dense, mlp, momentum, sgd, type GradResult, type MLP, type Optimizer } from './index.js';

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

describe('weight decay, by hand (torch.optim conventions)', () => {
  it('sgd: θ ← θ - lr·(g + λθ)', () => {
    const m = one(1, -1);
    const opt = sgd({ lr: 0.5, weightDecay: 0.1 });
    opt.step(m, g1(2, -4)); // d = (2 + 0.1, -4 - 0.1) = (2.1, -4.1); θ = (1 - 1.05, -1 + 2.05)
    expect(theta(m)[0]).toBeCloseTo(-0.05, 15);
    expect(theta(m)[1]).toBeCloseTo(1.05, 15);
    opt.step(m, g1(0, 0)); // d = (-0.005, 0.105): the penalty alone pulls θ toward 0
    expect(theta(m)[0]).toBeCloseTo(-0.0475, 15);
    expect(theta(m)[1]).toBeCloseTo(0.9975, 15);
  });

  it('momentum: d = g + λθ enters the velocity, v ← βv + d (dampening 0, as torch)', () => {
    const m = one(1, 0);
    const opt = momentum({ lr: 0.5, beta: 0.5, weightDecay: 0.1 });
    opt.step(m, g1(1, -2)); // d = (1.1, -2), v = (1.1, -2), θ = (1 - 0.55, 0 + 1)
    expect(theta(m)[0]).toBeCloseTo(0.45, 15);
    expect(theta(m)[1]).toBeCloseTo(1, 15);
    opt.step(m, g1(0, 0)); // d = (0.045, 0.1), v = (0.55 + 0.045, -1 + 0.1) = (0.595, -0.9), θ = (0.45 - 0.2975, 1 + 0.45)
    expect(theta(m)[0]).toBeCloseTo(0.1525, 15);
    expect(theta(m)[1]).toBeCloseTo(1.45, 15);
    opt.step(m, g1(0, 0)); // d = (0.01525, 0.145), v = (0.31275, -0.305), θ = (0.1525 - 0.156375, 1.45 + 0.1525)
    expect(theta(m)[0]).toBeCloseTo(-0.003875, 15);
    expect(theta(m)[1]).toBeCloseTo(1.6025, 15);
  });

  it('adam: d = g + λθ feeds both moments (L2, not decoupled)', () => {
    // θ = (1, 2), lr 0.1, λ 0.5, ε 1e-300 (so √v̂ + ε = √v̂ exactly).
    const m = one(1, 2);
    const opt = adam({ lr: 0.1, weightDecay: 0.5, eps: 1e-300 });
    // step 1, g = (1.5, -1): d = (1.5 + 0.5, -1 + 1) = (2, 0).
    // w: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, step 0.1·2/2 = 0.1. b: d = 0, m = v = 0, no step.
    opt.step(m, g1(1.5, -1));
    expect(theta(m)[0]).toBeCloseTo(0.9, 15);
    expect(theta(m)[1]).toBe(2);
    // step 2, g = (-2.45, 0): d = (-2.45 + 0.45, 0 + 1) = (-2, 1).
    // w: m = 0.18 - 0.2 = -0.02, v = 0.003996 + 0.004 = 0.007996, m̂ = -0.02/0.19 = -2/19, v̂ = 0.007996/0.001999 = 4: step -0.1/19.
    // b: m = 0.1, v = 0.001, m̂ = 0.1/0.19 = 10/19, v̂ = 0.001/0.001999 = 1/1.999: step 0.1·(10/19)·√1.999 = √1.999/19.
    opt.step(m, g1(-2.45, 0));
    expect(theta(m)[0]).toBeCloseTo(0.9 + 0.1 / 19, 14);
    expect(theta(m)[1]).toBeCloseTo(2 - Math.sqrt(1.999) / 19, 14);
  });

  it('adamw: θ ← θ(1 - lr·λ), then the Adam step on the raw gradient', () => {
    // θ = (1, 2), lr 0.1, λ 0.5 (so each step first scales θ by 0.95), ε 1e-300.
    const m = one(1, 2);
    const opt = adamw({ lr: 0.1, weightDecay: 0.5, eps: 1e-300 });
    // step 1, g = (2, 0). w: 0.95, then m̂ = 2, v̂ = 4, step 0.1 → 0.85. b: 1.9, no Adam step (g = 0).
    opt.step(m, g1(2, 0));
    expect(theta(m)[0]).toBeCloseTo(0.85, 15);
    expect(theta(m)[1]).toBeCloseTo(1.9, 15);
    // step 2, g = (-2, 0). w: 0.85·0.95 = 0.8075, m = -0.02, v = 0.007996, m̂ = -2/19, v̂ = 4, step -0.1/19. b: 1.9·0.95.
    opt.step(m, g1(-2, 0));
    expect(theta(m)[0]).toBeCloseTo(0.8075 + 0.1 / 19, 14);
    expect(theta(m)[1]).toBeCloseTo(1.805, 14);
  });

  it("adamw's defaults are torch's (weightDecay 0.01): a zero gradient only decays, by lr·λ = 0.001", () => {
    const m = one(1, 2);
    adamw({ lr: 0.1 }).step(m, g1(0, 0));
    expect(theta(m)[0]).toBeCloseTo(0.999, 15);
    expect(theta(m)[1]).toBeCloseTo(1.998, 15);
    // adam's coupled decay is normalised by Adam like any gradient: the same λ moves θ by ≈ lr.
    const c = one(1, 2);
    adam({ lr: 0.1, weightDecay: 0.01 }).step(c, g1(0, 0));
    expect(theta(c)[0]).toBeCloseTo(0.9, 6); // 0.1·0.01/(0.01 + 1e-8)
    expect(theta(c)[1]).toBeCloseTo(1.9, 6);
  });

  it('weightDecay 0 (the default for sgd, momentum, adam) changes nothing', () => {
    for (const [a, b] of [
      [sgd({ lr: 0.3 }), sgd({ lr: 0.3, weightDecay: 0 })],
      [momentum({ lr: 0.3 }), momentum({ lr: 0.3, weightDecay: 0 })],
      [adam({ lr: 0.3 }), adam({ lr: 0.3, weightDecay: 0 })],
      [adam({ lr: 0.3 }), adamw({ lr: 0.3, weightDecay: 0 })],
    ] as const) {
      const x = one(0.7, -0.2);
      const y = one(0.7, -0.2);
      for (const [gw, gb] of [[1, 2], [-0.5, 0.25]] as const) {
        a.step(x, g1(gw, gb));
        b.step(y, g1(gw, gb));
      }
      expect(theta(x), b.name).toEqual(theta(y));
    }
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
    expect(() => sgd({ lr: NaN })).toThrow('sgd: lr must be a finite number >= 0, got NaN');
    expect(() => sgd({ lr: -0.1 })).toThrow('sgd: lr must be a finite number >= 0, got -0.1');
    expect(() => momentum({ lr: 0.1, beta: 1 })).toThrow(ArgumentError);
    expect(() => momentum({ lr: 0.1, beta: 1 })).toThrow('momentum: beta must be a finite number in [0, 1), got 1');
    expect(() => adam({ lr: 0.1, beta2: -0.5 })).toThrow('adam: beta2 must be a finite number in [0, 1), got -0.5');
    expect(() => adam({ lr: 0.1, eps: Infinity })).toThrow('adam: eps must be a finite number > 0, got Infinity');
    expect(() => adam({ lr: 0.1, eps: 0 })).toThrow('adam: eps must be a finite number > 0, got 0');
    expect(() => adamw({ lr: 0.1, weightDecay: -1 })).toThrow('adamw: weightDecay must be a finite number >= 0, got -1');
  });

  it('lr = 0 is accepted, as in PyTorch, and leaves the parameters where they are', () => {
    for (const opt of [sgd({ lr: 0 }), momentum({ lr: 0 }), adam({ lr: 0 }), adamw({ lr: 0 })]) {
      const m = one(0.5, -2);
      opt.step(m, g1(3, -1));
      expect(theta(m), opt.name).toEqual([0.5, -2]);
    }
  });

  it('rejects gradients for a different number of layers', () => {
    const m = createMLP({ sizes: [2, 3, 1], activations: 'tanh' });
    expect(() => adam({ lr: 0.1 }).step(m, g1(1, 1))).toThrow('adam.step: got gradients for 1 layers but the model has 2');
    expect(() => momentum({ lr: 0.1 }).step(m, [])).toThrow(ArgumentError);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng, tensorView } from '@tapegrad/core';
import { activations, backpropClosedForm, backpropTape, compareGradients, createMLP, getActivation } from '@tapegrad/nn';
import { customActivation, customLoss } from '../custom.js';
import { FD_OK } from './thresholds.js';
import { GRADIENT_KEYS, LOSS_KEYS, OPTIMIZER_KEYS } from './config.js';
import { makeDataset } from './datasets.js';
import { inspectNeuron, recurrence } from './inspect.js';
import { Trainer, type TrainerSpec } from './trainer.js';

const data = makeDataset('xor', 120, 0.1, 2);
// Finite differences train on at most 64 samples a step: comparisons of full-batch steps use 60.
const small = makeDataset('xor', 60, 0.1, 2);
const spec = (over: Partial<TrainerSpec> = {}): TrainerSpec => ({
  data,
  hidden: [
    { width: 5, activation: activations.tanh },
    { width: 4, activation: activations.tanh },
  ],
  loss: 'bce',
  optimizer: 'sgd',
  lr: 0.1,
  batch: 120,
  weightDecay: 0,
  gradient: 'tape',
  seed: 3,
  ...over,
});

describe('Trainer', () => {
  for (const gradient of GRADIENT_KEYS) {
    it(`one step by ${gradient} lowers the full-batch loss`, () => {
      const t = new Trainer(spec({ gradient, data: small, batch: 60 }));
      const before = t.cost();
      expect(t.step()).toBeCloseTo(before, 14); // the same points summed in shuffled order
      const after = t.record();
      expect(after).toBeLessThan(before);
      expect(t.history).toEqual([
        { step: 0, loss: before },
        { step: 1, loss: after },
      ]);
      expect(t.steps).toBe(1);
    });
  }

  it('tape, closed form and finite differences take the same first step', () => {
    const costs = GRADIENT_KEYS.map((gradient) => {
      const t = new Trainer(spec({ gradient, data: small, batch: 60 }));
      t.step();
      return t.cost();
    });
    expect(Math.abs(costs[0]! - costs[1]!)).toBeLessThan(1e-14);
    expect(Math.abs(costs[0]! - costs[2]!)).toBeLessThan(1e-9);
  });

  it('every loss and optimizer trains (xor loss falls over 60 steps) with tape and closed form agreeing', () => {
    for (const loss of LOSS_KEYS) {
      for (const optimizer of OPTIMIZER_KEYS) {
        const custom = loss === 'custom' ? { customLoss: customLoss('(a - y)^2 / 2', 'a - y') } : {};
        const t = new Trainer(spec({ loss, optimizer, lr: optimizer === 'sgd' || optimizer === 'momentum' ? 0.3 : 0.03, batch: 16, weightDecay: 1e-4, ...custom }));
        const before = t.cost();
        for (let i = 0; i < 60; i++) {
          t.step();
          expect(t.agreement.checkStep).toBe(i - (i % 4) + 1);
          expect(t.agreement.tapeVsClosed).toBeLessThan(1e-10);
        }
        expect(t.cost(), `${loss} ${optimizer}`).toBeLessThan(before);
      }
    }
  });

  it('two spirals (one turn each, noise 0.1) are learnable by a 2-16-16-1 tanh network', () => {
    const wide = [16, 16].map((width) => ({ width, activation: activations.tanh }));
    const t = new Trainer(spec({ data: makeDataset('spiral', 300, 0.1, 1), hidden: wide, optimizer: 'adam', lr: 0.03, batch: 32, gradient: 'closed' }));
    for (let i = 0; i < 2000; i++) t.step();
    expect(t.accuracy()).toBeGreaterThan(0.9);
  });

  it('the same spec gives the same run (seeded init and batches)', () => {
    const a = new Trainer(spec({ batch: 7 }));
    const b = new Trainer(spec({ batch: 7 }));
    for (let i = 0; i < 25; i++) expect(b.step()).toBe(a.step());
    expect(b.cost()).toBe(a.cost());
    expect(new Trainer(spec({ batch: 7, seed: 4 })).step()).not.toBe(new Trainer(spec({ batch: 7 })).step());
  });

  it('refuses finite differences past 1000 parameters, and skips their check there', () => {
    const wide = [
      { width: 32, activation: activations.tanh },
      { width: 32, activation: activations.tanh },
    ];
    expect(() => new Trainer(spec({ hidden: wide, gradient: 'fd' }))).toThrow(/1185 parameters \(at most 1000 here\)/);
    const t = new Trainer(spec({ hidden: wide }));
    t.step();
    expect(t.agreement.fdStep).toBe(0);
    expect(t.agreement.fdVsTape).toBeNaN();
  });

  it('checks finite differences every 20 steps and finds them close to the tape', () => {
    const t = new Trainer(spec({ batch: 30 }));
    t.step();
    expect(t.agreement.fdStep).toBe(1);
    expect(t.agreement.fdVsTape).toBeLessThan(FD_OK);
    for (let i = 0; i < 20; i++) t.step();
    expect(t.agreement.fdStep).toBe(21);
  });

  it('finite differences stay below FD_OK through 200 steps on spiral with smooth activations and both losses', () => {
    for (const act of ['tanh', 'softplus'] as const) {
      for (const loss of ['bce', 'mse'] as const) {
        const hidden = [8, 8].map((width) => ({ width, activation: activations[act] }));
        const t = new Trainer(spec({ data: makeDataset('spiral', 300, 0.1, 2), hidden, loss, optimizer: 'adam', lr: 0.03, batch: 32, seed: 2 }));
        let worst = 0;
        for (let i = 0; i < 200; i++) {
          t.step();
          if (i % 5 === 0) worst = Math.max(worst, t.fdCheck());
        }
        expect(worst, `${act} ${loss}`).toBeLessThan(FD_OK);
        expect(worst).toBeGreaterThan(0);
      }
    }
  });

  it('a wrong derivative is far above FD_OK', () => {
    const wrong = customActivation('tanh(z)', '1 - a');
    const t = new Trainer(spec({ hidden: [{ width: 4, activation: wrong }], gradient: 'closed' }));
    t.step();
    expect(t.agreement.fdVsTape).toBeLessThan(FD_OK);
    expect(t.agreement.tapeVsClosed).toBeGreaterThan(100 * FD_OK);
  });

  it('a batch larger than the data is capped (finite differences at 64); the history is thinned past 1000 points', () => {
    const t = new Trainer(spec({ batch: 5000, hidden: [{ width: 2, activation: activations.relu }] }));
    expect(t.batch).toBe(120);
    expect(new Trainer(spec({ batch: 100, gradient: 'fd' })).batch).toBe(64);
    for (let i = 0; i < 1100; i++) {
      t.step();
      expect(t.record()).toBe(t.history[t.history.length - 1]?.loss);
    }
    expect(t.record()).toBe(t.history[t.history.length - 1]?.loss);
    expect(t.history.length).toBeLessThanOrEqual(1000);
    expect(t.history[0]?.step).toBe(0);
    expect(t.history[t.history.length - 1]?.step).toBe(1100);
    const steps = t.history.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('continueFrom keeps the weights, steps and history when only training settings change', () => {
    const a = new Trainer(spec());
    for (let i = 0; i < 5; i++) a.step();
    a.record();
    const b = new Trainer(spec({ optimizer: 'adam', lr: 0.01, gradient: 'closed' }));
    b.continueFrom(a);
    expect(b.cost()).toBe(a.cost());
    expect(b.steps).toBe(5);
    expect(b.history).toEqual(a.history);
    expect(() => b.continueFrom(new Trainer(spec({ hidden: [{ width: 3, activation: activations.tanh }] })))).toThrow(RangeError);
  });

  it('probabilities are σ(logit) for bce and the sigmoid output otherwise, in [0, 1]', () => {
    const grid = tensorView(Float64Array.of(0, 0, 1, 1, -1, 1), [3, 2]);
    for (const loss of ['bce', 'mse'] as const) {
      const t = new Trainer(spec({ loss }));
      const p = new Float64Array(3);
      t.probabilities(grid, p);
      expect([...p].every((v) => v > 0 && v < 1)).toBe(true);
    }
  });
});

describe('tape vs closed form on random networks', () => {
  // Both compute the same sums in float64 but in a different order (the tape's matmul and
  // broadcast-add VJPs vs the recurrence's loops), so entries differ by a few ulps of their
  // summands: ~1e-15 relative for entries that do not cancel. compareGradients' relative error
  // floors tiny entries at 1e-3 of the gradient's scale, so 1e-12 leaves a 1000× margin and
  // still catches any real mistake (a missing f′, a transposed W), which is off by O(1).
  it('agree to 1e-12 relative', () => {
    const rng = new Rng(11);
    const acts = ['tanh', 'sigmoid', 'relu', 'softplus', 'gelu', 'swish', 'elu'] as const;
    for (let trial = 0; trial < 20; trial++) {
      const depth = 1 + Math.floor(rng.next() * 3);
      const sizes = [2, ...Array.from({ length: depth }, () => 1 + Math.floor(rng.next() * 9)), 1];
      const act = acts[trial % acts.length]!;
      const m = createMLP({ sizes, activations: act, seed: trial });
      const d = makeDataset('spiral', 40, 0.2, trial);
      const X = tensorView(d.X, [40, 2]);
      const Y = tensorView(d.y, [40, 1]);
      const cmp = compareGradients(backpropTape(m, X, Y, 'binaryCrossEntropy'), backpropClosedForm(m, X, Y, 'binaryCrossEntropy'));
      expect(cmp.maxRelError, `${sizes.join('-')} ${act}`).toBeLessThan(1e-12);
    }
  });
});

describe('neuron inspection', () => {
  it("δ equals the closed form's ∂C/∂b for that sample, and the substituted recurrence gives it back", () => {
    const t = new Trainer(spec({ loss: 'mse' }));
    for (let i = 0; i < 5; i++) t.step();
    const m = t.model;
    for (const sample of [0, 17, 119]) {
      const X = tensorView(data.X.slice(2 * sample, 2 * sample + 2), [1, 2]);
      const Y = tensorView(data.y.slice(sample, sample + 1), [1, 1]);
      const ref = backpropClosedForm(m, X, Y, t.loss);
      for (let l = 1; l <= m.layers.length; l++) {
        for (let j = 0; j < m.layers[l - 1]!.outputSize; j++) {
          const ins = inspectNeuron(m, t.loss, data, { layer: l, unit: j }, sample);
          expect(ins.delta).toBe(ref.grads[l - 1]!.b.data[j]);
          expect(ins.incoming.dw).toEqual([...ref.grads[l - 1]!.W.data.subarray(j * m.layers[l - 1]!.inputSize, (j + 1) * m.layers[l - 1]!.inputSize)]);
          expect(Math.abs(recurrence(ins) - ins.delta)).toBeLessThanOrEqual(1e-14 * Math.max(1e-300, Math.abs(ins.delta)) + 1e-300);
          expect(ins.next === null).toBe(l === m.layers.length);
          const a = getActivation(ins.activation);
          const z = Float64Array.of(ins.z);
          const out = new Float64Array(1);
          a.forward(z, out, 1);
          expect(ins.a).toBe(out[0]);
        }
      }
    }
  });

  it('refuses a neuron or sample out of range', () => {
    const t = new Trainer(spec());
    expect(() => inspectNeuron(t.model, t.loss, data, { layer: 4, unit: 0 }, 0)).toThrow(RangeError);
    expect(() => inspectNeuron(t.model, t.loss, data, { layer: 1, unit: 5 }, 0)).toThrow(RangeError);
    expect(() => inspectNeuron(t.model, t.loss, data, { layer: 1, unit: 0 }, 120)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type NetConfig } from './config.js';
import { activations } from '@tapegrad/nn';
import { dataFor, hiddenFor, lossFor, sameModel } from './build.js';
import { makeDataset } from './datasets.js';
import { Trainer } from './trainer.js';

const cfg = (over: Partial<NetConfig>): NetConfig => ({ ...DEFAULT_CONFIG, ...over });

describe('from a setup to what the lab trains', () => {
  it("a bad CSV gives its errors and the XOR set meanwhile; a good one is used", () => {
    const bad = dataFor(cfg({ data: 'csv', csv: '1,2' }));
    expect(bad.csvErrors[0]).toBe('line 1: too few columns (2); each row is x1,x2,label');
    expect(bad.data.n).toBe(DEFAULT_CONFIG.points);
    const good = dataFor(cfg({ data: 'csv', csv: '0,0,1\n1,1,0' }));
    expect(good.csvErrors).toEqual([]);
    expect([...good.data.y]).toEqual([1, 0]);
  });

  it('custom layers get the user f and f′; a typo gives the message and tanh meanwhile', () => {
    const hidden = [
      { width: 3, act: 'custom' as const },
      { width: 2, act: 'relu' as const },
    ];
    const ok = hiddenFor(cfg({ hidden, af: 'z^3', adf: '3*z^2' }));
    expect(ok.customError).toBeNull();
    const z = Float64Array.of(2);
    const out = new Float64Array(1);
    ok.hidden[0]!.activation.forward(z, out, 1);
    expect(out[0]).toBe(8);
    expect(ok.hidden[1]!.activation.name).toBe('relu');
    const typo = hiddenFor(cfg({ hidden, af: 'z^', adf: '1' }));
    expect(typo.customError).toMatch(/Using tanh for the custom layers/);
    expect(typo.hidden[0]!.activation.name).toBe('tanh');
  });

  it('training settings keep the model; data, network, loss and custom texts do not', () => {
    expect(sameModel(DEFAULT_CONFIG, cfg({ lr: 0.5, optimizer: 'sgd', batch: 4, weightDecay: 0.1, gradient: 'fd' }))).toBe(true);
    for (const over of [{ seed: 2 }, { points: 300 }, { data: 'circle' as const }, { loss: 'mse' as const }, { hidden: [{ width: 8, act: 'relu' as const }] }]) {
      expect(sameModel(DEFAULT_CONFIG, cfg(over))).toBe(false);
    }
    const custom = cfg({ hidden: [{ width: 4, act: 'custom' }] });
    expect(sameModel(custom, { ...custom, adf: '0' })).toBe(false);
    expect(sameModel(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, adf: '0' })).toBe(true);
  });

  it('a custom loss (a−y)² with dL/da = 2(a−y) trains exactly like mse, tape and closed form agreeing', () => {
    const data = makeDataset('xor', 80, 0.1, 4);
    const hidden = [{ width: 5, activation: activations.tanh }];
    const c = cfg({ loss: 'custom', lf: '(a-y)^2', ldf: '2*(a-y)' });
    const { customLoss, lfError, ldfError } = lossFor(c);
    expect([lfError, ldfError]).toEqual([null, null]);
    const mine = new Trainer({ ...c, data, hidden, batch: 16, ...(customLoss === undefined ? {} : { customLoss }) });
    const mse = new Trainer({ ...c, loss: 'mse', data, hidden, batch: 16 });
    expect(mine.output).toBe('sigmoid');
    for (let i = 0; i < 40; i++) {
      expect(mine.step()).toBeCloseTo(mse.step(), 12);
      expect(mine.agreement.tapeVsClosed).toBeLessThan(1e-10);
    }
    expect(mine.cost()).toBeCloseTo(mse.cost(), 10);
    expect(mine.cost()).toBeLessThan(mine.history[0]!.loss);
  });

  it('a wrong dL/da breaks tape vs closed form; a typo gives its message under its own field and mse meanwhile', () => {
    const data = makeDataset('circle', 60, 0.1, 1);
    const c = cfg({ loss: 'custom', lf: '(a-y)^2', ldf: 'a-y' });
    const { customLoss } = lossFor(c);
    const t = new Trainer({ ...c, data, hidden: [{ width: 4, activation: activations.tanh }], ...(customLoss === undefined ? {} : { customLoss }) });
    t.step();
    expect(t.agreement.tapeVsClosed).toBeGreaterThan(0.1);
    const typo = lossFor(cfg({ loss: 'custom', lf: '(a-y', ldf: 'a-b' }));
    expect(typo.lfError).toMatch(/Using mean squared error until it is fixed/);
    expect(typo.ldfError).toMatch(/'b' is not one of them/);
    expect(typo.customLoss?.name).toBe('meanSquared');
    expect(lossFor(cfg({ loss: 'custom', ldf: 'a-b' })).lfError).toBeNull();
    expect(lossFor(DEFAULT_CONFIG)).toEqual({ lfError: null, ldfError: null });
    const custom = cfg({ loss: 'custom' });
    expect(sameModel(custom, { ...custom, ldf: 'a' })).toBe(false);
    expect(sameModel(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, ldf: 'a' })).toBe(true);
  });
});

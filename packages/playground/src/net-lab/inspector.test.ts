import { describe, expect, it } from 'vitest';
import { activations } from '@tapegrad/nn';
import { makeDataset } from './datasets.js';
import { inspectNeuron, recurrence, weightedSum } from './inspect.js';
import { recurrenceTex, texNumber } from './inspector.js';
import { Trainer } from './trainer.js';

describe('the inspector formulas', () => {
  it('numbers as TeX: exponents, and negatives in parentheses when asked', () => {
    expect(texNumber(0.25)).toBe('0.25');
    expect(texNumber(-1.5e-7)).toBe('-1.5\\times10^{-7}');
    expect(texNumber(-2, true)).toBe('(-2)');
    expect(texNumber(2, true)).toBe('2');
  });

  const data = makeDataset('circle', 50, 0.1, 1);
  const trainer = (width: number, loss: 'bce' | 'mse'): Trainer =>
    new Trainer({ data, hidden: [{ width: 3, activation: activations.tanh }, { width, activation: activations.tanh }], loss, optimizer: 'adam', lr: 0.01, batch: 50, weightDecay: 0, gradient: 'tape', seed: 1 });

  it('a hidden neuron shows each product when there are at most three, else their sum', () => {
    for (const [width, inline] of [
      [2, true],
      [5, false],
    ] as const) {
      const t = trainer(width, 'mse');
      const ins = inspectNeuron(t.model, t.loss, data, { layer: 1, unit: 1 }, 3);
      const { general, numbers } = recurrenceTex(ins, false);
      expect(general).toBe("\\delta^{(1)}_{2} = \\Big(\\sum_k W^{(2)}_{k2}\\,\\delta^{(2)}_k\\Big)\\, f'\\big(z^{(1)}_{2}\\big)");
      expect(numbers.split('\\cdot').length - 1).toBe(inline ? width + 1 : 1);
      expect(numbers.endsWith(`= ${texNumber(recurrence(ins))}`)).toBe(true);
      if (!inline) expect(numbers).toContain(`= ${texNumber(weightedSum(ins))}`);
    }
  });

  it('the output neuron: σ(z) − y for binary cross-entropy on a logit, ∂C/∂a · f′ otherwise', () => {
    const bce = trainer(2, 'bce');
    const a = inspectNeuron(bce.model, bce.loss, data, { layer: 3, unit: 0 }, 0);
    expect(recurrenceTex(a, true).general).toBe('\\delta^{(3)} = \\frac{\\partial C}{\\partial z^{(3)}} = \\sigma(z) - y');
    expect(a.delta).toBeCloseTo(1 / (1 + Math.exp(-a.z)) - a.label, 15);
    const mse = trainer(2, 'mse');
    const b = inspectNeuron(mse.model, mse.loss, data, { layer: 3, unit: 0 }, 0);
    expect(recurrenceTex(b, false).general).toBe("\\delta^{(3)} = \\frac{\\partial C}{\\partial a^{(3)}}\\; f'\\big(z^{(3)}\\big)");
    expect(b.fprime).toBeCloseTo(b.a * (1 - b.a), 15);
  });
});

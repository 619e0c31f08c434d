import { describe, expect, it } from 'vitest';
import { getLoss, losses } from '@tapegrad/nn';
import { CLI_LOSS_NAMES, HIDDEN_ACTIVATIONS } from './problem.js';
import { runIo } from './testing/run-io.js';

describe('activation and loss names on the command line', () => {
  it("lists nn's elementwise activations, and every nn loss under one CLI name that resolves to it", () => {
    expect(HIDDEN_ACTIVATIONS).toEqual(['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softplus', 'elu', 'gelu', 'swish']);
    expect(Object.keys(CLI_LOSS_NAMES).sort()).toEqual(Object.keys(losses).sort());
    for (const [name, cli] of Object.entries(CLI_LOSS_NAMES)) expect(getLoss(cli).name).toBe(name);
  });

  it('an unknown name lists the names to use, in command-line words (nothing about defineActivation or defineLoss)', () => {
    for (const c of ['train', 'compare', 'explain', 'graph --sizes 2,3,2']) {
      const act = runIo([...c.split(' '), '--activation', 'swoosh']);
      expect(act.code).toBe(2);
      expect(act.err).toBe(
        `tapegrad ${c.split(' ')[0]} --activation: unknown activation 'swoosh'; use one of ${HIDDEN_ACTIVATIONS.join(', ')} (leakyRelu(0.2) and elu(0.5) take their parameter in parentheses)\n`,
      );
      if (c === 'explain') continue;
      const loss = runIo([...c.split(' '), '--loss', 'msee']);
      expect(loss.err).toBe(`tapegrad ${c.split(' ')[0]} --loss: unknown loss 'msee'; use one of softmax-ce, mse, half-sum-squares, sum-squares, bce, huber\n`);
    }
    // A known name with a bad parameter keeps nn's own rule.
    expect(runIo(['compare', '--activation', 'elu(-1)']).err).toContain("tapegrad compare --activation: getActivation: activation 'elu(-1)' needs a finite α > 0");
  });
});

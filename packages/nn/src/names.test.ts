/**
 * Loss and activation names, at the type level and at run time. This file is typechecked by
 * `tsc -b` (packages/nn/tsconfig.json includes the tests): each `@ts-expect-error` below fails
 * the typecheck the day a misspelt name starts to compile, and the `satisfies Record<...>`
 * tables fail it when a name or alias is added or dropped without this test knowing.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor } from '@tapegrad/core';
import {
  ClosedFormBackprop,
  UnknownNameError,
  activationNames,
  activations,
  backpropClosedForm,
  backpropTape,
  createMLP,
  dense,
  evaluate,
  finiteDifferenceGradients,
  getActivation,
  getLoss,
  lossNames,
  losses,
  sgd,
  train,
  type ActivationAlias,
  type ActivationName,
  type ActivationOrName,
  type LossAlias,
  type LossName,
  type LossOrName,
} from './index.js';

const X = tensor([[0, 1], [1, 0]]);
const Y = tensor([[1], [0]]);
const ONE_HOT = tensor([[1, 0], [0, 1]]);
const net = () => createMLP({ sizes: [2, 1], activations: ['sigmoid'], seed: 1 });

/** Every spelling the loss type accepts, with the loss it means: exhaustive by `satisfies` (a missing or extra key does not compile). */
const LOSS_SPELLINGS = {
  halfSumSquares: 'halfSumSquares',
  sumSquares: 'sumSquares',
  meanSquared: 'meanSquared',
  softmaxCrossEntropy: 'softmaxCrossEntropy',
  binaryCrossEntropy: 'binaryCrossEntropy',
  huber: 'huber',
  'half-sum-squares': 'halfSumSquares',
  halfsumsquares: 'halfSumSquares',
  half_sum_squares: 'halfSumSquares',
  'sum-squares': 'sumSquares',
  sumsquares: 'sumSquares',
  sse: 'sumSquares',
  mse: 'meanSquared',
  'mean-squared': 'meanSquared',
  meansquared: 'meanSquared',
  'softmax-ce': 'softmaxCrossEntropy',
  'softmax-cross-entropy': 'softmaxCrossEntropy',
  softmaxcrossentropy: 'softmaxCrossEntropy',
  'cross-entropy': 'softmaxCrossEntropy',
  ce: 'softmaxCrossEntropy',
  bce: 'binaryCrossEntropy',
  'binary-cross-entropy': 'binaryCrossEntropy',
  binarycrossentropy: 'binaryCrossEntropy',
} as const satisfies Record<LossName | LossAlias, LossName>;

/** Every spelling the activation type accepts (parameterised forms aside), with the activation it means. */
const ACTIVATION_SPELLINGS = {
  identity: 'identity',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  leakyRelu: 'leakyRelu',
  softplus: 'softplus',
  elu: 'elu',
  gelu: 'gelu',
  swish: 'swish',
  softmax: 'softmax',
  linear: 'identity',
  none: 'identity',
  'leaky-relu': 'leakyRelu',
  leakyrelu: 'leakyRelu',
  leaky_relu: 'leakyRelu',
  logistic: 'sigmoid',
  silu: 'swish',
} as const satisfies Record<ActivationName | ActivationAlias, ActivationName>;

const keys = <K extends string>(o: Readonly<Record<K, unknown>>): K[] => Object.keys(o) as K[];

describe('loss names: what the types accept is what resolves', () => {
  it('every name and alias compiles in every loss parameter and resolves to the loss it names', () => {
    for (const name of keys(LOSS_SPELLINGS)) {
      const loss: LossOrName = name;
      const logits = createMLP({ sizes: [2, 2], activations: ['identity'], seed: 1 });
      expect(getLoss(name)).toBe(losses[LOSS_SPELLINGS[name]]);
      expect(new ClosedFormBackprop(logits, loss).loss).toBe(losses[LOSS_SPELLINGS[name]]);
      expect(evaluate(logits, X, ONE_HOT, name)).toBe(evaluate(logits, X, ONE_HOT, losses[LOSS_SPELLINGS[name]]));
    }
    expect(keys(LOSS_SPELLINGS).filter((k) => LOSS_SPELLINGS[k] === k)).toEqual([...lossNames()]);
  });

  it("'msee' is a type error in every loss parameter, and an UnknownNameError at run time", () => {
    const m = net();
    const calls: (() => unknown)[] = [
      // @ts-expect-error misspelt loss
      () => evaluate(m, X, Y, 'msee'),
      // @ts-expect-error misspelt loss
      () => backpropClosedForm(m, X, Y, 'msee'),
      // @ts-expect-error misspelt loss
      () => backpropTape(m, X, Y, 'msee'),
      // @ts-expect-error misspelt loss
      () => finiteDifferenceGradients(m, X, Y, 'msee'),
      // @ts-expect-error misspelt loss
      () => new ClosedFormBackprop(m, 'msee'),
      // @ts-expect-error misspelt loss
      () => train(m, { X, Y }, { epochs: 1, loss: 'msee', optimizer: sgd({ lr: 0.1 }) }),
    ];
    for (const call of calls) {
      expect(call).toThrow(UnknownNameError);
      expect(call).toThrow(/unknown loss 'msee'; use one of halfSumSquares, sumSquares, meanSquared, softmaxCrossEntropy, binaryCrossEntropy, huber .*or defineLoss\(\) for your own/);
    }
  });

  it('UnknownNameError carries the kind, the string and the built-in names, for a caller that words its own message', () => {
    const e = (() => {
      try {
        getLoss('msee');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(UnknownNameError);
    expect(e).toBeInstanceOf(ArgumentError);
    const u = e as UnknownNameError;
    expect([u.name, u.kind, u.given, u.known]).toEqual(['UnknownNameError', 'loss', 'msee', lossNames()]);
    expect(Object.isFrozen(u.known)).toBe(true);
    // a non-string is not an unknown name: it stays a plain ArgumentError
    const notName = (() => {
      try {
        getLoss(5 as never);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(notName).toBeInstanceOf(ArgumentError);
    expect(notName).not.toBeInstanceOf(UnknownNameError);
  });
});

describe('activation names: what the types accept is what resolves', () => {
  it('every name, alias and parameterised name compiles in every activation parameter and resolves', () => {
    for (const name of keys(ACTIVATION_SPELLINGS)) {
      const act: ActivationOrName = name;
      expect(getActivation(name)).toBe(activations[ACTIVATION_SPELLINGS[name]]);
      expect(dense(2, 2, act).activation).toBe(activations[ACTIVATION_SPELLINGS[name]]);
      expect(createMLP({ sizes: [2, 2, 2], activations: name, output: name }).layers[1]!.activation).toBe(activations[ACTIVATION_SPELLINGS[name]]);
    }
    expect(keys(ACTIVATION_SPELLINGS).filter((k) => ACTIVATION_SPELLINGS[k] === k)).toEqual([...activationNames()]);
    expect(dense(2, 2, 'leakyRelu(0.2)').activation.name).toBe('leakyRelu(0.2)');
    expect(createMLP({ sizes: [2, 2], activations: ['elu(0.5)'] }).layers[0]!.activation.name).toBe('elu(0.5)');
  });

  it("a misspelt activation is a type error in every activation parameter, and an UnknownNameError at run time", () => {
    const calls: (() => unknown)[] = [
      // @ts-expect-error misspelt activation
      () => dense(2, 2, 'tanhh'),
      // @ts-expect-error misspelt activation
      () => createMLP({ sizes: [2, 1], activations: 'tanhh' }),
      // @ts-expect-error misspelt activation
      () => createMLP({ sizes: [2, 1], activations: ['tanhh'] }),
      // @ts-expect-error misspelt activation
      () => createMLP({ sizes: [2, 3, 1], activations: 'tanh', output: 'tanhh' }),
    ];
    for (const call of calls) {
      expect(call).toThrow(UnknownNameError);
      expect(call).toThrow(/unknown activation 'tanhh'; use one of identity, sigmoid, .* or defineActivation\(\) for your own/);
    }
    // @ts-expect-error a parameterised name needs a number in the parentheses
    expect(() => dense(2, 2, 'elu(big)')).toThrow("dense: activation 'elu(big)' needs a finite α > 0 in the parentheses, like elu(0.2)");
  });

  it('UnknownNameError for an activation lists the built-in names', () => {
    try {
      getActivation('tanhh');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownNameError);
      const u = e as UnknownNameError;
      expect([u.kind, u.given, u.known]).toEqual(['activation', 'tanhh', activationNames()]);
    }
  });
});

/**
 * The nn part of the bad-input corpus: every case is a call a user might get wrong, the typed
 * error it must raise and the parts of the message that say what, where and how to fix it.
 * The first cases of each class are the issue's own examples (regressions).
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, MAX_ELEMENTS, ShapeError, tensor } from '@tapegrad/core';
import {
  ClosedFormBackprop,
  LayerShapeError,
  ModelFormatError,
  accuracy,
  activations,
  adam,
  adamw,
  backpropClosedForm,
  backpropTape,
  checkActivation,
  checkLoss,
  cloneModel,
  compareGradients,
  createMLP,
  defineActivation,
  defineLoss,
  dense,
  eluActivation,
  evaluate,
  finiteDifferenceGradients,
  forward,
  getActivation,
  getLoss,
  huberLoss,
  leakyReluActivation,
  loadModel,
  losses,
  mlp,
  momentum,
  paramCount,
  parameterViews,
  predict,
  saveModel,
  sgd,
  tapeCost,
  tapeForward,
  train,
  type MLP,
} from '@tapegrad/nn';
import { type BadCase, countByClass, loose, runCorpus } from './corpus.js';

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const Y = tensor([[0], [1], [1], [0]]);
const model = (): MLP => createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 1 });
const classifier = (): MLP => createMLP({ sizes: [2, 3, 2], activations: 'tanh', seed: 1 });
const logit = (): MLP => createMLP({ sizes: [2, 1], activations: ['identity'], seed: 1 });
const Y2 = tensor([[1, 0], [0, 1], [0, 1], [1, 0]]);
const X0 = tensor(new Float64Array(0), [0, 2]);
const Y0 = tensor(new Float64Array(0), [0, 1]);
const base = () => ({ epochs: 1, loss: 'mse' as const, optimizer: sgd({ lr: 0.1 }) });
const saved = (): string => saveModel(model());
const edited = (f: (d: { layers: Record<string, unknown>[]; sizes: unknown }) => void): string => {
  const d = JSON.parse(saved()) as { layers: Record<string, unknown>[]; sizes: unknown };
  f(d);
  return JSON.stringify(d);
};
const deepJson = (depth: number): string => `{"format":"tapegrad-mlp","version":1,"sizes":${'['.repeat(depth)}${']'.repeat(depth)},"layers":[{}]}`;
const cyclic = (): unknown[] => {
  const a: unknown[] = [2];
  a.push(a);
  return a;
};
const protoKeys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;
/** train on XOR with options the type system would reject. */
const fit = (opts: Record<string, unknown>) => () => loose(train)(model(), { X, Y }, opts);

const cases: BadCase[] = [
  // 1: user strings indexing tables
  ...protoKeys.map((k): BadCase => ({ name: `getActivation('${k}')`, cls: 1, run: () => getActivation(k), error: ArgumentError, message: [`getActivation: unknown activation '${k}'`, 'use one of identity, sigmoid'] })),
  ...protoKeys.map((k): BadCase => ({ name: `getLoss('${k}')`, cls: 1, run: () => getLoss(k), error: ArgumentError, message: [`getLoss: unknown loss '${k}'`, 'use one of halfSumSquares'] })),
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "dense(2, 2, 'toString')", cls: 1, run: () => dense(2, 2, 'toString'), error: ArgumentError, message: ["dense: unknown activation 'toString'", 'defineActivation()'] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "createMLP({activations: 'valueOf'})", cls: 1, run: () => createMLP({ sizes: [2, 1], activations: 'valueOf' }), error: ArgumentError, message: ["createMLP: unknown activation 'valueOf'"] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "createMLP({output: '__proto__'})", cls: 1, run: () => createMLP({ sizes: [2, 3, 1], activations: 'tanh', output: '__proto__' }), error: ArgumentError, message: ["createMLP: unknown activation '__proto__'"] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "createMLP({activations: ['constructor']})", cls: 1, run: () => createMLP({ sizes: [2, 1], activations: ['constructor'] }), error: ArgumentError, message: ["createMLP: unknown activation 'constructor'"] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "train(..., {loss: 'hasOwnProperty'})", cls: 1, run: () => train(model(), { X, Y }, { ...base(), loss: 'hasOwnProperty' }), error: ArgumentError, message: ["train: unknown loss 'hasOwnProperty'", 'use one of'] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "backpropTape(..., '__proto__')", cls: 1, run: () => backpropTape(model(), X, Y, '__proto__'), error: ArgumentError, message: ["backpropTape: unknown loss '__proto__'"] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "backpropClosedForm(..., 'constructor')", cls: 1, run: () => backpropClosedForm(model(), X, Y, 'constructor'), error: ArgumentError, message: ["backpropClosedForm: unknown loss 'constructor'"] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "evaluate(..., 'toString')", cls: 1, run: () => evaluate(model(), X, Y, 'toString'), error: ArgumentError, message: ["evaluate: unknown loss 'toString'"] },
  // @ts-expect-error not a loss/activation name: the types refuse it, and so must the runtime check (for JS callers)
  { name: "new ClosedFormBackprop(model, 'valueOf')", cls: 1, run: () => new ClosedFormBackprop(model(), 'valueOf'), error: ArgumentError, message: ["ClosedFormBackprop: unknown loss 'valueOf'"] },
  { name: "getActivation('CONSTRUCTOR') (the lower-cased alias lookup)", cls: 1, run: () => getActivation('CONSTRUCTOR'), error: ArgumentError, message: ["unknown activation 'CONSTRUCTOR'"] },
  { name: "getLoss('__PROTO__') (the lower-cased alias lookup)", cls: 1, run: () => getLoss('__PROTO__'), error: ArgumentError, message: ["unknown loss '__PROTO__'"] },
  { name: "getActivation('leakyRelu(constructor)')", cls: 1, run: () => getActivation('leakyRelu(constructor)'), error: ArgumentError, message: ["activation 'leakyRelu(constructor)' needs a finite slope"] },
  { name: 'loadModel: activation "constructor" in the file', cls: 1, run: () => loadModel(edited((d) => (d.layers[0]!['activation'] = 'constructor'))), error: ModelFormatError, message: ["loadModel: layer 1 uses activation 'constructor', which is not built in", 'loadModel(json, { activations: [yourActivation] })'] },
  { name: 'loadModel: activation "__proto__" in the file', cls: 1, run: () => loadModel(edited((d) => (d.layers[1]!['activation'] = '__proto__'))), error: ModelFormatError, message: ["layer 2 uses activation '__proto__'"] },
  { name: 'loadModel: activation "hasOwnProperty" in the file', cls: 1, run: () => loadModel(edited((d) => (d.layers[0]!['activation'] = 'hasOwnProperty'))), error: ModelFormatError, message: ["activation 'hasOwnProperty', which is not built in"] },

  // 2: sizes from user input
  { name: 'createMLP({sizes: [2**20, 2**20]})', cls: 2, run: () => createMLP({ sizes: [2 ** 20, 2 ** 20], activations: ['identity'] }), error: ShapeError, message: ['createMLP: layer 1 (1048576→1048576) W', 'shape [1048576,1048576]', '1,099,511,627,776 elements', `limit of ${MAX_ELEMENTS.toLocaleString('en-US')}`] },
  { name: 'createMLP: a huge second layer', cls: 2, run: () => createMLP({ sizes: [2, 100_000, 100_000, 1], activations: 'relu' }), error: ShapeError, message: ['createMLP: layer 2 (100000→100000) W', '10,000,000,000 elements'] },
  { name: 'createMLP: many layers under the per-layer limit but over it in all', cls: 2, run: () => createMLP({ sizes: [8192, 8192, 8192, 8192], activations: 'relu' }), error: ShapeError, message: ['createMLP: sizes [8192, 8192, 8192, 8192] give 201,351,168 parameters', 'use fewer or narrower layers'] },
  { name: 'dense(2**20, 2**20)', cls: 2, run: () => dense(2 ** 20, 2 ** 20, 'relu'), error: ShapeError, message: ['dense (1048576→1048576) W', 'more than the limit'] },
  { name: 'dense(1e15, 1)', cls: 2, run: () => dense(1e15, 1, 'relu'), error: ShapeError, message: ['dense (1000000000000000→1) W'] },
  { name: 'createMLP({sizes: [1e300, 1]})', cls: 2, run: () => createMLP({ sizes: [1e300, 1], activations: ['identity'] }), error: ArgumentError, message: ['createMLP: sizes[0] must be a positive integer, got 1e+300'] },
  { name: 'forward with a Float64Array batch whose activations are too large', cls: 2, run: () => forward(mlp([dense(1, 4096, 'identity')]), new Float64Array(40_000), 40_000), error: ShapeError, message: ["forward: layer 1's activations", 'shape [40000,4096]'] },

  // 4: argument checks that were missing or misleading
  { name: 'loadModel(json, {activations: 5})', cls: 4, run: () => loadModel(saved(), loose({ activations: 5 }) as never), error: ArgumentError, message: ['loadModel: activations must be an array of Activation objects', 'got number'] },
  { name: "loadModel(json, {activations: ['relu']})", cls: 4, run: () => loadModel(saved(), loose({ activations: ['relu'] }) as never), error: ArgumentError, message: ['loadModel: activations[0] must be an Activation', 'got the string "relu"'] },
  { name: 'loadModel(json, {activations: [null]})', cls: 4, run: () => loadModel(saved(), { activations: [null as never] }), error: ArgumentError, message: ['loadModel: activations[0] must be an Activation', 'got null'] },
  { name: 'loadModel: two extra activations with one name', cls: 4, run: () => loadModel(saved(), { activations: [activations.tanh, activations.tanh] }), error: ArgumentError, message: ["two activations named 'tanh'"] },
  { name: 'loadModel(5)', cls: 4, run: () => loose(loadModel)(5), error: ModelFormatError, message: ['loadModel: expected a JSON string, got number'] },
  { name: 'loadModel: a 100,000-deep "sizes"', cls: 4, run: () => loadModel(deepJson(100_000)), error: ModelFormatError, message: ['"sizes" must list 2 widths for 1 layers, got 1 entries'] },
  { name: 'loadModel: a deep array as the format', cls: 4, run: () => loadModel(`{"format":${'['.repeat(50_000)}${']'.repeat(50_000)}}`), error: ModelFormatError, message: ['format is an array, expected "tapegrad-mlp"'] },
  { name: 'loadModel: inputSize "2" (a string)', cls: 4, run: () => loadModel(edited((d) => (d.layers[0]!['inputSize'] = '2'))), error: ModelFormatError, message: ['layer 1 inputSize must be a positive integer, got "2"'] },
  { name: 'loadModel: W holds a string', cls: 4, run: () => loadModel(edited((d) => ((d.layers[0]!['W'] as unknown[])[0] = '0.5'))), error: ModelFormatError, message: ['layer 1 W ([3,2])[0] must be a finite number, got "0.5"'] },
  { name: 'loadModel: activation is an object', cls: 4, run: () => loadModel(edited((d) => (d.layers[0]!['activation'] = { name: 'tanh' }))), error: ModelFormatError, message: ['layer 1 activation must be a name, got object'] },
  { name: "sgd({lr: '0.1'})", cls: 4, run: () => sgd(loose({ lr: '0.1' }) as never), error: ArgumentError, message: ['sgd: lr must be a finite number >= 0, got the string "0.1"'] },
  { name: "momentum({lr: 0.1, beta: '0.9'})", cls: 4, run: () => momentum(loose({ lr: 0.1, beta: '0.9' }) as never), error: ArgumentError, message: ['momentum: beta must be a finite number in [0, 1), got the string "0.9"'] },
  { name: "adam({lr: '1e-3'})", cls: 4, run: () => adam(loose({ lr: '1e-3' }) as never), error: ArgumentError, message: ['adam: lr must be a finite number >= 0, got the string "1e-3"'] },
  { name: 'adam()', cls: 4, run: () => loose(adam)(), error: ArgumentError, message: ['adam: pass the options object { lr, ... }, got undefined'] },
  { name: 'sgd({})', cls: 4, run: () => sgd(loose({}) as never), error: ArgumentError, message: ['sgd: lr is required', 'sgd({ lr: 0.01 })'] },
  { name: "createMLP({sizes: ['2', 1]})", cls: 4, run: () => createMLP(loose({ sizes: ['2', 1], activations: 'relu' }) as never), error: ArgumentError, message: ['createMLP: sizes[0] must be a positive integer, got the string "2"'] },
  { name: 'createMLP({sizes: cyclic})', cls: 4, run: () => createMLP(loose({ sizes: cyclic(), activations: 'relu' }) as never), error: ArgumentError, message: ['createMLP: sizes[1] must be a positive integer, got an array'] },
  { name: 'createMLP(null)', cls: 4, run: () => loose(createMLP)(null), error: ArgumentError, message: ['createMLP: pass { sizes, activations, output?, init?, seed? }, got null'] },
  { name: "createMLP({seed: '5'})", cls: 4, run: () => createMLP(loose({ sizes: [2, 1], activations: 'relu', seed: '5' }) as never), error: ArgumentError, message: ['createMLP: seed must be a number, got the string "5"'] },
  { name: 'createMLP({init: 5})', cls: 4, run: () => createMLP(loose({ sizes: [2, 1], activations: 'relu', init: 5 }) as never), error: ArgumentError, message: ["createMLP: init must be 'glorot', 'he' or 'auto', got 5"] },
  { name: "train({epochs: '10'})", cls: 4, run: fit({ ...base(), epochs: '10' }), error: ArgumentError, message: ['train: epochs must be an integer in [0, 10000000], got the string "10"'] },
  { name: "train({batchSize: '4'})", cls: 4, run: fit({ ...base(), batchSize: '4' }), error: ArgumentError, message: ['train: batchSize must be an integer >= 1, got the string "4"'] },
  { name: 'train({epochs: 2**31}) (would run for hours)', cls: 4, run: fit({ ...base(), epochs: 2 ** 31 }), error: ArgumentError, message: ['train: epochs must be an integer in [0, 10000000], got 2147483648'] },
  { name: "train({shuffle: 'no'})", cls: 4, run: fit({ ...base(), shuffle: 'no' }), error: ArgumentError, message: ['train: shuffle must be true or false, got the string "no"'] },
  { name: 'train({onEpoch: 5})', cls: 4, run: fit({ ...base(), onEpoch: 5 }), error: ArgumentError, message: ['train: onEpoch must be a function'] },
  { name: "train({optimizer: 'adam'})", cls: 4, run: fit({ ...base(), optimizer: 'adam' }), error: ArgumentError, message: ['train: optimizer must be an Optimizer (sgd, momentum, adam, adamw), got the string "adam"'] },
  { name: "train({reduction: 5})", cls: 4, run: fit({ ...base(), reduction: 5 }), error: ArgumentError, message: ["train: reduction must be 'sum' or 'mean', got 5"] },
  { name: 'train(model, null, opts)', cls: 4, run: () => train(model(), loose(null) as never, base()), error: ArgumentError, message: ['train: data must be { X, Y }, got null'] },
  { name: 'train(null, data, opts)', cls: 4, run: () => train(loose(null) as never, { X, Y }, base()), error: ArgumentError, message: ['train: model must be an MLP with at least one layer (use createMLP), got null'] },
  { name: 'backpropTape({layers: [null]}, ...)', cls: 4, run: () => backpropTape(loose({ layers: [null] }) as never, X, Y, 'mse'), error: ArgumentError, message: ['backpropTape: model layer 1 is null, not a dense layer'] },
  { name: 'mlp([dense, null])', cls: 4, run: () => mlp([dense(2, 1, 'relu'), null as never]), error: ArgumentError, message: ['mlp: model layer 2 is null, not a dense layer'] },
  { name: 'forward(model, X, "4")', cls: 4, run: () => forward(model(), X.data, loose('4') as never), error: ArgumentError, message: ['forward: batch must be an integer >= 0, got the string "4"'] },
  { name: 'predict(model, [[0, 1]]) (an array, not a Tensor)', cls: 4, run: () => predict(model(), loose([[0, 1]]) as never), error: ArgumentError, message: ['predict: X must be a Tensor [batch, 2] or a Float64Array, got an array'] },
  { name: 'paramCount(null)', cls: 4, run: () => paramCount(loose(null) as never), error: ArgumentError, message: ['paramCount: model must be an MLP'] },
  { name: 'cloneModel({})', cls: 4, run: () => cloneModel(loose({}) as never), error: ArgumentError, message: ['cloneModel: model must be an MLP'] },
  { name: 'saveModel({layers: [{}]})', cls: 4, run: () => saveModel(loose({ layers: [{}] }) as never), error: ArgumentError, message: ['saveModel: model layer 1 has inputSize undefined, not a positive integer'] },
  { name: 'sgd.step(model, null)', cls: 4, run: () => sgd({ lr: 0.1 }).step(model(), loose(null) as never), error: ArgumentError, message: ['sgd.step: grads must be an array of { W, b } per layer'] },
  { name: 'adam.step(model, [null, null])', cls: 4, run: () => adam({ lr: 0.1 }).step(model(), loose([null, null]) as never), error: ArgumentError, message: ['adam.step: gradient 1 must be { W: Tensor, b: Tensor }, got null'] },
  { name: "huberLoss('1')", cls: 4, run: () => huberLoss(loose('1') as never), error: ArgumentError, message: ['huberLoss: delta must be a finite number > 0, got the string "1"'] },
  { name: "leakyReluActivation('0.2')", cls: 4, run: () => leakyReluActivation(loose('0.2') as never), error: ArgumentError, message: ['leakyReluActivation: alpha must be a finite number, got the string "0.2"'] },
  { name: "eluActivation('1')", cls: 4, run: () => eluActivation(loose('1') as never), error: ArgumentError, message: ['eluActivation: alpha must be a finite number > 0, got the string "1"'] },
  { name: 'getActivation(5)', cls: 4, run: () => getActivation(loose(5) as never), error: ArgumentError, message: ['getActivation: an activation name must be a string, got number'] },
  { name: 'getLoss(null)', cls: 4, run: () => getLoss(loose(null) as never), error: ArgumentError, message: ['getLoss: unknown loss null'] },
  { name: 'finiteDifferenceGradients({eps: "1e-6"})', cls: 4, run: () => finiteDifferenceGradients(model(), X, Y, 'mse', loose({ eps: '1e-6' }) as never), error: ArgumentError, message: ['finiteDifferenceGradients: eps must be a finite number > 0, got the string "1e-6"'] },
  { name: "compareGradients({rtol: '1e-3'})", cls: 4, run: () => compareGradients(backpropTape(model(), X, Y, 'mse'), backpropTape(model(), X, Y, 'mse'), loose({ rtol: '1e-3' }) as never), error: ArgumentError, message: ['compareGradients: need rtol >= 0 and atol >= 0, got rtol=the string "1e-3"'] },
  { name: 'compareGradients(null, result)', cls: 4, run: () => compareGradients(loose(null) as never, backpropTape(model(), X, Y, 'mse')), error: ArgumentError, message: ['compareGradients: a must be a gradient result { loss, grads }', 'got null'] },
  { name: 'checkActivation(null)', cls: 4, run: () => checkActivation(loose(null) as never), error: ArgumentError, message: ['checkActivation: act must be an Activation', 'got null'] },
  { name: "checkActivation(tanh, {points: ['1']})", cls: 4, run: () => checkActivation(activations.tanh, loose({ points: ['1'] }) as never), error: ArgumentError, message: ['checkActivation: points[0] must be a finite number, got the string "1"'] },
  { name: 'checkLoss(mse, [[1]], [[1]]) (arrays)', cls: 4, run: () => checkLoss(losses.meanSquared, loose([[1]]) as never, loose([[1]]) as never), error: ArgumentError, message: ['checkLoss: a and y must be Tensors [batch, n], got an array and an array'] },
  { name: 'tapeForward(model, null, X)', cls: 4, run: () => tapeForward(model(), loose(null) as never, X), error: ArgumentError, message: ['tapeForward: params must be one { W, b } per layer (2; see parameterViews), got null'] },
  { name: "tapeCost(model, params, X, Y, 'mse', 'mean') (a name, not a Loss)", cls: 4, run: () => tapeCost(model(), parameterViews(model()), X, Y, loose('mse') as never, 'mean'), error: ArgumentError, message: ['tapeCost: loss must be a Loss object', 'got the string "mse"'] },
  { name: 'ClosedFormBackprop.run(X, Y, "4")', cls: 4, run: () => new ClosedFormBackprop(model(), 'mse').run(X.data, Y.data, loose('4') as never), error: ArgumentError, message: ['ClosedFormBackprop.run: batch must be an integer >= 1, got the string "4"'] },
  { name: 'ClosedFormBackprop.run with X of the wrong length', cls: 4, run: () => new ClosedFormBackprop(model(), 'mse').run(new Float64Array(3), Y.data, 4), error: ArgumentError, message: ['ClosedFormBackprop.run: X must be a Float64Array of 4·2 values', 'got 3 values'] },
  { name: 'ClosedFormBackprop.delta before any run with that batch', cls: 4, run: () => new ClosedFormBackprop(model(), 'mse').delta(1, 2 ** 40), error: ArgumentError, message: ['ClosedFormBackprop.delta: no run with batch 1099511627776 yet'] },
  { name: "ClosedFormBackprop.delta('1', 4)", cls: 4, run: () => new ClosedFormBackprop(model(), 'mse').delta(loose('1') as never, 4), error: ArgumentError, message: ['ClosedFormBackprop.delta: layer the string "1" is not in 1..2'] },
  { name: 'defineActivation({name, f}) without df', cls: 4, run: () => defineActivation(loose({ name: 'sq', f: (z: unknown) => z }) as never), error: ArgumentError, message: ["defineActivation 'sq': df must be a function"] },
  { name: "defineLoss({fromLogits: 'yes'})", cls: 4, run: () => defineLoss(loose({ name: 'q', value: () => 0, grad: () => 0, fromLogits: 'yes' }) as never), error: ArgumentError, message: ["defineLoss 'q': fromLogits must be true or false, got the string \"yes\""] },

  // 5: options accepted and ignored
  ...(
    [
      ['sgd', () => sgd(loose({ lr: 0.1, momentum: 0.9 }) as never), 'momentum', "'lr', 'weightDecay'"],
      ['momentum', () => momentum(loose({ lr: 0.1, nesterov: true }) as never), 'nesterov', "'lr', 'beta', 'weightDecay'"],
      ['adam', () => adam(loose({ lr: 0.1, amsgrad: true }) as never), 'amsgrad', "'lr', 'beta1', 'beta2', 'eps', 'weightDecay'"],
      ['adamw', () => adamw(loose({ lr: 0.1, betas: [0.9, 0.99] }) as never), 'betas', "'lr', 'beta1', 'beta2', 'eps', 'weightDecay'"],
      ['sgd', () => sgd(loose({ lr: 0.1, wd: 0.01 }) as never), 'wd', "'lr', 'weightDecay'"],
      ['train', fit({ ...base(), lr: 0.1 }), 'lr', "'epochs', 'batchSize', 'loss'"],
      ['train', fit({ ...base(), validation: { X, Y } }), 'validation', "'onEpoch'"],
      ['createMLP', () => createMLP(loose({ sizes: [2, 1], activations: 'relu', bias: false }) as never), 'bias', "'sizes', 'activations', 'output', 'init', 'seed'"],
      ['evaluate', () => evaluate(model(), X, Y, 'mse', loose({ reduce: 'sum' }) as never), 'reduce', "'reduction'"],
      ['accuracy', () => accuracy(model(), X, Y, loose({ thresh: 0 }) as never), 'thresh', "'threshold'"],
      ['backpropTape', () => backpropTape(model(), X, Y, 'mse', loose({ reductoin: 'sum' }) as never), 'reductoin', "'reduction'"],
      ['backpropClosedForm', () => backpropClosedForm(model(), X, Y, 'mse', loose({ weights: [1] }) as never), 'weights', "'reduction'"],
      ['finiteDifferenceGradients', () => finiteDifferenceGradients(model(), X, Y, 'mse', loose({ step: 1e-4 }) as never), 'step', "'reduction', 'eps'"],
      ['compareGradients', () => compareGradients(backpropTape(model(), X, Y, 'mse'), backpropTape(model(), X, Y, 'mse'), loose({ tol: 1 }) as never), 'tol', "'rtol', 'atol', 'scale', 'labels'"],
      ['checkActivation', () => checkActivation(activations.relu, loose({ range: [-1, 1] }) as never), 'range', "'points', 'rtol', 'atol'"],
      ['checkLoss', () => checkLoss(losses.meanSquared, tensor([[1]]), tensor([[0]]), loose({ eps: 1 }) as never), 'eps', "'rtol', 'atol'"],
      ['loadModel', () => loadModel(saved(), loose({ strict: true }) as never), 'strict', "'activations'"],
      ['dense', () => dense(2, 1, 'relu', loose({ W: new Float64Array(2), bias: new Float64Array(1) }) as never), 'bias', "'W', 'b'"],
      ['defineActivation', () => defineActivation(loose({ name: 'sq', f: (z: unknown) => z, df: () => 1, d3f: () => 0 }) as never), 'd3f', "'name', 'f', 'df', 'd2f'"],
      ['defineLoss', () => defineLoss(loose({ name: 'q', value: () => 0, grad: () => 0, reduction: 'sum' }) as never), 'reduction', "'name', 'value', 'grad', 'fromLogits'"],
    ] as const
  ).map(([fn, run, key, valid]): BadCase => ({ name: `${fn}: unknown option '${key}'`, cls: 5, run, error: ArgumentError, message: [`${fn}: unknown option '${key}'`, `valid options are`, valid] })),
  { name: "train: data with a third key", cls: 5, run: () => train(model(), loose({ X, Y, W: X }) as never, base()), error: ArgumentError, message: ['train: data has an unknown key "W"; pass { X, Y }'] },
  { name: 'adamw({weightDecay: -0.01})', cls: 5, run: () => adamw({ lr: 0.1, weightDecay: -0.01 }), error: ArgumentError, message: ['adamw: weightDecay must be a finite number >= 0, got -0.01'] },
  { name: "sgd({weightDecay: '0.01'})", cls: 5, run: () => sgd(loose({ lr: 0.1, weightDecay: '0.01' }) as never), error: ArgumentError, message: ['sgd: weightDecay must be a finite number >= 0, got the string "0.01"'] },

  // 8: nn data validation
  { name: 'softmaxCrossEntropy: a negative target', cls: 8, run: () => backpropTape(classifier(), X, tensor([[1, 0], [-1, 2], [0, 1], [1, 0]]), 'softmaxCrossEntropy'), error: ArgumentError, message: ["backpropTape: loss 'softmaxCrossEntropy' needs one-hot or probability target rows", 'Y[1, 0] (row 1) is -1', 'one-hot encode class labels'] },
  { name: 'softmaxCrossEntropy: a row summing to 2', cls: 8, run: () => train(classifier(), { X, Y: tensor([[1, 0], [1, 1], [0, 1], [1, 0]]) }, { ...base(), loss: 'softmaxCrossEntropy' }), error: ArgumentError, message: ['train: loss', 'row 1 of Y sums to 2', 'divide each row by its sum'] },
  { name: 'softmaxCrossEntropy: a row summing to 0.9', cls: 8, run: () => backpropClosedForm(classifier(), X, tensor([[0.5, 0.4], [0, 1], [0, 1], [1, 0]]), 'softmax-ce'), error: ArgumentError, message: ['backpropClosedForm:', 'row 0 of Y sums to 0.9'] },
  { name: 'softmaxCrossEntropy: evaluate on targets above 1', cls: 8, run: () => evaluate(classifier(), X, tensor([[1.5, -0.5], [0, 1], [0, 1], [1, 0]]), 'softmaxCrossEntropy'), error: ArgumentError, message: ['evaluate:', 'Y[0, 0] (row 0) is 1.5'] },
  { name: 'binaryCrossEntropy: target 2', cls: 8, run: () => backpropTape(logit(), X, tensor([[0], [2], [1], [0]]), 'binaryCrossEntropy'), error: ArgumentError, message: ["backpropTape: loss 'binaryCrossEntropy' needs targets in [0, 1]", 'Y[1, 0] (row 1) is 2', 'encode the two classes as 0 and 1'] },
  { name: 'binaryCrossEntropy: target -1', cls: 8, run: () => train(logit(), { X, Y: tensor([[0], [1], [-1], [0]]) }, { ...base(), loss: 'bce' }), error: ArgumentError, message: ['train:', 'Y[2, 0] (row 2) is -1'] },
  { name: 'backpropTape: empty batch', cls: 8, run: () => backpropTape(logit(), X0, Y0, 'mse'), error: ArgumentError, message: ['backpropTape: the data has no samples (X is [0,2]); pass at least one row'] },
  { name: 'backpropClosedForm: empty batch', cls: 8, run: () => backpropClosedForm(logit(), X0, Y0, 'mse'), error: ArgumentError, message: ['backpropClosedForm: the data has no samples'] },
  { name: 'evaluate: empty batch', cls: 8, run: () => evaluate(logit(), X0, Y0, 'mse'), error: ArgumentError, message: ['evaluate: the data has no samples'] },
  { name: 'finiteDifferenceGradients: empty batch', cls: 8, run: () => finiteDifferenceGradients(logit(), X0, Y0, 'mse'), error: ArgumentError, message: ['finiteDifferenceGradients: the data has no samples'] },
  { name: 'train: Infinity in X', cls: 8, run: () => train(model(), { X: tensor([[0, 0], [0, Infinity], [1, 0], [1, 1]]), Y }, base()), error: ArgumentError, message: ['train: X[1, 1] is Infinity; the data must be finite'] },
  { name: 'train: -Infinity in Y', cls: 8, run: () => train(model(), { X, Y: tensor([[0], [1], [-Infinity], [0]]) }, base()), error: ArgumentError, message: ['train: Y[2, 0] is -Infinity'] },
  { name: 'backpropClosedForm: NaN in X', cls: 8, run: () => backpropClosedForm(model(), tensor([[NaN, 0], [0, 1], [1, 0], [1, 1]]), Y, 'mse'), error: ArgumentError, message: ['backpropClosedForm: X[0, 0] is NaN'] },
  { name: 'accuracy: Infinity in X', cls: 8, run: () => accuracy(model(), tensor([[0, 0], [0, 1], [1, 0], [1, -Infinity]]), Y), error: ArgumentError, message: ['accuracy: X[3, 1] is -Infinity'] },
  { name: "accuracy({threshold: '0.5'})", cls: 8, run: () => accuracy(model(), X, Y, loose({ threshold: '0.5' }) as never), error: ArgumentError, message: ['accuracy: threshold must be a finite number, got the string "0.5"'] },
  { name: 'sgd({lr: -1})', cls: 8, run: () => sgd({ lr: -1 }), error: ArgumentError, message: ['sgd: lr must be a finite number >= 0, got -1'] },
  { name: 'momentum({beta: 1})', cls: 8, run: () => momentum({ lr: 0.1, beta: 1 }), error: ArgumentError, message: ['momentum: beta must be a finite number in [0, 1), got 1'] },
  { name: 'adam({beta1: 1})', cls: 8, run: () => adam({ lr: 0.1, beta1: 1 }), error: ArgumentError, message: ['adam: beta1 must be a finite number in [0, 1), got 1'] },
  { name: 'adam({eps: 0})', cls: 8, run: () => adam({ lr: 0.1, eps: 0 }), error: ArgumentError, message: ['adam: eps must be a finite number > 0, got 0'] },
  { name: 'adamw({lr: Infinity})', cls: 8, run: () => adamw({ lr: Infinity }), error: ArgumentError, message: ['adamw: lr must be a finite number >= 0, got Infinity'] },
  { name: 'backpropTape: Y of the wrong width', cls: 8, run: () => backpropTape(model(), X, Y2, 'mse'), error: LayerShapeError, message: ['backpropTape: labels Y have shape [4,2]'] },
];

describe('nn bad-input corpus', () => {
  runCorpus(cases);

  it('holds at least 80 cases, in classes 1, 2, 4, 5 and 8', () => {
    const counts = countByClass(cases);
    expect(cases.length).toBeGreaterThanOrEqual(80);
    for (const cls of [1, 2, 4, 5, 8] as const) expect(counts.get(cls) ?? 0, `class ${cls}`).toBeGreaterThan(0);
  });
});

describe('what the corpus rules out still works', () => {
  it('probability rows within the stated tolerance, and float32-rounded one-hot rows, are accepted', () => {
    const m = classifier();
    const f32 = Float32Array.from([0.1, 0.2, 0.3, 0.4]);
    const row = tensor([[f32[0]! + f32[1]!, f32[2]! + f32[3]!], [0.25, 0.75], [1, 0], [0, 1]]);
    expect(Number.isFinite(backpropTape(m, X, row, 'softmaxCrossEntropy').loss)).toBe(true);
    expect(Number.isFinite(backpropClosedForm(logit(), X, tensor([[0], [0.3], [1], [0.5]]), 'bce').loss)).toBe(true);
  });

  it('lr = 0 is accepted (PyTorch accepts it) and training with it changes nothing', () => {
    const m = model();
    const before = saveModel(m);
    train(m, { X, Y }, { epochs: 3, loss: 'mse', optimizer: sgd({ lr: 0 }) });
    expect(saveModel(m)).toBe(before);
  });
});

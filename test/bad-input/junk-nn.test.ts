/**
 * The nn junk-argument property: every function `@tapegrad/nn` exports, called with arbitrary
 * arguments, returns or throws a TapegradError subclass (never a native TypeError/RangeError,
 * a hang or an out-of-memory), leaves the tape idle and Object.prototype as it was. Then the main
 * entry points get well-formed first arguments (a real model, real tensors) and junk in the
 * remaining ones, so the checks beyond the first argument are exercised too.
 *
 * Excluded from the namespace walk, and why:
 * - the error classes (LayerShapeError, LossCompatibilityError, ModelFormatError, OnnxExportError, UnknownNameError,
 *   TrainingDivergedError): they are what the library throws, constructed by it with its own
 *   arguments, not operations on user input;
 * - the `activations` and `losses` tables are objects, not functions; their members' `forward`,
 *   `backward`, `value` and `gradient` are the closed-form kernel interface on trusted typed
 *   arrays (called after validation, like core's gemmInto). Each member is reached here through
 *   the functions that validate before calling it (createMLP, train, the backprops, checkActivation, checkLoss).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { callJunk, junk, junkArgs } from './junk.js';

const EXCLUDED = new Set(['LayerShapeError', 'LossCompatibilityError', 'ModelFormatError', 'OnnxExportError', 'TrainingDivergedError', 'UnknownNameError']);

/** A class is constructed with `new`, a function called. */
function isClass(f: (...args: unknown[]) => unknown): boolean {
  return /^class\b/.test(Function.prototype.toString.call(f));
}

const callable: [string, (...args: unknown[]) => unknown][] = Object.entries(nn).flatMap(([name, v]) => {
  if (EXCLUDED.has(name) || typeof v !== 'function') return [];
  const f = v as (...args: unknown[]) => unknown;
  const C = v as unknown as new (...args: unknown[]) => unknown;
  return [[name, isClass(f) ? (...args: unknown[]) => new C(...args) : f] as [string, (...args: unknown[]) => unknown]];
});

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const Y = tensor([[0], [1], [1], [0]]);
const Y2 = tensor([[1, 0], [0, 1], [0, 1], [1, 0]]);
const model = (out = 1): nn.MLP => nn.createMLP({ sizes: [2, 3, out], activations: 'tanh', seed: 1 });

/** A value that is either a good one for the slot or junk. */
const or = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(good, junk);
const lossName = fc.constantFrom('mse', 'halfSumSquares', 'bce', 'softmaxCrossEntropy', 'huber', 'constructor', '__proto__');
const optimizerOpts = fc.record(
  { lr: or(fc.constantFrom(0, 0.01, 0.5)), beta: or(fc.constant(0.9)), beta1: or(fc.constant(0.9)), beta2: or(fc.constant(0.99)), eps: or(fc.constant(1e-8)), weightDecay: or(fc.constantFrom(0, 0.01)) },
  { requiredKeys: [] },
);
const makeOptimizer = fc.constantFrom(nn.sgd, nn.momentum, nn.adam, nn.adamw);
const optimizer = makeOptimizer.map((f) => f({ lr: 0.1 }));
const smallTensor = fc.constantFrom(X, Y, Y2, tensor([[0, 0]]), tensor([[1, 2, 3]]), tensor(new Float64Array(0), [0, 2]));
const RUNS = 120;

describe('nn: every export with junk arguments', () => {
  it('enumerates the whole public namespace (a new export is covered the day it is added)', () => {
    const names = callable.map(([n]) => n);
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const n of ['train', 'createMLP', 'loadModel', 'adamw', 'ClosedFormBackprop', 'compareGradients']) expect(names).toContain(n);
  });

  for (const [name, fn] of callable) {
    it(`${name}(...junk)`, async () => {
      await fc.assert(fc.asyncProperty(junkArgs, (args) => callJunk(name, fn, args)), { numRuns: 60 });
    });
  }
});

describe('nn: real models and tensors, junk in the other arguments', () => {
  it('train(model, { X, Y }, junk options)', async () => {
    const opts = fc.record(
      {
        epochs: or(fc.constantFrom(0, 1, 3)),
        batchSize: or(fc.constantFrom(1, 3, 4, 1000)),
        loss: or(lossName),
        reduction: or(fc.constantFrom('sum', 'mean')),
        optimizer: or(optimizer),
        gradients: or(fc.constantFrom('tape', 'closed-form')),
        seed: or(fc.constantFrom(0, 7)),
        shuffle: or(fc.boolean()),
        onEpoch: or(fc.constant(() => undefined)),
        extra: junk,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(opts, or(fc.constantFrom({ X, Y }, { X, Y: Y2 })), (o, data) => callJunk('train', (d, op) => nn.train(model(), d as never, op as never), [data, o])),
      { numRuns: RUNS },
    );
  });

  it('createMLP with junk sizes, activations, output, init and seed', async () => {
    const spec = fc.record(
      {
        sizes: or(fc.array(fc.oneof(fc.integer({ min: 1, max: 5 }), junk), { minLength: 0, maxLength: 4 })),
        activations: or(fc.constantFrom('relu', 'tanh', ['tanh', 'identity'], 'valueOf')),
        output: or(fc.constantFrom('identity', 'sigmoid')),
        init: or(fc.constantFrom('glorot', 'he', 'auto')),
        seed: or(fc.integer({ min: 0, max: 100 })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(fc.asyncProperty(spec, (s) => callJunk('createMLP', nn.createMLP as never, [s])), { numRuns: RUNS });
  });

  it('backpropTape, backpropClosedForm, finiteDifferenceGradients, evaluate and accuracy with junk data, loss and options', async () => {
    const fns = fc.constantFrom<[string, unknown]>(
      ['backpropTape', nn.backpropTape],
      ['backpropClosedForm', nn.backpropClosedForm],
      ['finiteDifferenceGradients', nn.finiteDifferenceGradients],
      ['evaluate', nn.evaluate],
    );
    const opts = or(fc.record({ reduction: or(fc.constantFrom('sum', 'mean')), eps: or(fc.constant(1e-5)) }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(fns, fc.constantFrom(1, 2), or(smallTensor), or(smallTensor), or(lossName), opts, ([name, f], out, x, y, loss, o) =>
        callJunk(name, f as never, [model(out), x, y, loss, o]),
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(or(smallTensor), or(smallTensor), or(fc.record({ threshold: or(fc.constant(0)) }, { requiredKeys: [] })), (x, y, o) =>
        callJunk('accuracy', nn.accuracy as never, [model(), x, y, o]),
      ),
      { numRuns: RUNS },
    );
  });

  it('optimizers: junk options, then step(model, junk gradients)', async () => {
    const grads = fc.constantFrom(
      () => nn.backpropClosedForm(model(), X, Y, 'mse').grads,
      () => nn.backpropTape(model(), X, Y, 'mse').grads.slice(1),
      () => [{ W: tensor([[1, 2]]), b: tensor([1]) }],
    );
    await fc.assert(
      fc.asyncProperty(makeOptimizer, optimizerOpts, or(grads), (make, o, g) =>
        callJunk('optimizer', (opts, gr) => make(opts as never).step(model(), (typeof gr === 'function' ? (gr as () => unknown)() : gr) as never), [o, g]),
      ),
      { numRuns: RUNS },
    );
  });

  it('loadModel(edited saved model, junk options) and saveModel(model with a junk layer)', async () => {
    const text = nn.saveModel(model());
    const doc = JSON.parse(text) as { layers: Record<string, unknown>[] };
    const field = fc.constantFrom('activation', 'inputSize', 'outputSize', 'W', 'b');
    await fc.assert(
      fc.asyncProperty(fc.option(fc.tuple(fc.constantFrom(0, 1), field, junk)), or(fc.record({ activations: or(fc.constant([nn.activations.tanh])) }, { requiredKeys: [] })), (edit, o) => {
        const d = structuredClone(doc);
        if (edit !== null) {
          const [layer, key, value] = edit;
          // JSON cannot hold every junk value (a cyclic array, a tensor); what it cannot write is left out.
          try {
            d.layers[layer]![key] = JSON.parse(JSON.stringify(value) ?? 'null');
          } catch {
            d.layers[layer]![key] = null;
          }
        }
        return callJunk('loadModel', nn.loadModel as never, [JSON.stringify(d), o]);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(junk, (layer) => callJunk('saveModel', nn.saveModel as never, [{ layers: [model().layers[0], layer] }])),
      { numRuns: RUNS },
    );
  });

  it('saveModel(model, { metadata: junk }) and readModelFile(a file whose metadata is junk)', async () => {
    const metadata = or(
      fc.record(
        {
          featureNames: or(fc.constantFrom(['a', 'b'], ['a', 'a'], ['a'])),
          target: or(fc.constant('y')),
          task: or(fc.constantFrom('classification', 'regression')),
          classNames: or(fc.constantFrom(['p'], ['p', 'q'])),
          standardizer: or(fc.record({ mean: or(fc.constant([0, 1])), std: or(fc.constantFrom([1, 2], [0, 1])) }, { requiredKeys: [] })),
          targetStandardizer: or(fc.record({ mean: or(fc.constant(0)), std: or(fc.constantFrom(1, 0)) }, { requiredKeys: [] })),
          loss: or(fc.constant('mse')),
          constructor: junk,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(metadata, async (meta) => {
        await callJunk('saveModel', nn.saveModel as never, [model(), { metadata: meta }]);
        const d = JSON.parse(nn.saveModel(model())) as Record<string, unknown>;
        try {
          d['metadata'] = JSON.parse(JSON.stringify(meta) ?? 'null');
        } catch {
          d['metadata'] = null;
        }
        await callJunk('readModelFile', nn.readModelFile as never, [JSON.stringify(d)]);
      }),
      { numRuns: RUNS },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tapegrad/core';
import { ModelFormatError, createMLP, dense, loadModel, mlp, readModelFile, saveModel, type MLP, type ModelMetadata } from './index.js';

const net = (): MLP => createMLP({ sizes: [2, 3, 3], activations: ['tanh', 'softmax'], seed: 4 });
const IRIS_LIKE: ModelMetadata = {
  featureNames: ['x', 'y'],
  target: 'species',
  task: 'classification',
  classNames: ['a', 'b', 'c'],
  standardizer: { mean: [0.5, -0], std: [2, 1e-300] },
  loss: 'softmaxCrossEntropy',
};

/** A saved file as an object, edited, and written back. */
const editedFile = (meta: ModelMetadata | undefined, edit: (d: Record<string, unknown>) => void): string => {
  const d = JSON.parse(saveModel(net(), meta === undefined ? {} : { metadata: meta })) as Record<string, unknown>;
  edit(d);
  return JSON.stringify(d);
};

describe('model files with metadata (version 2)', () => {
  it('writes the metadata after "sizes", keys in a fixed order, numbers with the sign of zero', () => {
    const m = mlp([dense(2, 1, 'identity', { W: Float64Array.of(1, 2), b: Float64Array.of(0) })]);
    const text = saveModel(m, { metadata: { loss: 'mse', target: 'y', task: 'regression', targetStandardizer: { mean: -0, std: 0.1 + 0.2 } } });
    expect(text).toBe(
      '{"format":"tapegrad-mlp","version":2,"sizes":[2,1],"metadata":{"target":"y","task":"regression","targetStandardizer":{"mean":-0,"std":0.30000000000000004},"loss":"mse"},' +
        '"layers":[{"activation":"identity","inputSize":2,"outputSize":1,"W":[1,2],"b":[0]}]}',
    );
  });

  it('readModelFile returns the model and the metadata; {} when the file has none', () => {
    const withMeta = readModelFile(saveModel(net(), { metadata: IRIS_LIKE }));
    expect(withMeta.metadata).toEqual(IRIS_LIKE);
    expect(Object.is(withMeta.metadata.standardizer!.mean[1], -0)).toBe(true);
    expect([...withMeta.model.layers[1]!.W]).toEqual([...net().layers[1]!.W]);
    expect(readModelFile(saveModel(net())).metadata).toEqual({});
    expect(loadModel(saveModel(net(), { metadata: IRIS_LIKE })).layers.length).toBe(2);
  });

  it('a key given as undefined is absent (not written, not read back)', () => {
    const text = saveModel(net(), { metadata: { target: 'y', ...({ task: undefined } as object) } });
    expect(text).toContain('"metadata":{"target":"y"}');
  });

  it('a binary classifier with one output names two classes', () => {
    const m = createMLP({ sizes: [2, 1], activations: ['sigmoid'], seed: 1 });
    expect(readModelFile(saveModel(m, { metadata: { classNames: ['no', 'yes'] } })).metadata.classNames).toEqual(['no', 'yes']);
    expect(() => saveModel(m, { metadata: { classNames: ['yes'] } })).toThrow(
      'saveModel: metadata.classNames lists 1 names but the network has one output (a binary classifier: name the class for output 0, then for output 1)',
    );
  });

  it('version 1 files still load (with no metadata), and cannot carry metadata', () => {
    const v1 = '{"format":"tapegrad-mlp","version":1,"sizes":[2,1],"layers":[{"activation":"sigmoid","inputSize":2,"outputSize":1,"W":[0.5,-0],"b":[1]}]}';
    const file = readModelFile(v1);
    expect(file.metadata).toEqual({});
    expect([...file.model.layers[0]!.W]).toEqual([0.5, -0]);
    const withMeta = v1.replace('"sizes"', '"metadata":{},"sizes"');
    expect(() => loadModel(withMeta)).toThrow(ModelFormatError);
    expect(() => loadModel(withMeta)).toThrow('loadModel: a version 1 file has no "metadata" (version 2 added it); set "version" to 2 or remove "metadata"');
  });

  it('an old CLI file (format "tapegrad-cli-model") is named as such, with the way out', () => {
    const old = JSON.stringify({ format: 'tapegrad-cli-model', version: 1, model: JSON.parse(saveModel(net())) });
    expect(() => readModelFile(old)).toThrow(
      'readModelFile: format is "tapegrad-cli-model", a file from an older `tapegrad train --save`; save the model again with this version\'s `tapegrad train --save`, or pass JSON.stringify(file.model) to readModelFile',
    );
  });

  it('round-trips random networks and metadata bit for bit (fast-check), and re-saving gives the same text', () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 0, 5e-324, -Number.MAX_VALUE));
    const spread = fc.oneof(fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(5e-324, Number.MAX_VALUE));
    const name = fc.string({ minLength: 1, maxLength: 6, unit: 'binary' });
    const sizes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 });
    const case_ = sizes.chain((sz) => {
      const nIn = sz[0]!;
      const nOut = sz[sz.length - 1]!;
      const layers = fc.tuple(...sz.slice(1).map((o, i) => fc.tuple(fc.array(value, { minLength: o * sz[i]!, maxLength: o * sz[i]! }), fc.array(value, { minLength: o, maxLength: o }))));
      const classes = fc.uniqueArray(name, { minLength: nOut === 1 ? 2 : nOut, maxLength: nOut === 1 ? 2 : nOut });
      const meta = fc.record(
        {
          featureNames: fc.uniqueArray(name, { minLength: nIn, maxLength: nIn }),
          target: name,
          loss: name,
          standardizer: fc.record({ mean: fc.array(value, { minLength: nIn, maxLength: nIn }), std: fc.array(spread, { minLength: nIn, maxLength: nIn }) }),
          kind: fc.oneof(
            fc.record({ task: fc.constant('classification' as const), classNames: classes }, { requiredKeys: [] }),
            fc.record({ task: fc.constant('regression' as const), targetStandardizer: fc.record({ mean: value, std: spread }) }, { requiredKeys: [] }),
          ),
        },
        { requiredKeys: [] },
      ).map(({ kind, ...rest }): ModelMetadata => ({ ...rest, ...kind }));
      return fc.tuple(fc.constant(sz), layers, fc.option(meta, { nil: undefined }));
    });
    fc.assert(
      fc.property(case_, ([sz, params, metadata]) => {
        const m = mlp(params.map(([W, b], i) => dense(sz[i]!, sz[i + 1]!, i === params.length - 1 ? 'identity' : 'tanh', { W: Float64Array.from(W), b: Float64Array.from(b) })));
        const text = saveModel(m, metadata === undefined ? {} : { metadata });
        const back = readModelFile(text);
        // toEqual tells -0 from 0 (Object.is on numbers), so this is bit for bit for every finite double.
        expect(back.metadata).toEqual(metadata ?? {});
        back.model.layers.forEach((l, i) => {
          expect([...l.W]).toEqual(params[i]![0]);
          expect([...l.b]).toEqual(params[i]![1]);
        });
        expect(saveModel(back.model, { metadata: back.metadata })).toBe(metadata === undefined ? text.replace(',"layers"', ',"metadata":{},"layers"') : text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('metadata that breaks a rule: ArgumentError from saveModel, ModelFormatError from loadModel, naming the key and the fix', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', ['x'], "metadata must be an object (keys 'featureNames', 'target', 'task', 'classNames', 'standardizer', 'targetStandardizer', 'loss'), got an array"],
    ['an unknown key', { featureNames: ['x', 'y'], classes: ['a'] }, "metadata has an unknown key 'classes'; the known keys are 'featureNames', 'target', 'task', 'classNames', 'standardizer', 'targetStandardizer', 'loss'"],
    ['"constructor" as a key', { constructor: 1 }, "metadata has an unknown key 'constructor'"],
    ['too few feature names', { featureNames: ['x'] }, 'metadata.featureNames lists 1 names but the network has 2 inputs; give one name per input, in input order'],
    ['a numeric feature name', { featureNames: ['x', 3] }, 'metadata.featureNames[1] must be a non-empty string, got 3'],
    ['an empty feature name', { featureNames: ['', 'y'] }, 'metadata.featureNames[0] must be a non-empty string, got an empty string'],
    ['duplicate feature names', { featureNames: ['x', 'x'] }, 'metadata.featureNames[1] repeats the name "x" of metadata.featureNames[0]; names must be unique'],
    ['feature names not an array', { featureNames: 'x,y' }, 'metadata.featureNames must be an array of names (strings), got the string "x,y"'],
    ['a task of its own', { task: 'ranking' }, "metadata.task must be 'classification' or 'regression', got the string \"ranking\""],
    ['class names for a regression', { task: 'regression', classNames: ['a', 'b', 'c'] }, "metadata.classNames describe a classifier's outputs, but metadata.task is 'regression'; drop one of them"],
    ['duplicate class names', { classNames: ['a', 'b', 'a'] }, 'metadata.classNames[2] repeats the name "a" of metadata.classNames[0]; names must be unique'],
    ['too many class names', { classNames: ['a', 'b', 'c', 'd'] }, 'metadata.classNames lists 4 names but the network has 3 outputs; give one name per output, in output order'],
    ['a zero std', { standardizer: { mean: [0, 0], std: [1, 0] } }, 'metadata.standardizer.std[1] must be a finite number > 0 (a spread of 0 cannot be divided by), got 0'],
    ['a negative std', { standardizer: { mean: [0, 0], std: [-1, 1] } }, 'metadata.standardizer.std[0] must be a finite number > 0'],
    ['a mean of the wrong width', { standardizer: { mean: [0], std: [1, 1] } }, 'metadata.standardizer.mean has 1 values but the network has 2 inputs; give one per input'],
    ['a string mean', { standardizer: { mean: ['0', 1], std: [1, 1] } }, 'metadata.standardizer.mean[0] must be a finite number, got the string "0"'],
    ['no std', { standardizer: { mean: [0, 1] } }, 'metadata.standardizer.std must be an array of 2 numbers (one per network input), got undefined'],
    ['a standardizer with a stray key', { standardizer: { mean: [0, 1], std: [1, 1], scale: 2 } }, "metadata.standardizer has an unknown key 'scale'; the known keys are 'mean', 'std'"],
    ['a target standardizer on a classifier', { task: 'classification', targetStandardizer: { mean: 0, std: 1 } }, "metadata.targetStandardizer scales a regression output, but metadata.task is 'classification'; drop one of them"],
    ['a target standardizer as an array', { targetStandardizer: [0, 1] }, 'metadata.targetStandardizer must be an object { mean, std } of two numbers, got an array'],
    ['a target std of 0', { targetStandardizer: { mean: 0, std: 0 } }, 'metadata.targetStandardizer.std must be a finite number > 0'],
    ['a numeric target', { target: 7 }, 'metadata.target must be a non-empty string, got 7'],
    ['a null loss', { loss: null }, 'metadata.loss must be a non-empty string, got null'],
  ];
  for (const [what, meta, message] of cases) {
    it(what, () => {
      expect(() => saveModel(net(), { metadata: meta as ModelMetadata })).toThrow(ArgumentError);
      expect(() => saveModel(net(), { metadata: meta as ModelMetadata })).toThrow(`saveModel: ${message}`);
      // the same object in a file
      const text = editedFile(undefined, (d) => (d['metadata'] = meta));
      expect(() => loadModel(text)).toThrow(ModelFormatError);
      expect(() => loadModel(text)).toThrow(`loadModel: ${message}`);
      expect(() => readModelFile(text)).toThrow(`readModelFile: ${message}`);
    });
  }

  it('keys are own properties only: a file\'s "__proto__" key is an unknown key, inherited keys are not read', () => {
    const text = editedFile(undefined, (d) => (d['metadata'] = JSON.parse('{"__proto__": {"target": "y"}}')));
    expect(() => loadModel(text)).toThrow(`loadModel: metadata has an unknown key '__proto__'`);
    const inherited = Object.create({ featureNames: ['only', 'inherited', 'too many'] }) as ModelMetadata;
    expect(readModelFile(saveModel(net(), { metadata: inherited })).metadata).toEqual({});
  });

  it('an unknown top-level key is refused (a misspelt "metdata" would drop the metadata unseen)', () => {
    const text = editedFile(IRIS_LIKE, (d) => {
      d['metdata'] = d['metadata'];
      delete d['metadata'];
    });
    expect(() => loadModel(text)).toThrow('loadModel: the file has an unknown key "metdata"; a model file holds "format", "version", "sizes", "metadata", "layers"');
  });

  it('saveModel checks its options', () => {
    expect(() => saveModel(net(), { meta: {} } as never)).toThrow("saveModel: unknown option 'meta'; valid options are 'metadata'");
    expect(() => saveModel(net(), null as never)).toThrow('saveModel: options must be an object, got null');
  });
});

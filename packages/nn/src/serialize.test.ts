import { describe, expect, it } from 'vitest';
import { ArgumentError, TapegradError, sin, tensor } from '@tapegrad/core';
import { ModelFormatError, backpropClosedForm, cloneModel, createMLP, defineActivation, dense, leakyReluActivation, loadModel, mlp, predict, saveModel } from './index.js';

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const Y = tensor([[0], [1], [1], [0]]);

describe('saveModel / loadModel', () => {
  it('round-trips exactly (architecture, activations, every bit of every parameter)', () => {
    const m = createMLP({ sizes: [3, 5, 4, 4, 2], activations: ['gelu', 'elu', leakyReluActivation(0.2), 'softmax'], seed: 12 });
    const back = loadModel(saveModel(m));
    expect(back.layers.map((l) => l.activation.name)).toEqual(['gelu', 'elu', 'leakyRelu(0.2)', 'softmax']);
    back.layers.forEach((l, i) => {
      expect([...l.W]).toEqual([...m.layers[i]!.W]);
      expect([...l.b]).toEqual([...m.layers[i]!.b]);
    });
  });

  it('user activations are resolved by name when passed in', () => {
    const wave = defineActivation({ name: 'wave', f: (z) => sin(z), df: (z) => Math.cos(z) });
    const m = createMLP({ sizes: [2, 2, 1], activations: [wave, 'identity'] });
    const json = saveModel(m);
    expect(() => loadModel(json)).toThrow(/layer 1 uses activation 'wave', which is not built in; pass it to loadModel\(json, \{ activations: \[yourActivation\] \}\)/);
    expect(loadModel(json, { activations: [wave] }).layers[0]!.activation).toBe(wave);
  });

  it('rejects corrupt or mismatched files with a ModelFormatError, never a half-loaded model', () => {
    const good = JSON.parse(saveModel(createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 1 }))) as Record<string, unknown> & {
      layers: Record<string, unknown>[];
    };
    const variant = (edit: (d: typeof good) => void): string => {
      const d = structuredClone(good);
      edit(d);
      return JSON.stringify(d);
    };
    const cases: [string, RegExp][] = [
      ['{"format": "tapegrad-mlp", "version": 1, "sizes": [2, 3', /not valid JSON/],
      ['[1, 2]', /must hold a JSON object/],
      [variant((d) => (d.format = 'keras')), /format is "keras", expected "tapegrad-mlp"/],
      [variant((d) => (d.version = 3)), /version 3 is not supported \(this tapegrad reads versions 1 and 2\)/],
      [variant((d) => (d.layers[1]!.W = [1, 2])), /layer 2 W \(\[1,3\]\) has 2 values but its shape needs 3/],
      [variant((d) => ((d.layers[0]!.b as unknown[])[1] = 'x')), /layer 1 b \(\[3\]\)\[1\] must be a finite number, got "x"/],
      [variant((d) => (d.layers[1]!.inputSize = 4)), /layer 2 is 4→1 but "sizes" \[2,3,1\] says 3→1; the widths must chain/],
      [variant((d) => (d.layers[0]!.activation = 'swishy')), /activation 'swishy', which is not built in/],
      [variant((d) => (d.sizes = [2, 3])), /"sizes" must list 3 widths for 2 layers/],
    ];
    for (const [text, msg] of cases) {
      expect(() => loadModel(text)).toThrow(ModelFormatError);
      expect(() => loadModel(text)).toThrow(msg);
    }
  });

  it('refuses to save non-finite parameters', () => {
    const m = cloneModel(createMLP({ sizes: [2, 1], activations: ['identity'] }));
    m.layers[0]!.W[1] = NaN;
    expect(() => saveModel(m)).toThrow(/layer 1 W\[1\] is NaN; JSON cannot store non-finite numbers/);
  });

  it('a loaded model gives the same gradients as the original', () => {
    const m = createMLP({ sizes: [2, 3, 1], activations: 'sigmoid', seed: 2 });
    const a = backpropClosedForm(m, X, Y, 'halfSumSquares');
    const b = backpropClosedForm(loadModel(saveModel(m)), X, Y, 'halfSumSquares');
    expect([...b.grads[0]!.W.data]).toEqual([...a.grads[0]!.W.data]);
  });
});

describe('saveModel → loadModel is bit-exact', () => {
  it('keeps every double as it was: subnormals, extremes, values with no short decimal, and the sign of zero', () => {
    const hard = [5e-324, -Number.MIN_VALUE * 3, Number.MAX_VALUE, -1.7976931348623155e308, 0.1 + 0.2, -1 / 3, Math.PI, 2 ** -1022, 1 + 2 ** -52, -0, 0, 123456789.12345679];
    const W = Float64Array.from(hard);
    const b = Float64Array.of(-0, 2 ** 60, -(2 ** -1074));
    const m = mlp([dense(4, 3, 'swish', { W, b }), dense(3, 1, 'identity', { W: Float64Array.of(-0, 1e-300, -1e300), b: Float64Array.of(0.7) })]);
    const back = loadModel(saveModel(m));
    back.layers.forEach((l, i) => {
      const src = m.layers[i]!;
      l.W.forEach((v, k) => expect(Object.is(v, src.W[k]), `layer ${i + 1} W[${k}] = ${src.W[k]} came back as ${v}`).toBe(true));
      l.b.forEach((v, k) => expect(Object.is(v, src.b[k]), `layer ${i + 1} b[${k}] = ${src.b[k]} came back as ${v}`).toBe(true));
    });
    // and saving the loaded model gives the same text: the format is a fixed point
    expect(saveModel(back)).toBe(saveModel(m));
  });

  it('a loaded model predicts exactly what the original predicts', () => {
    const m = createMLP({ sizes: [2, 6, 5, 3], activations: ['softplus', 'gelu', 'softmax'], seed: 31 });
    const P = tensor([[0.3, -1.2], [2.5, 0.1], [-0.7, -0.7]]);
    expect([...predict(loadModel(saveModel(m)), P).data]).toEqual([...predict(m, P).data]);
  });

  it('copies the parameters: the loaded model does not share arrays with the original', () => {
    const m = createMLP({ sizes: [2, 2], activations: ['identity'], seed: 3 });
    const back = loadModel(saveModel(m));
    back.layers[0]!.W[0] = 42;
    expect(m.layers[0]!.W[0]).not.toBe(42);
  });

  it('writes the documented JSON shape', () => {
    const m = mlp([dense(2, 1, 'sigmoid', { W: Float64Array.of(0.5, -0), b: Float64Array.of(1) })]);
    expect(saveModel(m)).toBe(
      '{"format":"tapegrad-mlp","version":2,"sizes":[2,1],"layers":[{"activation":"sigmoid","inputSize":2,"outputSize":1,"W":[0.5,-0],"b":[1]}]}',
    );
  });
});

describe('loadModel rejects malformed files with a ModelFormatError that says what is wrong', () => {
  const good = (): { format?: unknown; version?: unknown; sizes?: unknown; layers: Record<string, unknown>[] } =>
    JSON.parse(saveModel(createMLP({ sizes: [2, 3, 1], activations: 'tanh', seed: 1 })));
  const edited = (edit: (d: ReturnType<typeof good>) => void): string => {
    const d = good();
    edit(d);
    return JSON.stringify(d);
  };

  const cases: [string, string, string][] = [
    ['empty text', '', 'loadModel: the text is not valid JSON'],
    ['JSON null', 'null', 'loadModel: the file must hold a JSON object'],
    ['a JSON string', '"tapegrad-mlp"', 'loadModel: the file must hold a JSON object'],
    ['no format tag', edited((d) => delete d.format), 'loadModel: format is undefined, expected "tapegrad-mlp"; this is not a tapegrad model file'],
    ['no layers', edited((d) => (d.layers = [])), 'loadModel: "layers" must be a non-empty array'],
    ['a layer that is not an object', JSON.stringify({ ...good(), layers: [[], good().layers[1]] }), 'loadModel: layer 1 must be an object'],
    ['a fractional width', edited((d) => (d.layers[0]!.outputSize = 1.5)), 'loadModel: layer 1 outputSize must be a positive integer, got 1.5'],
    ['a zero width', edited((d) => (d.layers[1]!.inputSize = 0)), 'loadModel: layer 2 inputSize must be a positive integer, got 0'],
    ['a numeric activation', edited((d) => (d.layers[1]!.activation = 7)), 'loadModel: layer 2 activation must be a name, got 7'],
    ['W missing', edited((d) => delete d.layers[0]!.W), 'loadModel: layer 1 W ([3,2]) must be an array of 6 numbers, got undefined'],
    ['b as an object', edited((d) => (d.layers[1]!.b = { 0: 1 })), 'loadModel: layer 2 b ([1]) must be an array of 1 numbers, got object'],
    ['a null weight', edited((d) => ((d.layers[0]!.W as unknown[])[4] = null)), 'loadModel: layer 1 W ([3,2])[4] must be a finite number, got null'],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => loadModel(text)).toThrow(ModelFormatError);
      expect(() => loadModel(text)).toThrow(message);
    });
  }

  it('an overflowing literal (1e999 parses as Infinity) is named as Infinity', () => {
    const text = saveModel(mlp([dense(1, 1, 'identity', { W: Float64Array.of(2), b: Float64Array.of(3) })])).replace('"b":[3]', '"b":[1e999]');
    expect(() => loadModel(text)).toThrow('loadModel: layer 1 b ([1])[0] must be a finite number, got Infinity');
  });

  it('a non-string argument', () => {
    // @ts-expect-error a parsed object instead of the text, on purpose
    expect(() => loadModel({ format: 'tapegrad-mlp' })).toThrow('loadModel: expected a JSON string, got object');
  });

  it('ModelFormatError is a TapegradError but not an ArgumentError (the file is at fault, not the call)', () => {
    const e = new ModelFormatError('x');
    expect(e).toBeInstanceOf(TapegradError);
    expect(e).not.toBeInstanceOf(ArgumentError);
    expect(e.name).toBe('ModelFormatError');
  });
});

/**
 * saveOnnx's refusals (typed errors, whole messages) and the ModelProto's structure, decoded
 * with protobufjs from onnx-subset.proto. That onnxruntime loads and runs the bytes is
 * save-onnx.test.ts's job.
 */
import { ArgumentError, mul } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { defineActivation } from '../define-activation.js';
import { createMLP } from '../model.js';
import { decodeOnnx } from '../testing/onnx.js';
import { OnnxExportError } from './errors.js';
import { saveOnnx } from './save-onnx.js';

const net = (): ReturnType<typeof createMLP> => createMLP({ sizes: [2, 3, 2], activations: 'tanh', output: 'softmax', seed: 1 });

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('saveOnnx refuses what ONNX cannot hold', () => {
  it('a defineActivation activation, naming the layer and the activation', () => {
    const cube = defineActivation({ name: 'cube', f: (z) => mul(z, mul(z, z)), df: (z) => 3 * z * z });
    const model = createMLP({ sizes: [2, 3, 1], activations: ['tanh', cube], seed: 1 });
    const e = thrown(() => saveOnnx(model));
    expect(e).toBeInstanceOf(OnnxExportError);
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e).toMatchObject({ layer: 2, activation: 'cube' });
    expect((e as Error).message).toBe(
      "saveOnnx: layer 2 uses the activation 'cube', which is not built in (a defineActivation activation has no ONNX form); ONNX export supports identity, sigmoid, tanh, relu, leakyRelu, softplus, elu, gelu, swish, softmax, leakyRelu(α) and elu(α): train the model with one of them",
    );
  });

  it("an activation that took a built-in's name but computes something else", () => {
    const fake = defineActivation({ name: 'tanh', f: (z) => mul(z, 2), df: () => 2 });
    const model = createMLP({ sizes: [2, 1], activations: [fake], seed: 1 });
    expect(() => saveOnnx(model)).toThrow(
      new OnnxExportError(
        "saveOnnx: layer 1's activation is named 'tanh' but does not compute the built-in tanh (they differ at z = -40); rename your activation, since only the built-ins (identity, sigmoid, tanh, relu, leakyRelu, softplus, elu, gelu, swish, softmax, leakyRelu(α) and elu(α)) have an ONNX form",
        { layer: 1, activation: 'tanh' },
      ),
    );
  });

  it('non-finite parameters, and float32-overflowing ones in float32', () => {
    const m = net();
    m.layers[1]!.W[4] = Number.NaN;
    expect(() => saveOnnx(m)).toThrow(new ArgumentError('saveOnnx: layer 2 W[4] is NaN; an exported model with a non-finite parameter predicts NaN or ±Infinity, so it is not written'));
    const big = net();
    big.layers[0]!.b[1] = 1e39;
    expect(saveOnnx(big).length).toBeGreaterThan(0);
    expect(() => saveOnnx(big, { dtype: 'float32' })).toThrow(new ArgumentError("saveOnnx: layer 1 b[1] is 1e+39, beyond float32's range (±3.4e38); export with dtype 'float64'"));
    expect(() => saveOnnx(net(), { dtype: 'float32', metadata: { standardizer: { mean: [0, 0], std: [1, 1e-50] } } })).toThrow(
      new ArgumentError("saveOnnx: metadata.standardizer.std[1] is 1e-50, which rounds to 0 in float32; export with dtype 'float64'"),
    );
  });

  it('bad options, each named', () => {
    const m = net();
    const cases: [unknown, string][] = [
      [{ dtyp: 'float32' }, "saveOnnx: unknown option 'dtyp'; valid options are 'inputName', 'outputName', 'dtype', 'metadata'"],
      [{ dtype: 'float16' }, 'saveOnnx: dtype must be \'float64\' or \'float32\', got the string "float16"'],
      [{ dtype: 64 }, "saveOnnx: dtype must be 'float64' or 'float32', got 64"],
      [{ inputName: '' }, 'saveOnnx: inputName must be a non-empty string, got an empty string'],
      [{ outputName: 3 }, 'saveOnnx: outputName must be a non-empty string, got 3'],
      [{ inputName: 'x', outputName: 'x' }, "saveOnnx: inputName and outputName are both 'x'; an ONNX graph's values need distinct names"],
      [{ metadata: { classNames: ['a', 'b', 'c'] } }, 'saveOnnx: metadata.classNames lists 3 names but the network has 2 outputs; give one name per output, in output order'],
      [{ metadata: { standardizer: { mean: [0], std: [1] } } }, 'saveOnnx: metadata.standardizer.mean has 1 values but the network has 2 inputs; give one per input'],
      [{ metadata: { constructor: 1 } }, "saveOnnx: metadata has an unknown key 'constructor'; the known keys are 'featureNames', 'target', 'task', 'classNames', 'standardizer', 'targetStandardizer', 'loss'"],
    ];
    for (const [opts, message] of cases) {
      const e = thrown(() => saveOnnx(m, opts as never));
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as Error).message).toBe(message);
    }
    expect(() => saveOnnx({ layers: [] } as never)).toThrow(ArgumentError);
  });
});

describe('the ModelProto saveOnnx writes', () => {
  it('declares IR 7 and opset 13, a symbolic batch, and one node list in evaluation order', () => {
    const doc = decodeOnnx(saveOnnx(net(), { inputName: 'x', outputName: 'probs', metadata: { standardizer: { mean: [1, 2], std: [3, 4] } } }));
    expect(doc['ir_version']).toBe(7);
    expect(doc['opset_import']).toEqual([{ version: 13 }]);
    expect(doc['producer_name']).toBe('@tapegrad/nn');
    const graph = doc['graph'] as {
      node: { op_type: string; input: string[]; output: string[] }[];
      initializer: { name: string; dims: number[]; data_type: number; double_data?: number[] }[];
      input: unknown[];
      output: unknown[];
    };
    const tensorType = (name: string, width: number): unknown => ({
      name,
      type: { tensor_type: { elem_type: 11, shape: { dim: [{ dim_param: 'batch' }, { dim_value: width }] } } },
    });
    expect(graph.input).toEqual([tensorType('x', 2)]);
    expect(graph.output).toEqual([tensorType('probs', 2)]);
    expect(graph.node.map((n) => n.op_type)).toEqual(['Sub', 'Div', 'Gemm', 'Tanh', 'Gemm', 'Softmax']);
    // Every input is defined before it is used, every name once.
    const defined = new Set(['x', ...graph.initializer.map((t) => t.name)]);
    expect(defined.size).toBe(graph.initializer.length + 1);
    for (const node of graph.node) {
      for (const i of node.input) expect(defined.has(i), `${node.op_type} reads ${i}`).toBe(true);
      for (const o of node.output) {
        expect(defined.has(o)).toBe(false);
        defined.add(o);
      }
    }
    expect(graph.node[graph.node.length - 1]!.output).toEqual(['probs']);
    const W1 = graph.initializer.find((t) => t.name === 'layer1/W')!;
    expect(W1.dims).toEqual([3, 2]);
    expect(W1.data_type).toBe(11);
    expect(W1.double_data).toEqual(Array.from(net().layers[0]!.W));
  });

  it('in float32 every tensor is float (data_type 1), rounded to nearest', () => {
    const doc = decodeOnnx(saveOnnx(net(), { dtype: 'float32' }));
    const graph = doc['graph'] as { initializer: { name: string; data_type: number; float_data?: number[] }[]; input: { type: { tensor_type: { elem_type: number } } }[] };
    expect(graph.initializer.every((t) => t.data_type === 1)).toBe(true);
    expect(graph.input[0]!.type.tensor_type.elem_type).toBe(1);
    const b2 = graph.initializer.find((t) => t.name === 'layer2/b')!;
    expect(b2.float_data).toEqual(Array.from(net().layers[1]!.b, Math.fround));
  });

  it('returns a plain Uint8Array that owns its bytes', () => {
    const bytes = saveOnnx(net());
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
  });

  it('shares one initializer per constant value and keeps internal names off the user names', () => {
    const model = createMLP({ sizes: [2, 2, 2], activations: 'elu', output: 'elu', seed: 4 });
    const doc = decodeOnnx(saveOnnx(model, { inputName: 'const_0', outputName: 'layer1/W' }));
    const names = (doc['graph'] as { initializer: { name: string }[] }).initializer.map((t) => t.name);
    expect(names.filter((n) => n.startsWith('const_0'))).toEqual(['const_0_2']);
    expect(names).toContain('layer1/W_2');
  });
});

/**
 * Exports a trained MLP as an ONNX model (opset 13, IR version 7), so it runs in onnxruntime
 * (Python, Node, the browser), converts to PyTorch, or serves anywhere ONNX does.
 *
 * Encoding is protobufjs's (its light build: reflection over schema.ts, the descriptor of
 * onnx-subset.proto), never hand-written varints.
 */
import { ArgumentError, checkOptions, showValue, TapegradError } from '@tapegrad/core';
import protobuf from 'protobufjs/light.js';
import { checkModel } from '../args.js';
import type { MLP } from '../model.js';
import { type ModelMetadata, readMetadata } from '../model-metadata.js';
import { emitActivation, identifyActivation } from './activations.js';
import { GraphBuilder, intAttr, ONNX_TYPE, type OnnxDtype } from './graph.js';
import { ONNX_SCHEMA } from './schema.js';

export type { OnnxDtype } from './graph.js';

/**
 * The ONNX operator set the export targets (the default domain, ai.onnx).
 * @group Serialization
 */
export const ONNX_OPSET = 13;
/**
 * The ONNX IR version written: 7 is the one that goes with opset 13 (onnx 1.8).
 * @group Serialization
 */
export const ONNX_IR_VERSION = 7;

/**
 * Options of `saveOnnx`.
 * @group Serialization
 */
export interface SaveOnnxOptions {
  /** The graph input's name (default `'input'`), shape `[batch, in]`. */
  readonly inputName?: string;
  /** The graph output's name (default `'output'`), shape `[batch, out]`. */
  readonly outputName?: string;
  /**
   * The element type of the input, output and weights (default `'float64'`). onnxruntime's CPU
   * provider has a double kernel for every op the export uses, so float64 runs there and differs
   * from `model.forward` by rounding only (Gemm's summation order, the last bits of its
   * tanh/exp/log): within a first-order bound of n·2⁻⁵³ per layer relative to the size of a dot
   * product's terms (n its length), propagated through the later layers; measured under
   * 5e-14 relative on the Iris model. `'float32'` is for runtimes without double kernels
   * (onnxruntime-web's WebGPU, most mobile and GPU runtimes): weights, inputs and intermediates
   * are rounded to float32, so the bound is (n + 2)·2⁻²⁴ per layer; measured up to 3e-5 relative
   * on the Iris model, with the same predicted class for every row.
   */
  readonly dtype?: OnnxDtype;
  /**
   * What the model file says about its data (`readModelFile(json).metadata`), checked as
   * `saveModel` checks it. `standardizer` is folded in front of the network as `Sub`, `Div`
   * (`(x - mean) / std`), so the ONNX model takes raw features; `targetStandardizer` after it
   * as `Mul`, `Add` (`y = out * std + mean`), so it predicts in the target's units. The other keys
   * (featureNames, classNames, target, task, loss) go to the model's `metadata_props`, arrays
   * as JSON text.
   */
  readonly metadata?: ModelMetadata;
}

const DTYPES: readonly OnnxDtype[] = ['float64', 'float32'];
const PROP_KEYS = ['featureNames', 'classNames', 'target', 'task', 'loss'] as const;
const FLOAT32_MAX = 3.4028234663852886e38;

function nameOption(v: unknown, what: string, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v === '') throw new ArgumentError(`saveOnnx: ${what} must be a non-empty string, got ${v === '' ? 'an empty string' : showValue(v)}`);
  return v;
}

/** Values that the chosen dtype can hold: finite, and in float32 inside its range (and a std not rounding to 0). */
function checkValues(values: ArrayLike<number>, what: string, dtype: OnnxDtype, positive = false): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new ArgumentError(`saveOnnx: ${what}[${i}] is ${v}; an exported model with a non-finite parameter predicts NaN or ±Infinity, so it is not written`);
    if (dtype === 'float32' && Math.abs(v) > FLOAT32_MAX) {
      throw new ArgumentError(`saveOnnx: ${what}[${i}] is ${v}, beyond float32's range (±3.4e38); export with dtype 'float64'`);
    }
    if (positive && Math.fround(v) === 0 && dtype === 'float32') throw new ArgumentError(`saveOnnx: ${what}[${i}] is ${v}, which rounds to 0 in float32; export with dtype 'float64'`);
  }
}

let modelType: protobuf.Type | undefined;
/** onnx.ModelProto, built once from the descriptor on first use (no work at import time). */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

function valueInfo(name: string, dtype: OnnxDtype, width: number): object {
  return { name, type: { tensorType: { elemType: ONNX_TYPE[dtype], shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } } };
}

/**
 * Encodes a trained MLP as an ONNX model: per layer `Gemm(a, W, b, transB=1)` (W `[n_l, n_(l-1)]`
 * as stored) then its activation as standard ONNX ops at opset 13 (identity: none; tanh, relu,
 * softmax: the op of that name, softmax over the last axis; sigmoid: `Where(Greater(z, 0), 1, e)
 * / (1 + e)`, e = `Exp(-Abs(z))`, stable at both ends; leakyRelu(α), elu(α):
 * `Where(Greater(z, 0), z, ...)`; softplus: `Relu(z) + log1p(Exp(-Abs(z)))` with log1p from
 * Log, Div and Where; gelu: its tanh form from Mul, Add, Tanh; swish: `z · sigmoid(z)` as above).
 * In float64 every op has a double kernel in onnxruntime's CPU provider (see `SaveOnnxOptions.dtype`).
 * The input is `[batch, in]` and the output `[batch, out]`, `batch` a symbolic dimension.
 * @param model the network; every activation must be a built-in one
 * @param opts `{ inputName?, outputName?, dtype?, metadata? }`, see `SaveOnnxOptions`
 * @returns the ModelProto's bytes (write them to a `.onnx` file)
 * @throws OnnxExportError naming the layer and activation when an activation is not built in
 *   (a `defineActivation` activation has no ONNX form); ArgumentError for a malformed model,
 *   a non-finite parameter (or one beyond float32's range in float32), or bad options or metadata.
 * @example writeFileSync('iris.onnx', saveOnnx(model, { metadata: { classNames: ['setosa', 'versicolor', 'virginica'] } }))
 * @group Serialization
 */
export function saveOnnx(model: MLP, opts: SaveOnnxOptions = {}): Uint8Array {
  checkModel(model, 'saveOnnx');
  checkOptions('saveOnnx', opts, ['inputName', 'outputName', 'dtype', 'metadata']);
  const inputName = nameOption(opts.inputName, 'inputName', 'input');
  const outputName = nameOption(opts.outputName, 'outputName', 'output');
  if (inputName === outputName) throw new ArgumentError(`saveOnnx: inputName and outputName are both '${inputName}'; an ONNX graph's values need distinct names`);
  const dtype: unknown = opts.dtype ?? 'float64';
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new ArgumentError(`saveOnnx: dtype must be 'float64' or 'float32', got ${showValue(dtype)}`);
  }
  const layers = model.layers;
  const nIn = layers[0]!.inputSize;
  const nOut = layers[layers.length - 1]!.outputSize;
  const meta =
    opts.metadata === undefined
      ? {}
      : readMetadata(opts.metadata, { inputs: nIn, outputs: nOut }, (msg) => {
          throw new ArgumentError(`saveOnnx: ${msg}`);
        });
  const dt = dtype as OnnxDtype;
  // Every check before any building: an unexportable layer is named before the work starts.
  const kinds = layers.map((l, i) => identifyActivation(l.activation, i + 1));
  layers.forEach((l, i) => {
    checkValues(l.W, `layer ${i + 1} W`, dt);
    checkValues(l.b, `layer ${i + 1} b`, dt);
  });
  if (meta.standardizer !== undefined) {
    checkValues(meta.standardizer.mean, 'metadata.standardizer.mean', dt);
    checkValues(meta.standardizer.std, 'metadata.standardizer.std', dt, true);
  }
  if (meta.targetStandardizer !== undefined) {
    checkValues([meta.targetStandardizer.mean], 'metadata.targetStandardizer.mean', dt);
    checkValues([meta.targetStandardizer.std], 'metadata.targetStandardizer.std', dt, true);
  }

  const g = new GraphBuilder(dt, [inputName, outputName]);
  let a = inputName;
  if (meta.standardizer !== undefined) {
    const centred = g.op('Sub', 'standardize/centred', [a, g.tensor('standardize/mean', [nIn], meta.standardizer.mean)]);
    a = g.op('Div', 'standardize/scaled', [centred, g.tensor('standardize/std', [nIn], meta.standardizer.std)]);
  }
  layers.forEach((l, i) => {
    const tag = `layer${i + 1}`;
    const W = g.tensor(`${tag}/W`, [l.outputSize, l.inputSize], l.W);
    const b = g.tensor(`${tag}/b`, [l.outputSize], l.b);
    const z = g.op('Gemm', `${tag}/z`, [a, W, b], [intAttr('transB', 1)]);
    a = emitActivation(g, kinds[i]!, z, tag);
  });
  if (meta.targetStandardizer !== undefined) {
    const t = meta.targetStandardizer;
    a = g.op('Add', 'unstandardize/y', [g.op('Mul', 'unstandardize/scaled', [a, g.constant(t.std)]), g.constant(t.mean)]);
  }
  g.nameOutput(a, outputName);

  const props = PROP_KEYS.flatMap((k) => {
    const v = meta[k];
    return v === undefined ? [] : [{ key: k, value: typeof v === 'string' ? v : JSON.stringify(v) }];
  });
  const folded = [
    meta.standardizer === undefined ? 'as the network takes them' : 'raw features (the standardizer (x - mean) / std is folded in)',
    meta.targetStandardizer === undefined ? 'the last layer' : "in the target's units (out * std + mean is folded in)",
  ];
  const message = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: '@tapegrad/nn',
    docString: `A ${[nIn, ...layers.map((l) => l.outputSize)].join('-')} MLP exported by tapegrad's saveOnnx. Inputs: ${folded[0]}; outputs: ${folded[1]}.`,
    graph: {
      name: 'tapegrad_mlp',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, dt, nIn)],
      output: [valueInfo(outputName, dt, nOut)],
    },
    metadataProps: props,
  };
  const type = modelProto();
  const problem = type.verify(message);
  if (problem !== null) throw new TapegradError(`saveOnnx: internal error: the ModelProto does not match the schema (${problem}); please report this`);
  // A copy: protobufjs may hand back a view into a shared pool buffer under Node.
  return new Uint8Array(type.encode(type.fromObject(message)).finish());
}

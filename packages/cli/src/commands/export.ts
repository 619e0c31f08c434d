/**
 * `tapegrad export`: a saved model (`train --save`, or nn's saveModel) as an ONNX file, with its
 * standardiser folded in, so onnxruntime, PyTorch (through a converter) or a browser runtime
 * can run it on raw features.
 */
import { ONNX_IR_VERSION, ONNX_OPSET, saveOnnx, type ModelMetadata, type MLP } from '@tapegrad/nn';
import { OptionReader, parseOptions } from '../args.js';
import { type Command } from '../command.js';
import { EXIT } from '../errors.js';
import { type Io } from '../io.js';
import { readModelOption } from '../model-file.js';
import { outputPath, writeOutput } from '../output-path.js';

const OPTIONS = {
  model: { type: 'string', short: 'm' },
  onnx: { type: 'string', short: 'o' },
  float32: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The graph's input and output names: saveOnnx's defaults, repeated in the help and the snippets. */
const INPUT = 'input';
const OUTPUT = 'output';

/** A tensor of the exported graph, as the report and --json describe it. */
interface Port {
  readonly name: string;
  readonly shape: readonly [string, number];
  readonly dtype: 'float64' | 'float32';
  readonly means: string;
}

function describePorts(model: MLP, meta: ModelMetadata, dtype: Port['dtype']): { input: Port; output: Port } {
  const layers = model.layers;
  const nIn = layers[0]!.inputSize;
  const nOut = layers[layers.length - 1]!.outputSize;
  const last = layers[layers.length - 1]!.activation.name;
  const features = meta.featureNames === undefined ? `${nIn} columns` : meta.featureNames.join(', ');
  const inputMeans = meta.standardizer === undefined ? `features (${features}) as the network takes them; the model file has no standardizer` : `raw features (${features}); the standardizer is folded in`;
  let outputMeans: string;
  if (meta.targetStandardizer !== undefined) outputMeans = `${meta.target ?? 'the target'}, in its units (the target's standardizer is folded in)`;
  else if (meta.classNames !== undefined) {
    const classes = meta.classNames.join(', ');
    outputMeans = last === 'identity' ? `scores (logits) for ${classes}: the largest is the prediction; softmax gives probabilities` : `${last} outputs for ${classes}`;
  } else outputMeans = `the last layer's ${last} outputs`;
  return {
    input: { name: INPUT, shape: ['batch', nIn], dtype, means: inputMeans },
    output: { name: OUTPUT, shape: ['batch', nOut], dtype, means: outputMeans },
  };
}

function kilobytes(n: number): string {
  return n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} KiB`;
}

function runExport(argv: readonly string[], io: Io): number {
  const command = 'tapegrad export';
  const o = new OptionReader(command, parseOptions(command, argv, OPTIONS));
  const json = o.flag('json');
  const modelPath = o.requiredString('model', 'the model file that `tapegrad train --save` wrote');
  const onnxPath = o.requiredString('onnx', 'where to write the .onnx file');
  const dtype = o.flag('float32') ? 'float32' : 'float64';
  const target = outputPath(command, 'onnx', onnxPath, io.cwd, [{ option: 'model', path: modelPath }]);
  const { model, metadata } = readModelOption(command, io, modelPath);
  const bytes = saveOnnx(model, { dtype, metadata });
  writeOutput(command, 'onnx', onnxPath, target, bytes);
  const { input, output } = describePorts(model, metadata, dtype);
  const sizes = [model.layers[0]!.inputSize, ...model.layers.map((l) => l.outputSize)];
  const activations = model.layers.map((l) => l.activation.name);
  if (json) {
    io.stdout.write(
      JSON.stringify({
        written: target,
        bytes: bytes.length,
        opset: ONNX_OPSET,
        irVersion: ONNX_IR_VERSION,
        dtype,
        sizes,
        activations,
        inputs: [input],
        outputs: [output],
        standardizerFolded: metadata.standardizer !== undefined,
        targetStandardizerFolded: metadata.targetStandardizer !== undefined,
      }) + '\n',
    );
    return EXIT.ok;
  }
  const np = dtype === 'float64' ? 'float64' : 'float32';
  const ortType = dtype === 'float64' ? 'float64' : 'float32';
  const ortArray = dtype === 'float64' ? 'Float64Array' : 'Float32Array';
  // A JSON string is a valid string literal in Python and JavaScript, whatever quotes the path holds.
  const quoted = JSON.stringify(onnxPath);
  const port = (p: Port): string => `'${p.name}' [batch, ${p.shape[1]}] ${p.dtype}: ${p.means}`;
  io.stdout.write(
    `wrote ${onnxPath} (${kilobytes(bytes.length)}): a ${sizes.join('-')} MLP (${activations.join(', ')}), ONNX opset ${ONNX_OPSET}, IR version ${ONNX_IR_VERSION}, ${dtype}\n` +
      `  input  ${port(input)}\n` +
      `  output ${port(output)}\n` +
      `Load it:\n` +
      `  python: import numpy as np, onnxruntime as ort; y = ort.InferenceSession(${quoted}).run(None, {'${INPUT}': np.asarray(rows, dtype=np.${np})})[0]\n` +
      `  node (an .mjs file, top-level await): import * as ort from 'onnxruntime-node'; const s = await ort.InferenceSession.create(${quoted}); const y = (await s.run({ ${INPUT}: new ort.Tensor('${ortType}', ${ortArray}.from(flatRows), [n, ${input.shape[1]}]) })).${OUTPUT}.data;\n`,
  );
  return EXIT.ok;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a saved model as an ONNX file, for onnxruntime, PyTorch or the browser',
  help: `Usage:
  tapegrad export --model model.json --onnx model.onnx [--float32] [--json]

Writes the model that \`tapegrad train --save\` saved as an ONNX model (opset ${ONNX_OPSET}): one Gemm per
layer, its activation as standard ONNX ops, and the model file's standardizer folded in front
(Sub, Div), so the ONNX model takes raw features; a regression model's target standardizer is
folded in after it, so it predicts in the target's units. Feature and class names go to the
model's metadata. The graph's input is '${INPUT}' [batch, features], its output '${OUTPUT}'
[batch, outputs]. A classifier trained with softmax-ce outputs scores (logits), as the network
does: the largest is the predicted class.

Options:
  -m, --model <model.json>  the saved model (train --save, or nn's saveModel)
  -o, --onnx <model.onnx>   where to write the ONNX file
  --float32                 float32 weights, input and output (default float64, which
                            onnxruntime's CPU provider runs for every op used; float32 is for
                            runtimes without double kernels, e.g. WebGPU; outputs then differ
                            from tapegrad's by up to about 1e-5 relative)
  --json                    print one JSON object (the path, size, opset, dtype, inputs and
                            outputs) instead of the report

Paths are relative to the directory you typed the command in.`,
  run: runExport,
};

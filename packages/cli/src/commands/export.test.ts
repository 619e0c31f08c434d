import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMLP, readModelFile, saveModel, saveOnnx, type ModelMetadata } from '@tapegrad/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { run } from '../run.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const classifier: ModelMetadata = {
  featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  target: 'species',
  task: 'classification',
  classNames: ['setosa', 'versicolor', 'virginica'],
  standardizer: { mean: [5.8, 3.1, 3.8, 1.2], std: [0.8, 0.4, 1.8, 0.8] },
  loss: 'softmaxCrossEntropy',
};
writeFileSync(join(dir, 'iris.json'), saveModel(createMLP({ sizes: [4, 8, 3], activations: 'tanh', seed: 1 }), { metadata: classifier }));
const regression: ModelMetadata = { task: 'regression', target: 'price', standardizer: { mean: [1, 2], std: [3, 4] }, targetStandardizer: { mean: 100, std: 20 } };
writeFileSync(join(dir, 'reg.json'), saveModel(createMLP({ sizes: [2, 4, 1], activations: 'relu', seed: 2 }), { metadata: regression }));
writeFileSync(join(dir, 'plain.json'), saveModel(createMLP({ sizes: [2, 2], activations: 'sigmoid', output: 'sigmoid', seed: 3 })));

function exportRun(args: string[]): { code: number; out: string; err: string } {
  const io = memoryIo({ cwd: dir });
  const code = run(['export', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('tapegrad export', () => {
  it("writes saveOnnx's bytes for the file's model and metadata, paths relative to the caller's directory", () => {
    const r = exportRun(['--model', 'iris.json', '--onnx', 'iris.onnx']);
    expect(r.code).toBe(0);
    const file = readModelFile(readFileSync(join(dir, 'iris.json'), 'utf8'));
    const written = readFileSync(join(dir, 'iris.onnx'));
    expect(new Uint8Array(written)).toEqual(saveOnnx(file.model, { metadata: file.metadata }));
    expect(r.out).toBe(
      `wrote iris.onnx (${(written.length / 1024).toFixed(1)} KiB): a 4-8-3 MLP (tanh, identity), ONNX opset 13, IR version 7, float64
  input  'input' [batch, 4] float64: raw features (sepal_length, sepal_width, petal_length, petal_width); the standardizer is folded in
  output 'output' [batch, 3] float64: scores (logits) for setosa, versicolor, virginica: the largest is the prediction; softmax gives probabilities
Load it:
  python: import numpy as np, onnxruntime as ort; y = ort.InferenceSession("iris.onnx").run(None, {'input': np.asarray(rows, dtype=np.float64)})[0]
  node (an .mjs file, top-level await): import * as ort from 'onnxruntime-node'; const s = await ort.InferenceSession.create("iris.onnx"); const y = (await s.run({ input: new ort.Tensor('float64', Float64Array.from(flatRows), [n, 4]) })).output.data;
`,
    );
  });

  it('--float32 writes the float32 export; --json describes it', () => {
    const r = exportRun(['--model', 'reg.json', '--onnx', 'reg.onnx', '--float32', '--json']);
    expect(r.code).toBe(0);
    const file = readModelFile(readFileSync(join(dir, 'reg.json'), 'utf8'));
    const bytes = saveOnnx(file.model, { metadata: file.metadata, dtype: 'float32' });
    expect(new Uint8Array(readFileSync(join(dir, 'reg.onnx')))).toEqual(bytes);
    expect(JSON.parse(r.out)).toEqual({
      written: join(dir, 'reg.onnx'),
      bytes: bytes.length,
      opset: 13,
      irVersion: 7,
      dtype: 'float32',
      sizes: [2, 4, 1],
      activations: ['relu', 'identity'],
      inputs: [{ name: 'input', shape: ['batch', 2], dtype: 'float32', means: 'raw features (2 columns); the standardizer is folded in' }],
      outputs: [{ name: 'output', shape: ['batch', 1], dtype: 'float32', means: "price, in its units (the target's standardizer is folded in)" }],
      standardizerFolded: true,
      targetStandardizerFolded: true,
    });
  });

  it('says when the model file has no standardizer', () => {
    const r = exportRun(['-m', 'plain.json', '-o', 'plain.onnx']);
    expect(r.code).toBe(0);
    expect(r.out).toContain("input  'input' [batch, 2] float64: features (2 columns) as the network takes them; the model file has no standardizer");
    expect(r.out).toContain("output 'output' [batch, 2] float64: the last layer's sigmoid outputs");
  });

  it("exports a file from 0.1.0's train --save (converted on read), its standardizer folded in", () => {
    const model = createMLP({ sizes: [2, 3, 2], activations: 'tanh', seed: 5 });
    const old = {
      format: 'tapegrad-cli-model',
      version: 1,
      features: ['u', 'v'],
      target: 'kind',
      task: 'classification',
      classes: ['p', 'q'],
      featureMean: [1, 2],
      featureStd: [3, 4],
      targetMean: null,
      targetStd: null,
      loss: 'softmaxCrossEntropy',
      model: JSON.parse(saveModel(model)),
    };
    writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
    const r = exportRun(['--model', 'old.json', '--onnx', 'old.onnx']);
    expect(r.code).toBe(0);
    expect(r.out).toContain("input  'input' [batch, 2] float64: raw features (u, v); the standardizer is folded in");
    const metadata: ModelMetadata = { featureNames: ['u', 'v'], target: 'kind', task: 'classification', classNames: ['p', 'q'], standardizer: { mean: [1, 2], std: [3, 4] }, loss: 'softmaxCrossEntropy' };
    expect(new Uint8Array(readFileSync(join(dir, 'old.onnx')))).toEqual(saveOnnx(model, { metadata }));
  });

  it('refuses a missing option, an unreadable or foreign file, and a folder that does not exist', () => {
    expect(exportRun(['--onnx', 'x.onnx'])).toMatchObject({ code: 2, err: 'tapegrad export --model: is required (the model file that `tapegrad train --save` wrote); see `tapegrad export --help`\n' });
    expect(exportRun(['--model', 'iris.json'])).toMatchObject({ code: 2, err: 'tapegrad export --onnx: is required (where to write the .onnx file); see `tapegrad export --help`\n' });
    expect(exportRun(['--model', 'nope.json', '--onnx', 'x.onnx'])).toMatchObject({
      code: 3,
      err: `tapegrad export --model: cannot read nope.json (no such file: ${join(dir, 'nope.json')}); give the file \`tapegrad train --save\` wrote\n`,
    });
    writeFileSync(join(dir, 'other.json'), '{"format":"something-else"}');
    const foreign = exportRun(['--model', 'other.json', '--onnx', 'x.onnx']);
    expect(foreign.code).toBe(3);
    expect(foreign.err).toMatch(/^tapegrad export --model: other\.json: readModelFile: format is "something-else"/);
    expect(exportRun(['--model', 'iris.json', '--onnx', 'no/such/dir/x.onnx'])).toMatchObject({
      code: 3,
      err: 'tapegrad export --onnx: cannot write no/such/dir/x.onnx (ENOENT: its directory does not exist); create the directory or choose another path\n',
    });
    // The model file is not written over (it would be lost, as ONNX bytes).
    const before = readFileSync(join(dir, 'iris.json'), 'utf8');
    expect(exportRun(['--model', 'iris.json', '--onnx', './iris.json'])).toMatchObject({
      code: 2,
      err: 'tapegrad export --onnx: ./iris.json is also the --model file; writing there would destroy it, so choose another file\n',
    });
    expect(readFileSync(join(dir, 'iris.json'), 'utf8')).toBe(before);
    const json = exportRun(['--model', 'nope.json', '--onnx', 'x.onnx', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ error: { type: 'DataError', exitCode: 3 } });
  });

  it('is listed in tapegrad --help and has its own help', () => {
    const top = memoryIo();
    run(['--help'], top);
    expect(top.out()).toMatch(/\n {2}export +write a saved model as an ONNX file, for onnxruntime, PyTorch or the browser\n/);
    const help = exportRun(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage:\n {2}tapegrad export --model model\.json --onnx model\.onnx \[--float32\] \[--json\]/);
  });
});

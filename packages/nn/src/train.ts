/**
 * Mini-batch training: shuffle, take a batch, get the gradient (tape or closed form), step.
 */
import { type Tensor, Rng, fmtNumber, tensorView, valueAndGrad, ArgumentError } from '@tapegrad/core';
import { DeltaRecurrence } from './backprop-closed-form.js';
import { parameterViews, tapeCost } from './backprop-tape.js';
import { TrainingDivergedError } from './errors.js';
import type { LayerGrads } from './grads.js';
import { type Loss, type Reduction, batchCost } from './losses.js';
import { type MLP, traceForward } from './model.js';
import type { Optimizer } from './optimizers.js';
import { prepare, prepareBatch } from './validate.js';

/** What `onEpoch` is told after each epoch. */
export interface EpochInfo {
  /** 1 for the first epoch. */
  readonly epoch: number;
  /** The epoch's loss: the reduction applied to every per-sample loss seen during the epoch. */
  readonly loss: number;
  readonly model: MLP;
}

/** Options of `train`. */
export interface TrainOptions {
  epochs: number;
  /** Samples per step (default min(32, N)); the last batch of an epoch may be smaller. */
  batchSize?: number;
  loss: Loss | string;
  /** `mean` (default) or `sum` over each batch. */
  reduction?: Reduction;
  optimizer: Optimizer;
  /** Where gradients come from (default `closed-form`); both give the same training to rounding. */
  gradients?: 'tape' | 'closed-form';
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  onEpoch?: (info: EpochInfo) => void;
}

/**
 * Trains `model` in place by mini-batch gradient descent.
 * @param data `{ X: [N, in], Y: [N, out] }`
 * @param opts epochs, batchSize, loss, reduction, optimizer, gradients, seed, shuffle, onEpoch
 * @returns `{ history }`: one loss per epoch (mean per-sample loss with `mean`, total with `sum`)
 * @throws ArgumentError for bad options; LayerShapeError / LossCompatibilityError as the backprops do;
 *   TrainingDivergedError when a batch loss is NaN or infinite (naming the epoch, the step and the loss).
 * @example
 * train(model, { X, Y }, { epochs: 500, loss: 'halfSumSquares', optimizer: sgd({ lr: 0.5 }), gradients: 'tape' }).history
 */
export function train(model: MLP, data: { X: Tensor; Y: Tensor }, opts: TrainOptions): { history: number[] } {
  const where = 'train';
  if (data === null || typeof data !== 'object') throw new ArgumentError(`${where}: data must be { X, Y }`);
  const { x, y, loss, reduction } = prepare(model, data.X, data.Y, opts.loss, opts.reduction, where);
  const { epochs } = opts;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ArgumentError(`${where}: epochs must be a non-negative integer, got ${String(epochs)}`);
  const N = x.batch;
  if (N === 0) throw new ArgumentError(`${where}: the data has no samples`);
  const batchSize = opts.batchSize ?? Math.min(32, N);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`${where}: batchSize must be a positive integer, got ${String(batchSize)}`);
  const gradients = opts.gradients ?? 'closed-form';
  if (gradients !== 'tape' && gradients !== 'closed-form') throw new ArgumentError(`${where}: gradients must be 'tape' or 'closed-form', got '${String(gradients)}'`);
  const opt = opts.optimizer;
  if (opt === null || typeof opt !== 'object' || typeof opt.step !== 'function') throw new ArgumentError(`${where}: optimizer must be an Optimizer (sgd, momentum, adam)`);
  const shuffle = opts.shuffle ?? true;
  const rng = new Rng(opts.seed ?? 0);
  const nIn = x.cols;
  const nOut = y.cols;

  // Batch buffers, one per batch size that occurs (full and last partial), reused every epoch.
  const sizes = [...new Set([Math.min(batchSize, N), N % batchSize].filter((s) => s > 0))];
  const xb = new Map(sizes.map((s) => [s, new Float64Array(s * nIn)]));
  const yb = new Map(sizes.map((s) => [s, new Float64Array(s * nOut)]));
  const xt = new Map(sizes.map((s) => [s, tensorView(xb.get(s)!, [s, nIn])]));
  const yt = new Map(sizes.map((s) => [s, tensorView(yb.get(s)!, [s, nOut])]));

  const closed = gradients === 'closed-form' ? new DeltaRecurrence(model, loss, reduction) : null;
  const closedGrads: LayerGrads[] | null =
    closed === null ? null : model.layers.map((l, i) => ({ W: tensorView(closed.gW[i]!, [l.outputSize, l.inputSize]), b: tensorView(closed.gb[i]!, [l.outputSize]) }));
  const params = parameterViews(model);
  const tapeStep = valueAndGrad((ps: typeof params, X: Tensor, Y: Tensor) => tapeCost(model, ps, X, Y, loss, reduction));

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
      if (!Number.isFinite(cost)) throw diverged(opt, { epoch, step, loss: cost, batch: start / batchSize + 1, batches: Math.ceil(N / batchSize), previous });
      previous = cost;
      total += reduction === 'mean' ? cost * bs : cost;
      opt.step(model, grads);
    }
    const epochLoss = reduction === 'mean' ? total / N : total;
    history.push(epochLoss);
    opts.onEpoch?.({ epoch, loss: epochLoss, model });
  }
  return { history };
}

/** Where and how the loss diverged, in a message that says what to change. */
function diverged(opt: Optimizer, d: { epoch: number; step: number; loss: number; batch: number; batches: number; previous: number }): TrainingDivergedError {
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
 * @throws LayerShapeError / LossCompatibilityError as the backprops do.
 * @example evaluate(model, X, Y, 'halfSumSquares', { reduction: 'sum' })
 */
export function evaluate(model: MLP, X: Tensor, Y: Tensor, loss: Loss | string, opts: { reduction?: Reduction } = {}): number {
  const p = prepare(model, X, Y, loss, opts.reduction, 'evaluate');
  const t = traceForward(model, p.x.data, p.x.batch);
  return batchCost(p.loss, p.reduction, t.as[t.as.length - 1]!, p.y.data, p.x.batch, p.y.cols, new Float64Array(p.x.batch));
}

/**
 * Fraction of samples classified correctly. One output: `output > threshold` vs `y > 0.5`
 * (threshold 0.5 by default; use 0 for logits, as with binaryCrossEntropy). Several outputs:
 * argmax of the output vs argmax of the one-hot Y.
 * @param X `[batch, in]` @param Y `[batch, out]` one-hot or 0/1
 * @returns a number in [0, 1]
 * @throws LayerShapeError when X or Y do not fit the model.
 * @example accuracy(model, X, Y) // 1 when every XOR case is right
 */
export function accuracy(model: MLP, X: Tensor, Y: Tensor, opts: { threshold?: number } = {}): number {
  const { x, y } = prepareBatch(model, X, Y, 'accuracy');
  const t = traceForward(model, x.data, x.batch);
  const out = t.as[t.as.length - 1]!;
  const n = y.cols;
  const thr = opts.threshold ?? 0.5;
  let right = 0;
  for (let r = 0; r < x.batch; r++) {
    if (n === 1) {
      if (out[r]! > thr === y.data[r]! > 0.5) right++;
      continue;
    }
    let po = 0;
    let py = 0;
    for (let j = 1; j < n; j++) {
      if (out[r * n + j]! > out[r * n + po]!) po = j;
      if (y.data[r * n + j]! > y.data[r * n + py]!) py = j;
    }
    if (po === py) right++;
  }
  return x.batch === 0 ? 0 : right / x.batch;
}

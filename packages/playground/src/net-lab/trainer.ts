/**
 * The network lab's training, DOM-free: one model, one optimizer, a seeded stream of batches,
 * and per step the gradient by the chosen method (nn's backpropTape, ClosedFormBackprop or
 * finiteDifferenceGradients), the live agreement between the methods, and the loss history.
 */
import { type Tensor, Rng, tensorView } from '@tapegrad/core';
import {
  type Activation,
  type GradResult,
  type LayerGrads,
  type Loss,
  type MLP,
  type Optimizer,
  ClosedFormBackprop,
  accuracy,
  adam,
  adamw,
  backpropTape,
  compareGradients,
  createMLP,
  evaluate,
  finiteDifferenceGradients,
  getLoss,
  momentum,
  paramCount,
  predict,
  sgd,
} from '@tapegrad/nn';
import { type GradientKey, type LossKey, type NetConfig, type OptimizerKey } from './config.js';
import { type Dataset } from './datasets.js';

/** Training by finite differences uses at most this many samples per step: it costs 2 forward passes per parameter. */
export const FD_TRAIN_BATCH = 64;
/**
 * Finite differences cost 2 forward passes per parameter, about 2·P²·m multiply-adds for P
 * parameters and m samples: past this many parameters they would stall the page, so the
 * check is skipped and training by them refused.
 */
export const FD_MAX_PARAMS = 1000;
/** Tape and closed form are both computed, and compared, every this many steps (the first included). */
export const AGREE_EVERY = 4;
/** Finite differences are compared with the tape every this many steps, on at most FD_BATCH samples. */
export const FD_EVERY = 20;
export const FD_BATCH = 16;
/**
 * compareGradients' rtol and atol for finite differences vs the tape: they set the floor of its
 * relative difference, (atol/rtol) × the largest entry = 1e-3 × it, so entries near zero are
 * compared on the gradient's own scale. The page's verdict is thresholds.ts's FD_OK (measured there).
 */
const FD_TOLERANCE = { rtol: 1e-7, atol: 1e-10 } as const;
/** The loss history keeps at most this many points (past it, thinned to every other point). */
export const HISTORY_MAX = 1000;

/**
 * What a Trainer needs: the data, the network, and the setup's training settings (`batch` is
 * capped at the data's size; `seed` seeds the initial weights and the batch order).
 */
export interface TrainerSpec extends Pick<NetConfig, 'loss' | 'optimizer' | 'lr' | 'batch' | 'weightDecay' | 'gradient' | 'seed'> {
  readonly data: Dataset;
  /** Hidden widths and their activations (the output is one unit). */
  readonly hidden: readonly { readonly width: number; readonly activation: Activation }[];
  /** The loss used when `loss` is `custom` (from customLoss; see build.ts's lossFor). */
  readonly customLoss?: Loss;
}

/** The live agreement of the methods: max relative difference, as nn's compareGradients measures it. */
export interface Agreement {
  /** Tape vs closed form on the last step's batch (NaN before the first step). */
  readonly tapeVsClosed: number;
  /** Finite differences vs the tape on a small batch, at the last check (NaN before it). */
  readonly fdVsTape: number;
  /** The step at which finite differences were last checked (0: never). */
  readonly fdStep: number;
  /** The step at which tape and closed form were last compared (0: never). */
  readonly checkStep: number;
}

/**
 * The nn loss for a key, and the output layer's activation it needs.
 * @param custom the user's loss, for `custom` (its a is the sigmoid output)
 * @throws RangeError for `custom` without `custom`
 */
export function lossOf(key: LossKey, custom?: Loss): { loss: Loss; output: 'identity' | 'sigmoid' } {
  if (key === 'bce') return { loss: getLoss('binaryCrossEntropy'), output: 'identity' };
  if (key === 'custom') {
    if (custom === undefined) throw new RangeError('the custom loss needs its L and dL/da');
    return { loss: custom, output: 'sigmoid' };
  }
  return { loss: getLoss(key === 'mse' ? 'meanSquared' : key), output: 'sigmoid' };
}

function optimizerOf(key: OptimizerKey, lr: number, weightDecay: number): Optimizer {
  switch (key) {
    case 'sgd':
      return sgd({ lr, weightDecay });
    case 'momentum':
      return momentum({ lr, weightDecay });
    case 'adam':
      return adam({ lr, weightDecay });
    case 'adamw':
      return adamw({ lr, weightDecay });
  }
}

/** Views of ClosedFormBackprop's live gradient buffers as a gradient result's layers. */
function gradViews(model: MLP, bp: ClosedFormBackprop): LayerGrads[] {
  return model.layers.map((l, i) => ({ W: tensorView(bp.gW[i]!, [l.outputSize, l.inputSize]), b: tensorView(bp.gb[i]!, [l.outputSize]) }));
}

/**
 * One training run. `step()` draws the next batch (a seeded shuffle of the data, reshuffled each
 * epoch), computes the tape's and the closed form's gradients (and finite differences when
 * chosen, or every FD_EVERY steps on a small batch for the agreement), updates the weights with
 * the chosen method's gradient, and records the whole data set's cost.
 */
export class Trainer {
  readonly model: MLP;
  readonly loss: Loss;
  /** The output layer's activation: `identity` (a logit, probability σ(out)) or `sigmoid`. */
  readonly output: 'identity' | 'sigmoid';
  readonly data: Dataset;
  readonly batch: number;
  readonly gradient: GradientKey;
  /** Steps taken. */
  steps = 0;
  /** The data set's cost at the steps `record()` was called (step 0 first). */
  readonly history: { readonly step: number; readonly loss: number }[] = [];
  /** The gradient the last step used (∂C/∂W, ∂C/∂b per layer; live views, overwritten by the next step). */
  lastGrads: readonly LayerGrads[] | null = null;
  agreement: Agreement = { tapeVsClosed: NaN, fdVsTape: NaN, fdStep: 0, checkStep: 0 };
  /** The number of parameters; finite differences run only when it is at most FD_MAX_PARAMS. */
  readonly params: number;

  readonly #optimizer: Optimizer;
  readonly #cf: ClosedFormBackprop;
  readonly #cfGrads: LayerGrads[];
  #order: Int32Array;
  readonly #rng: Rng;
  #cursor = 0;
  readonly #full: boolean;
  readonly #Xb: Float64Array;
  readonly #Yb: Float64Array;
  readonly #XbT: Tensor;
  readonly #YbT: Tensor;
  readonly #Xall: Tensor;
  readonly #Yall: Tensor;

  /**
   * @throws the nn errors of createMLP or the optimizers for a bad setup (the page shows their messages).
   */
  constructor(spec: TrainerSpec) {
    const { loss, output } = lossOf(spec.loss, spec.customLoss);
    this.loss = loss;
    this.output = output;
    this.data = spec.data;
    this.gradient = spec.gradient;
    const n = spec.data.n;
    this.batch = Math.max(1, Math.min(spec.batch, n, spec.gradient === 'fd' ? FD_TRAIN_BATCH : Infinity));
    this.model = createMLP({
      sizes: [2, ...spec.hidden.map((l) => l.width), 1],
      activations: [...spec.hidden.map((l) => l.activation), output],
      seed: spec.seed,
    });
    this.params = paramCount(this.model);
    if (spec.gradient === 'fd' && this.params > FD_MAX_PARAMS) {
      throw new RangeError(
        `Finite differences need 2 forward passes per parameter and this network has ${this.params} parameters (at most ${FD_MAX_PARAMS} here): use a smaller network, or the tape or the closed form`,
      );
    }
    this.#optimizer = optimizerOf(spec.optimizer, spec.lr, spec.weightDecay);
    this.#cf = new ClosedFormBackprop(this.model, loss, 'mean');
    this.#cfGrads = gradViews(this.model, this.#cf);
    this.#rng = new Rng(spec.seed + 1);
    this.#order = this.#rng.permutation(n);
    // A full batch is the data itself, in its own order: nothing to shuffle or copy per step.
    this.#full = this.batch === n;
    this.#Xb = this.#full ? spec.data.X : new Float64Array(2 * this.batch);
    this.#Yb = this.#full ? spec.data.y : new Float64Array(this.batch);
    this.#XbT = tensorView(this.#Xb, [this.batch, 2]);
    this.#YbT = tensorView(this.#Yb, [this.batch, 1]);
    this.#Xall = tensorView(spec.data.X, [n, 2]);
    this.#Yall = tensorView(spec.data.y, [n, 1]);
    this.record();
  }

  /** Fills the reused batch buffers with the next `batch` samples of the shuffled order (a full batch is used as it is). */
  #nextBatch(): void {
    if (this.#full) return;
    const { X, y } = this.data;
    for (let r = 0; r < this.batch; r++) {
      if (this.#cursor >= this.#order.length) {
        this.#order = this.#rng.permutation(this.#order.length);
        this.#cursor = 0;
      }
      const i = this.#order[this.#cursor++]!;
      this.#Xb[2 * r] = X[2 * i]!;
      this.#Xb[2 * r + 1] = X[2 * i + 1]!;
      this.#Yb[r] = y[i]!;
    }
  }

  /**
   * Continues `prev`'s run: copies its weights, step count and history (same data and network
   * shape; the optimizer's state, such as Adam's moments, starts afresh).
   * @throws RangeError when the networks' shapes differ.
   */
  continueFrom(prev: Trainer): void {
    const mine = this.model.layers;
    const theirs = prev.model.layers;
    if (mine.length !== theirs.length || mine.some((l, i) => l.W.length !== theirs[i]?.W.length)) throw new RangeError('continueFrom: the networks differ in shape');
    mine.forEach((l, i) => {
      l.W.set(theirs[i]!.W);
      l.b.set(theirs[i]!.b);
    });
    this.steps = prev.steps;
    this.history.length = 0;
    this.history.push(...prev.history);
    this.agreement = prev.agreement;
  }

  /** The mean loss over the whole data set at the current weights. */
  cost(): number {
    return evaluate(this.model, this.#Xall, this.#Yall, this.loss);
  }

  /** The fraction of points on the right side of the boundary. */
  accuracy(): number {
    return accuracy(this.model, this.#Xall, this.#Yall, { threshold: this.output === 'identity' ? 0 : 0.5 });
  }

  /**
   * One optimizer step with the chosen gradient; updates `agreement` (tape vs closed form every
   * AGREE_EVERY steps, finite differences every FD_EVERY) and `lastGrads`. The history is not
   * touched: `record()` adds the data set's cost when the page redraws.
   * @returns the batch's cost before the update
   */
  step(): number {
    this.#nextBatch();
    const check = this.steps % AGREE_EVERY === 0;
    const useTape = this.gradient === 'tape' || check;
    const useClosed = this.gradient === 'closed' || check;
    const tape = useTape ? backpropTape(this.model, this.#XbT, this.#YbT, this.loss) : null;
    const closed: GradResult | null = useClosed ? { loss: this.#cf.run(this.#Xb, this.#Yb, this.batch), grads: this.#cfGrads } : null;
    let { tapeVsClosed, fdVsTape, fdStep } = this.agreement;
    if (tape !== null && closed !== null) tapeVsClosed = compareGradients(tape, closed).maxRelError;
    let result: GradResult;
    if (this.gradient === 'fd') {
      result = finiteDifferenceGradients(this.model, this.#XbT, this.#YbT, this.loss);
      if (tape !== null) {
        fdVsTape = compareGradients(tape, result, FD_TOLERANCE).maxRelError;
        fdStep = this.steps + 1;
      }
    } else {
      if (this.steps % FD_EVERY === 0 && this.params <= FD_MAX_PARAMS) {
        fdVsTape = this.fdCheck();
        fdStep = this.steps + 1;
      }
      const chosen = this.gradient === 'tape' ? tape : closed;
      if (chosen === null) throw new RangeError(`no ${this.gradient} gradient`);
      result = chosen;
    }
    this.agreement = { tapeVsClosed, fdVsTape, fdStep, checkStep: check ? this.steps + 1 : this.agreement.checkStep };
    this.#optimizer.step(this.model, result.grads);
    this.lastGrads = result.grads;
    this.steps++;
    return result.loss;
  }

  /**
   * Adds the data set's cost at the current step to the history (once per step; past HISTORY_MAX
   * points it is thinned to every other one, the first and last kept).
   * @returns the cost
   */
  record(): number {
    const last = this.history[this.history.length - 1];
    if (last !== undefined && last.step === this.steps) return last.loss;
    const loss = this.cost();
    this.history.push({ step: this.steps, loss });
    if (this.history.length > HISTORY_MAX) {
      const kept = this.history.filter((_, i) => i % 2 === 0 || i === this.history.length - 1);
      this.history.length = 0;
      this.history.push(...kept);
    }
    return loss;
  }

  /** Max relative difference between finite differences and the tape on the first FD_BATCH samples of the current batch. */
  fdCheck(): number {
    const m = Math.min(FD_BATCH, this.batch);
    const X = tensorView(this.#Xb.subarray(0, 2 * m), [m, 2]);
    const Y = tensorView(this.#Yb.subarray(0, m), [m, 1]);
    const tape = backpropTape(this.model, X, Y, this.loss);
    const fd = finiteDifferenceGradients(this.model, X, Y, this.loss);
    return compareGradients(tape, fd, FD_TOLERANCE).maxRelError;
  }

  /**
   * The probability of class 1 at every point of a grid (the heatmap), as one batch.
   * @param grid `[m, 2]` row-major points @param out `[m]`, overwritten
   */
  probabilities(grid: Tensor, out: Float64Array): void {
    const a = predict(this.model, grid).data;
    for (let i = 0; i < out.length; i++) {
      const v = a[i]!;
      out[i] = this.output === 'identity' ? 1 / (1 + Math.exp(-v)) : v;
    }
  }
}

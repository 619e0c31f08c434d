/**
 * Backpropagation derived by hand (the delta recurrence of the derivations in
 * docs/sources.md) on plain Float64Arrays.
 * This file imports nothing from the tape: the two ways to the gradient meet only in tests.
 *
 * With `Z_l = A_(l-1) W_lᵀ + b_l`, `A_l = f_l(Z_l)`, one sample per row:
 *   δ_L = ∇_a C ⊙ f_L'(z_L)   (= softmax(z_L) - y for softmaxCrossEntropy on identity logits)
 *     the worked 2-3-2 example's eq. deltaDef; the sigmoid lecture notes' §1.3 ∂L/∂z^[M];
 *     the diagonal-Jacobian derivation's output layer
 *   δ_l = (W_(l+1)ᵀ δ_(l+1)) ⊙ f_l'(z_l)
 *     the worked 2-3-2 example's eq. deltaHiddenLayer; the diagonal-Jacobian derivation's
 *     ∂L/∂b^l; the matrix-form derivation's δ_i chains
 *   ∂C/∂W_l = Σ_batch δ_l a_(l-1)ᵀ
 *     the worked 2-3-2 example's eq. gradientZeroLayerWeights; the diagonal-Jacobian
 *     derivation's ∂L/∂W^l; the matrix-form derivation's ∂C/∂w_(i,i+1) = δ q_i
 *   ∂C/∂b_l = Σ_batch δ_l
 *     the worked 2-3-2 example's eq. gradientBiasLayerZero; the sigmoid lecture notes' ∂L/∂b_j^[k]
 * and for the `mean` reduction every δ carries the 1/N of C = (1/N) Σ_i C_i (the worked
 * 2-3-2 example's "Handling multiple samples", the diagonal-Jacobian derivation's
 * L = (1/N) Σ_i g(a^L(x_i) - y_i)); it is applied once, to δ_L.
 */
import { type Tensor, tensorView, ArgumentError, checkOptions, checkSize, describeValue, showValue } from '@tapegrad/core';
import { checkNumber } from './args.js';
import { affineBackwardInput, affineBackwardParams } from './dense-kernels.js';
import type { LayerGrads, GradResult } from './grads.js';
import { type Loss, type LossOrName, type Reduction, batchCost } from './losses.js';
import { type MLP, forwardInto } from './model.js';
import { prepare, prepareObjective } from './validate.js';

interface Buffers {
  /** zs[l], as[l] for l = 1..L ([batch, n_l]); index 0 unused (the input is passed in). */
  readonly zs: Float64Array[];
  readonly as: Float64Array[];
  /** ds[l] = δ_l = ∂C/∂Z_l, [batch, n_l]. */
  readonly ds: Float64Array[];
  readonly perSample: Float64Array;
}

/**
 * The delta recurrence for one model and an already validated loss and reduction: buffers per
 * batch size, and one forward-and-backward pass. Module-internal, so that `backpropClosedForm`
 * and `train`, which validate under their own names, do not validate a second time.
 */
export class DeltaRecurrence {
  readonly model: MLP;
  readonly loss: Loss;
  readonly reduction: Reduction;
  readonly gW: Float64Array[];
  readonly gb: Float64Array[];
  private readonly cache = new Map<number, Buffers>();

  /** The public function errors name (`backpropClosedForm`, `ClosedFormBackprop`, `train`). */
  private readonly where: string;

  constructor(model: MLP, loss: Loss, reduction: Reduction, where = 'backpropClosedForm') {
    this.where = where;
    this.model = model;
    this.loss = loss;
    this.reduction = reduction;
    this.gW = model.layers.map((l) => new Float64Array(l.W.length));
    this.gb = model.layers.map((l) => new Float64Array(l.b.length));
  }

  /** Whether buffers for this batch size exist (a run with it happened). */
  hasRun(batch: number): boolean {
    return this.cache.has(batch);
  }

  /** The buffers for one batch size, allocated at its first use. */
  buffers(batch: number): Buffers {
    let b = this.cache.get(batch);
    if (b === undefined) {
      // Checked before allocating: each layer's z, a and δ are [batch, n_l].
      this.model.layers.forEach((l, i) => checkSize([batch, l.outputSize], `${this.where}: layer ${i + 1}'s buffers`));
      const alloc = (): Float64Array[] => [new Float64Array(0), ...this.model.layers.map((l) => new Float64Array(batch * l.outputSize))];
      b = { zs: alloc(), as: alloc(), ds: alloc(), perSample: new Float64Array(batch) };
      this.cache.set(batch, b);
    }
    return b;
  }

  /** One forward and backward pass (see `ClosedFormBackprop.run`); returns the cost. */
  run(X: Float64Array, Y: Float64Array, batch: number): number {
    const layers = this.model.layers;
    const L = layers.length;
    const buf = this.buffers(batch);
    const { zs, as, ds } = buf;

    // Forward chain (the matrix-form derivation's §II: p_i → q_i; the sigmoid lecture notes'
    // eq. 1), keeping every z and a.
    const aL = forwardInto(this.model, X, batch, zs, as);
    const out = layers[L - 1]!;
    const nOut = out.outputSize;
    const cost = batchCost(this.loss, this.reduction, aL, Y, batch, nOut, buf.perSample);

    // δ_L = (1/N) ∇_a C ⊙ f_L'(z_L)  (the worked 2-3-2 example's eq. deltaDef; softmax Jacobian for a softmax output)
    const dL = ds[L]!;
    this.loss.gradient(aL, Y, batch, nOut, dL);
    if (this.reduction === 'mean') {
      const scale = 1 / batch;
      for (let i = 0; i < dL.length; i++) dL[i]! *= scale;
    }
    out.activation.backward(zs[L]!, aL, dL, dL, nOut);

    for (let l = L; l >= 1; l--) {
      const layer = layers[l - 1]!;
      const aPrev = l === 1 ? X : as[l - 1]!;
      // ∂C/∂W_l = δ_lᵀ A_(l-1), ∂C/∂b_l = Σ_batch δ_l
      affineBackwardParams(ds[l]!, aPrev, this.gW[l - 1]!, this.gb[l - 1]!, batch, layer.inputSize, layer.outputSize);
      if (l > 1) {
        // δ_(l-1) = (δ_l W_l) ⊙ f_(l-1)'(z_(l-1))  (the worked 2-3-2 example's eq. deltaHiddenLayer)
        const below = layers[l - 2]!;
        affineBackwardInput(ds[l]!, layer.W, ds[l - 1]!, batch, layer.inputSize, layer.outputSize);
        below.activation.backward(zs[l - 1]!, as[l - 1]!, ds[l - 1]!, ds[l - 1]!, below.outputSize);
      }
    }
    return cost;
  }
}

/**
 * A reusable closed-form backprop for one model and loss: every buffer (z, a, δ per layer,
 * and the gradients) is allocated once per batch size, so a training step allocates nothing.
 * The gradient arrays `gW[l]`, `gb[l]` are overwritten by each `run`.
 * @example
 * const bp = new ClosedFormBackprop(model, 'halfSumSquares', 'mean');
 * const loss = bp.run(X.data, Y.data, batch); // bp.gW[0], bp.gb[0], ...
 * @group Backprop
 */
export class ClosedFormBackprop {
  readonly model: MLP;
  readonly loss: Loss;
  readonly reduction: Reduction;
  /** ∂C/∂W_l, `[n_l, n_(l-1)]` row-major, one per layer (layer 1 first). */
  readonly gW: Float64Array[];
  /** ∂C/∂b_l, `[n_l]`. */
  readonly gb: Float64Array[];
  readonly #rec: DeltaRecurrence;

  /**
   * @param model the network (its parameters are read at each `run`, so in-place updates are seen)
   * @param loss a Loss or its name
   * @param reduction `mean` (default) or `sum` over the batch
   * @throws ArgumentError for an unknown loss or reduction; LossCompatibilityError for a logits loss after a non-identity output layer.
   */
  constructor(model: MLP, loss: LossOrName, reduction: Reduction = 'mean') {
    const o = prepareObjective(model, loss, reduction, 'ClosedFormBackprop');
    this.#rec = new DeltaRecurrence(model, o.loss, o.reduction, 'ClosedFormBackprop');
    this.model = model;
    this.loss = o.loss;
    this.reduction = o.reduction;
    this.gW = this.#rec.gW;
    this.gb = this.#rec.gb;
  }

  /**
   * One forward and backward pass. Writes the gradients into `gW`, `gb`.
   * @param X `[batch, in]` row-major @param Y `[batch, out]` row-major (their lengths are checked; their values are not)
   * @returns the cost C (summed or averaged per-sample loss)
   * @throws ArgumentError for a batch that is not a positive integer or arrays of the wrong length.
   */
  run(X: Float64Array, Y: Float64Array, batch: number): number {
    const b = checkNumber(batch, 'batch', 'ClosedFormBackprop.run', { integer: true, lo: 1 });
    const layers = this.model.layers;
    const nIn = layers[0]!.inputSize;
    const nOut = layers[layers.length - 1]!.outputSize;
    if (!(X instanceof Float64Array) || X.length !== b * nIn) {
      throw new ArgumentError(`ClosedFormBackprop.run: X must be a Float64Array of ${b}·${nIn} values ([batch, in] row-major), got ${X instanceof Float64Array ? `${X.length} values` : describeValue(X)}`);
    }
    if (!(Y instanceof Float64Array) || Y.length !== b * nOut) {
      throw new ArgumentError(`ClosedFormBackprop.run: Y must be a Float64Array of ${b}·${nOut} values ([batch, out] row-major), got ${Y instanceof Float64Array ? `${Y.length} values` : describeValue(Y)}`);
    }
    return this.#rec.run(X, Y, b);
  }

  /**
   * The last run's error terms δ_l = ∂C/∂Z_l (the worked 2-3-2 example's δ_j^(l), the
   * matrix-form derivation's δ_i), for inspection.
   * @param l layer, 1-based @param batch the batch size of that run
   * @returns `[batch, n_l]` row-major (a live buffer: the next run overwrites it)
   * @throws ArgumentError for a layer outside 1..L, or a batch size no run has used.
   */
  delta(l: number, batch: number): Float64Array {
    const L = this.model.layers.length;
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > L) throw new ArgumentError(`ClosedFormBackprop.delta: layer ${showValue(l)} is not in 1..${L}`);
    checkNumber(batch, 'batch', 'ClosedFormBackprop.delta', { integer: true, lo: 1 });
    if (!this.#rec.hasRun(batch)) throw new ArgumentError(`ClosedFormBackprop.delta: no run with batch ${batch} yet; call run(X, Y, ${batch}) first`);
    return this.#rec.buffers(batch).ds[l]!;
  }
}

/**
 * Gradients of the cost by the hand-derived delta recurrence (no tape).
 * @param model the network
 * @param X `[batch, in]` @param Y `[batch, out]`
 * @param loss a Loss or its name; `opts.reduction` `mean` (default) or `sum`
 * @returns `{ loss, grads: [{ W: [n_l, n_(l-1)], b: [n_l] }, ...] }`, layer 1 first
 * @throws LayerShapeError for an X or Y that does not fit; LossCompatibilityError for a logits loss after a non-identity output;
 *   ArgumentError for an empty batch, NaN/±Infinity in X or Y, targets the loss rejects, or an unknown option.
 * @example backpropClosedForm(model, X, Y, 'halfSumSquares', { reduction: 'sum' }).grads[0].W
 * @group Backprop
 */
export function backpropClosedForm(model: MLP, X: Tensor, Y: Tensor, loss: LossOrName, opts: { reduction?: Reduction } = {}): GradResult {
  checkOptions('backpropClosedForm', opts, ['reduction']);
  const p = prepare(model, X, Y, loss, opts.reduction, 'backpropClosedForm');
  const rec = new DeltaRecurrence(model, p.loss, p.reduction);
  const cost = rec.run(p.x.data, p.y.data, p.x.batch);
  const grads: LayerGrads[] = model.layers.map((l, i) => ({
    W: tensorView(rec.gW[i]!, [l.outputSize, l.inputSize]),
    b: tensorView(rec.gb[i]!, [l.outputSize]),
  }));
  return { loss: cost, grads };
}

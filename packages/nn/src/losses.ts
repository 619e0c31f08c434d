/**
 * Losses per sample, reduced over the batch by `sum` or `mean` (the reduction lives in the
 * backprop functions, as the 1/N of the diagonal-Jacobian derivation and the worked 2-3-2
 * example, docs/sources.md). Each loss has a tape form (core ops) and closed-form loops:
 * the per-sample value and ∇_a C, the start of the delta recurrence (`δ_L = ∇_a C ⊙ f'(z_L)`).
 */
import {
  type Tensor,
  abs,
  logSoftmax,
  lessEqual,
  mul,
  neg,
  noGrad,
  softplus,
  square,
  sub,
  sum,
  tensorView,
  where,
  ArgumentError,
  checkOptions,
  describeValue,
  fmtNumber,
  fmtShape,
  showValue,
} from '@tapegrad/core';
import { isLoss } from './args.js';
import { UnknownNameError } from './errors.js';
import { LOSS_ALIASES, type LossAlias, type LossName } from './names.js';
import { sigmoidOf, softplusOf } from './stable.js';

/**
 * How per-sample losses become the cost: `sum` C = Σ_i C_i (the sigmoid lecture notes' 𝓛), `mean` C = (1/N) Σ_i C_i (the diagonal-Jacobian derivation and the worked 2-3-2 example).
 * @group Losses
 */
export type Reduction = 'sum' | 'mean';

/**
 * A loss C_i(a, y) for one sample, computed for a whole batch at once.
 * @group Losses
 */
export interface Loss {
  readonly name: string;
  /** Per-sample loss from the network output a (logits for the *CrossEntropy losses) and targets y: [batch, n] → [batch]. */
  tape(a: Tensor, y: Tensor): Tensor;
  /** Closed form: per-sample values, `out: [batch]`, from row-major `a`, `y`: [batch, n]. */
  value(a: Float64Array, y: Float64Array, batch: number, n: number, out: Float64Array): void;
  /** Closed form: `out = ∇_a C_i` per sample (not reduced), `out: [batch·n]`. */
  gradient(a: Float64Array, y: Float64Array, batch: number, n: number, out: Float64Array): void;
  /** True for losses defined on logits (softmaxCrossEntropy, binaryCrossEntropy): the output layer must be identity. */
  readonly fromLogits: boolean;
  /**
   * Checks the targets before any computation (the cross-entropies: one-hot or probability rows,
   * entries in [0, 1]); throws an ArgumentError naming `where`, the row and the value.
   */
  readonly checkTargets?: (y: Float64Array, batch: number, n: number, where: string) => void;
}

/**
 * How far a softmaxCrossEntropy target row's sum may be from 1: 1e-6 plus float32's unit
 * roundoff (2^-23) per entry. Float64 arithmetic alone errs by ~n·1e-16, but targets are often
 * float32 softmax outputs or decimals printed to 6-7 digits (each entry off by up to ~1.2e-7), and
 * those must pass for any number of classes; a row that is wrong (unnormalised scores, a count,
 * a label smoothing that forgot to renormalise) is off by far more.
 */
export function rowSumTolerance(n: number): number {
  return 1e-6 + n * 2 ** -23;
}

function targetError(where: string, loss: string, rule: string, found: string, fix: string): ArgumentError {
  return new ArgumentError(`${where}: loss '${loss}' needs ${rule}, but ${found}; ${fix}`);
}

/** Every target entry in [0, 1] (NaN fails). */
function checkUnitInterval(y: Float64Array, batch: number, n: number, where: string, loss: string, rule: string, fix: string): void {
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < n; j++) {
      const v = y[r * n + j]!;
      if (!(v >= 0 && v <= 1)) throw targetError(where, loss, rule, `Y[${r}, ${j}] (row ${r}) is ${v}`, fix);
    }
  }
}

/**
 * The squared-error family, C_i = c Σ_j (a_j - y_j)² and ∇_a C_i = 2c (a - y), with the
 * coefficient c fixed per loss (`'perOutput'` is 1/n): the value and gradient loops are written once.
 * The tape form multiplies by c only when c ≠ 1, so each loss's graph is its formula.
 */
function squaredError(name: LossName, c: number | 'perOutput'): Loss {
  const coef = (n: number): number => (c === 'perOutput' ? 1 / n : c);
  return {
    name,
    fromLogits: false,
    tape: (a, y) => {
      const s = sum(square(sub(a, y)), 1);
      return c === 1 ? s : mul(coef(a.shape[1]!), s);
    },
    value: (a, y, batch, n, out) => {
      const k = coef(n);
      for (let r = 0; r < batch; r++) {
        let s = 0;
        for (let j = r * n; j < (r + 1) * n; j++) {
          const d = a[j]! - y[j]!;
          s += d * d;
        }
        out[r] = k * s;
      }
    },
    gradient: (a, y, _batch, n, out) => {
      const k = 2 * coef(n);
      for (let i = 0; i < out.length; i++) out[i] = k * (a[i]! - y[i]!);
    },
  };
}

/** C_i = ½ ‖a - y‖², ∇_a C_i = a - y (the unrolled-recursion notes' E, the sigmoid lecture notes' eq. 2, the matrix-form derivation's (q₃ - y)²/2). */
const halfSumSquares = squaredError('halfSumSquares', 0.5);

/** C_i = ‖a - y‖² = Σ_j (a_j - y_j)², ∇_a C_i = 2(a - y) (the worked 2-3-2 example's eq. costZero and costZeroWRTAct). */
const sumSquares = squaredError('sumSquares', 1);

/** C_i = (1/n) Σ_j (a_j - y_j)², ∇_a C_i = 2(a - y)/n (the matrix-form derivation's mean-squared error over outputs). */
const meanSquared = squaredError('meanSquared', 'perOutput');

/**
 * C_i = -Σ_j y_j log softmax(z)_j = (Σ_j y_j) lse(z) - Σ_j y_j z_j on logits z;
 * ∇_z C_i = softmax(z) Σ_j y_j - y, i.e. softmax(z) - y for one-hot or probability targets.
 */
const SCE_RULE = 'one-hot or probability target rows (every entry in [0, 1], each row summing to 1)';
const SCE_FIX = 'one-hot encode class labels, or divide each row by its sum';
const softmaxCrossEntropy: Loss = {
  name: 'softmaxCrossEntropy',
  fromLogits: true,
  checkTargets: (y, batch, n, where) => {
    checkUnitInterval(y, batch, n, where, 'softmaxCrossEntropy', SCE_RULE, SCE_FIX);
    const tol = rowSumTolerance(n);
    for (let r = 0; r < batch; r++) {
      let s = 0;
      for (let j = r * n; j < (r + 1) * n; j++) s += y[j]!;
      if (!(Math.abs(s - 1) <= tol)) {
        throw targetError(where, 'softmaxCrossEntropy', SCE_RULE, `row ${r} of Y sums to ${s} (off from 1 by ${fmtNumber(Math.abs(s - 1))}, tolerance ${fmtNumber(tol)})`, SCE_FIX);
      }
    }
  },
  tape: (z, y) => neg(sum(mul(y, logSoftmax(z, -1)), 1)),
  value: (z, y, batch, n, out) => {
    for (let r = 0; r < batch; r++) {
      const o = r * n;
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, z[o + j]!);
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(z[o + j]! - m);
      const lse = m + Math.log(s);
      let c = 0;
      for (let j = 0; j < n; j++) c += y[o + j]! * (lse - z[o + j]!);
      out[r] = c;
    }
  },
  gradient: (z, y, batch, n, out) => {
    for (let r = 0; r < batch; r++) {
      const o = r * n;
      let m = -Infinity;
      let ysum = 0;
      for (let j = 0; j < n; j++) {
        m = Math.max(m, z[o + j]!);
        ysum += y[o + j]!;
      }
      let s = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(z[o + j]! - m);
        out[o + j] = e;
        s += e;
      }
      const k = ysum / s;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! * k - y[o + j]!;
    }
  },
};

/**
 * C_i = Σ_j [softplus(z_j) - y_j z_j] = Σ_j -[y log σ(z) + (1-y) log(1-σ(z))] on logits z,
 * computed as max(z,0) - y z + log(1 + e^-|z|) (never overflows); ∇_z C_i = σ(z) - y.
 */
const binaryCrossEntropy: Loss = {
  name: 'binaryCrossEntropy',
  fromLogits: true,
  checkTargets: (y, batch, n, where) =>
    checkUnitInterval(y, batch, n, where, 'binaryCrossEntropy', 'targets in [0, 1] (labels 0/1 or probabilities)', 'encode the two classes as 0 and 1'),
  tape: (z, y) => sum(sub(softplus(z), mul(y, z)), 1),
  value: (z, y, batch, n, out) => {
    for (let r = 0; r < batch; r++) {
      let c = 0;
      for (let j = r * n; j < (r + 1) * n; j++) {
        c += softplusOf(z[j]!) - y[j]! * z[j]!;
      }
      out[r] = c;
    }
  },
  gradient: (z, y, _batch, _n, out) => {
    for (let i = 0; i < out.length; i++) out[i] = sigmoidOf(z[i]!) - y[i]!;
  },
};

/**
 * Huber loss with threshold δ: per element ½d² for |d| ≤ δ, δ(|d| - ½δ) beyond (d = a - y),
 * summed over outputs; gradient clamp(d, -δ, δ). Both pieces meet with equal slope at |d| = δ.
 * @param delta threshold δ > 0 (the built-in `losses.huber` uses 1)
 * @throws ArgumentError for δ ≤ 0 or non-finite.
 * @example huberLoss(0.5).name // 'huber(0.5)'
 * @group Losses
 */
export function huberLoss(delta = 1): Loss {
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) throw new ArgumentError(`huberLoss: delta must be a finite number > 0, got ${showValue(delta)}`);
  return {
    name: delta === 1 ? 'huber' : `huber(${delta})`,
    fromLogits: false,
    tape: (a, y) => {
      const d = sub(a, y);
      const ad = abs(d);
      return sum(where(lessEqual(ad, delta), mul(0.5, square(d)), mul(delta, sub(ad, 0.5 * delta))), 1);
    },
    value: (a, y, batch, n, out) => {
      for (let r = 0; r < batch; r++) {
        let c = 0;
        for (let j = r * n; j < (r + 1) * n; j++) {
          const d = a[j]! - y[j]!;
          const ad = Math.abs(d);
          c += ad <= delta ? 0.5 * d * d : delta * (ad - 0.5 * delta);
        }
        out[r] = c;
      }
    },
    gradient: (a, y, _batch, _n, out) => {
      for (let i = 0; i < out.length; i++) {
        const d = a[i]! - y[i]!;
        out[i] = d > delta ? delta : d < -delta ? -delta : d;
      }
    },
  };
}

/**
 * The cost C from the network output: `loss.value` per sample into `per: [batch]`, then the
 * reduction, Σ_i C_i for `sum` or (Σ_i C_i) / N for `mean` (divided, as the tape's `mean` does).
 * @param a output (or logits) `[batch, n]` row-major @param y targets `[batch, n]`
 */
export function batchCost(loss: Loss, reduction: Reduction, a: Float64Array, y: Float64Array, batch: number, n: number, per: Float64Array): number {
  loss.value(a, y, batch, n, per);
  let s = 0;
  for (let i = 0; i < batch; i++) s += per[i]!;
  return reduction === 'mean' ? s / batch : s;
}

/**
 * The built-in losses by name.
 * @group Losses
 */
export const losses: Readonly<Record<LossName, Loss>> = Object.freeze({
  halfSumSquares,
  sumSquares,
  meanSquared,
  softmaxCrossEntropy,
  binaryCrossEntropy,
  huber: huberLoss(1),
});

// Maps, not object literals: a user string such as '__proto__' or 'hasOwnProperty' must never
// reach Object.prototype (it did, and crashed later with a TypeError).
const builtins: ReadonlyMap<string, Loss> = new Map(Object.entries(losses));
const aliases: ReadonlyMap<string, LossName> = new Map(LOSS_ALIASES);

const NAMES = Object.freeze(Object.keys(losses) as LossName[]);

/**
 * The built-in losses' names, for a program that lists them in its own words (the CLI's help and errors).
 * @returns `['halfSumSquares', 'sumSquares', 'meanSquared', 'softmaxCrossEntropy', 'binaryCrossEntropy', 'huber']`
 * @example lossNames().includes('huber') // true
 * @group Losses
 */
export function lossNames(): readonly LossName[] {
  return NAMES;
}

/**
 * A loss as the API takes it: a built-in name, an alias (`mse`, `bce`, `softmax-ce`, ...) or a
 * Loss object (`losses.huber`, `huberLoss(0.5)`, `defineLoss(...)`). A string from elsewhere (a
 * command line, a file) goes through `getLoss` first.
 * @group Losses
 */
export type LossOrName = LossName | LossAlias | Loss;

function lookupLoss(name: unknown, where: string): Loss {
  if (typeof name === 'string') {
    const direct = builtins.get(name);
    if (direct !== undefined) return direct;
    const alias = aliases.get(name) ?? aliases.get(name.toLowerCase());
    if (alias !== undefined) return losses[alias];
  }
  const shown = typeof name === 'string' ? `'${name.length > 40 ? `${name.slice(0, 40)}…` : name}'` : describeValue(name);
  const message = `${where}: unknown loss ${shown}; use one of ${NAMES.join(', ')} (or half-sum-squares, sum-squares, mse, softmax-ce, bce), or defineLoss() for your own`;
  throw typeof name === 'string' ? new UnknownNameError(message, { kind: 'loss', given: name, known: NAMES }) : new ArgumentError(message);
}

/**
 * Looks up a built-in loss by name or CLI spelling (`half-sum-squares`, `mse`, `softmax-ce`, `bce`, `huber`, ...).
 * Only these names resolve: `'__proto__'` is unknown, never an `Object.prototype` member.
 * @throws UnknownNameError (an ArgumentError) for an unknown name, listing the valid ones.
 * @example getLoss('mse').name // 'meanSquared'
 * @group Losses
 */
export function getLoss(name: string): Loss {
  return lookupLoss(name, 'getLoss');
}

/** A loss given by name or as an object (a string from a JS caller is checked here too). */
export function resolveLoss(loss: LossOrName | string, where: string): Loss {
  if (typeof loss === 'string') return lookupLoss(loss, where);
  if (isLoss(loss)) return loss;
  throw new ArgumentError(`${where}: a loss must be a name or a Loss object (name, tape, value, gradient), got ${describeValue(loss)}`);
}

/**
 * What `defineLoss` needs: the per-sample loss as core ops, and your hand-derived gradient ∇_a C_i.
 * @group Losses
 */
export interface LossSpec {
  readonly name: string;
  /** Per-sample loss built from core ops: a, y: [batch, n] → [batch]. The tape differentiates this. */
  readonly value: (a: Tensor, y: Tensor) => Tensor;
  /** Your ∇_a C_i per sample, written into `out: [batch·n]` (row-major). The closed form uses this. */
  readonly grad: (a: Float64Array, y: Float64Array, batch: number, n: number, out: Float64Array) => void;
  /** Set when the loss takes logits (the output layer must then be identity). Default false. */
  readonly fromLogits?: boolean;
}

/**
 * A user loss: the tape differentiates `value`, the closed-form backprop uses your `grad`.
 * Run `checkLoss` to see whether `grad` is right, and where it is not.
 * @param spec `{ name, value, grad }`
 * @returns a Loss usable in `backpropTape`, `backpropClosedForm` and `train`
 * @throws ArgumentError for a missing name or non-function value/grad.
 * @example
 * const quartic = defineLoss({
 *   name: 'quartic',
 *   value: (a, y) => sum(square(square(sub(a, y))), 1),
 *   grad: (a, y, _b, _n, out) => { for (let i = 0; i < out.length; i++) out[i] = 4 * (a[i] - y[i]) ** 3; },
 * });
 * @group Losses
 */
export function defineLoss(spec: LossSpec): Loss {
  if (spec === null || typeof spec !== 'object') throw new ArgumentError(`defineLoss: pass { name, value, grad }, got ${describeValue(spec)}`);
  checkOptions('defineLoss', spec, ['name', 'value', 'grad', 'fromLogits']);
  const { name, value, grad } = spec;
  if (typeof name !== 'string' || name === '') throw new ArgumentError('defineLoss: name must be a non-empty string');
  if (typeof value !== 'function') throw new ArgumentError(`defineLoss '${name}': value must be a function (a: Tensor, y: Tensor) => Tensor of shape [batch]`);
  if (typeof grad !== 'function') throw new ArgumentError(`defineLoss '${name}': grad must be a function (a, y, batch, n, out) => void`);
  const fromLogits = spec.fromLogits ?? false;
  if (typeof fromLogits !== 'boolean') throw new ArgumentError(`defineLoss '${name}': fromLogits must be true or false, got ${showValue(fromLogits)}`);
  return {
    name,
    fromLogits,
    tape: value,
    value: (a, y, batch, n, out) => {
      const c = noGrad(() => value(tensorView(a, [batch, n]), tensorView(y, [batch, n])));
      if (c.size !== batch) {
        throw new ArgumentError(`loss '${name}': value must return one loss per sample, shape [${batch}], got ${fmtShape(c.shape)}; sum over axis 1`);
      }
      out.set(c.data);
    },
    gradient: grad,
  };
}

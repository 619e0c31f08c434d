/**
 * Checks a hand-derived derivative against the tape: `checkActivation` compares an activation's
 * closed-form derivative (its `df`) with the tape's derivative of its `f`, and `checkLoss` a loss's
 * closed-form ∇_a C with the tape's. Both locate the worst disagreement.
 */
import { type Tensor, grad, sum, mul, tensor, vjp, ArgumentError, checkOptions, describeValue, fmtNumber, fmtShape, isTensor } from '@tapegrad/core';
import { checkNumber, isActivation, isLoss } from './args.js';
import type { Activation } from './activations.js';
import type { Loss } from './losses.js';

/** The result of `checkActivation`. */
export interface ActivationCheck {
  readonly ok: boolean;
  readonly maxAbsError: number;
  /** Where the closed form and the tape disagree most (largest |df - tape|): the input z, your derivative, the tape's. */
  readonly worst: { readonly z: number; readonly df: number; readonly tape: number };
  readonly points: number;
  toString(): string;
}

/** Default probe points: 161 values in (-8, 8), off the integers, so no kink sits exactly on one. */
function defaultPoints(): Float64Array {
  const n = 161;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = -8 + (16 * (i + 0.5)) / n + 1e-3;
  return p;
}

/**
 * Where a hand derivative and the tape's disagree: `ok` when every entry has
 * |mine - tape| <= atol + rtol·max(|mine|, |tape|); the largest difference (NaN counts as
 * Infinity) and its position.
 */
function disagreement(mine: Float64Array, tape: Float64Array, rtol: number, atol: number): { ok: boolean; maxAbs: number; worst: number } {
  let maxAbs = -1;
  let worst = 0;
  let ok = true;
  for (let i = 0; i < mine.length; i++) {
    const raw = Math.abs(mine[i]! - tape[i]!);
    const d = raw !== raw ? Infinity : raw;
    if (!(raw <= atol + rtol * Math.max(Math.abs(mine[i]!), Math.abs(tape[i]!)))) ok = false;
    if (d > maxAbs) {
      maxAbs = d;
      worst = i;
    }
  }
  return { ok, maxAbs: Math.max(maxAbs, 0), worst };
}

/** rtol and atol, each a finite number >= 0. */
function tolerances(opts: { rtol?: number; atol?: number }, where: string): { rtol: number; atol: number } {
  return {
    rtol: opts.rtol === undefined ? 1e-7 : checkNumber(opts.rtol, 'rtol', where, { lo: 0 }),
    atol: opts.atol === undefined ? 1e-9 : checkNumber(opts.atol, 'atol', where, { lo: 0 }),
  };
}

/** Probe points: an array (or Float64Array) of finite numbers, at most MAX_POINTS. */
const MAX_POINTS = 1_000_000;
function probePoints(p: unknown): Float64Array {
  if (!(p instanceof Float64Array) && !Array.isArray(p)) throw new ArgumentError(`checkActivation: points must be an array of numbers, got ${describeValue(p)}`);
  if (p.length > MAX_POINTS) throw new ArgumentError(`checkActivation: ${p.length} points is more than ${MAX_POINTS}; probe fewer`);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = checkNumber(p[i], `points[${i}]`, 'checkActivation');
  return out;
}

/**
 * Compares `act`'s closed-form derivative with the tape's derivative of `act.tape`, point by point:
 * agreement when `|df - tape| <= atol + rtol·max(|df|, |tape|)` (defaults rtol 1e-7, atol 1e-9: both
 * sides are exact to rounding, ~1e-15, so anything larger is a wrong formula, not noise).
 * Elementwise activations are probed with the cotangent 1 (giving f'(z) itself); softmax with a
 * fixed varied cotangent, rows of 4.
 * @param act the activation (built-in or from `defineActivation`)
 * @param opts `points` to probe (default 161 points in (-8, 8)), `rtol`, `atol`
 * @returns `{ ok, maxAbsError, worst: { z, df, tape }, toString() }`
 * @throws ArgumentError for a non-activation, empty or non-finite points, negative tolerances or an unknown option.
 * @example checkActivation(defineActivation({ name: 'sq', f: (z) => mul(z, z), df: (z) => z })).worst.z
 */
export function checkActivation(act: Activation, opts: { points?: Float64Array | readonly number[]; rtol?: number; atol?: number } = {}): ActivationCheck {
  if (!isActivation(act)) throw new ArgumentError(`checkActivation: act must be an Activation (from activations or defineActivation), got ${describeValue(act)}`);
  checkOptions('checkActivation', opts, ['points', 'rtol', 'atol']);
  const { rtol, atol } = tolerances(opts, 'checkActivation');
  const pts = opts.points === undefined ? defaultPoints() : probePoints(opts.points);
  if (pts.length === 0) throw new ArgumentError('checkActivation: points is empty; give at least one z');
  const cols = act.elementwise ? pts.length : 4;
  const n = act.elementwise ? pts.length : Math.ceil(pts.length / cols) * cols;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = pts[i % pts.length]!;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = act.elementwise ? 1 : Math.sin(1 + 3.7 * i);
  const zt = tensor(z, [n / cols, cols]);
  const gt = tensor(g, [n / cols, cols]);
  // Tape: (∂a/∂z)ᵀ g, the VJP of the tape form.
  const tapeD = grad((x: Tensor) => sum(mul(act.tape(x), gt)))(zt).data;
  const a = new Float64Array(n);
  act.forward(z, a, cols);
  const mine = new Float64Array(n);
  act.backward(z, a, g, mine, cols);
  const { ok, maxAbs, worst } = disagreement(mine, tapeD, rtol, atol);
  const w = { z: z[worst]!, df: mine[worst]!, tape: tapeD[worst]! };
  return {
    ok,
    maxAbsError: maxAbs,
    worst: w,
    points: n,
    toString: () =>
      ok
        ? `activation '${act.name}': closed-form derivative agrees with the tape at ${n} points (max abs error ${fmtNumber(maxAbs)})`
        : `activation '${act.name}': closed-form derivative DISAGREES with the tape; worst at z = ${fmtNumber(w.z)}: ` +
          `df = ${fmtNumber(w.df)}, tape = ${fmtNumber(w.tape)} (max abs error ${fmtNumber(maxAbs)}, rtol ${rtol}, atol ${atol})`,
  };
}

/** The result of `checkLoss`. */
export interface LossCheck {
  readonly ok: boolean;
  readonly maxAbsError: number;
  /** Where ∇_a C disagrees most (largest absolute gap): sample, output index, a, y, your gradient, the tape's. */
  readonly worst: { readonly sample: number; readonly index: number; readonly a: number; readonly y: number; readonly grad: number; readonly tape: number };
  toString(): string;
}

/**
 * Compares a loss's closed-form `gradient` (∇_a C_i per sample) with the tape's VJP of its `tape` form
 * at the given outputs and targets, with the same tolerance rule as `checkActivation`.
 * @param a network outputs (or logits) `[batch, n]` @param y targets `[batch, n]`
 * @returns `{ ok, maxAbsError, worst, toString() }`
 * @throws ArgumentError when a and y differ in shape or are not matrices, for a non-loss, negative tolerances or an unknown option.
 * @example checkLoss(losses.huber, tensor([[0.2, 3]]), tensor([[0, 0]])).ok // true
 */
export function checkLoss(loss: Loss, a: Tensor, y: Tensor, opts: { rtol?: number; atol?: number } = {}): LossCheck {
  if (!isLoss(loss)) throw new ArgumentError(`checkLoss: loss must be a Loss (from losses or defineLoss), got ${describeValue(loss)}`);
  checkOptions('checkLoss', opts, ['rtol', 'atol']);
  const { rtol, atol } = tolerances(opts, 'checkLoss');
  if (!isTensor(a) || !isTensor(y)) throw new ArgumentError(`checkLoss: a and y must be Tensors [batch, n], got ${describeValue(a)} and ${describeValue(y)}`);
  if (a.shape.length !== 2 || y.shape.length !== 2 || a.shape[0] !== y.shape[0] || a.shape[1] !== y.shape[1]) {
    throw new ArgumentError(`checkLoss: a and y must both be [batch, n], got ${fmtShape(a.shape)} and ${fmtShape(y.shape)}`);
  }
  const batch = a.shape[0]!;
  const n = a.shape[1]!;
  const [per, pull] = vjp((x: Tensor) => loss.tape(x, y), a);
  if (per.shape.length !== 1 || per.shape[0] !== batch) {
    throw new ArgumentError(`checkLoss: loss '${loss.name}' must return one value per sample, [${batch}], got ${fmtShape(per.shape)}`);
  }
  const tapeG = pull(tensor(new Float64Array(batch).fill(1), [batch]))[0].data;
  const mine = new Float64Array(batch * n);
  loss.gradient(a.data, y.data, batch, n, mine);
  const { ok, maxAbs, worst } = disagreement(mine, tapeG, rtol, atol);
  const w = { sample: Math.floor(worst / n), index: worst % n, a: a.data[worst]!, y: y.data[worst]!, grad: mine[worst]!, tape: tapeG[worst]! };
  return {
    ok,
    maxAbsError: maxAbs,
    worst: w,
    toString: () =>
      ok
        ? `loss '${loss.name}': closed-form gradient agrees with the tape at ${mine.length} entries (max abs error ${fmtNumber(maxAbs)})`
        : `loss '${loss.name}': closed-form gradient DISAGREES with the tape; worst at sample ${w.sample}, output ${w.index} ` +
          `(a = ${fmtNumber(w.a)}, y = ${fmtNumber(w.y)}): grad = ${fmtNumber(w.grad)}, tape = ${fmtNumber(w.tape)} (max abs error ${fmtNumber(maxAbs)})`,
  };
}

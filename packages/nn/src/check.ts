/**
 * Checks a hand-derived derivative against the tape: `checkActivation` compares an activation's
 * closed-form derivative (its `df`, and its `d2f` when declared) with the tape's derivatives of its
 * `f`, and `checkLoss` a loss's closed-form ∇_a C with the tape's. Both count the failing points and
 * name the worst by the one rule of `tolerance.ts` (error relative to the tolerance).
 */
import { type Diagnosis, type Tensor, diagnose, grad, sum, mul, tensor, vjp, ArgumentError, checkOptions, describeValue, fmtNumber, fmtShape, isTensor } from '@tapegrad/core';
import { checkNumber, isActivation, isLoss } from './args.js';
import type { Activation } from './activations.js';
import type { Loss } from './losses.js';
import { agreement, failingRanges, fmtRanges, type Agreement, type ZRange } from './tolerance.js';

/** The check of one derivative order of an activation, point by point. */
interface OrderCheck {
  /** Every probe point agrees. */
  readonly ok: boolean;
  /** How many probe points fail: |mine − tape| > atol + rtol·max(|mine|, |tape|). */
  readonly failures: number;
  /** The z ranges where they fail (contiguous runs of failing probe points, sorted by z). */
  readonly ranges: readonly ZRange[];
  /** max |mine − tape| over the probe points (NaN counts as Infinity). */
  readonly maxAbsError: number;
  /** When they disagree, the known mistake core's `diagnose` recognises (a factor, a sign, a missing f', ...), else null. */
  readonly diagnosis: Diagnosis | null;
}

/**
 * The result of `checkActivation`.
 * @group Checking
 */
export interface ActivationCheck extends OrderCheck {
  /** The first derivative agrees and, when the activation declares `d2f`, so does the second. */
  readonly ok: boolean;
  /**
   * The worst point: the largest error relative to the tolerance (`ratio`, > 1 fails), with the
   * input z, your derivative and the tape's. Always a failing point when any fails.
   */
  readonly worst: { readonly z: number; readonly df: number; readonly tape: number; readonly ratio: number };
  readonly points: number;
  /** The check of the declared second derivative against the tape's grad of grad; null without `d2f`. */
  readonly second: SecondDerivativeCheck | null;
  toString(): string;
}

/**
 * `checkActivation`'s check of f'' (the activation's `d2f` against the tape's second derivative).
 * @group Checking
 */
export interface SecondDerivativeCheck extends OrderCheck {
  readonly worst: { readonly z: number; readonly d2f: number; readonly tape: number; readonly ratio: number };
}

/** Default probe points: 161 values in (-8, 8), off the integers, so no kink sits exactly on one. */
function defaultPoints(): Float64Array {
  const n = 161;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = -8 + (16 * (i + 0.5)) / n + 1e-3;
  return p;
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

/** "(5e6× the tolerance of rtol 1e-7, atol 1e-9; max abs error 0.01)" */
function ratioText(ratio: number, rtol: number, atol: number, maxAbs: number): string {
  return `(${fmtNumber(ratio)}× the tolerance of rtol ${rtol}, atol ${atol}; max abs error ${fmtNumber(maxAbs)})`;
}

/** "at 3 of 161 points; fails for z in [0.31, 0.69]; worst at z = 0.5: df = 1, tape = 0.9 (5e6× the tolerance ...)". */
function failureText(check: OrderCheck, n: number, worst: { z: number; mine: number; tape: number; ratio: number }, label: string, rtol: number, atol: number): string {
  return (
    `at ${check.failures} of ${n} points; fails for ${fmtRanges(check.ranges)}; worst at z = ${fmtNumber(worst.z)}: ` +
    `${label} = ${fmtNumber(worst.mine)}, tape = ${fmtNumber(worst.tape)} ${ratioText(worst.ratio, rtol, atol, check.maxAbsError)}`
  );
}

/**
 * What `diagnose` may name besides a constant factor, for an elementwise check: the tape's f'(z)
 * (a df that is 1, or f'², forgot or doubled f'; a d2f missing the chain factor f', as σ'' = σ'·(1 − 2σ)
 * written 1 − 2σ), z and a = f(z) (a df missing a factor z, as d/dz of z³/3 written z).
 */
function derivativesAt(z: Float64Array, a: Float64Array, df: Float64Array): { label: string; values: Tensor }[] {
  const n = z.length;
  return [
    { label: "f'(z)", values: tensor(df, [n]) },
    { label: 'z', values: tensor(z, [n]) },
    { label: 'f(z)', values: tensor(a, [n]) },
  ];
}

/** Agreement, ranges and (when they disagree) the diagnosis of `mine` against `tape`, shaped `shape`. */
function orderCheck(z: Float64Array, mine: Float64Array, tape: Float64Array, ag: Agreement, shape: number[], derivatives: { label: string; values: Tensor }[]): OrderCheck {
  const ok = ag.failures === 0;
  const diagnosis = ok ? null : diagnose(tensor(mine, shape), tensor(tape, shape), { derivatives });
  return { ok, failures: ag.failures, ranges: failingRanges(z, ag.failing), maxAbsError: ag.maxAbs, diagnosis };
}

function diagnosisLine(d: Diagnosis | null, what: string): string {
  return d === null ? '' : `\n  diagnosis (${what} against the tape): ${d.message}`;
}

/** The tape's f'' of an elementwise `tape` form: the grad of Σ f'(z), f'(z) itself being grad of Σ f(z). */
function tapeSecond(act: Activation, zt: Tensor): Float64Array {
  const first = (x: Tensor): Tensor => grad((u: Tensor) => sum(act.tape(u)))(x);
  return grad((x: Tensor) => sum(first(x)))(zt).data;
}

/**
 * Compares `act`'s closed-form derivative with the tape's derivative of `act.tape`, point by point:
 * a point agrees when `|df - tape| <= atol + rtol·max(|df|, |tape|)` (defaults rtol 1e-7, atol 1e-9:
 * both sides are exact to rounding, ~1e-15, so anything larger is a wrong formula, not noise).
 * The report counts the failing points, gives the z ranges where they fail, and names as worst the
 * point with the largest error relative to that tolerance (a large absolute error at a point with
 * large values may still pass). When the activation declares `d2f` (elementwise only), f'' is
 * compared the same way with the tape's grad of grad, in `second`.
 * Elementwise activations are probed with the cotangent 1 (giving f'(z) itself); softmax with a
 * fixed varied cotangent, rows of 4.
 * @param act the activation (built-in or from `defineActivation`)
 * @param opts `points` to probe (default 161 points in (-8, 8)), `rtol`, `atol`
 * When they disagree, `diagnosis` (core's `diagnose`, given the tape's f'(z), z and f(z) as the
 * derivatives a hand formula may have dropped or doubled) names the mistake where it is a known one.
 * @returns `{ ok, failures, ranges, maxAbsError, worst: { z, df, tape, ratio }, diagnosis, points, second, toString() }`
 * @throws ArgumentError for a non-activation, a non-function `d2f`, empty or non-finite points, negative tolerances or an unknown option.
 * @example checkActivation(defineActivation({ name: 'sq', f: (z) => mul(z, z), df: (z) => 2 * z, d2f: () => 2 })).ok // true
 * @group Checking
 */
export function checkActivation(act: Activation, opts: { points?: Float64Array | readonly number[]; rtol?: number; atol?: number } = {}): ActivationCheck {
  if (!isActivation(act)) throw new ArgumentError(`checkActivation: act must be an Activation (from activations or defineActivation), got ${describeValue(act)}`);
  checkOptions('checkActivation', opts, ['points', 'rtol', 'atol']);
  const d2f: unknown = act.d2f;
  if (d2f !== undefined && typeof d2f !== 'function') throw new ArgumentError(`checkActivation: activation '${act.name}' has a d2f that is ${describeValue(d2f)}, not a function (z, a, out) => void`);
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
  const ag = agreement(mine, tapeD, rtol, atol);
  const elementwise = act.elementwise;
  // Softmax's VJP mixes a row: its entries are not f'(z) pointwise, so only the factor patterns apply.
  const first = orderCheck(z, mine, tapeD, ag, elementwise ? [n] : [n / cols, cols], elementwise ? derivativesAt(z, a, tapeD) : []);
  const w = { z: z[ag.worst]!, df: mine[ag.worst]!, tape: tapeD[ag.worst]!, ratio: ag.worstRatio };
  const second = act.d2f === undefined || !elementwise ? null : checkSecond(act, act.d2f, z, a, tapeD, zt, rtol, atol);
  const ok = first.ok && (second === null || second.ok);
  const firstLine = first.ok
    ? `activation '${act.name}': closed-form derivative agrees with the tape at ${n} points (max abs error ${fmtNumber(first.maxAbsError)})`
    : `activation '${act.name}': closed-form derivative DISAGREES with the tape ${failureText(first, n, { ...w, mine: w.df }, 'df', rtol, atol)}${diagnosisLine(first.diagnosis, 'df')}`;
  const secondLine =
    second === null
      ? null
      : second.ok
        ? `  f'': closed-form second derivative agrees with the tape's grad of grad at ${n} points (max abs error ${fmtNumber(second.maxAbsError)})`
        : `  f'': closed-form second derivative DISAGREES with the tape's grad of grad ${failureText(second, n, { ...second.worst, mine: second.worst.d2f }, 'd2f', rtol, atol)}` +
          diagnosisLine(second.diagnosis, 'd2f');
  return {
    ...first,
    ok,
    worst: w,
    points: n,
    second,
    toString: () => (secondLine === null ? firstLine : `${firstLine}\n${secondLine}`),
  };
}

function checkSecond(
  act: Activation,
  d2f: (z: Float64Array, a: Float64Array, out: Float64Array) => void,
  z: Float64Array,
  a: Float64Array,
  df: Float64Array,
  zt: Tensor,
  rtol: number,
  atol: number,
): SecondDerivativeCheck {
  const tape = tapeSecond(act, zt);
  const mine = new Float64Array(z.length);
  d2f(z, a, mine);
  const ag = agreement(mine, tape, rtol, atol);
  return { ...orderCheck(z, mine, tape, ag, [z.length], derivativesAt(z, a, df)), worst: { z: z[ag.worst]!, d2f: mine[ag.worst]!, tape: tape[ag.worst]!, ratio: ag.worstRatio } };
}

/**
 * The result of `checkLoss`.
 * @group Checking
 */
export interface LossCheck {
  readonly ok: boolean;
  /** How many entries of ∇_a C fail the tolerance. */
  readonly failures: number;
  /** Entries compared (batch · n). */
  readonly entries: number;
  readonly maxAbsError: number;
  /**
   * The worst entry, by error relative to the tolerance (`ratio`, > 1 fails): sample, output index,
   * a, y, your gradient, the tape's.
   */
  readonly worst: { readonly sample: number; readonly index: number; readonly a: number; readonly y: number; readonly grad: number; readonly tape: number; readonly ratio: number };
  /** When they disagree, the known mistake core's `diagnose` recognises (a 1/N put inside the per-sample gradient, a sign, ...), else null. */
  readonly diagnosis: Diagnosis | null;
  toString(): string;
}

/**
 * Compares a loss's closed-form `gradient` (∇_a C_i per sample) with the tape's VJP of its `tape` form
 * at the given outputs and targets, with the same tolerance rule and the same "worst" (error
 * relative to the tolerance) as `checkActivation`.
 * @param a network outputs (or logits) `[batch, n]` @param y targets `[batch, n]`
 * @returns `{ ok, failures, entries, maxAbsError, worst, diagnosis, toString() }`; `diagnosis` (core's
 *   `diagnose` of your gradient against the tape's, with the batch size) when they disagree
 * @throws ArgumentError when a and y differ in shape or are not matrices, for a non-loss, negative tolerances or an unknown option.
 * @example checkLoss(losses.huber, tensor([[0.2, 3]]), tensor([[0, 0]])).ok // true
 * @group Checking
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
  const ag = agreement(mine, tapeG, rtol, atol);
  const k = ag.worst;
  const w = { sample: Math.floor(k / n), index: k % n, a: a.data[k]!, y: y.data[k]!, grad: mine[k]!, tape: tapeG[k]!, ratio: ag.worstRatio };
  const ok = ag.failures === 0;
  const diagnosis = ok ? null : diagnose(tensor(mine, [batch, n]), tensor(tapeG, [batch, n]), { batch });
  const text = ok
    ? `loss '${loss.name}': closed-form gradient agrees with the tape at ${mine.length} entries (max abs error ${fmtNumber(ag.maxAbs)})`
    : `loss '${loss.name}': closed-form gradient DISAGREES with the tape at ${ag.failures} of ${mine.length} entries; worst at sample ${w.sample}, output ${w.index} ` +
      `(a = ${fmtNumber(w.a)}, y = ${fmtNumber(w.y)}): grad = ${fmtNumber(w.grad)}, tape = ${fmtNumber(w.tape)} ${ratioText(w.ratio, rtol, atol, ag.maxAbs)}` +
      diagnosisLine(diagnosis, 'grad');
  return { ok, failures: ag.failures, entries: mine.length, maxAbsError: ag.maxAbs, worst: w, diagnosis, toString: () => text };
}

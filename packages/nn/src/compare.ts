/** Side-by-side comparison of two gradient results (tape, closed form, finite differences). */
import { type Diagnosis, ArgumentError, checkOptions, describeValue, diagnose, fmtNumber, fmtShape, formatTable, isTensor, tensor, unravelIndex } from '@tapegrad/core';
import { checkNumber, isObject } from './args.js';
import type { GradResult } from './grads.js';
import { agreement } from './tolerance.js';

/**
 * Agreement of one parameter tensor.
 * @group Checking
 */
export interface ParamComparison {
  /** `W1`, `b1`, `W2`, ... (layer numbers from 1, as in the derivations of docs/sources.md). */
  readonly param: string;
  readonly shape: number[];
  /** max_i |a_i - b_i| */
  readonly maxAbsError: number;
  /** max_i |a_i - b_i| / max(|a_i|, |b_i|, floor): see `compareGradients` for the floor. */
  readonly maxRelError: number;
  /**
   * Multi-index of the worst entry: the largest error relative to the tolerance,
   * |a - b| / (rtol·max(|a|, |b|) + atol·scale), so a failing entry whenever one fails.
   */
  readonly worstIndex: number[];
  /** The two values at `worstIndex`, and `ratio`, their error in units of the tolerance (> 1 fails). */
  readonly worst: { readonly a: number; readonly b: number; readonly ratio: number };
  /** How many entries fail the tolerance. */
  readonly failures: number;
  /** Every entry satisfies the tolerance. */
  readonly ok: boolean;
  /** When this parameter disagrees: core's `diagnose` of b's gradient against a's (the reference), else null. */
  readonly diagnosis: Diagnosis | null;
}

/**
 * The result of `compareGradients`.
 * @group Checking
 */
export interface GradientComparison {
  readonly ok: boolean;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly rows: readonly ParamComparison[];
  /**
   * When they disagree, the known mistake in b (against a): one that every parameter shares (a
   * constant factor such as a missing 1/N, a sign), its message starting `every parameter:`, else the
   * first disagreeing parameter's, starting with its name (`W1: transposed ...`); null when they agree
   * or no known pattern fits.
   */
  readonly diagnosis: Diagnosis | null;
  /** A readable table, one row per parameter. */
  toTable(): string;
  toString(): string;
}

/**
 * Tolerances of `compareGradients`.
 * @group Checking
 */
export interface CompareOptions {
  /** Relative tolerance (default 1e-10: tape vs closed form in float64). */
  rtol?: number;
  /** Absolute tolerance, in units of `scale` (default 1e-13; see `compareGradients`). */
  atol?: number;
  /** The magnitude `atol` is measured in (default max(1, the gradients' largest finite |entry|)). */
  scale?: number;
  /** Column labels for the table (default `a`, `b`). */
  labels?: readonly [string, string];
  /** The batch size N (an integer >= 1), so that the diagnosis names a missing or extra 1/N as such. */
  batch?: number;
}

function showNum(v: unknown): string {
  return typeof v === 'number' ? String(v) : describeValue(v);
}

/** A gradient result: `{ loss, grads: [{ W: Tensor, b: Tensor }, ...] }`. */
function checkResult(r: unknown, name: string): void {
  const grads = isObject(r) ? r['grads'] : undefined;
  if (!Array.isArray(grads)) {
    throw new ArgumentError(`compareGradients: ${name} must be a gradient result { loss, grads } (from backpropTape, backpropClosedForm or finiteDifferenceGradients), got ${describeValue(r)}`);
  }
  grads.forEach((g: unknown, i: number) => {
    if (!isObject(g) || !isTensor(g['W']) || !isTensor(g['b'])) throw new ArgumentError(`compareGradients: ${name}.grads[${i}] must be { W: Tensor, b: Tensor }, got ${describeValue(g)}`);
  });
}

/**
 * Compares two gradient results entry by entry: an entry agrees when
 * `|a - b| <= rtol·max(|a|, |b|) + atol·s`, with `s = max(1, max_j |a_j|, max_j |b_j|)` over the
 * whole gradient's finite entries (all parameters), unless `opts.scale` gives s. Equal entries
 * always agree; otherwise a NaN or infinite entry on either side is a disagreement.
 *
 * Why an absolute floor at all: an entry is a sum of products (∂W = Σ δ a, δ = Σ W δ ⊙ f'), and
 * rounding errors scale with the summands, not with the sum. An entry that cancels to nearly 0
 * (or a whole gradient that is rounding noise, as for a saturated softmax) carries an absolute
 * error of order u·Σ|summands| with u ≈ 1.1e-16, however small it is itself, so a purely relative
 * test would flag exact arithmetic as a disagreement. With summands of order s and at most ~10³ of
 * them along a chain, u·10³·s ≈ 1e-13·s: the default floor. `maxRelError` divides by
 * `max(|a|, |b|, (atol/rtol)·s)` to match (pure relative error for entries above that floor).
 * The worst entry of a parameter is the one with the largest error relative to that tolerance
 * (`worst.ratio`, above 1 fails), so it is a failing entry whenever one fails; `failures` counts them.
 * When they disagree, `diagnosis` is core's `diagnose` of b against a (a as the reference, so pass
 * the tape first): a constant factor every parameter shares (a missing 1/N when `opts.batch` gives
 * N, a sign) is named once, anything else under the first disagreeing parameter.
 * @param a one result of `backpropTape`, `backpropClosedForm` or `finiteDifferenceGradients` (the reference)
 * @param b another, for the same model
 * @param opts `rtol`, `atol`, `scale`, `labels`, `batch` (an integer >= 1, for the diagnosis)
 * @returns per-parameter max abs/rel error, the worst entry, failures, `ok` and diagnosis; the overall `diagnosis`, and `toTable()`
 * @throws ArgumentError when the two results have different layers or shapes, are not gradient results, or for a bad or unknown option.
 * @example compareGradients(backpropTape(m, X, Y, 'mse'), backpropClosedForm(m, X, Y, 'mse')).toTable()
 * @group Checking
 */
export function compareGradients(a: GradResult, b: GradResult, opts: CompareOptions = {}): GradientComparison {
  checkOptions('compareGradients', opts, ['rtol', 'atol', 'scale', 'labels', 'batch']);
  checkResult(a, 'a');
  checkResult(b, 'b');
  const rtol = opts.rtol ?? 1e-10;
  const atol = opts.atol ?? 1e-13;
  if (typeof rtol !== 'number' || typeof atol !== 'number' || !(rtol >= 0) || !(atol >= 0)) {
    throw new ArgumentError(`compareGradients: need rtol >= 0 and atol >= 0, got rtol=${showNum(rtol)}, atol=${showNum(atol)}`);
  }
  const labels = opts.labels ?? ['a', 'b'];
  if (!Array.isArray(labels) || labels.length !== 2 || typeof labels[0] !== 'string' || typeof labels[1] !== 'string') {
    throw new ArgumentError(`compareGradients: labels must be two strings, like ['tape', 'closed form'], got ${describeValue(labels)}`);
  }
  if (a.grads.length !== b.grads.length) {
    throw new ArgumentError(`compareGradients: the results have ${a.grads.length} and ${b.grads.length} layers; compare gradients of the same model`);
  }
  let scale = 1;
  const pairs: { name: string; x: Float64Array; y: Float64Array; shape: number[] }[] = [];
  a.grads.forEach((ga, l) => {
    const gb = b.grads[l]!;
    for (const key of ['W', 'b'] as const) {
      const ta = ga[key];
      const tb = gb[key];
      const sa = [...ta.shape];
      if (sa.length !== tb.shape.length || sa.some((d, i) => d !== tb.shape[i])) {
        throw new ArgumentError(`compareGradients: ${key}${l + 1} has shape ${fmtShape(sa)} in a but ${fmtShape(tb.shape)} in b; compare gradients of the same model`);
      }
      // Finite entries only: one overflowed or NaN entry must not make the floor infinite (or NaN) for every other.
      for (let i = 0; i < ta.size; i++) {
        const u = Math.abs(ta.data[i]!);
        const v = Math.abs(tb.data[i]!);
        if (u > scale && u < Infinity) scale = u;
        if (v > scale && v < Infinity) scale = v;
      }
      pairs.push({ name: `${key}${l + 1}`, x: ta.data, y: tb.data, shape: sa });
    }
  });
  if (opts.scale !== undefined) scale = checkNumber(opts.scale, 'scale', 'compareGradients', { lo: 0, loOpen: true });
  const ctx = opts.batch === undefined ? {} : { batch: checkNumber(opts.batch, 'batch', 'compareGradients', { lo: 1, integer: true }) };
  const floor = rtol > 0 ? (atol / rtol) * scale : 0;
  const rows: ParamComparison[] = pairs.map(({ name, x, y, shape }) => {
    // Equal values agree, infinities included; otherwise a NaN or an infinity on either side is a
    // disagreement (a tolerance relative to an infinite |entry| would accept anything): tolerance.ts's rule,
    // with the absolute part atol·scale.
    const ag = agreement(x, y, rtol, atol * scale);
    let maxRel = 0;
    for (let i = 0; i < x.length; i++) {
      const u = x[i]!;
      const v = y[i]!;
      const rel = u === v ? 0 : !(Number.isFinite(u) && Number.isFinite(v)) ? Infinity : Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v), floor, Number.MIN_VALUE);
      if (rel > maxRel) maxRel = rel;
    }
    const w = ag.worst;
    return {
      param: name,
      shape,
      maxAbsError: ag.maxAbs,
      maxRelError: maxRel,
      worstIndex: unravelIndex(w, shape),
      worst: { a: x[w] ?? 0, b: y[w] ?? 0, ratio: ag.worstRatio },
      failures: ag.failures,
      ok: ag.failures === 0,
      diagnosis: ag.failures === 0 ? null : diagnose(tensor(y, shape), tensor(x, shape), ctx),
    };
  });
  const [la, lb] = labels;
  const toTable = (): string => {
    const head = ['param', 'shape', 'max abs err', 'max rel err', 'worst at', la, lb, 'ok'];
    const body = rows.map((r) => [
      r.param,
      fmtShape(r.shape),
      fmtNumber(r.maxAbsError),
      fmtNumber(r.maxRelError),
      fmtShape(r.worstIndex),
      fmtNumber(r.worst.a),
      fmtNumber(r.worst.b),
      r.ok ? 'yes' : 'NO',
    ]);
    return formatTable(head, body);
  };
  const maxAbsError = rows.reduce((m, r) => Math.max(m, r.maxAbsError), 0);
  const maxRelError = rows.reduce((m, r) => Math.max(m, r.maxRelError), 0);
  const ok = rows.every((r) => r.ok);
  const diagnosis = ok ? null : overallDiagnosis(pairs, rows, ctx);
  return {
    ok,
    maxAbsError,
    maxRelError,
    rows,
    diagnosis,
    toTable,
    toString: () =>
      `${toTable()}\n${ok ? 'agree' : 'DISAGREE'} (rtol ${rtol}, atol ${atol}·scale ${fmtNumber(scale)}): max rel error ${fmtNumber(maxRelError)}` +
      (diagnosis === null ? '' : `\ndiagnosis (${lb} against ${la}): ${diagnosis.message}`),
  };
}

/**
 * A mistake all parameters share is named once: `diagnose` of the whole gradient, flattened, when it
 * finds a constant factor or a sign (a transpose or a broadcast only means something per parameter).
 * Otherwise the first disagreeing parameter with a diagnosis, under its name.
 */
function overallDiagnosis(pairs: readonly { name: string; x: Float64Array; y: Float64Array }[], rows: readonly ParamComparison[], ctx: { batch?: number }): Diagnosis | null {
  const total = pairs.reduce((n, p) => n + p.x.length, 0);
  const xa = new Float64Array(total);
  const ya = new Float64Array(total);
  let at = 0;
  for (const p of pairs) {
    xa.set(p.x, at);
    ya.set(p.y, at);
    at += p.x.length;
  }
  const whole = diagnose(tensor(ya, [total]), tensor(xa, [total]), ctx);
  if (whole !== null && (whole.kind === 'factor' || whole.kind === 'sign')) return { ...whole, message: `every parameter: ${whole.message}` };
  const first = rows.find((r) => r.diagnosis !== null);
  if (first === undefined || first.diagnosis === null) return null;
  return { ...first.diagnosis, message: `${first.param}: ${first.diagnosis.message}` };
}

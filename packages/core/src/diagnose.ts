/**
 * Why a hand-derived gradient differs from the tape's: the mistakes learners make when
 * they backpropagate by hand (a forgotten 1/N, a flipped sign, a transpose, a bias
 * gradient left unsummed, a missing or doubled activation derivative, a dropped term),
 * each recognised from the two tensors alone. `compareAt` and nn's comparisons print it.
 *
 * Tolerances. Both tensors are exact float64 computations of one quantity when the
 * derivation is right, so they differ only by rounding: about 1e-16 relative per
 * operation, 1e-13 after long sums with moderate cancellation. Two arrays are taken to be
 * equal ("≈") when every entry satisfies
 *     |a - b| <= RTOL·|b| + ATOL·scale,   scale = the largest |entry| of either array,
 * with RTOL = 1e-6 and ATOL = 1e-9: six orders of margin over rounding on the large entries
 * and four on entries that are small beside the largest (where a relative test alone would
 * read rounding noise as a mistake). Every real mistake named here moves entries by O(1)
 * relative, far outside it. The same test decides a constant ratio (mine ≈ c·reference)
 * and a derivative (mine·f' ≈ reference), so "the entries where both are non-negligible"
 * are exactly the ones the ATOL term does not absorb. A ratio within 1e-6 of 1 is
 * rounding, never a factor: a gradient equal to the reference up to rounding gets no
 * diagnosis, and neither does a zero reference matched by a zero gradient.
 */
import { ArgumentError, ShapeError, checkOptions, describeValue, fmtShape } from './errors.js';
import { intArg } from './args.js';
import { fmtNumber } from './format.js';
import { sameShape } from './shape.js';
import { noGrad } from './tape.js';
import { Tensor } from './tensor.js';
import { sumTo, transpose } from './ops/structural.js';

/**
 * The known mistakes `diagnose` recognises.
 * @group Checking
 */
export type DiagnosisKind = 'factor' | 'sign' | 'transpose' | 'unsummed-broadcast' | 'missing-derivative' | 'doubled-derivative' | 'zeros' | 'shape';

/**
 * A named mistake and its fix, in words.
 * @group Checking
 */
export interface Diagnosis {
  readonly kind: DiagnosisKind;
  /** What is wrong and how to fix it: `"missing factor 1/N (N = 32, the batch size): divide by N"`. */
  readonly message: string;
  /** the constant ratio mine/reference, for 'factor' and 'sign' */
  readonly factor?: number;
  /** The derivative's label (`"tanh'(hpreact)"`), for 'missing-derivative' and 'doubled-derivative'. */
  readonly derivative?: string;
  /** The axes to sum `mine` over, for 'unsummed-broadcast'. */
  readonly axes?: readonly number[];
}

/**
 * What `diagnose` may use besides the two tensors, to name what it finds.
 * @group Checking
 */
export interface DiagnoseContext {
  /** The batch size N, so a ratio of 1/N or N is named as such. */
  readonly batch?: number;
  /** Local derivatives at this value, labelled (`"tanh'(z)"`), each shaped like the reference gradient:
   *  a ratio mine/reference equal to 1/d is a missing derivative, equal to d a doubled one. */
  readonly derivatives?: readonly { readonly label: string; readonly values: Tensor }[];
}

/**
 * Relative part of "≈" (see the module comment for why).
 * @group Checking
 */
export const DIAGNOSE_RTOL = 1e-6;
/**
 * Absolute part of "≈", as a fraction of the larger array's largest magnitude.
 * @group Checking
 */
export const DIAGNOSE_ATOL = 1e-9;

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** a ≈ b entrywise, by the module's test; `skip` marks entries left out. */
function fits(a: Float64Array, b: Float64Array, skip?: (i: number) => boolean): boolean {
  const tol = DIAGNOSE_ATOL * Math.max(maxAbs(a), maxAbs(b));
  for (let i = 0; i < a.length; i++) {
    if (skip?.(i) === true) continue;
    if (!(Math.abs(a[i]! - b[i]!) <= DIAGNOSE_RTOL * Math.abs(b[i]!) + tol)) return false;
  }
  return true;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

const map = (a: Float64Array, f: (v: number, i: number) => number): Float64Array => a.map(f);
const near = (x: number, y: number): boolean => Math.abs(x - y) <= DIAGNOSE_RTOL * Math.abs(y);
/** An untraced copy of `t`, so the structural ops used here are never recorded on an enclosing tape. */
const plain = (t: Tensor): Tensor => new Tensor(t.data, t.shape);

/** The multi-index bounding box of `idx` (flat indexes into `shape`) as slices: `[0:2, 3:5]`. */
function block(idx: readonly number[], shape: readonly number[]): string {
  if (shape.length === 0) return 'the value';
  const lo = shape.map(() => Infinity);
  const hi = shape.map(() => -Infinity);
  for (const flat of idx) {
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      const k = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      lo[d] = Math.min(lo[d]!, k);
      hi[d] = Math.max(hi[d]!, k);
    }
  }
  return `[${lo.map((l, d) => (l === hi[d] ? String(l) : `${l}:${hi[d]! + 1}`)).join(', ')}]`;
}

/** A constant ratio with a name: -1, N, 1/N, 2, 1/2. Null for any other constant. */
function namedFactor(c: number, batch: number | undefined): Diagnosis | null {
  if (near(c, -1)) return { kind: 'sign', factor: c, message: 'sign flipped (mine = −reference): negate it' };
  const a = Math.abs(c);
  const neg = c < 0 ? ' and negate it' : '';
  const signNote = c < 0 ? ', with the sign flipped' : '';
  if (batch !== undefined && batch >= 2) {
    const n = `N = ${batch}, the batch size`;
    if (near(a, batch)) return { kind: 'factor', factor: c, message: `missing factor 1/N (${n})${signNote}: divide by N${neg}` };
    if (near(a, 1 / batch)) return { kind: 'factor', factor: c, message: `extra factor 1/N (${n})${signNote}: multiply by N${neg}` };
  }
  if (near(a, 2)) return { kind: 'factor', factor: c, message: `a factor 2 too many (mine = ${c < 0 ? '−' : ''}2 × reference): divide by 2${neg}` };
  if (near(a, 0.5)) return { kind: 'factor', factor: c, message: `missing factor 2 (mine = ${c < 0 ? '−' : ''}reference / 2): multiply by 2${neg}` };
  return null;
}

/** Any other constant ratio, named as an integer or its reciprocal when it is one. */
function otherFactor(c: number): Diagnosis {
  const a = Math.abs(c);
  const neg = c < 0 ? ' and negate it' : '';
  const k = Math.round(a);
  const r = Math.round(1 / a);
  if (k >= 3 && near(a, k)) return { kind: 'factor', factor: c, message: `a factor ${c < 0 ? '−' : ''}${k} too many (mine = ${c < 0 ? '−' : ''}${k} × reference): divide by ${k}${neg}` };
  if (r >= 3 && near(a, 1 / r)) return { kind: 'factor', factor: c, message: `missing factor ${r} (mine = ${c < 0 ? '−' : ''}reference / ${r}): multiply by ${r}${neg}` };
  return { kind: 'factor', factor: c, message: `off by the constant factor ${fmtNumber(c)} (mine = ${fmtNumber(c)} × reference): divide by ${fmtNumber(c)}` };
}

type Derivatives = readonly { readonly label: string; readonly values: Tensor }[];

/** Missing (mine·d ≈ reference) or doubled (mine ≈ reference·d) derivative, tested only where it says something. */
function derivativeMistake(m: Float64Array, r: Float64Array, derivatives: Derivatives): Diagnosis | null {
  const rScale = maxAbs(r);
  for (const { label, values } of derivatives) {
    const d = values.data;
    // Where d or the reference is negligible both patterns hold for any mine: some entry must test it.
    const dScale = maxAbs(d);
    let informative = false;
    for (let i = 0; i < d.length && !informative; i++) informative = Math.abs(d[i]!) > DIAGNOSE_ATOL * dScale && Math.abs(r[i]!) > DIAGNOSE_ATOL * rScale;
    if (!informative) continue;
    if (fits(map(m, (v, i) => v * d[i]!), r)) {
      return { kind: 'missing-derivative', derivative: label, message: `missing ${label}: multiply by ${label} (mine × ${label} matches the reference)` };
    }
    if (fits(m, map(r, (v, i) => v * d[i]!))) {
      return { kind: 'doubled-derivative', derivative: label, message: `${label} applied twice: divide by ${label} once (mine / ${label} matches the reference)` };
    }
  }
  return null;
}

/** Mine zero (negligible) on every entry where it disagrees with the reference. */
function zerosMistake(m: Float64Array, r: Float64Array, shape: readonly number[]): Diagnosis | null {
  const mScale = maxAbs(m);
  const scale = Math.max(mScale, maxAbs(r));
  const tol = DIAGNOSE_ATOL * scale;
  if (mScale <= tol) return { kind: 'zeros', message: `all zero where the reference is not (its largest entry is ${fmtNumber(maxAbs(r))}): a term of the derivation is missing, or the gradient was never filled in` };
  const bad: number[] = [];
  for (let i = 0; i < m.length; i++) {
    const ok = Math.abs(m[i]! - r[i]!) <= DIAGNOSE_RTOL * Math.abs(r[i]!) + tol;
    if (ok) continue;
    if (Math.abs(m[i]!) > tol) return null;
    bad.push(i);
  }
  if (bad.length === 0) return null;
  return {
    kind: 'zeros',
    message: `zero at ${bad.length} of ${m.length} entries where the reference is not (within the block ${block(bad, shape)}); elsewhere it matches: a branch or term that reaches those entries is missing (a mask, a slice, a fan-out path)`,
  };
}

function sameShapeDiagnosis(mine: Tensor, ref: Tensor, ctx: DiagnoseContext): Diagnosis | null {
  const m = mine.data;
  const r = ref.data;
  if (!allFinite(m) || !allFinite(r) || fits(m, r)) return null;
  const shape = ref.shape;
  const rank = shape.length;
  if (rank >= 2 && sameShape([...shape].reverse(), shape) && fits(noGrad(() => transpose(plain(mine))).data, r)) {
    return { kind: 'transpose', message: `transposed (mine = transpose(reference)): transpose it${rank === 2 ? ', or swap the operands of the matmul that made it (A·B → Bᵀ·Aᵀ)' : ''}` };
  }
  const zeros = zerosMistake(m, r, shape);
  if (zeros !== null) return zeros;
  // The least-squares ratio <m, r>/<r, r>; it is the ratio exactly when one exists.
  let mr = 0;
  let rr = 0;
  for (let i = 0; i < m.length; i++) {
    mr += m[i]! * r[i]!;
    rr += r[i]! * r[i]!;
  }
  const c = rr > 0 ? mr / rr : NaN;
  const constant = Number.isFinite(c) && c !== 0 && !near(c, 1) && fits(m, map(r, (v) => c * v));
  if (constant) {
    const named = namedFactor(c, ctx.batch);
    if (named !== null) return named;
  }
  const derivative = derivativeMistake(m, r, ctx.derivatives ?? []);
  if (derivative !== null) return derivative;
  return constant ? otherFactor(c) : null;
}

function otherShapeDiagnosis(mine: Tensor, ref: Tensor, ctx: DiagnoseContext): Diagnosis {
  const ms = mine.shape;
  const rs = ref.shape;
  const shapes = `mine has shape ${fmtShape(ms)}, the reference ${fmtShape(rs)}`;
  const finite = allFinite(mine.data) && allFinite(ref.data);
  if (finite && ms.length >= 2 && sameShape([...ms].reverse(), rs) && fits(noGrad(() => transpose(plain(mine))).data, ref.data)) {
    return { kind: 'transpose', message: `transposed (${shapes}, and transpose(mine) matches it): transpose it${ms.length === 2 ? ', or swap the operands of the matmul that made it (A·B → Bᵀ·Aᵀ)' : ''}` };
  }
  // A broadcast left unsummed: rs aligns with the end of ms, each axis equal or 1 (what sumTo undoes).
  const lead = ms.length - rs.length;
  const reducible = lead >= 0 && rs.every((d, i) => d === ms[lead + i] || d === 1);
  if (finite && reducible) {
    const axes = ms.map((_, i) => i).filter((i) => i < lead || (rs[i - lead] === 1 && ms[i] !== 1));
    if (fits(noGrad(() => sumTo(plain(mine), rs)).data, ref.data)) {
      const batchAxis = ctx.batch !== undefined && axes.length === 1 && ms[axes[0]!] === ctx.batch ? ` (the batch axis, size N = ${ctx.batch})` : '';
      const how = lead === axes.length ? `sum(mine, ${axes.length === 1 ? axes[0] : `[${axes.join(', ')}]`})` : `sumTo(mine, ${fmtShape(rs)})`;
      return {
        kind: 'unsummed-broadcast',
        axes,
        message: `a broadcast left unsummed (${shapes}): sum over ${axes.length === 1 ? 'axis' : 'axes'} ${axes.join(', ')}${batchAxis}: ${how}; a value broadcast in the forward pass collects the gradient of every copy`,
      };
    }
  }
  if (finite && mine.size === ref.size && fits(mine.data, ref.data)) {
    return { kind: 'shape', message: `${shapes}, with the same values in order: reshape it to ${fmtShape(rs)}` };
  }
  return { kind: 'shape', message: `${shapes}, and no known mistake explains the difference (not a transpose, nor a broadcast to sum): check the shapes of the derivation step by step` };
}

/** `ctx` checked at run time (its type is what a typed caller passes; a JavaScript caller may pass anything). */
function checkContext(given: DiagnoseContext | undefined, ref: Tensor): DiagnoseContext {
  checkOptions('diagnose', given, ['batch', 'derivatives']);
  if (given === undefined) return {};
  const out: { batch?: number; derivatives?: Derivatives } = {};
  if (given.batch !== undefined) out.batch = intArg('diagnose', 'batch', given.batch, 1);
  if (given.derivatives !== undefined) {
    const list: unknown = given.derivatives;
    if (!Array.isArray(list)) throw new ArgumentError(`diagnose: derivatives must be an array of { label, values }, got ${describeValue(list)}`);
    const checked = list.map((d: unknown, i): { label: string; values: Tensor } => {
      if (d === null || typeof d !== 'object' || !('label' in d) || !('values' in d) || !Object.hasOwn(d, 'label') || !Object.hasOwn(d, 'values')) {
        throw new ArgumentError(`diagnose: derivatives[${i}] must be an object { label, values }, got ${describeValue(d)}`);
      }
      const { label, values } = d;
      if (typeof label !== 'string') throw new ArgumentError(`diagnose: derivatives[${i}].label must be a string such as "tanh'(z)", got ${describeValue(label)}`);
      if (!(values instanceof Tensor)) throw new ArgumentError(`diagnose: derivatives[${i}].values must be a Tensor, got ${describeValue(values)}`);
      if (!sameShape(values.shape, ref.shape)) {
        throw new ShapeError(`diagnose: derivatives[${i}] ('${label}') has shape ${fmtShape(values.shape)} but the reference gradient has shape ${fmtShape(ref.shape)}; give each local derivative at the value's own shape`);
      }
      return { label, values };
    });
    out.derivatives = checked;
  }
  return out;
}

/**
 * Why `mine` (a hand-derived gradient) differs from `reference` (the tape's), or null when
 * no known pattern fits. Tried in this order, on tensors of one shape: equal up to rounding
 * (null), transposed (a square or shape-palindromic value), zero where the reference is not
 * (`'zeros'`: all of mine, or every entry that disagrees), a named constant ratio (`-1` →
 * `'sign'`; `N`, `1/N` with N = `ctx.batch`; `2`, `1/2` → `'factor'`), a missing or doubled
 * derivative from `ctx.derivatives` (mine·f' ≈ reference, or mine ≈ reference·f'), any other
 * constant ratio (`'factor'`, its value reported). On tensors of different shapes: transposed
 * (shape reversed), a broadcast left unsummed (`sumTo(mine, reference.shape)` ≈ reference; the
 * axes are given), else `'shape'`. "≈" is |a − b| ≤ 1e-6·|b| + 1e-9·(largest magnitude); see
 * the module comment for why. The factor reported is mine/reference.
 * @param mine any shape: the gradient as derived by hand
 * @param reference any shape: the gradient the tape computed (the truth)
 * @param ctx `batch` (an integer >= 1) to name 1/N; `derivatives`, each `{ label, values }` with
 *   `values` shaped like `reference`, to recognise a missing or doubled activation derivative
 * @returns the mistake's kind, a message saying the fix in words, and `factor` / `derivative` /
 *   `axes` where they apply; null when the two agree or no pattern fits
 * @throws ArgumentError for a non-Tensor, a bad option or a malformed derivative; ShapeError
 *   when a derivative is not shaped like the reference.
 * @example
 * diagnose(mul(g, 32), g, { batch: 32 })?.message
 * // "missing factor 1/N (N = 32, the batch size): divide by N"
 * @group Checking
 */
export function diagnose(mine: Tensor, reference: Tensor, ctx?: DiagnoseContext): Diagnosis | null {
  if (!(mine instanceof Tensor)) throw new ArgumentError(`diagnose: mine must be a Tensor (your gradient), got ${describeValue(mine)}`);
  if (!(reference instanceof Tensor)) throw new ArgumentError(`diagnose: reference must be a Tensor (the tape's gradient), got ${describeValue(reference)}`);
  const c = checkContext(ctx, reference);
  return sameShape(mine.shape, reference.shape) ? sameShapeDiagnosis(mine, reference, c) : otherShapeDiagnosis(mine, reference, c);
}

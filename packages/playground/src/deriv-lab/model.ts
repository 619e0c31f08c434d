/**
 * The derivative lab's computation for an activation, DOM-free: f, your f' and the tape's f'
 * at the sample points, and nn's `checkActivation` verdict on where your f' disagrees with the
 * tape. (A loss is in loss-model.ts, on the same helpers.)
 */
import { type Expr, type Tensor, evaluateExpr, grad, parseExpr, sum, tensor, TapegradError, variablesOf } from '@tapegrad/core';
import { type Activation, type ActivationCheck, checkActivation } from '@tapegrad/nn';
import { CustomExprError, customActivation } from '../custom.js';
import { ATOL, RTOL, verdictOf, type Run, type Verdict } from './report.js';
import { parseRange, samplePoints, type DerivState, type Mode } from './state.js';

export { ATOL, RTOL } from './report.js';

/** What went wrong with each input; the view shows each message under its own input. */
export interface InputErrors {
  readonly f?: string;
  readonly df?: string;
  readonly range?: string;
  readonly y?: string;
}

/** A function, both derivatives and the check at the sample points: what the plot and panels show. */
export interface Curves {
  readonly mode: Mode;
  /** The range, as parsed. */
  readonly lo: number;
  readonly hi: number;
  /** The sample points `[n]` (of z, or of a for a loss), increasing. */
  readonly z: Float64Array;
  /** f(z) (or L(a, y)) `[n]`. */
  readonly f: Float64Array;
  /** Your derivative `[n]`. */
  readonly mine: Float64Array;
  /** The tape's derivative `[n]`: the gradient of Σ f with respect to the points. */
  readonly tape: Float64Array;
  /** 1 where the check fails at z[i]. */
  readonly flagged: Uint8Array;
  /** The runs of failing points, sorted. */
  readonly ranges: readonly Run[];
  /** The point with the largest error relative to the tolerance (`ratio` > 1 fails). */
  readonly worst: { readonly x: number; readonly mine: number; readonly tape: number; readonly ratio: number };
  readonly verdict: Verdict;
}

/** An activation's curves, with nn's check itself. */
export interface ActCurves extends Curves {
  readonly check: ActivationCheck;
}

export type Analysis<C extends Curves> = { readonly ok: true; readonly curves: C } | { readonly ok: false; readonly errors: InputErrors };

/** The message of a library error (typed errors carry readable ones, with a caret for expressions); anything else is a bug and is re-thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof TapegradError) return err.message;
  throw err;
}

/** Parses `source` (so a syntax error in each input is shown at once); its message when it does not parse. */
export function compile(source: string, what: string, example: string): Expr | string {
  if (source.trim() === '') return `${what} is empty: type an expression, e.g. ${example}`;
  try {
    return parseExpr(source);
  } catch (err) {
    return messageOf(err);
  }
}

/** A `[n]` array from `t`, a scalar being repeated (`1` is the derivative of z). */
export function perPoint(t: Tensor, n: number): Float64Array | null {
  if (t.size === 1 && t.shape.length <= 1) return new Float64Array(n).fill(t.data[0]!);
  if (t.shape.length === 1 && t.shape[0] === n) return Float64Array.from(t.data);
  return null;
}

/** The points of `ranges`: 1 at z[i] when it lies in a run (the runs are of sorted failing sample points). */
function flagsOf(z: Float64Array, ranges: readonly Run[]): Uint8Array {
  const out = new Uint8Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (ranges.some((r) => r.from <= v && v <= r.to)) out[i] = 1;
  }
  return out;
}

/** `customActivation` of the two texts (what the network lab builds from them), or a message for the input it rejects. */
function activationOf(f: string, df: string): Activation | InputErrors {
  try {
    return customActivation(f, df);
  } catch (err) {
    if (err instanceof CustomExprError) return err.part === 'f' ? { f: err.message } : { df: err.message };
    return { df: messageOf(err) };
  }
}

/** f at `z` (`[n]`), as a tensor; on the tape when called inside `grad`. */
function applyF(source: string, tree: Expr, z: Tensor): Tensor {
  return evaluateExpr(source, tree, new Map([['z', z]]));
}

/**
 * Evaluates the lab for an activation: f at the sample points of the range; the tape's f' as
 * the gradient of Σ f(z) with respect to z (f is elementwise, so ∂(Σ_j f(z_j))/∂z_i = f'(z_i):
 * one tape for all the points); your f' with `a` bound to f(z); and `checkActivation` on the
 * activation the network lab would build from the same two strings, probed at the same points.
 * @returns the curves, or a message per input that cannot be used (syntax errors with their caret)
 * @example analyse({ ...DEFAULT_STATE, f: 'tanh(z)', df: '1 - a^2' }) // ok, check.ok === true
 */
export function analyse(s: DerivState): Analysis<ActCurves> {
  const range = parseRange(s.lo, s.hi);
  const fTree = compile(s.f, 'f', 'tanh(z)');
  const dfTree = compile(s.df, "f'", '1 - a^2');
  const errors: { f?: string; df?: string; range?: string } = {};
  if (!range.ok) errors.range = range.error;
  if (typeof fTree === 'string') errors.f = fTree;
  else if (variablesOf(fTree).length === 0) errors.f = 'f must use z (a constant f has nothing to differentiate)';
  if (typeof dfTree === 'string') errors.df = dfTree;
  if (!range.ok || typeof fTree === 'string' || typeof dfTree === 'string' || errors.f !== undefined) return { ok: false, errors };
  // Variables other than z (and a), and functions that mix entries, are the activation's to refuse.
  const act = activationOf(s.f, s.df);
  if (!('tape' in act)) return { ok: false, errors: act };
  const z = samplePoints(range.lo, range.hi);
  const n = z.length;
  const zt = tensor(z, [n]);
  let fz: Float64Array | null;
  let tape: Float64Array;
  let mine: Float64Array | null;
  try {
    fz = perPoint(applyF(s.f, fTree, zt), n);
    tape = grad((x: Tensor) => sum(applyF(s.f, fTree, x)))(zt).data;
  } catch (err) {
    return { ok: false, errors: { f: messageOf(err) } };
  }
  if (fz === null) return { ok: false, errors: { f: 'f must give one value per z (an elementwise function such as tanh(z))' } };
  try {
    mine = perPoint(evaluateExpr(s.df, dfTree, new Map([['z', zt], ['a', tensor(fz, [n])]])), n);
  } catch (err) {
    return { ok: false, errors: { df: messageOf(err) } };
  }
  if (mine === null) return { ok: false, errors: { df: "f' must give one value per z (elementwise, like f)" } };
  const check = checkActivation(act, { points: z, rtol: RTOL, atol: ATOL });
  const w = check.worst;
  const verdict = verdictOf({ ...check, what: "f'", x: 'z' });
  return {
    ok: true,
    curves: { mode: 'act', lo: range.lo, hi: range.hi, z, f: fz, mine, tape, check, flagged: flagsOf(z, check.ranges), ranges: check.ranges, worst: { x: w.z, mine: w.df, tape: w.tape, ratio: w.ratio }, verdict },
  };
}

/**
 * The derivative lab for a loss, DOM-free: one output's loss term L(a, y) at a fixed target y
 * over a range of predictions a, your ∂L/∂a, the tape's, and nn's `checkLoss` verdict.
 */
import { type Tensor, evaluateExpr, grad, sum, tensor } from '@tapegrad/core';
import { type LossCheck, type Loss, checkLoss } from '@tapegrad/nn';
import { CustomExprError, customLoss } from '../custom.js';
import { compile, messageOf, perPoint, type Analysis, type Curves, type InputErrors } from './model.js';
import { ATOL, RTOL, verdictOf, type Run } from './report.js';
import { parseBounded, parseRange, samplePoints, type DerivState } from './state.js';

/** A loss's curves, with nn's check itself and the target they are drawn at. */
export interface LossCurves extends Curves {
  readonly check: LossCheck;
  readonly y: number;
}

/**
 * Where mine and the tape's fail the check's rule, |mine − tape| > atol + rtol·max(|mine|, |tape|)
 * (equal values pass, a NaN or an unequal infinity fails): the per-point flags `checkLoss` counts
 * but does not list.
 */
export function failing(mine: Float64Array, tape: Float64Array, rtol = RTOL, atol = ATOL): Uint8Array {
  const out = new Uint8Array(mine.length);
  for (let i = 0; i < mine.length; i++) {
    const u = mine[i]!;
    const v = tape[i]!;
    if (u === v) continue;
    if (!Number.isFinite(u) || !Number.isFinite(v) || Math.abs(u - v) > atol + rtol * Math.max(Math.abs(u), Math.abs(v))) out[i] = 1;
  }
  return out;
}

/** The runs of consecutive flagged points of increasing `x`, as closed intervals. */
export function runsOf(x: Float64Array, flags: Uint8Array): Run[] {
  const out: Run[] = [];
  let start = -1;
  for (let i = 0; i <= x.length; i++) {
    if (i < x.length && flags[i] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push({ from: x[start]!, to: x[i - 1]! });
      start = -1;
    }
  }
  return out;
}

function lossOf(l: string, dl: string): Loss | InputErrors {
  try {
    return customLoss(l, dl);
  } catch (err) {
    if (err instanceof CustomExprError) return err.part === 'loss' ? { f: err.message } : { df: err.message };
    return { df: messageOf(err) };
  }
}

/**
 * Evaluates the lab for a loss: L(a, y) at the sample points a of the range and the typed
 * target y; the tape's ∂L/∂a as the gradient of Σ_i L(a_i, y) (each term reads only its own
 * a_i); your ∂L/∂a; and `checkLoss` on `customLoss(L, ∂L/∂a)` with the points as a batch of
 * one-output samples, `[n, 1]`.
 * @returns the curves, or a message per input that cannot be used
 */
export function analyseLoss(s: DerivState): Analysis<LossCurves> {
  const range = parseRange(s.lo, s.hi);
  const y = parseBounded(s.y, 'y');
  const lTree = compile(s.f, 'the loss', '(a - y)^2 / 2');
  const dlTree = compile(s.df, '∂L/∂a', 'a - y');
  const errors: { f?: string; df?: string; range?: string; y?: string } = {};
  if (!range.ok) errors.range = range.error;
  if (typeof y === 'string') errors.y = y;
  if (typeof lTree === 'string') errors.f = lTree;
  if (typeof dlTree === 'string') errors.df = dlTree;
  if (!range.ok || typeof y === 'string' || typeof lTree === 'string' || typeof dlTree === 'string') return { ok: false, errors };
  const loss = lossOf(s.f, s.df);
  if (!('tape' in loss)) return { ok: false, errors: loss };
  const a = samplePoints(range.lo, range.hi);
  const n = a.length;
  const yt = tensor(new Float64Array(n).fill(y), [n]);
  const at = (x: Tensor): Map<string, Tensor> => new Map([['a', x], ['y', yt]]);
  let f: Float64Array | null;
  let tape: Float64Array;
  let mine: Float64Array | null;
  try {
    f = perPoint(evaluateExpr(s.f, lTree, at(tensor(a, [n]))), n);
    tape = grad((x: Tensor) => sum(evaluateExpr(s.f, lTree, at(x))))(tensor(a, [n])).data;
  } catch (err) {
    return { ok: false, errors: { f: messageOf(err) } };
  }
  if (f === null) return { ok: false, errors: { f: 'the loss must give one value per a (an elementwise expression such as (a - y)^2)' } };
  try {
    mine = perPoint(evaluateExpr(s.df, dlTree, at(tensor(a, [n]))), n);
  } catch (err) {
    return { ok: false, errors: { df: messageOf(err) } };
  }
  if (mine === null) return { ok: false, errors: { df: '∂L/∂a must give one value per a (elementwise, like the loss)' } };
  let check: LossCheck;
  try {
    check = checkLoss(loss, tensor(a, [n, 1]), tensor(new Float64Array(n).fill(y), [n, 1]), { rtol: RTOL, atol: ATOL });
  } catch (err) {
    return { ok: false, errors: { f: messageOf(err) } };
  }
  const flagged = failing(mine, tape);
  const ranges = runsOf(a, flagged);
  const w = check.worst;
  const verdict = verdictOf({ ok: check.ok, failures: check.failures, points: check.entries, maxAbsError: check.maxAbsError, ranges, diagnosis: check.diagnosis, what: '∂L/∂a', x: 'a' });
  return { ok: true, curves: { mode: 'loss', lo: range.lo, hi: range.hi, z: a, f, mine, tape, flagged, ranges, worst: { x: w.a, mine: w.grad, tape: w.tape, ratio: w.ratio }, verdict, check, y } };
}

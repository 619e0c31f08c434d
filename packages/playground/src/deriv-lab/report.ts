/**
 * The check's verdict in words, and the plot's scales: DOM-free, so node tests cover them.
 */
import { fmtNumber, type Diagnosis } from '@tapegrad/core';

/** The tolerance of the checks (nn's defaults, passed explicitly so the page states the one used). */
export const RTOL = 1e-7;
export const ATOL = 1e-9;

/** A closed interval of sample points where a check fails. */
export interface Run {
  readonly from: number;
  readonly to: number;
}

/** What the page says about a check. */
export interface Verdict {
  readonly ok: boolean;
  /** One sentence: agrees everywhere, or at how many points it fails. */
  readonly headline: string;
  /** Where it fails (`z in [-3.99, -0.03] and z in [0.03, 3.99]`), null when it agrees. */
  readonly where: string | null;
  /** The known mistake, or a sentence saying none fits; null when it agrees. */
  readonly diagnosis: string | null;
  /** The tolerance rule, with its numbers. */
  readonly tolerance: string;
}

/** `x in [a, b]` or `x = a` per range, joined by `and`; past `max`, `and N more`. */
export function fmtRanges(ranges: readonly Run[], x = 'z', max = 4): string {
  const shown = ranges.slice(0, max).map((r) => (r.from === r.to ? `${x} = ${fmtNumber(r.from)}` : `${x} in [${fmtNumber(r.from)}, ${fmtNumber(r.to)}]`));
  const rest = ranges.length - max;
  return shown.join(' and ') + (rest > 0 ? ` and ${rest} more range${rest === 1 ? '' : 's'}` : '');
}

/** What a verdict is made from: a check's counts, its failing runs and its diagnosis. */
export interface CheckSummary {
  readonly ok: boolean;
  readonly failures: number;
  readonly points: number;
  readonly maxAbsError: number;
  readonly ranges: readonly Run[];
  readonly diagnosis: Diagnosis | null;
  /** How the page names your derivative (`f'`, `∂L/∂a`) and the variable (`z`, `a`). */
  readonly what: string;
  readonly x: string;
}

/**
 * The verdict on a check in the page's words.
 * @example verdictOf(summary).headline // "Your f' disagrees with the tape's at 398 of 400 points."
 */
export function verdictOf(c: CheckSummary): Verdict {
  const tolerance = `A point fails when |yours − tape| > ${ATOL} + ${RTOL}·max(|yours|, |tape|): both are exact to rounding (about 1e-15), so a larger gap is a wrong formula, not noise.`;
  if (c.ok) {
    return { ok: true, headline: `Your ${c.what} agrees with the tape's at all ${c.points} points (largest gap ${fmtNumber(c.maxAbsError)}).`, where: null, diagnosis: null, tolerance };
  }
  const diagnosis =
    c.diagnosis === null
      ? `No known mistake fits (a constant factor, a flipped sign${c.x === 'z' ? ", a missing or doubled f', a missing factor z or f(z)" : ''}): compare the curves.`
      : `Diagnosis: ${c.diagnosis.message}.`;
  return {
    ok: false,
    headline: `Your ${c.what} disagrees with the tape's at ${c.failures} of ${c.points} points.`,
    where: `Fails for ${fmtRanges(c.ranges, c.x)}.`,
    diagnosis,
    tolerance,
  };
}

/** A closed interval of plotted values. */
export interface Extent {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The y extent of the plot: all finite values, unless a few of them (a pole, as 1/z near 0)
 * would squash the rest, in which case the 1st to 99th percentile (the lines are clipped).
 * Padded by 6%; never empty.
 * @example yExtent([Float64Array.of(0, 1)]) // { lo: -0.06, hi: 1.06 }
 */
export function yExtent(series: readonly Float64Array[]): Extent {
  const vals: number[] = [];
  for (const s of series) for (const v of s) if (Number.isFinite(v)) vals.push(v);
  if (vals.length === 0) return { lo: -1, hi: 1 };
  vals.sort((a, b) => a - b);
  const q = (p: number): number => vals[Math.min(vals.length - 1, Math.max(0, Math.round(p * (vals.length - 1))))]!;
  let lo = vals[0]!;
  let hi = vals[vals.length - 1]!;
  const qlo = q(0.01);
  const qhi = q(0.99);
  if (hi - lo > 4 * (qhi - qlo) && qhi > qlo) [lo, hi] = [qlo, qhi];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(lo))) [lo, hi] = [lo - 1, hi + 1];
  const pad = 0.06 * (hi - lo);
  return { lo: lo - pad, hi: hi + pad };
}

/** The most ticks {@link niceTicks} returns; past it (only a degenerate range gets there) it returns none. */
export const MAX_TICKS = 1000;

/**
 * About `count` round tick values inside [lo, hi]: steps of 1, 2 or 5 × 10^k, the one nearest (on a log scale) to (hi − lo)/count.
 * The number of ticks is computed before the loop: when the step is not a positive finite
 * number, the tick indices are past exact integers (2^53), or there would be more than
 * {@link MAX_TICKS} of them (a range too narrow for its floats, as [1, 1 + 2^-52]), it returns [].
 * @example niceTicks(-4, 4, 8) // [-4, -3, ..., 4]
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const err = raw / mag;
  const step = mag * (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.SQRT2 ? 2 : 1);
  if (!Number.isFinite(step) || !(step > 0)) return [];
  const first = Math.ceil(lo / step);
  const last = Math.floor((hi + step * 1e-9) / step);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return [];
  const n = last - first + 1;
  if (n <= 0 || n > MAX_TICKS) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number(((first + i) * step).toPrecision(12)));
  return out;
}

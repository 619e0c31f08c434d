/**
 * The one definition of "worst" that `checkActivation`, `checkLoss` and `compareGradients` share:
 * an entry's error measured against its own tolerance, |mine − ref| / (atol + rtol·max(|mine|, |ref|)).
 * A ratio above 1 fails, so the worst entry is always a failing one when any fails (the largest
 * absolute error can sit at a point that passes, where the values are large). This module imports
 * nothing else from nn.
 */
import { fmtNumber } from '@tapegrad/core';

/**
 * |u − v| / (atol + rtol·max(|u|, |v|)): 0 for equal values (equal infinities included), Infinity for a
 * NaN or an unequal infinity on either side, or for any difference when the tolerance is 0.
 */
export function toleranceRatio(u: number, v: number, rtol: number, atol: number): number {
  if (u === v) return 0;
  if (!Number.isFinite(u) || !Number.isFinite(v)) return Infinity;
  const tol = atol + rtol * Math.max(Math.abs(u), Math.abs(v));
  const d = Math.abs(u - v);
  return tol > 0 ? d / tol : Infinity;
}

/** Entry-by-entry agreement of two equally long arrays under one tolerance rule. */
export interface Agreement {
  /** Entries whose ratio exceeds 1. */
  readonly failures: number;
  /** One flag per entry: 1 where it fails. */
  readonly failing: Uint8Array;
  /** Index of the largest ratio (the first one on ties; 0 when every entry agrees exactly). */
  readonly worst: number;
  /** The ratio at `worst`. */
  readonly worstRatio: number;
  /** max |u − v| (NaN counts as Infinity). */
  readonly maxAbs: number;
}

/** Compares `mine` with `ref` entry by entry with `toleranceRatio`. */
export function agreement(mine: Float64Array, ref: Float64Array, rtol: number, atol: number): Agreement {
  const failing = new Uint8Array(mine.length);
  let failures = 0;
  let worst = 0;
  let worstRatio = 0;
  let maxAbs = 0;
  for (let i = 0; i < mine.length; i++) {
    const u = mine[i]!;
    const v = ref[i]!;
    const r = toleranceRatio(u, v, rtol, atol);
    if (r > 1) {
      failing[i] = 1;
      failures++;
    }
    if (r > worstRatio) {
      worstRatio = r;
      worst = i;
    }
    const d = u === v ? 0 : Math.abs(u - v);
    if (!(d <= maxAbs)) maxAbs = d !== d ? Infinity : d;
  }
  return { failures, failing, worst, worstRatio, maxAbs };
}

/**
 * A closed interval of probe inputs.
 * @group Checking
 */
export interface ZRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The z ranges where a check fails: the probe points sorted by z, then each maximal run of
 * consecutive failing points as `[first z, last z]` (a passing probe point between two failing
 * ones splits the run). Repeated z count as one point that fails if any of its entries does.
 */
export function failingRanges(z: Float64Array, failing: Uint8Array): ZRange[] {
  const order = Array.from(z.keys()).sort((i, j) => z[i]! - z[j]!);
  const xs: number[] = [];
  const bad: boolean[] = [];
  for (const i of order) {
    const v = z[i]!;
    if (xs.length > 0 && xs[xs.length - 1] === v) bad[bad.length - 1] ||= failing[i] === 1;
    else {
      xs.push(v);
      bad.push(failing[i] === 1);
    }
  }
  const out: ZRange[] = [];
  let start = -1;
  for (let k = 0; k <= xs.length; k++) {
    if (k < xs.length && bad[k]!) {
      if (start < 0) start = k;
    } else if (start >= 0) {
      out.push({ from: xs[start]!, to: xs[k - 1]! });
      start = -1;
    }
  }
  return out;
}

/** `z in [0.31, 0.69]`, `z = 2`, several joined by ` and `; past `max` runs, `and N more ranges`. */
export function fmtRanges(ranges: readonly ZRange[], max = 4): string {
  const shown = ranges.slice(0, max).map((r) => (r.from === r.to ? `z = ${fmtNumber(r.from)}` : `z in [${fmtNumber(r.from)}, ${fmtNumber(r.to)}]`));
  const more = ranges.length > max ? ` and ${ranges.length - max} more range${ranges.length - max === 1 ? '' : 's'}` : '';
  return shown.join(' and ') + more;
}

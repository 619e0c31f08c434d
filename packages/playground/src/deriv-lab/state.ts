/**
 * The derivative lab's state and its address: the activation f(z), your derivative f'(z)
 * (which may read `a` = f(z)) and the plotted range. DOM-free, so node tests cover it.
 */

/** What the user sets; all of it is in the address, so a link reproduces the plot. */
export interface DerivState {
  /** f, an expression in z. */
  readonly f: string;
  /** Your f', an expression in z and a = f(z). */
  readonly df: string;
  /** The plotted (and checked) range of z, as typed (numbers are parsed by {@link parseRange}). */
  readonly lo: string;
  readonly hi: string;
  /** The z the readout shows, as typed in the address; '' for the default (the worst point, or the middle). */
  readonly at: string;
}

/** A ready-made pair to start from; `right` says whether df really is f's derivative. */
export interface Preset {
  readonly id: string;
  readonly label: string;
  readonly f: string;
  readonly df: string;
  readonly right: boolean;
}

/**
 * The presets. The first load shows the swish one, whose f' forgets the product rule: the
 * lab's point is the disagreement, so it starts with one on screen.
 */
export const PRESETS: readonly Preset[] = [
  { id: 'swish', label: "swish, f' missing the product rule", f: 'z * sigmoid(z)', df: 'sigmoid(z)', right: false },
  { id: 'tanh', label: 'tanh', f: 'tanh(z)', df: '1 - a^2', right: true },
  { id: 'sigmoid', label: 'sigmoid', f: 'sigmoid(z)', df: 'a * (1 - a)', right: true },
  { id: 'softplus', label: 'softplus', f: 'softplus(z)', df: 'sigmoid(z)', right: true },
  { id: 'swish-right', label: 'swish, right', f: 'z * sigmoid(z)', df: 'a + sigmoid(z) * (1 - a)', right: true },
  { id: 'tanh-z', label: "tanh, f' with z for a", f: 'tanh(z)', df: '1 - z^2', right: false },
  { id: 'square-half', label: "z², f' missing the 2", f: 'z^2', df: 'z', right: false },
  { id: 'cube-z', label: "z³/3, f' missing a z", f: 'z^3 / 3', df: 'z', right: false },
  { id: 'tanh-sign', label: "tanh, f' with the sign flipped", f: 'tanh(z)', df: 'a^2 - 1', right: false },
];

const FIRST = PRESETS[0]!;

/** The state of a first visit. */
export const DEFAULT_STATE: DerivState = { f: FIRST.f, df: FIRST.df, lo: '-4', hi: '4', at: '' };

/** The address parameter names: the same `f`/`df` the network lab's `af`/`adf` take over. */
const KEYS = ['f', 'df', 'lo', 'hi', 'at'] as const;

/**
 * Reads the state from the view's address parameters; a missing parameter takes its default.
 * @example stateFromParams(new URLSearchParams('f=tanh(z)&df=1-a^2')).lo // '-4'
 */
export function stateFromParams(p: URLSearchParams): DerivState {
  const get = (k: (typeof KEYS)[number]): string => p.get(k) ?? DEFAULT_STATE[k];
  return { f: get('f'), df: get('df'), lo: get('lo'), hi: get('hi'), at: get('at') };
}

/** Writes the state as address parameters, always in the order f, df, lo, hi, at (`at` only when set). */
export function paramsFromState(s: DerivState): URLSearchParams {
  return new URLSearchParams(KEYS.filter((k) => k !== 'at' || s.at !== '').map((k) => [k, s[k]]));
}

/**
 * The sample the readout shows: the one nearest to `at` when it is a number, else the worst
 * failing point (`worst`), else the middle one.
 * @param z the sample points, increasing
 */
export function readoutIndex(z: Float64Array, at: string, worst: number | null): number {
  const v = at.trim() === '' ? NaN : Number(at);
  const target = Number.isFinite(v) ? v : worst;
  if (target === null) return Math.floor(z.length / 2);
  let best = 0;
  for (let i = 1; i < z.length; i++) if (Math.abs(z[i]! - target) < Math.abs(z[best]! - target)) best = i;
  return best;
}

/** The preset whose f and df are exactly these, if any (so the menu shows what is loaded). */
export function presetOf(s: DerivState): Preset | undefined {
  return PRESETS.find((p) => p.f === s.f && p.df === s.df);
}

/** The largest |z| the range may reach: beyond it exp and friends overflow and the plot says nothing. */
export const MAX_RANGE = 1e4;

/** A parsed range, or why the typed one is unusable. */
export type RangeResult = { readonly ok: true; readonly lo: number; readonly hi: number } | { readonly ok: false; readonly error: string };

/**
 * Parses the typed range: two finite numbers with lo < hi, each within ±{@link MAX_RANGE}.
 * @example parseRange('-4', '4') // { ok: true, lo: -4, hi: 4 }
 */
export function parseRange(loText: string, hiText: string): RangeResult {
  const num = (t: string, name: string): number | string => {
    const v = t.trim() === '' ? NaN : Number(t);
    if (!Number.isFinite(v)) return `${name} must be a number, got '${t}'`;
    if (Math.abs(v) > MAX_RANGE) return `${name} must be within ±${MAX_RANGE}, got ${v}`;
    return v;
  };
  const lo = num(loText, 'from');
  if (typeof lo === 'string') return { ok: false, error: lo };
  const hi = num(hiText, 'to');
  if (typeof hi === 'string') return { ok: false, error: hi };
  if (!(lo < hi)) return { ok: false, error: `the range needs from < to, got from ${lo}, to ${hi}` };
  return { ok: true, lo, hi };
}

/** Sample points per plot: one tape evaluates f and f' at all of them at once. */
export const SAMPLES = 400;

/**
 * The sample points: the midpoints of `n` equal cells of [lo, hi], so neither end nor (for a
 * range symmetric about 0 and an even n) z = 0 is a sample: a kink there (relu, abs) has a
 * one-sided tape derivative that no hand formula is obliged to match.
 * @returns `[n]` points, increasing
 * @example samplePoints(-1, 1, 4) // [-0.75, -0.25, 0.25, 0.75]
 */
export function samplePoints(lo: number, hi: number, n = SAMPLES): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = lo + ((hi - lo) * (i + 0.5)) / n;
  return z;
}

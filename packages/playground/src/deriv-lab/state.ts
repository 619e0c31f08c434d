/**
 * The derivative lab's state and its address: the activation f(z), your derivative f'(z)
 * (which may read `a` = f(z)) and the plotted range. DOM-free, so node tests cover it.
 */

/** What the lab checks: an activation f(z) and its f', or a loss L(a, y) and its ∂L/∂a. */
export type Mode = 'act' | 'loss';

/** What the user sets; all of it is in the address, so a link reproduces the plot. */
export interface DerivState {
  readonly mode: Mode;
  /** f, an expression in z; in loss mode the loss L, an expression in a and y. */
  readonly f: string;
  /** Your f', an expression in z and a = f(z); in loss mode your ∂L/∂a, in a and y. */
  readonly df: string;
  /** The plotted (and checked) range of z (of a for a loss), as typed (parsed by {@link parseRange}). */
  readonly lo: string;
  readonly hi: string;
  /** The target y a loss is plotted at, as typed; unused for an activation. */
  readonly y: string;
  /** The z (or a) the readout shows, as typed in the address; '' for the default (the worst point, or the middle). */
  readonly at: string;
}

/** A ready-made pair to start from; `right` says whether df really is f's derivative. */
export interface Preset {
  readonly id: string;
  readonly label: string;
  readonly f: string;
  readonly df: string;
  readonly right: boolean;
  /** The range (and for a loss the target) it is best seen at. */
  readonly lo: string;
  readonly hi: string;
  readonly y: string;
}

const act = (id: string, label: string, f: string, df: string, right: boolean): Preset => ({ id, label, f, df, right, lo: '-4', hi: '4', y: '1' });

/**
 * The activation presets. The first load shows the swish one, whose f' forgets the product
 * rule: the lab's point is the disagreement, so it starts with one on screen.
 */
export const PRESETS: readonly Preset[] = [
  act('swish', "swish, f' missing the product rule", 'z * sigmoid(z)', 'sigmoid(z)', false),
  act('tanh', 'tanh', 'tanh(z)', '1 - a^2', true),
  act('sigmoid', 'sigmoid', 'sigmoid(z)', 'a * (1 - a)', true),
  act('softplus', 'softplus', 'softplus(z)', 'sigmoid(z)', true),
  act('swish-right', 'swish, right', 'z * sigmoid(z)', 'a + sigmoid(z) * (1 - a)', true),
  act('tanh-z', "tanh, f' with z for a", 'tanh(z)', '1 - z^2', false),
  act('square-half', "z², f' missing the 2", 'z^2', 'z', false),
  act('cube-z', "z³/3, f' missing a z", 'z^3 / 3', 'z', false),
  act('tanh-sign', "tanh, f' with the sign flipped", 'tanh(z)', 'a^2 - 1', false),
];

const BCE = '-(y*log(a) + (1 - y)*log(1 - a))';

/** The loss presets (one output's term L(a, y) and ∂L/∂a); the first forgets the 2 of the square. */
export const LOSS_PRESETS: readonly Preset[] = [
  { id: 'sq-2', label: '(a − y)², ∂L/∂a missing the 2', f: '(a - y)^2', df: 'a - y', right: false, lo: '-3', hi: '5', y: '1' },
  { id: 'sq', label: 'squared error / 2', f: '(a - y)^2 / 2', df: 'a - y', right: true, lo: '-3', hi: '5', y: '1' },
  { id: 'bce-logit', label: "cross-entropy, the logit's a − y", f: BCE, df: 'a - y', right: false, lo: '0.02', hi: '0.98', y: '1' },
  { id: 'bce', label: 'cross-entropy on a probability', f: BCE, df: '(a - y) / (a * (1 - a))', right: true, lo: '0.02', hi: '0.98', y: '1' },
  { id: 'pseudo-huber', label: 'pseudo-Huber', f: 'sqrt(1 + (a - y)^2) - 1', df: '(a - y) / sqrt(1 + (a - y)^2)', right: true, lo: '-3', hi: '5', y: '1' },
  { id: 'abs-sign', label: '|a − y|, ∂L/∂a with the sign flipped', f: 'abs(a - y)', df: '(y - a) / abs(a - y)', right: false, lo: '-3', hi: '5', y: '1' },
];

/** The presets of a mode. */
export function presetsOf(mode: Mode): readonly Preset[] {
  return mode === 'loss' ? LOSS_PRESETS : PRESETS;
}

/** The state a preset loads (the readout point left to its default). */
export function stateOfPreset(mode: Mode, p: Preset): DerivState {
  return { mode, f: p.f, df: p.df, lo: p.lo, hi: p.hi, y: p.y, at: '' };
}

/** The state of a first visit to a mode: its first preset. */
export function defaultState(mode: Mode): DerivState {
  return stateOfPreset(mode, presetsOf(mode)[0]!);
}

/** The state of a first visit. */
export const DEFAULT_STATE: DerivState = defaultState('act');

/**
 * Reads the state from the view's address parameters; a missing parameter takes its mode's default.
 * @example stateFromParams(new URLSearchParams('f=tanh(z)&df=1-a^2')).lo // '-4'
 */
export function stateFromParams(p: URLSearchParams): DerivState {
  const mode: Mode = p.get('mode') === 'loss' ? 'loss' : 'act';
  const d = defaultState(mode);
  const get = (k: 'f' | 'df' | 'lo' | 'hi' | 'y' | 'at'): string => p.get(k) ?? d[k];
  return { mode, f: get('f'), df: get('df'), lo: get('lo'), hi: get('hi'), y: mode === 'loss' ? get('y') : d.y, at: get('at') };
}

/**
 * Writes the state as address parameters: `mode=loss` first for a loss, then f, df, lo, hi,
 * y (a loss only) and at (when set). An activation's f and df are the names the network lab's
 * `af`/`adf` take over.
 */
export function paramsFromState(s: DerivState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.mode === 'loss') p.set('mode', 'loss');
  p.set('f', s.f);
  p.set('df', s.df);
  p.set('lo', s.lo);
  p.set('hi', s.hi);
  if (s.mode === 'loss') p.set('y', s.y);
  if (s.at !== '') p.set('at', s.at);
  return p;
}

/** The preset of the state's mode whose f and df are exactly these, if any (so the menu shows what is loaded). */
export function presetOf(s: DerivState): Preset | undefined {
  return presetsOf(s.mode).find((p) => p.f === s.f && p.df === s.df);
}

/** The largest |z| the range may reach: beyond it exp and friends overflow and the plot says nothing. */
export const MAX_RANGE = 1e4;

/** A parsed range, or why the typed one is unusable. */
export type RangeResult = { readonly ok: true; readonly lo: number; readonly hi: number } | { readonly ok: false; readonly error: string };

/** A finite number within ±MAX_RANGE, or why `t` is not one. */
export function parseBounded(t: string, name: string): number | string {
  const v = t.trim() === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) return `${name} must be a number, got '${t}'`;
  if (Math.abs(v) > MAX_RANGE) return `${name} must be within ±${MAX_RANGE}, got ${v}`;
  return v;
}

/**
 * The narrowest range, relative to the size of its ends: below it the 400 sample points
 * would be a handful of repeated floats (and the axis has no room for a tick step).
 */
export const MIN_RELATIVE_WIDTH = 1e-9;

/**
 * Parses the typed range: two finite numbers, each within ±{@link MAX_RANGE} (so the span is
 * at most 2·MAX_RANGE), with to − from ≥ {@link MIN_RELATIVE_WIDTH}·max(1, |from|, |to|).
 * @example parseRange('-4', '4') // { ok: true, lo: -4, hi: 4 }
 * @example parseRange('1', '1.0000000000000002').ok // false: too narrow
 */
export function parseRange(loText: string, hiText: string): RangeResult {
  const lo = parseBounded(loText, 'from');
  if (typeof lo === 'string') return { ok: false, error: lo };
  const hi = parseBounded(hiText, 'to');
  if (typeof hi === 'string') return { ok: false, error: hi };
  if (!(lo < hi)) return { ok: false, error: `the range needs from < to, got from ${lo}, to ${hi}` };
  const minWidth = MIN_RELATIVE_WIDTH * Math.max(1, Math.abs(lo), Math.abs(hi));
  if (!(hi - lo >= minWidth)) return { ok: false, error: `the range from ${lo} to ${hi} is too narrow: to − from must be at least ${Number(minWidth.toPrecision(3))}` };
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

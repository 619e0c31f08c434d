/**
 * Terminal rendering: aligned tables, a loss curve plot, a progress bar. Plain strings,
 * no terminal library, so output is the same in a pipe, a test and a terminal.
 */
import { fmtNumber, formatTable } from '@tapegrad/core';

/** Formats a number for tables: fixed-point when readable, exponent otherwise. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : v.toFixed(digits);
}

/** An error magnitude: always exponent form, so columns of errors line up. */
export function fmtErr(v: number): string {
  return v === 0 ? '0' : Number.isFinite(v) ? v.toExponential(1) : String(v);
}

export { fmtNumber };

/**
 * Renders rows as an aligned table under a `─` rule: core's `formatTable`, with the rule
 * every CLI table (and `graph --format table`) uses.
 * @param head column titles @param rows cells as strings @param right indices of right-aligned (numeric) columns
 * @returns the table, lines joined with newlines
 * @example table(['a', 'n'], [['x', '1']], [1])
 * @group Rendering
 */
export function table(head: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  return formatTable(head, rows, { right, rule: '─' });
}

/**
 * A line plot of `ys` (index = x) on a character grid: y-axis labels on the left, one
 * column per x bucket (the mean of the values falling into it), a dot per column and
 * vertical strokes joining consecutive columns, so steep drops stay visible.
 * @param ys the series, e.g. the loss per epoch
 * @param opts plot area width and height in characters (defaults 60 × 12); `scale` 'log'
 *   (or 'auto': log when all values are positive and span a decade or more)
 * @returns the plot, lines joined with newlines
 * @example plotSeries(history, { width: 40, height: 8, xLabel: 'epoch', scale: 'auto' })
 * @group Rendering
 */
export function plotSeries(ys: readonly number[], opts: { width?: number; height?: number; xLabel?: string; scale?: 'linear' | 'log' | 'auto' } = {}): string {
  const finite = ys.filter(Number.isFinite);
  if (finite.length === 0) return '(nothing to plot)';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  // A loss usually falls by orders of magnitude: on a log axis the late epochs stay visible.
  const log = lo > 0 && (opts.scale === 'log' || (opts.scale === 'auto' && hi / lo >= 10));
  const tf = log ? Math.log10 : (v: number): number => v;
  const untf = log ? (v: number): number => 10 ** v : (v: number): number => v;
  const width = Math.max(8, Math.min(opts.width ?? 60, Math.max(ys.length, 8)));
  const height = Math.max(3, opts.height ?? 12);
  const cols: number[] = [];
  for (let c = 0; c < width; c++) {
    const lo = Math.floor((c * ys.length) / width);
    const hi = Math.max(lo + 1, Math.floor(((c + 1) * ys.length) / width));
    let s = 0;
    let k = 0;
    for (let i = lo; i < hi && i < ys.length; i++) if (Number.isFinite(ys[i]!)) (s += ys[i]!), k++;
    cols.push(k > 0 ? s / k : Number.NaN);
  }
  const min = tf(lo);
  const max = tf(hi);
  const span = max - min || 1;
  const rowOf = (v: number): number => Math.round(((max - tf(v)) / span) * (height - 1));
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  let prev: number | null = null;
  cols.forEach((v, c) => {
    if (!Number.isFinite(v)) return;
    const r = rowOf(v);
    if (prev !== null) for (let k = Math.min(prev, r) + 1; k < Math.max(prev, r); k++) grid[k]![c] = '│';
    grid[r]![c] = '•';
    prev = r;
  });
  const mid = Math.floor((height - 1) / 2);
  const labels = grid.map((_, r) => (r === 0 ? fmt(hi) : r === height - 1 ? fmt(lo) : r === mid ? fmt(untf(max - (span * mid) / (height - 1))) : ''));
  const lw = Math.max(...labels.map((l) => l.length));
  const lines = grid.map((row, r) => `${labels[r]!.padStart(lw)} ┤${row.join('')}`);
  const xl = `${opts.xLabel ?? ''}${log ? ' · y axis on a log scale' : ''}`.trim();
  const axis = `${' '.repeat(lw)} └${'─'.repeat(width)}`;
  const ticks = `${' '.repeat(lw + 2)}1${String(ys.length).padStart(width - 1)}`;
  return [...lines, axis, xl === '' ? ticks : `${ticks}  ${xl}`].join('\n');
}

/**
 * A one-line progress bar.
 * @param done steps finished @param total all steps @param width bar width in characters
 * @example progressBar(5, 10, 10) // '[█████░░░░░]  5/10'
 * @internal
 */
export function progressBar(done: number, total: number, width = 28): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const full = Math.round(frac * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(done).padStart(String(total).length)}/${total}`;
}

/**
 * From a parsed CSV to training arrays: numeric features, a target column one-hot
 * encoded (classification) or standardised (regression), seeded splits.
 */
import { Rng } from '@tapegrad/core';
import { CsvError, DataError } from './errors.js';
import { type CsvTable } from './csv.js';

/** Most distinct integer values a numeric target may have and still count as class labels under `task: 'auto'`. */
export const MAX_AUTO_CLASSES = 10;

export type Task = 'classification' | 'regression';

/** Features and targets, row-major, one sample per row. */
export interface Dataset {
  readonly n: number;
  readonly features: readonly string[];
  readonly target: string;
  readonly task: Task;
  /** X: [n, features.length] */
  readonly X: Float64Array;
  /** Y: [n, outputs]: one-hot rows for classification, the raw target for regression. */
  readonly Y: Float64Array;
  readonly outputs: number;
  /** Class labels in one-hot column order (classification only). */
  readonly classes: readonly string[] | null;
  /** The line each sample came from, for messages. */
  readonly lines: readonly number[];
}

/**
 * Decides the task for a target column. Rule (documented in `tapegrad train --help`):
 * a column with any non-numeric value holds class labels; a numeric column whose values
 * are all integers with at most MAX_AUTO_CLASSES distinct values also holds class labels;
 * any other numeric column is a regression target.
 * @param values the target column's cells
 * @returns 'classification' or 'regression'
 * @example inferTask(['0', '1', '1']) // 'classification'; inferTask(['0.5', '2']) // 'regression'
 */
export function inferTask(values: readonly string[]): Task {
  const distinct = new Set<number>();
  for (const v of values) {
    const x = parseNumber(v);
    if (x === null) return 'classification';
    if (!Number.isInteger(x)) return 'regression';
    distinct.add(x);
  }
  return distinct.size <= MAX_AUTO_CLASSES ? 'classification' : 'regression';
}

/**
 * A CSV cell as a finite number, or null for anything else (empty cells, NaN, Infinity, text).
 * @example parseNumber(' 2.5 ') // 2.5; parseNumber('n/a') // null
 */
export function parseNumber(cell: string): number | null {
  const s = cell.trim();
  if (s === '') return null;
  const x = Number(s);
  return Number.isFinite(x) ? x : null;
}

/**
 * Builds a dataset from a CSV table. Every column except the target is a feature and
 * must be numeric.
 * @param opts `target` names the column; `task` 'auto' applies `inferTask`
 * @returns X: [n, features], Y: [n, classes] one-hot or [n, 1] raw
 * @throws CsvError naming the line and column of a non-numeric feature cell or (for
 *   regression) target cell; DataError when the target column is missing, the table has no
 *   feature column, or a classification target has a single class.
 */
export function buildDataset(table: CsvTable, opts: { target: string; task: Task | 'auto' }): Dataset {
  const { file, header, rows } = table;
  const t = header.indexOf(opts.target);
  if (t < 0) {
    throw new DataError(`${file}: no column named '${opts.target}' in the header (columns: ${header.join(', ')}); pass --target with one of them`);
  }
  if (header.length < 2) throw new DataError(`${file}: the only column is the target '${opts.target}'; add at least one numeric feature column`);
  const features = header.filter((_, i) => i !== t);
  const n = rows.length;
  const f = features.length;
  const X = new Float64Array(n * f);
  rows.forEach((r, i) => {
    let k = 0;
    r.cells.forEach((cell, c) => {
      if (c === t) return;
      const x = parseNumber(cell);
      if (x === null) {
        const shown = cell.trim() === '' ? 'an empty cell' : `'${cell}'`;
        throw new CsvError(file, r.line, c + 1, `${shown} in feature column '${header[c]}' is not a number; feature columns must be numeric (only the target column '${opts.target}' may hold class labels)`);
      }
      X[i * f + k++] = x;
    });
  });
  const raw = rows.map((r) => r.cells[t]!.trim());
  const task = opts.task === 'auto' ? inferTask(raw) : opts.task;
  const lines = rows.map((r) => r.line);
  if (task === 'regression') {
    const Y = new Float64Array(n);
    raw.forEach((cell, i) => {
      const y = parseNumber(cell);
      if (y === null) {
        throw new CsvError(file, rows[i]!.line, t + 1, `'${cell}' in target column '${opts.target}' is not a number; a regression target must be numeric (use --task classification for class labels)`);
      }
      Y[i] = y;
    });
    return { n, features, target: opts.target, task, X, Y, outputs: 1, classes: null, lines };
  }
  raw.forEach((cell, i) => {
    if (cell === '') throw new CsvError(file, rows[i]!.line, t + 1, `empty cell in target column '${opts.target}'; every row needs a class label`);
  });
  const classes = [...new Set(raw)].sort(compareLabels);
  if (classes.length < 2) throw new DataError(`${file}: target column '${opts.target}' has a single class ('${classes[0]}'); classification needs at least two`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  const Y = new Float64Array(n * k);
  raw.forEach((cell, i) => {
    Y[i * k + index.get(cell)!] = 1;
  });
  return { n, features, target: opts.target, task, X, Y, outputs: k, classes, lines };
}

/** Numeric labels in numeric order, then text labels alphabetically. */
function compareLabels(a: string, b: string): number {
  const x = parseNumber(a);
  const y = parseNumber(b);
  if (x !== null && y !== null) return x - y;
  if (x !== null) return -1;
  if (y !== null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Per-column mean and standard deviation, for z = (x - mean) / std. */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/**
 * Fits column means and (population) standard deviations over the rows `idx` of
 * `data: [n, cols]`. A constant column gets std 1, so it maps to 0 instead of NaN.
 * @param data row-major `[n, cols]` @param idx the rows to fit on (the training rows)
 * @returns `mean: [cols]`, `std: [cols]`
 * @example fitStandardizer(Float64Array.of(1, 2, 3), 1, [0, 1, 2]).mean // [2]
 */
export function fitStandardizer(data: Float64Array, cols: number, idx: ArrayLike<number>): Standardizer {
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let i = 0; i < idx.length; i++) for (let c = 0; c < cols; c++) mean[c]! += data[idx[i]! * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= idx.length;
  for (let i = 0; i < idx.length; i++) {
    for (let c = 0; c < cols; c++) {
      const d = data[idx[i]! * cols + c]! - mean[c]!;
      std[c]! += d * d;
    }
  }
  for (let c = 0; c < cols; c++) {
    const s = Math.sqrt(std[c]! / idx.length);
    std[c] = s > 0 ? s : 1;
  }
  return { mean, std };
}

/**
 * Gathers rows `idx` of `data: [n, cols]` into a new array, z = (x − mean) / std when `st` is given.
 * @returns `[idx.length, cols]` row-major
 * @example takeRows(Float64Array.of(1, 2, 3, 4), 2, [1]) // [3, 4]
 */
export function takeRows(data: Float64Array, cols: number, idx: ArrayLike<number>, st?: Standardizer): Float64Array {
  const out = new Float64Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) {
    for (let c = 0; c < cols; c++) {
      const x = data[idx[i]! * cols + c]!;
      out[i * cols + c] = st === undefined ? x : (x - st.mean[c]!) / st.std[c]!;
    }
  }
  return out;
}

/**
 * A seeded train/test split of `n` rows: a random permutation, the last
 * `round(n · testFraction)` rows held out (none when testFraction is 0).
 * @returns disjoint row indices covering 0..n-1
 * @throws DataError when the split would leave no training rows.
 * @example splitIndices(150, 0.2, 1).test.length // 30
 */
export function splitIndices(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const perm = new Rng(seed).permutation(n);
  const nTest = Math.round(n * testFraction);
  if (nTest > 0 && n - nTest < 1) throw new DataError(`split: ${n} rows leave no training rows at test fraction ${testFraction}; lower --test-fraction`);
  return { train: perm.slice(0, n - nTest), test: perm.slice(n - nTest) };
}

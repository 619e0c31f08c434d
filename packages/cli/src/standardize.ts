/**
 * Preprocessing on loaded arrays: column standardisation z = (x − mean) / std, row
 * gathering, and seeded train/test splits.
 */
import { ArgumentError, describeValue, intArg, MAX_ELEMENTS, Rng, showValue } from '@tapegrad/core';
import { needF64, needRows, needString, needStrings } from './data-args.js';
import { DataError } from './errors.js';

/**
 * Per-column mean and standard deviation, for z = (x - mean) / std.
 * @group Data
 */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/**
 * What `fitStandardizer` names in a message: the file and each column's name.
 * @group Data
 */
export interface StandardizerNames {
  readonly file: string;
  readonly columns: readonly string[];
}

/**
 * Fits column means and (population) standard deviations over the rows `idx` of
 * `data: [n, cols]`. A constant column (every value equal) gets its value as the mean and
 * std 1, so it maps to exactly 0 (as scikit-learn's StandardScaler does), not to rounding noise.
 * @param data row-major `[n, cols]` @param idx the rows to fit on (the training rows)
 * @param names the file and column names, for messages (default: 'data', column numbers)
 * @returns `mean: [cols]`, `std: [cols]`
 * @throws DataError naming the column when its mean or variance overflows float64 (values
 *   beyond about ±1e154 apart): such a column cannot be standardised and must be rescaled.
 * @example fitStandardizer(Float64Array.of(1, 2, 3), 1, [0, 1, 2]).mean // [2]
 * @group Data
 */
export function fitStandardizer(data: Float64Array, cols: number, idx: ArrayLike<number>, names?: StandardizerNames): Standardizer {
  checkMatrix('fitStandardizer', data, cols, idx);
  if (names !== undefined) {
    if (names === null || typeof names !== 'object') throw new ArgumentError(`fitStandardizer: names must be { file, columns }, got ${describeValue(names)}`);
    needString('fitStandardizer', 'names.file', names.file);
    needStrings('fitStandardizer', 'names.columns', names.columns);
  }
  const m = idx.length;
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  if (m === 0) return { mean, std: std.fill(1) };
  const lo = new Float64Array(cols).fill(Infinity);
  const hi = new Float64Array(cols).fill(-Infinity);
  for (let i = 0; i < m; i++) {
    const row = idx[i]! * cols;
    for (let c = 0; c < cols; c++) {
      const x = data[row + c]!;
      mean[c]! += x;
      if (x < lo[c]!) lo[c] = x;
      if (x > hi[c]!) hi[c] = x;
    }
  }
  for (let c = 0; c < cols; c++) mean[c] = lo[c] === hi[c] ? lo[c]! : mean[c]! / m;
  for (let i = 0; i < m; i++) {
    const row = idx[i]! * cols;
    for (let c = 0; c < cols; c++) {
      const d = data[row + c]! - mean[c]!;
      std[c]! += d * d;
    }
  }
  for (let c = 0; c < cols; c++) {
    const s = Math.sqrt(std[c]! / m);
    if (!Number.isFinite(s) || !Number.isFinite(mean[c]!)) {
      const file = names?.file ?? 'data';
      const column = names?.columns[c] === undefined ? `column ${c + 1}` : `column '${names.columns[c]}'`;
      throw new DataError(
        `${file}: ${column} cannot be standardised: its values (from ${lo[c]} to ${hi[c]}) are so large that their ${Number.isFinite(mean[c]!) ? 'variance' : 'mean'} ` +
          `overflows float64; rescale the column (divide it by a power of ten, or take a logarithm) so its values stay within about ±1e150`,
      );
    }
    std[c] = s > 0 && lo[c] !== hi[c] ? s : 1;
  }
  return { mean, std };
}

/**
 * Gathers rows `idx` of `data: [n, cols]` into a new array, z = (x − mean) / std when `st` is given.
 * @returns `[idx.length, cols]` row-major
 * @example takeRows(Float64Array.of(1, 2, 3, 4), 2, [1]) // [3, 4]
 * @group Data
 */
export function takeRows(data: Float64Array, cols: number, idx: ArrayLike<number>, st?: Standardizer): Float64Array {
  checkMatrix('takeRows', data, cols, idx);
  if (st !== undefined) {
    if (st === null || typeof st !== 'object') throw new ArgumentError(`takeRows: st must be a Standardizer { mean, std }, got ${describeValue(st)}`);
    for (const k of ['mean', 'std'] as const) {
      if (needF64('takeRows', `st.${k}`, st[k]).length !== cols) throw new ArgumentError(`takeRows: st.${k} has ${st[k].length} values, expected one per column (${cols})`);
    }
  }
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
 * @group Data
 */
export function splitIndices(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  intArg('splitIndices', 'n', n, 0, MAX_ELEMENTS);
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) {
    throw new ArgumentError(`splitIndices: testFraction must be a number in [0, 1), got ${showValue(testFraction)}`);
  }
  const perm = new Rng(seed).permutation(n);
  const nTest = Math.round(n * testFraction);
  if (nTest > 0 && n - nTest < 1) throw new DataError(`split: ${n} rows leave no training rows at test fraction ${testFraction}; lower --test-fraction`);
  return { train: perm.slice(0, n - nTest), test: perm.slice(n - nTest) };
}

/** @throws ArgumentError unless `data` is a Float64Array of whole `cols`-wide rows and `idx` holds row indices */
function checkMatrix(where: string, data: unknown, cols: unknown, idx: unknown): void {
  const d = needF64(where, 'data', data);
  const c = intArg(where, 'cols', cols, 1);
  if (d.length % c !== 0) throw new ArgumentError(`${where}: data has ${d.length} values, not a whole number of rows of ${c} columns`);
  needRows(where, idx, d.length / c);
}

/**
 * From CSV records to training arrays: numeric features straight into a Float64Array, a
 * target column one-hot encoded (classification) or kept raw (regression), seeded splits.
 * `DatasetBuilder` takes one record at a time, so a file can be loaded while it streams
 * (see `loadDataset`); `buildDataset` runs it over a parsed table.
 */
import { checkSize, MAX_ELEMENTS, ShapeError } from '@tapegrad/core';
import { ArgumentError, describeValue, intArg } from '@tapegrad/core';
import { checkWidth, noRowsError, type CsvTable } from './csv.js';
import { needDatasetOptions, needString, needStrings } from './data-args.js';
import { CsvError, DataError } from './errors.js';
import { notNumberHint, parseDecimal, shownCell } from './numbers.js';

export { parseDecimal } from './numbers.js';
export { fitStandardizer, splitIndices, takeRows, type Standardizer, type StandardizerNames } from './standardize.js';

/**
 * Most distinct integer values a numeric target may have and still count as class labels under `task: 'auto'`.
 * @group Data
 */
export const MAX_AUTO_CLASSES = 10;

/** @group Data */
export type Task = 'classification' | 'regression';

/**
 * Features and targets, row-major, one sample per row.
 * @group Data
 */
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
  /** Class labels in one-hot column order (classification only). A numeric label is named by its value: '1.0' and '1' are one class, '1'. */
  readonly classes: readonly string[] | null;
  /** The line each sample came from, for messages: [n]. */
  readonly lines: Int32Array;
}

/**
 * Decides the task for a target column. Rule (documented in `tapegrad train --help`):
 * a column with any value that is not a decimal number holds class labels; a numeric
 * column whose values are all integers with at most MAX_AUTO_CLASSES distinct values also
 * holds class labels; any other numeric column is a regression target.
 * @param values the target column's cells
 * @returns 'classification' or 'regression'
 * @example inferTask(['0', '1', '1']) // 'classification'; inferTask(['0.5', '2']) // 'regression'
 * @group Data
 */
export function inferTask(values: readonly string[]): Task {
  needStrings('inferTask', 'values', values);
  const distinct = new Set<number>();
  let integers = true;
  for (const v of values) {
    const x = parseDecimal(v);
    if (x === null || !Number.isFinite(x)) return 'classification';
    if (!Number.isInteger(x)) integers = false;
    else if (distinct.size <= MAX_AUTO_CLASSES) distinct.add(x);
  }
  return integers && distinct.size <= MAX_AUTO_CLASSES ? 'classification' : 'regression';
}

/**
 * Options of `buildDataset`, `DatasetBuilder` and `loadDataset`.
 * @group Data
 */
export interface DatasetOptions {
  /** The target column (default: the last column). */
  readonly target?: string | undefined;
  /** 'auto' applies `inferTask`'s rule. */
  readonly task: Task | 'auto';
}

/**
 * Builds a dataset one CSV record at a time, parsing features straight into a growing
 * Float64Array (no per-cell strings are kept; the target's text labels are interned once).
 * @example
 * const b = new DatasetBuilder('x.csv', ['a', 'y'], { task: 'auto' });
 * b.add(['1', 'no'], 2); b.add(['2', 'yes'], 3); b.finish().classes // ['no', 'yes']
 * @internal
 */
export class DatasetBuilder {
  readonly file: string;
  readonly header: readonly string[];
  readonly target: string;
  readonly features: readonly string[];
  private readonly task: Task | 'auto';
  private readonly t: number;
  private readonly f: number;
  private cap = 0;
  private n = 0;
  private X = new Float64Array(0);
  /** The target's numeric value, NaN for a text label. */
  private Yv = new Float64Array(0);
  /** The text label's index in `labels`, -1 for a numeric target (unused for regression). */
  private ids = new Int32Array(0);
  private lines = new Int32Array(0);
  private readonly labels = new Map<string, number>();
  private firstLabel: { label: string; line: number } | null = null;
  private integers = true;
  private readonly distinctIntegers = new Set<number>();

  /**
   * @param file the name used in messages @param header the column names
   * @throws DataError when the target column is missing or is the only column
   */
  constructor(file: string, header: readonly string[], opts: DatasetOptions) {
    needString('DatasetBuilder', 'file', file);
    needStrings('DatasetBuilder', 'header', header);
    needDatasetOptions('DatasetBuilder', opts);
    if (header.length === 0) throw new DataError(`${file}: the header has no columns; the first line must name the columns`);
    this.file = file;
    this.header = header;
    this.task = opts.task;
    this.target = opts.target ?? header[header.length - 1]!;
    this.t = header.indexOf(this.target);
    if (this.t < 0) {
      throw new DataError(`${file}: no column named '${this.target}' in the header (columns: ${header.join(', ')}); pass --target with one of them`);
    }
    if (header.length < 2) throw new DataError(`${file}: the only column is the target '${this.target}'; add at least one numeric feature column`);
    this.features = header.filter((_, i) => i !== this.t);
    this.f = this.features.length;
  }

  /** Rows added so far. */
  get rows(): number {
    return this.n;
  }

  /** The most rows the feature matrix may hold: rows × features stays within core's MAX_ELEMENTS. */
  private get maxRows(): number {
    return Math.floor(MAX_ELEMENTS / this.f);
  }

  /** Makes room for `rows` rows in one allocation (a hint from the file size; never past the limit). */
  reserve(rows: number): void {
    const want = Math.min(Math.ceil(rows), this.maxRows);
    if (want <= this.cap) return;
    const grow = <A extends Float64Array | Int32Array>(old: A, make: (k: number) => A, width: number): A => {
      const a = make(want * width);
      a.set(old.subarray(0, this.n * width));
      return a;
    };
    this.X = grow(this.X, (k) => new Float64Array(k), this.f);
    this.Yv = grow(this.Yv, (k) => new Float64Array(k), 1);
    if (this.task !== 'regression') this.ids = grow(this.ids, (k) => new Int32Array(k), 1);
    this.lines = grow(this.lines, (k) => new Int32Array(k), 1);
    this.cap = want;
  }

  /**
   * Adds one data record.
   * @param cells the record's fields, one per header column @param line the line it starts on
   * @throws CsvError for a ragged row, a feature cell that is not a decimal number, an empty
   *   or (for regression) non-numeric target; DataError past MAX_ELEMENTS feature values.
   */
  add(cells: readonly string[], line: number): void {
    if (!Array.isArray(cells)) throw new ArgumentError(`DatasetBuilder.add: cells must be an array of strings, got ${describeValue(cells)}`);
    intArg('DatasetBuilder.add', 'line', line, 1);
    checkWidth(cells, line, this.header.length, this.file);
    const n = this.n;
    if (n === this.cap) {
      if (n >= this.maxRows) this.tooManyRows(n + 1);
      this.reserve(Math.max(1024, Math.ceil(this.cap * 1.5)));
    }
    const X = this.X;
    const t = this.t;
    let k = n * this.f;
    for (let c = 0; c < cells.length; c++) {
      if (c === t) continue;
      const cell: unknown = cells[c];
      if (typeof cell !== 'string') throw new ArgumentError(`DatasetBuilder.add: cells[${c}] must be a string, got ${describeValue(cell)}`);
      const x = parseDecimal(cell);
      if (x === null || !Number.isFinite(x)) throw this.featureError(cell, line, c);
      X[k++] = x;
    }
    const y: unknown = cells[t];
    if (typeof y !== 'string') throw new ArgumentError(`DatasetBuilder.add: cells[${t}] must be a string, got ${describeValue(y)}`);
    this.addTarget(y, line, n);
    this.lines[n] = line;
    this.n = n + 1;
  }

  private addTarget(cell: string, line: number, i: number): void {
    const y = parseDecimal(cell);
    if (y !== null) {
      if (!Number.isFinite(y)) {
        throw new CsvError(this.file, line, this.t + 1, `'${shownCell(cell)}' in target column '${this.target}' is outside the float64 range (about ±1.8e308); rescale the column`);
      }
      this.Yv[i] = y;
      if (this.task === 'regression') return;
      this.ids[i] = -1;
      if (!Number.isInteger(y)) this.integers = false;
      else if (this.distinctIntegers.size <= MAX_AUTO_CLASSES) this.distinctIntegers.add(y);
      return;
    }
    const label = cell.trim();
    if (this.task === 'regression') {
      const what = label === '' ? 'an empty cell' : `'${shownCell(cell)}'`;
      const hint = notNumberHint(label);
      throw new CsvError(
        this.file,
        line,
        this.t + 1,
        `${what} in target column '${this.target}' is not a number${hint}; a regression target must be numeric (use --task classification for class labels)`,
      );
    }
    if (label === '') {
      throw new CsvError(this.file, line, this.t + 1, `empty cell in target column '${this.target}'; every row needs a class label${this.task === 'auto' ? ' or target value' : ''}`);
    }
    let id = this.labels.get(label);
    if (id === undefined) {
      id = this.labels.size;
      // A cell is a slice of the chunk it was read from; a kept label must not keep the chunk alive.
      const kept = label.length > 12 ? Buffer.from(label, 'utf8').toString('utf8') : label;
      this.labels.set(kept, id);
      this.firstLabel ??= { label: kept, line };
    }
    this.ids[i] = id;
    this.Yv[i] = Number.NaN;
  }

  private featureError(cell: string, line: number, c: number): CsvError {
    return featureCellError(this.file, line, c, this.header[c]!, cell, `feature columns must be numeric (only the target column '${this.target}' may hold class labels)`);
  }

  private tooManyRows(rows: number): never {
    throw new DataError(
      `${this.file}: more than ${this.maxRows.toLocaleString('en-US')} rows of ${this.f} features (row ${rows.toLocaleString('en-US')} would make the feature matrix exceed ` +
        `${MAX_ELEMENTS.toLocaleString('en-US')} values, 2^27 or 1 GiB of float64, the largest array tapegrad allocates); train on a sample of the rows`,
    );
  }

  /**
   * Ends the data: decides the task, one-hot encodes class labels.
   * @returns X: [n, features], Y: [n, classes] one-hot or [n, 1] raw
   * @throws CsvError when no rows were added; DataError for a single class, or for a
   *   one-hot target past MAX_ELEMENTS values (too many classes: it says how many).
   */
  finish(): Dataset {
    const n = this.n;
    if (n === 0) throw noRowsError(this.file, this.header);
    const task = this.task !== 'auto' ? this.task : this.labels.size > 0 || (this.integers && this.distinctIntegers.size <= MAX_AUTO_CLASSES) ? 'classification' : 'regression';
    const base = { n, features: this.features, target: this.target, task, X: fit(this.X, n * this.f), lines: fit(this.lines, n) };
    if (task === 'regression') return { ...base, Y: fit(this.Yv, n), outputs: 1, classes: null };

    const numeric = new Set<number>();
    for (let i = 0; i < n; i++) if (this.ids[i] === -1) numeric.add(this.Yv[i]!);
    const numbers = [...numeric].sort((a, b) => a - b);
    const texts = [...this.labels.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const k = numbers.length + texts.length;
    const classes = [...numbers.map(String), ...texts];
    if (k < 2) throw new DataError(`${this.file}: target column '${this.target}' has a single class ('${classes[0]}'); classification needs at least two`);
    this.checkClasses(n, k, numbers.length, texts.length);
    const numIndex = new Map(numbers.map((v, j) => [v, j]));
    const textColumn = new Int32Array(texts.length);
    texts.forEach((label, j) => (textColumn[this.labels.get(label)!] = numbers.length + j));
    const Y = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const id = this.ids[i]!;
      Y[i * k + (id === -1 ? numIndex.get(this.Yv[i]!)! : textColumn[id]!)] = 1;
    }
    return { ...base, Y, outputs: k, classes };
  }

  private checkClasses(n: number, k: number, numbers: number, texts: number): void {
    try {
      checkSize([n, k], 'one-hot target');
      return;
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
    }
    const first = this.firstLabel;
    const fix =
      texts === 0
        ? 'the values are numbers: use --task regression to predict them as a quantity'
        : numbers > 0 && first !== null
          ? `it is numeric apart from ${texts} text value${texts === 1 ? '' : 's'} such as '${shownCell(first.label)}' (line ${first.line}): fix those cells and use --task regression`
          : 'a class label column needs far fewer distinct labels; group them, or use --task regression if they are numbers';
    throw new DataError(
      `${this.file}: target column '${this.target}' has ${k.toLocaleString('en-US')} classes over ${n.toLocaleString('en-US')} rows: its one-hot encoding ` +
        `[${n}, ${k}] would hold ${(n * k).toLocaleString('en-US')} values, more than the limit of ${MAX_ELEMENTS.toLocaleString('en-US')} (2^27, 1 GiB of float64); ${fix}`,
    );
  }
}

/** The first `len` entries: a view when the slack is small, a trimmed copy otherwise. */
/**
 * The CsvError for a feature cell that is no finite decimal number (`train`'s loader and `predict`).
 * @param c the 0-based column @param rule what the command requires of feature columns
 */
export function featureCellError(file: string, line: number, c: number, column: string, cell: string, rule: string): CsvError {
  const shown = cell.trim() === '' ? 'an empty cell' : `'${shownCell(cell)}'`;
  const why = parseDecimal(cell) !== null ? 'is outside the float64 range (about ±1.8e308); rescale the column' : `is not a number${notNumberHint(cell.trim())}; ${rule}`;
  return new CsvError(file, line, c + 1, `${shown} in feature column '${column}' ${why}`);
}

function fit<A extends Float64Array | Int32Array>(a: A, len: number): A {
  if (a.length === len) return a;
  return (a.length - len > len / 4 ? a.slice(0, len) : a.subarray(0, len)) as A;
}

/**
 * Builds a dataset from a CSV table. Every column except the target is a feature and
 * must hold decimal numbers (see `parseDecimal`).
 * @param opts `target` names the column (default: the last); `task` 'auto' applies `inferTask`
 * @returns X: [n, features], Y: [n, classes] one-hot or [n, 1] raw
 * @throws CsvError naming the line and column of a non-numeric feature cell or (for
 *   regression) target cell; DataError when the target column is missing, the table has no
 *   feature column, a classification target has a single class or too many classes.
 * @example buildDataset(parseCsv('a,y\n1,x\n2,z\n', 'f.csv'), { task: 'auto' }).classes // ['x', 'z']
 * @group Data
 */
export function buildDataset(table: CsvTable, opts: DatasetOptions): Dataset {
  if (table === null || typeof table !== 'object' || !Array.isArray(table.rows)) {
    throw new ArgumentError(`buildDataset: table must be a CsvTable { file, header, rows } as parseCsv returns, got ${describeValue(table)}`);
  }
  const b = new DatasetBuilder(table.file, table.header, opts);
  b.reserve(table.rows.length);
  for (const r of table.rows) {
    if (r === null || typeof r !== 'object') throw new ArgumentError(`buildDataset: each row must be { line, cells }, got ${describeValue(r)}`);
    b.add(r.cells, r.line);
  }
  return b.finish();
}

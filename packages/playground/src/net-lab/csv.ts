/**
 * The user's own data: CSV text with columns x1,x2,label (label 0 or 1), an optional header
 * line, blank lines and `#` comments skipped. Every bad line is reported with its number. DOM-free.
 */
import { type Dataset } from './datasets.js';

/** At most this many points (the heatmap and the training stay interactive). */
export const MAX_CSV_ROWS = 5000;

/** The result of {@link parseCsv}: a data set, or the problems found (each naming its line). */
export type CsvResult = { readonly ok: true; readonly data: Dataset } | { readonly ok: false; readonly errors: readonly string[] };

const MAX_REPORTED = 8;
const HEADER = /^\s*x1\s*,\s*x2\s*,\s*(label|y)\s*$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses `x1,x2,label` rows (commas, or semicolons or tabs between fields).
 * @returns `{ ok: true, data: { X: [n, 2], y: [n] } }`, or `{ ok: false, errors }` with up to 8
 *   messages like `line 3: x2 is 'abc', not a number`
 * @example parseCsv('x1,x2,label\n0,1,1\n1,0,0') // ok, n = 2
 */
export function parseCsv(text: string): CsvResult {
  const lines = text.split(/\r\n|\n|\r/);
  const xs: number[] = [];
  const ys: number[] = [];
  const errors: string[] = [];
  let more = 0;
  const fail = (msg: string): void => {
    if (errors.length < MAX_REPORTED) errors.push(msg);
    else more++;
  };
  let seenData = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const no = i + 1;
    if (line === '' || line.startsWith('#')) return;
    if (!seenData && HEADER.test(line)) {
      seenData = true;
      return;
    }
    seenData = true;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (cells.length !== 3) {
      fail(`line ${no}: ${cells.length < 3 ? 'too few' : 'too many'} columns (${cells.length}); each row is x1,x2,label`);
      return;
    }
    const names = ['x1', 'x2', 'label'];
    const vals: number[] = [];
    for (const [k, c] of cells.entries()) {
      const v = Number(c);
      if (!NUMBER.test(c) || !Number.isFinite(v)) {
        fail(`line ${no}: ${names[k]} is '${c.length > 20 ? `${c.slice(0, 20)}…` : c}', not a number`);
        return;
      }
      vals.push(v);
    }
    const [x1 = NaN, x2 = NaN, label = NaN] = vals;
    if (label !== 0 && label !== 1) {
      fail(`line ${no}: label is ${label}; labels are 0 or 1`);
      return;
    }
    xs.push(x1, x2);
    ys.push(label);
  });
  if (more > 0) errors.push(`… and ${more} more bad line${more === 1 ? '' : 's'}`);
  if (errors.length > 0) return { ok: false, errors };
  const n = ys.length;
  if (n === 0) return { ok: false, errors: ['no data rows: paste lines like 0.5,-0.2,1 (x1,x2,label)'] };
  if (n < 2) return { ok: false, errors: ['only one data row: give at least two points'] };
  if (n > MAX_CSV_ROWS) return { ok: false, errors: [`${n} rows: the lab takes at most ${MAX_CSV_ROWS}`] };
  const X = Float64Array.from(xs);
  for (const [k, name] of ['x1', 'x2'].entries()) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k; i < X.length; i += 2) {
      lo = Math.min(lo, X[i]!);
      hi = Math.max(hi, X[i]!);
    }
    if (!Number.isFinite(hi - lo)) return { ok: false, errors: [`${name} spans ${lo} to ${hi}: the span overflows float64; rescale the column`] };
  }
  return { ok: true, data: { X, y: Float64Array.from(ys), n } };
}

/**
 * The data with x1 and x2 z-scored: each column minus its mean, divided by its standard
 * deviation (population; a constant column is only centred). Labels are kept.
 * @param data `X: [n, 2]` @returns a new data set, `X: [n, 2]` with mean 0 and std 1 per column
 * @example standardise(parseCsv('0,100,1\n2,300,0').data).X // [-1, -1, 1, 1]
 */
export function standardise(data: Dataset): Dataset {
  const X = new Float64Array(data.X.length);
  for (let k = 0; k < 2; k++) {
    let mean = 0;
    for (let i = 0; i < data.n; i++) mean += data.X[2 * i + k]!;
    mean /= data.n;
    let v = 0;
    for (let i = 0; i < data.n; i++) v += (data.X[2 * i + k]! - mean) ** 2;
    const sd = Math.sqrt(v / data.n);
    const scale = sd > 0 && Number.isFinite(sd) ? sd : 1;
    for (let i = 0; i < data.n; i++) X[2 * i + k] = (data.X[2 * i + k]! - mean) / scale;
  }
  return { X, y: data.y, n: data.n };
}

/**
 * Writes a data set as CSV with a header (the inverse of {@link parseCsv}, every value round-tripping).
 * @example toCsv(makeDataset('xor', 10, 0, 1)).split('\n')[0] // 'x1,x2,label'
 */
export function toCsv(data: Dataset): string {
  const rows = ['x1,x2,label'];
  for (let i = 0; i < data.n; i++) rows.push(`${data.X[2 * i]},${data.X[2 * i + 1]},${data.y[i]}`);
  return rows.join('\n');
}

import type { Tensor } from './tensor.js';
import { ArgumentError, checkOptions, describeValue, fmtShape, showValue } from './errors.js';

/**
 * Up to 6 significant digits, trimmed; integers print without a decimal point.
 * @group Formatting
 */
export function fmtNumber(v: number): string {
  if (typeof v !== 'number') throw new ArgumentError(`fmtNumber: v must be a number, got ${showValue(v)}`);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

const MAX_SHOWN = 6;

/** `Tensor[2,2] [[1, 2], [3, 4]]`, eliding the middle of long axes with `...`. */
export function formatTensor(t: Tensor): string {
  const { shape, data } = t;
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const render = (dim: number, offset: number): string => {
    if (dim === shape.length) return fmtNumber(data[offset]!);
    const n = shape[dim]!;
    const idx = n <= MAX_SHOWN ? [...Array(n).keys()] : [0, 1, 2, -1, n - 3, n - 2, n - 1];
    return `[${idx.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * strides[dim]!))).join(', ')}]`;
  };
  return `Tensor${fmtShape(shape)} ${render(0, 0)}`;
}

/**
 * Options for {@link formatTable}.
 * @group Formatting
 */
export interface TableOptions {
  /** Column indexes to right-align (numbers). Others are left-aligned. */
  readonly right?: readonly number[];
  /** The character of the rule under the header: `'-'` (default, plain ASCII) or `'─'`. */
  readonly rule?: string;
}

/**
 * A fixed-width text table: the header, a rule, then the rows; columns two spaces apart,
 * trailing spaces trimmed. Widths count code points, so `∂` and `δ` line up.
 * @param head the column titles @param rows one string per column each
 * @example formatTable(['op', 'shape'], [['add', '[2]']]) // 'op   shape\n---  -----\nadd  [2]'
 * @group Formatting
 */
export function formatTable(head: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  checkCells('formatTable: head', head);
  if (!Array.isArray(rows)) throw new ArgumentError(`formatTable: rows must be an array of rows (arrays of strings), got ${describeValue(rows)}`);
  rows.forEach((r, i) => checkCells(`formatTable: row ${i}`, r));
  checkOptions('formatTable', opts, ['right', 'rule']);
  if (opts.right !== undefined && (!Array.isArray(opts.right) || !opts.right.every((c) => Number.isInteger(c)))) {
    throw new ArgumentError(`formatTable: right must be an array of column indexes, got ${describeValue(opts.right)}`);
  }
  if (opts.rule !== undefined && (typeof opts.rule !== 'string' || [...opts.rule].length !== 1)) {
    throw new ArgumentError(`formatTable: rule must be one character such as '-' or '─', got ${showValue(opts.rule)}`);
  }
  const right = new Set(opts.right ?? []);
  const rule = opts.rule ?? '-';
  const len = (s: string): number => [...s].length;
  const widths = head.map((h, c) => Math.max(len(h), ...rows.map((r) => len(r[c] ?? ''))));
  const pad = (s: string, c: number): string => {
    const fill = ' '.repeat(widths[c]! - len(s));
    return right.has(c) ? fill + s : s + fill;
  };
  const line = (r: readonly string[]): string => head.map((_, c) => pad(r[c] ?? '', c)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => rule.repeat(w))), ...rows.map(line)].join('\n');
}

function checkCells(where: string, cells: unknown): void {
  if (!Array.isArray(cells)) throw new ArgumentError(`${where} must be an array of strings, got ${describeValue(cells)}`);
  const list: readonly unknown[] = cells;
  list.forEach((c, i) => {
    if (typeof c !== 'string') throw new ArgumentError(`${where}: cell ${i} must be a string, got ${showValue(c)}; format numbers with fmtNumber first`);
  });
}

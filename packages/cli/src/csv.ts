/**
 * A small RFC 4180 CSV reader (comma separated, double-quoted fields, CRLF or LF) that
 * keeps the physical line number of every record, so errors can point at the line.
 * `CsvTokenizer` takes the text in chunks of any size (a quote, a doubled quote or a CRLF
 * may be split between two chunks), so a large file is read without holding it whole.
 */
import { ArgumentError, describeValue } from '@tapegrad/core';
import { needString } from './data-args.js';
import { CsvError } from './errors.js';

/**
 * A parsed CSV: the header, then each data record with the line it starts on.
 * @group Data
 */
export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * A streaming CSV record splitter. Push text with `push`, then call `end`; each complete
 * record is handed to `onRecord` with the 1-based line it starts on. Blank lines (nothing
 * but spaces and tabs) are skipped; a leading byte order mark is dropped.
 * @example
 * const rows: string[][] = [];
 * const t = new CsvTokenizer('x.csv', (cells) => rows.push(cells));
 * t.push('a,"b'); t.push('"\r'); t.push('\n1,2'); t.end(); // rows: [['a', 'b'], ['1', '2']]
 * @internal
 */
export class CsvTokenizer {
  private cells: string[] = [];
  private field = '';
  private line = 1;
  private start = 1;
  private quoted = false;
  /** Inside a quoted field, the last character was a quote: a second one is a literal quote, anything else closes the field. */
  private quotePending = false;
  private quoteLine = 0;
  /** The last record ended with CR: a LF right after it belongs to the same line break. */
  private skipLF = false;
  private blank = true;
  private atStart = true;

  /**
   * @param file the name used in error messages
   * @param onRecord called once per record, in order, with its cells and its first line
   */
  constructor(
    private readonly file: string,
    private readonly onRecord: (cells: string[], line: number) => void,
  ) {
    needString('CsvTokenizer', 'file', file);
    if (typeof onRecord !== 'function') throw new ArgumentError(`CsvTokenizer: onRecord must be a function, got ${describeValue(onRecord)}`);
  }

  /** The line the tokenizer has reached (1-based), for messages about the text itself. */
  get currentLine(): number {
    return this.line;
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    needString('CsvTokenizer.push', 'text', text);
    const n = text.length;
    let i = 0;
    if (this.atStart && n > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.skipLF) {
        this.skipLF = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (this.quotePending) {
        this.quotePending = false;
        if (c === QUOTE) {
          this.field += '"';
          i++;
          continue;
        }
        this.quoted = false;
      }
      if (this.quoted) {
        let j = i;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === QUOTE) break;
          if (d === LF) this.line++;
        }
        this.field += text.slice(i, j);
        if (j < n) this.quotePending = true;
        i = j + 1;
        continue;
      }
      if (c === QUOTE && this.field.trim() === '') {
        this.quoted = true;
        this.quoteLine = this.line;
        this.field = '';
        this.blank = false;
        i++;
      } else if (c === COMMA) {
        this.cells.push(this.field);
        this.field = '';
        this.blank = false;
        i++;
      } else if (c === LF || c === CR) {
        this.endRecord();
        this.line++;
        this.start = this.line;
        this.skipLF = c === CR;
        i++;
      } else {
        // A run of ordinary characters (a quote inside an unquoted field is one of them).
        let j = i;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (j > i && (d === COMMA || d === LF || d === CR || d === QUOTE)) break;
          if (d !== SPACE && d !== TAB) this.blank = false;
        }
        this.field += text.slice(i, j);
        i = j;
      }
    }
  }

  /**
   * Ends the input: emits a last record without a line break.
   * @throws CsvError for a quoted field that never closes
   */
  end(): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.quoted = false;
    }
    if (this.quoted) {
      throw new CsvError(this.file, this.quoteLine, this.cells.length + 1, 'unterminated quoted field: a field opened with " never closes; close it or escape inner quotes as ""');
    }
    if (this.field !== '' || this.cells.length > 0) this.endRecord();
  }

  private endRecord(): void {
    const cells = this.cells;
    cells.push(this.field);
    if (!(this.blank && cells.length === 1 && this.field.trim() === '')) this.onRecord(cells, this.start);
    this.cells = [];
    this.field = '';
    this.blank = true;
  }
}

/**
 * Checks a header record and returns the column names, trimmed.
 * @throws CsvError for an empty or duplicate column name
 */
export function checkHeader(cells: readonly string[], line: number, file: string): string[] {
  const header = cells.map((c) => c.trim());
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === '') throw new CsvError(file, line, i + 1, 'empty column name in the header; give every column a name');
    const first = seen.get(name);
    if (first !== undefined) throw new CsvError(file, line, i + 1, `duplicate column name '${name}' (also column ${first + 1}); column names must be unique`);
    seen.set(name, i);
  });
  return header;
}

/** @throws CsvError for a record whose field count differs from the header's */
export function checkWidth(cells: readonly string[], line: number, width: number, file: string): void {
  if (cells.length !== width) {
    throw new CsvError(file, line, null, `ragged row: expected ${width} fields (as in the header), got ${cells.length}; every row needs one value per column`);
  }
}

/** The CsvError for a file with no records. */
export function emptyFileError(file: string): CsvError {
  return new CsvError(file, null, null, 'the file is empty; expected a header line of column names followed by data rows');
}

/** The CsvError for a header with no records after it. */
export function noRowsError(file: string, header: readonly string[]): CsvError {
  return new CsvError(file, null, null, `the file has a header (${header.join(', ')}) but no data rows`);
}

/**
 * A value as one CSV field (RFC 4180): as it is, or in double quotes (inner quotes doubled)
 * when it holds a comma, a quote, a line break or space at either end, which a reader would
 * otherwise split or trim.
 * @example csvField('a,b') // '"a,b"'
 */
export function csvField(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * Parses CSV text whose first record is a header. Blank lines are skipped.
 * @param text the file's contents
 * @param file the name used in error messages
 * @returns the header and the data rows, each with its 1-based line number
 * @throws CsvError for an empty file, a header without data, a duplicate or empty column
 *   name, an unterminated quote, or a row whose field count differs from the header's
 *   (the first of these in file order).
 * @example parseCsv('a,b\n1,2\n', 'x.csv').rows[0] // { line: 2, cells: ['1', '2'] }
 * @group Data
 */
export function parseCsv(text: string, file: string): CsvTable {
  needString('parseCsv', 'text', text);
  needString('parseCsv', 'file', file);
  let header: string[] | null = null;
  const rows: { line: number; cells: string[] }[] = [];
  const t = new CsvTokenizer(file, (cells, line) => {
    if (header === null) header = checkHeader(cells, line, file);
    else {
      checkWidth(cells, line, header.length, file);
      rows.push({ line, cells });
    }
  });
  t.push(text);
  t.end();
  if (header === null) throw emptyFileError(file);
  if (rows.length === 0) throw noRowsError(file, header);
  return { file, header, rows };
}

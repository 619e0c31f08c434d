/**
 * A small RFC 4180 CSV reader (comma separated, double-quoted fields, CRLF or LF) that
 * keeps the physical line number of every record, so errors can point at the line.
 */
import { CsvError } from './errors.js';

/** A parsed CSV: the header, then each data record with the line it starts on. */
export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

/**
 * Parses CSV text whose first record is a header. Blank lines are skipped.
 * @param text the file's contents
 * @param file the name used in error messages
 * @returns the header and the data rows, each with its 1-based line number
 * @throws CsvError for an empty file, a header without data, a duplicate or empty column
 *   name, an unterminated quote, or a row whose field count differs from the header's.
 * @example parseCsv('a,b\n1,2\n', 'x.csv').rows[0] // { line: 2, cells: ['1', '2'] }
 */
export function parseCsv(text: string, file: string): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = splitRecords(body, file);
  if (records.length === 0) throw new CsvError(file, null, null, 'the file is empty; expected a header line of column names followed by data rows');
  const [head, ...data] = records;
  const header = head!.cells.map((c) => c.trim());
  header.forEach((name, i) => {
    if (name === '') throw new CsvError(file, head!.line, i + 1, 'empty column name in the header; give every column a name');
    const first = header.indexOf(name);
    if (first !== i) throw new CsvError(file, head!.line, i + 1, `duplicate column name '${name}' (also column ${first + 1}); column names must be unique`);
  });
  if (data.length === 0) throw new CsvError(file, null, null, `the file has a header (${header.join(', ')}) but no data rows`);
  for (const r of data) {
    if (r.cells.length !== header.length) {
      throw new CsvError(file, r.line, null, `ragged row: expected ${header.length} fields (as in the header), got ${r.cells.length}; every row needs one value per column`);
    }
  }
  return { file, header, rows: data };
}

function splitRecords(text: string, file: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  let blank = true;
  const endRecord = (): void => {
    cells.push(field);
    if (!(blank && cells.length === 1 && field.trim() === '')) records.push({ line: start, cells });
    cells = [];
    field = '';
    blank = true;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
      blank = false;
    } else if (ch === ',') {
      cells.push(field);
      field = '';
      blank = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += ch;
      if (ch !== ' ' && ch !== '\t') blank = false;
    }
  }
  if (quoted) throw new CsvError(file, quoteLine, cells.length + 1, 'unterminated quoted field: a field opened with " never closes; close it or escape inner quotes as ""');
  if (field !== '' || cells.length > 0) endRecord();
  return records;
}

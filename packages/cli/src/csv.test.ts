import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from './csv.js';
import { parseDecimal } from './dataset.js';
import { buildDataset, CsvError, DataError, fitStandardizer, inferTask, MAX_AUTO_CLASSES, parseCsv, splitIndices, takeRows } from './index.js';

const csvError = (f: () => unknown): CsvError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CsvError) return e;
    throw e;
  }
  throw new Error('expected a CsvError');
};

describe('parseCsv', () => {
  it('reads a header and rows with their line numbers, skipping blank lines', () => {
    const t = parseCsv('a,b\n1,2\n\n3,4\n', 'x.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['1', '2'] },
      { line: 4, cells: ['3', '4'] },
    ]);
  });

  it('handles CRLF, a BOM, quoted fields with commas, doubled quotes and newlines', () => {
    const t = parseCsv('\ufeffname,x\r\n"a, b",1\r\n"say ""hi""",2\r\n"two\nlines",3\r\nlast,4', 'q.csv');
    expect(t.rows.map((r) => r.cells[0])).toEqual(['a, b', 'say "hi"', 'two\nlines', 'last']);
    // The record after the quoted newline starts on line 6, not 5.
    expect(t.rows.map((r) => r.line)).toEqual([2, 3, 4, 6]);
  });

  it('names the line of a ragged row and both field counts', () => {
    const e = csvError(() => parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n', 'r.csv'));
    expect(e.line).toBe(3);
    expect(e.message).toBe('r.csv line 3: ragged row: expected 3 fields (as in the header), got 2; every row needs one value per column');
  });

  it('rejects an empty file, a header without rows, duplicate and empty column names, an unclosed quote', () => {
    expect(() => parseCsv('', 'e.csv')).toThrow('e.csv: the file is empty; expected a header line of column names followed by data rows');
    expect(() => parseCsv('\n\n', 'e.csv')).toThrow('e.csv: the file is empty');
    expect(() => parseCsv('a,b\n', 'h.csv')).toThrow('h.csv: the file has a header (a, b) but no data rows');
    expect(() => parseCsv('a,a\n1,2\n', 'd.csv')).toThrow("d.csv line 1, column 2: duplicate column name 'a' (also column 1)");
    expect(() => parseCsv('a,,c\n1,2,3\n', 'n.csv')).toThrow('n.csv line 1, column 2: empty column name');
    const e = csvError(() => parseCsv('a,b\n1,"oops\n2,3\n', 'u.csv'));
    expect([e.line, e.column]).toEqual([2, 2]);
    expect(e.message).toContain('unterminated quoted field');
  });
});

describe('buildDataset', () => {
  it('one-hot encodes text class labels in sorted order', () => {
    const ds = buildDataset(parseCsv('x,y,kind\n1,2,b\n3,4,a\n5,6,b\n', 'c.csv'), { target: 'kind', task: 'auto' });
    expect(ds.task).toBe('classification');
    expect(ds.classes).toEqual(['a', 'b']);
    expect(Array.from(ds.X)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ds.Y)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('treats few distinct integers as classes and anything else numeric as regression', () => {
    expect(inferTask(['0', '1', '2', '1'])).toBe('classification');
    expect(inferTask(['0.5', '1', '2'])).toBe('regression');
    const many = Array.from({ length: MAX_AUTO_CLASSES + 1 }, (_, i) => String(i));
    expect(inferTask(many)).toBe('regression');
    expect(inferTask(many.slice(0, MAX_AUTO_CLASSES))).toBe('classification');
    expect(inferTask(['1', 'x'])).toBe('classification');
  });

  it('orders numeric class labels numerically', () => {
    const ds = buildDataset(parseCsv('x,y\n1,10\n2,9\n3,10\n', 'n.csv'), { target: 'y', task: 'auto' });
    expect(ds.classes).toEqual(['9', '10']);
  });

  it('honours --task regression over the inference rule', () => {
    const ds = buildDataset(parseCsv('x,y\n1,0\n2,1\n3,0\n', 'r.csv'), { target: 'y', task: 'regression' });
    expect(ds.task).toBe('regression');
    expect(Array.from(ds.Y)).toEqual([0, 1, 0]);
    expect(ds.outputs).toBe(1);
  });

  it('names line and column of a non-numeric or empty feature cell', () => {
    const text = 'a,b,label\n1,2,x\n3,oops,y\n';
    const e = csvError(() => buildDataset(parseCsv(text, 'f.csv'), { target: 'label', task: 'auto' }));
    expect([e.line, e.column]).toEqual([3, 2]);
    expect(e.message).toBe(
      "f.csv line 3, column 2: 'oops' in feature column 'b' is not a number; feature columns must be numeric (only the target column 'label' may hold class labels)",
    );
    const empty = csvError(() => buildDataset(parseCsv('a,b,label\n1,,x\n', 'g.csv'), { target: 'label', task: 'auto' }));
    expect(empty.message).toContain("g.csv line 2, column 2: an empty cell in feature column 'b'");
  });

  it('names the line of a non-numeric regression target', () => {
    const e = csvError(() => buildDataset(parseCsv('a,y\n1,2.5\n2,n/a\n', 'y.csv'), { target: 'y', task: 'regression' }));
    expect(e.message).toBe("y.csv line 3, column 2: 'n/a' in target column 'y' is not a number; a regression target must be numeric (use --task classification for class labels)");
  });

  it('rejects a missing target column listing the columns, and a single class', () => {
    expect(() => buildDataset(parseCsv('a,b\n1,2\n', 'm.csv'), { target: 'c', task: 'auto' })).toThrow(
      new DataError("m.csv: no column named 'c' in the header (columns: a, b); pass --target with one of them"),
    );
    expect(() => buildDataset(parseCsv('a,b\n1,x\n2,x\n', 's.csv'), { target: 'b', task: 'auto' })).toThrow("s.csv: target column 'b' has a single class ('x')");
  });
});

describe('standardisation and splits', () => {
  it('standardises columns to mean 0 and population std 1; a constant column maps to 0', () => {
    const data = Float64Array.of(1, 5, 2, 5, 3, 5);
    const st = fitStandardizer(data, 2, [0, 1, 2]);
    expect(Array.from(st.mean)).toEqual([2, 5]);
    expect(st.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(st.std[1]).toBe(1);
    const z = takeRows(data, 2, [0, 1, 2], st);
    expect(z[0]! + z[2]! + z[4]!).toBeCloseTo(0, 15);
    expect(z[0]! ** 2 + z[2]! ** 2 + z[4]! ** 2).toBeCloseTo(3, 14);
    expect([z[1], z[3], z[5]]).toEqual([0, 0, 0]);
  });

  it('splits reproducibly by seed into disjoint parts covering every row', () => {
    const a = splitIndices(10, 0.3, 4);
    const b = splitIndices(10, 0.3, 4);
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(a.test.length).toBe(3);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(splitIndices(10, 0, 4).test.length).toBe(0);
  });
});

describe('CsvTokenizer across chunk boundaries', () => {
  const tricky = [
    '\ufeffname,x\r\n"a, b",1\r\n"say ""hi""",2\r\n"two\nlines",3\r\nlast,4',
    'a,b\r\n\r\n  \r\n"",x\r\n"q""",""""\r\n1,"2"\r',
    'a,b\n"x" y,2\n z "w",3\n"\r\n",4\n',
    'a,b\r1,2\r\r3,4',
  ];
  const records = (pieces: readonly string[]): [number, string[]][] => {
    const out: [number, string[]][] = [];
    const t = new CsvTokenizer('t.csv', (cells, line) => out.push([line, cells]));
    for (const p of pieces) t.push(p);
    t.end();
    return out;
  };

  it.each(tricky.map((text, i) => [i, text] as const))('text %i gives the same records split at every position and char by char', (_i, text) => {
    const whole = records([text]);
    expect(whole.length).toBeGreaterThan(1);
    for (let k = 0; k <= text.length; k++) expect(records([text.slice(0, k), text.slice(k)])).toEqual(whole);
    expect(records([...text])).toEqual(whole);
  });

  it('keeps the RFC 4180 reading of the tricky texts', () => {
    expect(records([tricky[1]!])).toEqual([
      [1, ['a', 'b']],
      [4, ['', 'x']],
      [5, ['q"', '"']],
      [6, ['1', '2']],
    ]);
    // Text after a closing quote is kept; a quote inside an unquoted field is literal; a quoted CRLF is data.
    expect(records([tricky[2]!]).map((r) => r[1][0])).toEqual(['a', 'x y', ' z "w"', '\r\n']);
    // A lone CR ends a line (old Mac files), and a blank CR line is skipped.
    expect(records([tricky[3]!])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4, ['3', '4']],
    ]);
  });

  it('reports an unterminated quote split over chunks at the line it opened', () => {
    const e = csvError(() => records(['a,b\n1,"oo', 'ps\n2,', '3\n']));
    expect([e.line, e.column]).toEqual([2, 2]);
  });
});

describe('parseDecimal: decimal notation only', () => {
  it.each(['0', '-0', '+7', '1.', '.5', '-2.25', '1e3', '2E+8', '1.5e-3', ' 2.5 ', '\t3\t', '007'])('reads %j as Number does', (s) => {
    expect(parseDecimal(s)).toBe(Number(s));
  });
  it.each(['', ' ', '0x10', '0b1', '0o7', ' 0b1', '1_000', 'Infinity', '-Infinity', 'NaN', '1e', '1e+', '.', '-', '+', '1.2.3', '1,5', '٣', '1 2', '\u00a01', 'e5'])(
    'rejects %j',
    (s) => {
      expect(parseDecimal(s)).toBeNull();
    },
  );
  it('gives Infinity for a decimal past float64 (callers reject it) and 0 for an underflow', () => {
    expect(parseDecimal('1e400')).toBe(Infinity);
    expect(parseDecimal('-1e400')).toBe(-Infinity);
    expect(parseDecimal('1e-400')).toBe(0);
  });
});

describe('buildDataset: numbers and labels', () => {
  const build = (text: string, task: 'auto' | 'classification' | 'regression' = 'auto') => buildDataset(parseCsv(text, 'n.csv'), { task });

  it.each([
    ['0x10', 'hexadecimal, octal and binary literals are not read; write the value in decimal'],
    ['1_000', "digit separators are not read; write the number without '_'"],
    ['Infinity', 'NaN and Infinity are not data values; fill in a finite value or drop the row'],
    ['1e', 'the exponent has no digits'],
    ['"1,5"', "decimal commas are not read; write '.' for the decimal point"],
  ])('rejects the feature cell %s with a hint, naming file, line, column and cell', (cell, hint) => {
    const e = csvError(() => build(`a,b,y\n1,2,p\n3,${cell},q\n`));
    expect([e.file, e.line, e.column]).toEqual(['n.csv', 3, 2]);
    expect(e.message).toContain(`n.csv line 3, column 2: '${cell.replaceAll('"', '')}' in feature column 'b' is not a number (${hint})`);
  });

  it('rejects a feature past the float64 range', () => {
    expect(() => build('a,y\n1e400,p\n2,q\n')).toThrow("n.csv line 2, column 1: '1e400' in feature column 'a' is outside the float64 range");
  });

  it('reads regression targets by the same rule as features', () => {
    expect(() => build('a,y\n1,0x10\n2,3\n', 'regression')).toThrow("n.csv line 2, column 2: '0x10' in target column 'y' is not a number (hexadecimal");
    expect(() => build('a,y\n1,2\n2,\n', 'regression')).toThrow("n.csv line 3, column 2: an empty cell in target column 'y' is not a number");
    expect(() => build('a,y\n1,1e999\n2,3\n')).toThrow("n.csv line 2, column 2: '1e999' in target column 'y' is outside the float64 range");
    expect(Array.from(build('a,y\n1, 2.5\n2,.5\n3,1e1\n', 'regression').Y)).toEqual([2.5, 0.5, 10]);
  });

  it('applies the documented task rule whatever the order of the values', () => {
    expect(inferTask(['0.5', 'x'])).toBe('classification');
    expect(inferTask(['x', '0.5'])).toBe('classification');
    expect(inferTask(['0x1', '0x2'])).toBe('classification');
    expect(build('a,y\n1,0.5\n2,x\n').task).toBe('classification');
    expect(build('a,y\n1,0.5\n2,1\n').task).toBe('regression');
  });

  it('names numeric classes by value: 1 and 1.0 are one class; numbers sort before text', () => {
    const ds = build('a,y\n1,1.0\n2,1\n3,10\n4,b\n5,a\n6,2e0\n');
    expect(ds.classes).toEqual(['1', '2', '10', 'a', 'b']);
    expect(Array.from(ds.Y.subarray(0, 10))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(ds.Y.subarray(25))).toEqual([0, 1, 0, 0, 0]);
  });

  it('grows its arrays past the first allocation and keeps every value and line', () => {
    const n = 5000;
    const text = `a,b,y\n${Array.from({ length: n }, (_, i) => `${i},${-i / 4},${i % 3}`).join('\n')}\n`;
    const ds = build(text);
    expect([ds.n, ds.outputs, ds.X.length, ds.lines.length]).toEqual([n, 3, 2 * n, n]);
    expect([ds.X[2 * 4321], ds.X[2 * 4321 + 1], ds.lines[4321], ds.Y[3 * 4321 + (4321 % 3)]]).toEqual([4321, -4321 / 4, 4323, 1]);
  });

  it('says how many classes a target has before allocating a one-hot past the size limit, and suggests --task regression', () => {
    const rows = 12_000;
    const text = `a,y\n${Array.from({ length: rows }, (_, i) => `${i},${i}`).join('\n')}\n`;
    const e = (() => {
      try {
        build(text, 'classification');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).toBe(
      "n.csv: target column 'y' has 12,000 classes over 12,000 rows: its one-hot encoding [12000, 12000] would hold 144,000,000 values, " +
        'more than the limit of 134,217,728 (2^27, 1 GiB of float64); the values are numbers: use --task regression to predict them as a quantity',
    );
    const mixed = `a,y\n${Array.from({ length: rows }, (_, i) => `${i},${i === 7 ? 'NaN' : i}`).join('\n')}\n`;
    expect(() => build(mixed)).toThrow("it is numeric apart from 1 text value such as 'NaN' (line 9): fix those cells and use --task regression");
  });
});

describe('fitStandardizer: constant and overflowing columns', () => {
  it('maps a constant column to exactly 0 even when its mean is inexact in float64', () => {
    const data = Float64Array.of(0.1, 1, 0.1, 2, 0.1, 3);
    const st = fitStandardizer(data, 2, [0, 1, 2]);
    expect([st.mean[0], st.std[0]]).toEqual([0.1, 1]);
    expect(Array.from(takeRows(data, 2, [0, 1, 2], st)).filter((_, i) => i % 2 === 0)).toEqual([0, 0, 0]);
  });

  it('names the column whose variance or mean overflows float64', () => {
    const data = Float64Array.of(1, 1e200, 2, -1e200, 3, 5e199);
    expect(() => fitStandardizer(data, 2, [0, 1, 2], { file: 'big.csv', columns: ['a', 'b'] })).toThrow(
      new DataError(
        "big.csv: column 'b' cannot be standardised: its values (from -1e+200 to 1e+200) are so large that their variance overflows float64; " +
          'rescale the column (divide it by a power of ten, or take a logarithm) so its values stay within about ±1e150',
      ),
    );
    expect(() => fitStandardizer(Float64Array.of(1e308, 1.5e308), 1, [0, 1])).toThrow('data: column 1 cannot be standardised: its values (from 1e+308 to 1.5e+308) are so large that their mean overflows');
  });

  it('fits nothing on no rows: the identity transform', () => {
    const st = fitStandardizer(Float64Array.of(), 2, []);
    expect([...st.mean, ...st.std]).toEqual([0, 0, 1, 1]);
  });
});

describe('CsvTokenizer: chunking is invisible (property)', () => {
  const piece = fc.constantFrom('a', 'b', ' ', '\t', ',', '"', '""', '\n', '\r', '\r\n', '1', '.', 'é', '🐍');
  it('any text split into any chunks gives the records and errors of the whole text', () => {
    const outcome = (pieces: readonly string[]): unknown => {
      const out: [number, string[]][] = [];
      const t = new CsvTokenizer('p.csv', (cells, line) => out.push([line, cells]));
      try {
        for (const p of pieces) t.push(p);
        t.end();
      } catch (e) {
        return e instanceof CsvError ? ['error', e.message] : e;
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (parts, cuts) => {
        const text = parts.join('');
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((s, i, all) => text.slice(s, all[i + 1] ?? text.length));
        expect(outcome(chunks)).toEqual(outcome([text]));
      }),
      { numRuns: 500 },
    );
  });
});

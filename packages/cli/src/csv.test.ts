import { describe, expect, it } from 'vitest';
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

import { describe, expect, it } from 'vitest';
import { DATASET_NAMES, extentOf, makeDataset } from './datasets.js';
import { MAX_CSV_ROWS, parseCsv, standardise, toCsv } from './csv.js';
import { dataFor } from './build.js';
import { DEFAULT_CONFIG, formatConfig, parseConfig } from './config.js';

describe('data sets', () => {
  for (const name of DATASET_NAMES) {
    it(`${name}: n points, labels 0/1 in both classes, seeded, in range`, () => {
      const d = makeDataset(name, 201, 0.1, 7);
      expect(d.n).toBe(201);
      expect(d.X.length).toBe(402);
      expect(d.y.length).toBe(201);
      expect([...d.y].every((v) => v === 0 || v === 1)).toBe(true);
      const ones = [...d.y].filter((v) => v === 1).length;
      expect(ones).toBeGreaterThanOrEqual(100);
      expect(ones).toBeLessThanOrEqual(101);
      expect([...d.X].every((v) => Number.isFinite(v) && Math.abs(v) < 2.5)).toBe(true);
      const again = makeDataset(name, 201, 0.1, 7);
      expect(again.X).toEqual(d.X);
      expect(again.y).toEqual(d.y);
      expect(makeDataset(name, 201, 0.1, 8).X).not.toEqual(d.X);
      const e = extentOf(d);
      expect([...d.X].every((v) => v > e.lo && v < e.hi)).toBe(true);
    });
  }

  it('without noise, xor labels are the sign of x1·x2 and circle labels the radius', () => {
    const x = makeDataset('xor', 100, 0, 3);
    for (let i = 0; i < 100; i++) expect(x.y[i]).toBe(x.X[2 * i]! * x.X[2 * i + 1]! > 0 ? 1 : 0);
    const c = makeDataset('circle', 100, 0, 3);
    for (let i = 0; i < 100; i++) expect(c.y[i]).toBe(Math.hypot(c.X[2 * i]!, c.X[2 * i + 1]!) < 0.6 ? 1 : 0);
  });
});

describe('CSV', () => {
  it('reads a good file with a header, blank lines and comments, and round-trips toCsv', () => {
    const r = parseCsv('x1,x2,label\n# a comment\n0.5,-1,1\n\n2e-3; 3 ;0\r\n-.25\t1\t1\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.data.X]).toEqual([0.5, -1, 0.002, 3, -0.25, 1]);
    expect([...r.data.y]).toEqual([1, 0, 1]);
    const d = makeDataset('spiral', 50, 0.2, 1);
    const back = parseCsv(toCsv(d));
    expect(back.ok && back.data.X).toEqual(d.X);
  });

  it('names every bad line: non-numbers, too few or many columns, bad labels', () => {
    const r = parseCsv('x1,x2,label\n1,2,1\n1,abc,0\n3,4\n1,2,3,4\n1,2,0.5\n1,2,NaN');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      "line 3: x2 is 'abc', not a number",
      'line 4: too few columns (2); each row is x1,x2,label',
      'line 5: too many columns (4); each row is x1,x2,label',
      'line 6: label is 0.5; labels are 0 or 1',
      "line 7: label is 'NaN', not a number",
    ]);
  });

  it('refuses empty text, a header alone, one row, and too many rows, with a message', () => {
    for (const t of ['', '\n\n', 'x1,x2,label\n']) {
      const r = parseCsv(t);
      expect(r.ok === false && r.errors[0]).toMatch(/^no data rows/);
    }
    const one = parseCsv('1,2,1');
    expect(one.ok === false && one.errors[0]).toMatch(/only one data row/);
    const many = parseCsv(Array.from({ length: MAX_CSV_ROWS + 1 }, () => '0,0,1').join('\n'));
    expect(many.ok === false && many.errors[0]).toMatch(/at most 5000/);
  });

  it('reports at most 8 bad lines and counts the rest', () => {
    const r = parseCsv(Array.from({ length: 12 }, () => 'a,b,c').join('\n'));
    expect(r.ok === false && r.errors.length).toBe(9);
    expect(r.ok === false && r.errors[8]).toBe('… and 4 more bad lines');
  });

  it('refuses coordinates whose span overflows float64 (the heatmap would be NaN)', () => {
    const r = parseCsv('1e308,0,1\n-1e308,1,0');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toBe('x1 spans -1e+308 to 1e+308: the span overflows float64; rescale the column');
    const fine = parseCsv('1e307,0,1\n-1e307,1,0');
    expect(fine.ok).toBe(true);
    if (fine.ok) expect(Number.isFinite(extentOf(fine.data).hi - extentOf(fine.data).lo)).toBe(true);
  });

  it('standardise z-scores x1 and x2 (a constant column is only centred); a CSV is standardised by default, std=0 keeps it as given', () => {
    const r = parseCsv('0,100,1\n2,300,0\n4,200,1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const z = standardise(r.data);
    const sd = Math.sqrt(8 / 3);
    expect([...z.X].map((v) => +v.toFixed(12))).toEqual([-2 / sd, -100 / Math.sqrt(20000 / 3), 0, 100 / Math.sqrt(20000 / 3), 2 / sd, 0].map((v) => +v.toFixed(12)));
    expect([...z.y]).toEqual([1, 0, 1]);
    expect([...standardise({ X: Float64Array.of(5, 1, 5, 3), y: Float64Array.of(0, 1), n: 2 }).X]).toEqual([0, -1, 0, 1]);
    const csv = '0,100,1\n2,300,0\n4,200,1';
    const on = parseConfig(new URLSearchParams(`data=csv&csv=${encodeURIComponent(csv)}`)).config;
    expect(on.standardise).toBe(true);
    expect(dataFor(on).data.X).toEqual(z.X);
    const off = { ...on, standardise: false };
    expect(formatConfig(off).get('std')).toBe('0');
    expect(parseConfig(formatConfig(off)).config).toEqual(off);
    expect(dataFor(off).data.X).toEqual(r.data.X);
    expect(formatConfig(DEFAULT_CONFIG).has('std')).toBe(false);
  });
});

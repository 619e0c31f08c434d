import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset, CsvError, DataError, parseCsv, type Io } from './index.js';
import { loadDataset } from './load.js';
import { loadProgress } from './progress.js';
import { scratch } from './testing/run-io.js';

const { dir, file } = scratch();
const path = (name: string): string => join(dir, name);
const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    if (e instanceof Error) return e;
  }
  throw new Error('expected an error');
};

describe('loadDataset', () => {
  const text = '\ufeffx,"note, quoted",label\r\n1.5,"a ""b""\r\nc",café\r\n\r\n-2,"",🐍 snake\r\n3e1,plain,café\r\n4,"x",naïve';

  it('gives what parseCsv + buildDataset give, at every chunk size (quotes, CRLF, a BOM and multi-byte UTF-8 split between chunks)', () => {
    // 'note, quoted' holds text, so it is the target here: every other column must be numeric.
    const csv = 'x,label\r\n1.5,"a ""b""\r\nc"\r\n\r\n-2,🐍 snake\r\n3e1,café\r\n4,"x"';
    writeFileSync(path('mixed.csv'), `\ufeff${csv}`);
    const expected = buildDataset(parseCsv(`\ufeff${csv}`, 'mixed.csv'), { task: 'auto' });
    expect(expected.classes).toEqual(['a "b"\r\nc', 'café', 'x', '🐍 snake']);
    for (const chunkSize of [1, 2, 3, 5, 7, 64, 1 << 16]) {
      const ds = loadDataset(path('mixed.csv'), 'mixed.csv', { task: 'auto', chunkSize });
      expect(ds, `chunk size ${chunkSize}`).toEqual(expected);
    }
    expect(Array.from(expected.lines)).toEqual([2, 5, 6, 7]);
  });

  it('reports the line of a bad cell the same way at every chunk size', () => {
    writeFileSync(path('bad.csv'), text);
    for (const chunkSize of [1, 4, 1 << 16]) {
      const e = thrown(() => loadDataset(path('bad.csv'), 'bad.csv', { task: 'auto', chunkSize }));
      expect(e).toBeInstanceOf(CsvError);
      expect(e.message).toBe("bad.csv line 2, column 2: 'a \"b\"\\nc' in feature column 'note, quoted' is not a number; feature columns must be numeric (only the target column 'label' may hold class labels)");
    }
  });

  it('takes the last column as the target unless told, and sizes its arrays from the file', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i * 2},${i % 2 ? 'odd' : 'even'}`);
    writeFileSync(path('big.csv'), `a,b,parity\n${rows.join('\n')}\n`);
    const seen: number[] = [];
    const ds = loadDataset(path('big.csv'), 'big.csv', { task: 'auto', chunkSize: 4096, onProgress: (done) => seen.push(done) });
    expect([ds.target, ds.n, ds.classes]).toEqual(['parity', 3000, ['even', 'odd']]);
    expect(ds.X[2 * 2999 + 1]).toBe(5998);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
  });

  it('rejects bytes that are not UTF-8 at the line they are on', () => {
    writeFileSync(path('latin1.csv'), Buffer.concat([Buffer.from('a,label\n1,x\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n3,y\n')]));
    for (const chunkSize of [1, 2, 3, 4, 5, 1 << 16]) {
      const e = thrown(() => loadDataset(path('latin1.csv'), 'latin1.csv', { task: 'auto', chunkSize }));
      expect(e).toBeInstanceOf(CsvError);
      expect(e.message).toBe('latin1.csv line 3: the file is not UTF-8 text (an invalid byte sequence at byte 17); save it as UTF-8 CSV');
    }
  });

  it('rejects a missing file, a directory, an empty file and a header without rows', () => {
    mkdirSync(path('folder'), { recursive: true });
    file('empty.csv', '');
    file('blank.csv', '\n \n');
    file('head.csv', 'a,b\n');
    const cases: [string, string][] = [
      ['nope.csv', `nope.csv: cannot read the file (no such file: ${path('nope.csv')}); check the --data path`],
      ['folder', `folder: cannot read the file (it is a directory: ${path('folder')}); check the --data path`],
      ['empty.csv', 'empty.csv: the file is empty; expected a header line of column names followed by data rows'],
      ['blank.csv', 'blank.csv: the file is empty'],
      ['head.csv', 'head.csv: the file has a header (a, b) but no data rows'],
    ];
    for (const [name, message] of cases) {
      const e = thrown(() => loadDataset(path(name), name, { task: 'auto' }));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message.startsWith(message)).toBe(true);
    }
  });
});

/** An Io whose stderr is a terminal and whose clock the test moves. */
function ttyIo(tty: boolean): { io: Io; err: () => string; tick: (ms: number) => void } {
  let err = '';
  let t = 0;
  const io: Io = {
    stdout: { write: () => undefined, isTTY: false },
    stderr: { write: (s) => void (err += s), isTTY: tty, columns: 80 },
    cwd: dir,
    now: () => t,
  };
  return { io, err: () => err, tick: (ms) => void (t += ms) };
}

describe('loadProgress', () => {
  it('draws a bar in megabytes once a load has taken 300 ms, at most every 100 ms, and erases it at the end', () => {
    const { io, err, tick } = ttyIo(true);
    const p = loadProgress(io, 'big.csv')!;
    p.update(1e6, 50e6);
    expect(err()).toBe('');
    tick(300);
    p.update(10e6, 50e6);
    expect(err()).toMatch(/^\rloading big\.csv \[█+░+\] 10\/50 MB\x1b\[K$/);
    tick(50);
    p.update(12e6, 50e6);
    expect(err().split('\r').length).toBe(2);
    tick(60);
    p.update(50e6, 50e6);
    expect(err()).toContain('50/50 MB');
    p.finish();
    expect(err().endsWith('\r\x1b[K')).toBe(true);
  });

  it('draws nothing when stderr is not a terminal, or for a quick load', () => {
    expect(loadProgress(ttyIo(false).io, 'x.csv')).toBeNull();
    const quick = ttyIo(true);
    const p = loadProgress(quick.io, 'x.csv')!;
    p.update(5, 10);
    p.finish();
    expect(quick.err()).toBe('');
  });
});

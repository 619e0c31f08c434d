/**
 * The CLI data part of the bad-input corpus: files and cells `tapegrad train --data` must
 * refuse, each with the typed error, the exit code and the message parts that say which
 * file, line, column and cell, which rule, and the fix. File cases run the real command
 * (`train`'s streaming loader on a temporary file); table cases call parseCsv/buildDataset.
 * Classes: 9 (the CLI's data rules) and 2 (sizes from user data, checked before allocating).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, CsvError, DataError, EXIT, UsageError, buildDataset, exitCodeOf, fitStandardizer, inferTask, memoryIo, parseCsv, run, splitIndices, takeRows } from '@tapegrad/cli';
import { type BadCase, type HardeningClass, countByClass, loose, runCorpus } from './corpus.js';
import { callJunk, junk, junkArgs } from './junk.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bad-data-'));
const train = COMMANDS.find((c) => c.name === 'train')!;
const lines = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

/** A CLI case: `tapegrad train --data <name> ...argv` on a file holding `text`, expecting `exit`. */
interface FileCase {
  readonly name: string;
  readonly cls: HardeningClass;
  readonly file: string;
  readonly text: string | Buffer | null;
  readonly argv?: readonly string[];
  readonly exit: number;
  readonly error: typeof DataError | typeof CsvError | typeof UsageError;
  readonly message: readonly (string | RegExp)[];
}

const ok3 = (i: number): string => `${i % 5},${(i * 3) % 7},${i % 2 ? 'p' : 'q'}`;

const fileCases: FileCase[] = [
  // The file and the CSV dialect.
  { name: 'no such file', cls: 9, file: 'missing.csv', text: null, exit: EXIT.badData, error: DataError, message: ['missing.csv: cannot read the file (no such file: ', 'missing.csv); check the --data path'] },
  { name: 'a directory', cls: 9, file: 'adir', text: null, exit: EXIT.badData, error: DataError, message: ['adir: cannot read the file (it is a directory: '] },
  { name: 'an empty file', cls: 9, file: 'empty.csv', text: '', exit: EXIT.badData, error: CsvError, message: ['empty.csv: the file is empty; expected a header line'] },
  { name: 'only blank lines', cls: 9, file: 'blank.csv', text: '\n  \r\n\t\n', exit: EXIT.badData, error: CsvError, message: ['blank.csv: the file is empty'] },
  { name: 'a header without rows', cls: 9, file: 'head.csv', text: 'a,b,c\r\n', exit: EXIT.badData, error: CsvError, message: ['head.csv: the file has a header (a, b, c) but no data rows'] },
  { name: 'a duplicate column name', cls: 9, file: 'dup.csv', text: 'a,b,a\n1,2,3\n', exit: EXIT.badData, error: CsvError, message: ["dup.csv line 1, column 3: duplicate column name 'a' (also column 1); column names must be unique"] },
  { name: 'an empty column name', cls: 9, file: 'noname.csv', text: 'a, ,c\n1,2,3\n', exit: EXIT.badData, error: CsvError, message: ['noname.csv line 1, column 2: empty column name in the header; give every column a name'] },
  { name: 'a short row', cls: 9, file: 'short.csv', text: `a,b,c\n${lines(3, ok3)}\n1,2\n`, exit: EXIT.badData, error: CsvError, message: ['short.csv line 5: ragged row: expected 3 fields (as in the header), got 2'] },
  { name: 'a long row after a quoted newline', cls: 9, file: 'long.csv', text: 'a,b,c\n1,2,"x\ny"\n3,4,z,5\n', exit: EXIT.badData, error: CsvError, message: ['long.csv line 4: ragged row: expected 3 fields (as in the header), got 4'] },
  { name: 'an unterminated quote', cls: 9, file: 'quote.csv', text: 'a,b,c\n1,2,p\n3,"4,q\n5,6,r\n', exit: EXIT.badData, error: CsvError, message: ['quote.csv line 3, column 2: unterminated quoted field', 'escape inner quotes as ""'] },
  {
    name: 'bytes that are not UTF-8',
    cls: 9,
    file: 'latin1.csv',
    text: Buffer.concat([Buffer.from('a,b,c\n1,2,p\n3,4,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    exit: EXIT.badData,
    error: CsvError,
    message: ['latin1.csv line 3: the file is not UTF-8 text', 'save it as UTF-8 CSV'],
  },
  { name: 'a missing --target column', cls: 9, file: 'ok.csv', text: `a,b,c\n${lines(4, ok3)}\n`, argv: ['--target', 'label'], exit: EXIT.badData, error: DataError, message: ["ok.csv: no column named 'label' in the header (columns: a, b, c); pass --target with one of them"] },
  { name: '--target __proto__ is a missing column, not a prototype member', cls: 9, file: 'ok.csv', text: `a,b,c\n${lines(4, ok3)}\n`, argv: ['--target', '__proto__'], exit: EXIT.badData, error: DataError, message: ["no column named '__proto__'"] },
  { name: 'only the target column', cls: 9, file: 'one.csv', text: 'y\np\nq\n', exit: EXIT.badData, error: DataError, message: ["one.csv: the only column is the target 'y'; add at least one numeric feature column"] },

  // Feature cells: decimal numbers only.
  ...(
    [
      ['0x10', 'hexadecimal, octal and binary literals are not read; write the value in decimal'],
      [' 0b1', 'hexadecimal, octal and binary literals are not read'],
      ['0o17', 'hexadecimal, octal and binary literals are not read'],
      ['1_000', "digit separators are not read; write the number without '_'"],
      ['Infinity', 'NaN and Infinity are not data values; fill in a finite value or drop the row'],
      ['-inf', 'NaN and Infinity are not data values'],
      ['NaN', 'NaN and Infinity are not data values'],
      ['1e', 'the exponent has no digits'],
      ['2.5e+', 'the exponent has no digits'],
      ['"3,5"', "decimal commas are not read; write '.' for the decimal point"],
    ] as const
  ).map(([cell, hint], k): FileCase => ({
    name: `the feature cell ${cell}`,
    cls: 9,
    file: `cell${k}.csv`,
    text: `a,b,c\n${lines(3, ok3)}\n4,${cell},p\n`,
    exit: EXIT.badData,
    error: CsvError,
    message: [`cell${k}.csv line 5, column 2: '${cell.replaceAll('"', '')}' in feature column 'b' is not a number (${hint}`, "only the target column 'c' may hold class labels"],
  })),
  { name: 'an empty feature cell', cls: 9, file: 'hole.csv', text: 'a,b,c\n1,,p\n2,3,q\n', exit: EXIT.badData, error: CsvError, message: ["hole.csv line 2, column 2: an empty cell in feature column 'b' is not a number"] },
  { name: 'a text feature cell', cls: 9, file: 'abc.csv', text: 'a,b,c\n1,abc,p\n2,3,q\n', exit: EXIT.badData, error: CsvError, message: ["abc.csv line 2, column 2: 'abc' in feature column 'b' is not a number; feature columns must be numeric"] },
  { name: 'two decimal points', cls: 9, file: 'dots.csv', text: 'a,b,c\n1.2.3,4,p\n2,3,q\n', exit: EXIT.badData, error: CsvError, message: ["dots.csv line 2, column 1: '1.2.3' in feature column 'a' is not a number"] },
  { name: 'a feature past float64', cls: 9, file: 'e400.csv', text: 'a,b,c\n1,1e400,p\n2,3,q\n', exit: EXIT.badData, error: CsvError, message: ["e400.csv line 2, column 2: '1e400' in feature column 'b' is outside the float64 range (about ±1.8e308); rescale the column"] },
  { name: 'a bad cell after CRLF lines and a quoted CRLF', cls: 9, file: 'crlf.csv', text: 'a,b,c\r\n1,2,"p\r\nq"\r\n3,x4,r\r\n', exit: EXIT.badData, error: CsvError, message: ["crlf.csv line 4, column 2: 'x4' in feature column 'b' is not a number"] },

  // Targets: the same number rule, an empty label, a single class.
  { name: 'a regression target 0x10', cls: 9, file: 'yhex.csv', text: 'a,y\n1,2.5\n2,0x10\n', argv: ['--task', 'regression'], exit: EXIT.badData, error: CsvError, message: ["yhex.csv line 3, column 2: '0x10' in target column 'y' is not a number (hexadecimal", 'use --task classification for class labels'] },
  { name: 'an empty regression target', cls: 9, file: 'yhole.csv', text: 'a,y\n1,2.5\n2, \n', argv: ['--task', 'regression'], exit: EXIT.badData, error: CsvError, message: ["yhole.csv line 3, column 2: an empty cell in target column 'y' is not a number"] },
  { name: 'a target past float64', cls: 9, file: 'ybig.csv', text: 'a,y\n1,2.5\n2,1e999\n', exit: EXIT.badData, error: CsvError, message: ["ybig.csv line 3, column 2: '1e999' in target column 'y' is outside the float64 range"] },
  { name: 'an empty class label', cls: 9, file: 'nolabel.csv', text: 'a,y\n1,p\n2,\n', argv: ['--task', 'classification'], exit: EXIT.badData, error: CsvError, message: ["nolabel.csv line 3, column 2: empty cell in target column 'y'; every row needs a class label"] },
  { name: 'a single class', cls: 9, file: 'single.csv', text: 'a,y\n1,p\n2,p\n', exit: EXIT.badData, error: DataError, message: ["single.csv: target column 'y' has a single class ('p'); classification needs at least two"] },
  { name: '1 and 1.0 are one class', cls: 9, file: 'same.csv', text: 'a,y\n1,1\n2,1.0\n3,1e0\n', exit: EXIT.badData, error: DataError, message: ["same.csv: target column 'y' has a single class ('1')"] },

  // Standardisation: overflow is bad data, named by column (it was "lower the learning rate").
  { name: 'features whose variance overflows', cls: 9, file: 'var.csv', text: `a,b,y\n${lines(10, (i) => `${i},${i % 2 ? 1e200 : -1e200},${i % 2}`)}\n`, exit: EXIT.badData, error: DataError, message: ["var.csv: column 'b' cannot be standardised", 'variance overflows float64', 'rescale the column'] },
  { name: 'features whose mean overflows', cls: 9, file: 'mean.csv', text: `a,b,y\n${lines(10, (i) => `${1.5e308 - i * 1e300},${i},${i % 2}`)}\n`, exit: EXIT.badData, error: DataError, message: ["mean.csv: column 'a' cannot be standardised", 'mean overflows float64'] },
  { name: 'a regression target whose variance overflows', cls: 9, file: 'yvar.csv', text: `a,y\n${lines(12, (i) => `${i},${i * 1e160}`)}\n`, exit: EXIT.badData, error: DataError, message: ["yvar.csv: column 'y' cannot be standardised"] },

  // Sizes from the data, checked before anything is allocated.
  {
    name: 'a 200,000-class target (a 200k x 200k one-hot)',
    cls: 2,
    file: 'ids.csv',
    text: `x,id\n${lines(200_000, (i) => `${i % 7},${i}`)}\n`,
    argv: ['--task', 'classification'],
    exit: EXIT.badData,
    error: DataError,
    message: ["ids.csv: target column 'id' has 200,000 classes over 200,000 rows", '[200000, 200000] would hold 40,000,000,000 values', 'more than the limit of 134,217,728', 'use --task regression'],
  },
  {
    name: '12,000 text labels',
    cls: 2,
    file: 'names.csv',
    text: `x,name\n${lines(12_000, (i) => `${i % 7},n${i}`)}\n`,
    exit: EXIT.badData,
    error: DataError,
    message: ["names.csv: target column 'name' has 12,000 classes", 'a class label column needs far fewer distinct labels'],
  },
  {
    name: 'a numeric target made a class column by one NaN cell',
    cls: 2,
    file: 'nan.csv',
    text: `x,y\n${lines(12_000, (i) => `${i % 7},${i === 41 ? 'NaN' : i / 8}`)}\n`,
    exit: EXIT.badData,
    error: DataError,
    message: ["nan.csv: target column 'y' has 12,000 classes", "numeric apart from 1 text value such as 'NaN' (line 43): fix those cells and use --task regression"],
  },
  {
    name: '--hidden too wide for the data (2000 features x 70000)',
    cls: 2,
    file: 'wide.csv',
    text: `${lines(2000, (i) => `f${i}`).replaceAll('\n', ',')},y\n${lines(2000, (i) => String(i % 5)).replaceAll('\n', ',')},0\n${lines(2000, (i) => String(i % 3)).replaceAll('\n', ',')},1\n`,
    argv: ['--hidden', '70000'],
    exit: EXIT.usage,
    error: UsageError,
    message: ['tapegrad train --hidden: layer 1 (2000 → 70000) would have 140,000,000 weights, more than the limit of 134,217,728', 'use narrower layers'],
  },
];

mkdirSync(join(dir, 'adir'), { recursive: true });
for (const c of fileCases) if (c.text !== null) writeFileSync(join(dir, c.file), c.text);
const argvOf = (c: FileCase): string[] => ['--data', c.file, '--epochs', '1', ...(c.argv ?? [])];

/** Runs the train command itself (its error is what `run` turns into the exit code), checking that exit code too. */
function viaCommand(c: FileCase): () => unknown {
  return () => {
    let code: number;
    try {
      code = train.run(argvOf(c), memoryIo({ cwd: dir }));
    } catch (e) {
      expect(exitCodeOf(e), `${c.name}: exit code`).toBe(c.exit);
      throw e;
    }
    throw new Error(`${c.name}: train returned ${code} instead of failing`);
  };
}

const tableCases: BadCase[] = [
  { name: 'parseCsv: a ragged row', cls: 9, run: () => parseCsv('a,b\n1,2\n3\n', 't.csv'), error: CsvError, message: ['t.csv line 3: ragged row: expected 2 fields'] },
  { name: 'buildDataset: a hexadecimal feature', cls: 9, run: () => buildDataset(parseCsv('a,y\n0x1F,p\n2,q\n', 't.csv'), { task: 'auto' }), error: CsvError, message: ["t.csv line 2, column 1: '0x1F' in feature column 'a' is not a number (hexadecimal"] },
  { name: 'buildDataset: Infinity as a regression target', cls: 9, run: () => buildDataset(parseCsv('a,y\n1,2\n2,Infinity\n', 't.csv'), { task: 'regression' }), error: CsvError, message: ["t.csv line 3, column 2: 'Infinity' in target column 'y' is not a number (NaN and Infinity"] },
  { name: 'buildDataset: a target column named constructor that is not there', cls: 9, run: () => buildDataset(parseCsv('a,y\n1,2\n', 't.csv'), { target: 'constructor', task: 'auto' }), error: DataError, message: ["t.csv: no column named 'constructor'"] },
  {
    name: 'fitStandardizer: a column whose variance overflows',
    cls: 9,
    run: () => fitStandardizer(Float64Array.of(1e300, -1e300), 1, [0, 1], { file: 't.csv', columns: ['w'] }),
    error: DataError,
    message: ["t.csv: column 'w' cannot be standardised: its values (from -1e+300 to 1e+300)"],
  },
];

const cases: BadCase[] = [...fileCases.map((c): BadCase => ({ name: `train --data: ${c.name}`, cls: c.cls, run: viaCommand(c), error: c.error, message: c.message })), ...tableCases];

describe('CLI data bad-input corpus', () => {
  runCorpus(cases);

  it('holds at least 35 cases, in classes 9 and 2', () => {
    const counts = countByClass(cases);
    expect(cases.length).toBeGreaterThanOrEqual(35);
    expect(counts.get(9) ?? 0).toBeGreaterThanOrEqual(30);
    expect(counts.get(2) ?? 0).toBeGreaterThanOrEqual(4);
  });

  it.each(fileCases.map((c) => [c.name, c] as const))('through run: %s exits with its code and one stderr line', (_name, c) => {
    const io = memoryIo({ cwd: dir });
    expect(run(['train', ...argvOf(c)], io)).toBe(c.exit);
    expect(io.out()).toBe('');
    expect(io.err().trimEnd().split('\n')).toHaveLength(1);
    expect(io.err()).not.toContain('internal error');
  });
});

describe('the CLI data functions on junk arguments', () => {
  const fns: [string, (...args: unknown[]) => unknown][] = [
    ['parseCsv', loose(parseCsv)],
    ['buildDataset', loose(buildDataset)],
    ['inferTask', loose(inferTask)],
    ['fitStandardizer', loose(fitStandardizer)],
    ['takeRows', loose(takeRows)],
    ['splitIndices', loose(splitIndices)],
  ];
  const table = parseCsv('a,y\n1,p\n2,q\n', 'j.csv');
  const nearMiss: fc.Arbitrary<unknown[]> = fc.oneof(
    fc.tuple(fc.constant(table), junk),
    fc.tuple(fc.constant(table), fc.record({ task: junk, target: junk }, { requiredKeys: [] })),
    fc.tuple(fc.constant(Float64Array.of(1, 2, 3, 4)), junk, junk, junk),
    fc.tuple(fc.constant(Float64Array.of(1, 2, 3, 4)), fc.constant(2), junk, junk),
    fc.tuple(fc.string(), junk),
  );

  it.each(fns)('%s returns or throws a TapegradError, leaving the tape idle and Object.prototype alone', async (name, fn) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(junkArgs, nearMiss), async (args) => {
        await callJunk(name, fn, args);
      }),
      { numRuns: 150 },
    );
  });
});

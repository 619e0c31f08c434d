/**
 * The CLI with junk command lines: for every command, arbitrary strings and real option
 * names with junk values. Each run must exit 0, 1, 2 or 3 (never 4, the internal-error
 * code, and never a thrown native error), leave the tape idle and Object.prototype as it
 * was, and with --json print a failure as one JSON object of the documented shape.
 *
 * Bounded so nothing runs long: `train`/`iris` get `--epochs 1 --check-every 0` appended
 * (parseArgs keeps the last value of an option), `--data` reads only a few prepared files
 * and junk relative names resolved in a scratch folder (where `--save` writes too), and
 * numeric values come from a pool of junk that holds no large valid widths or batches.
 * Then the expression functions get junk arguments through core's `callJunk`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRecording } from '@tapegrad/core';
import { createMLP, saveModel } from '@tapegrad/nn';
import { COMMANDS, evaluate, memoryIo, parseExpr, parseVar, run, traceExpression, variablesOf } from '@tapegrad/cli';
import { callJunk, junk, junkArgs } from './junk.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-junk-cli-'));
writeFileSync(join(dir, 'good.csv'), 'a,b,y\n1,2,0\n2,1,1\n3,4,0\n4,3,1\n5,5,0\n');
writeFileSync(join(dir, 'ragged.csv'), 'a,b,y\n1,2\n');
writeFileSync(join(dir, 'empty.csv'), '');
mkdirSync(join(dir, 'folder'));
// A model file for predict (and export): good.csv's features a, b and its two classes.
writeFileSync(join(dir, 'model.json'), saveModel(createMLP({ sizes: [2, 3, 2], activations: 'tanh', seed: 1 }), { metadata: { featureNames: ['a', 'b'], target: 'y', task: 'classification', classNames: ['0', '1'], loss: 'softmaxCrossEntropy' } }));

/** Option values users get wrong: prototype keys, non-decimal numbers, empty, huge, negative, fractional. */
const junkValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '0', '1', '2', '-1', '1.5', '1e400', '1e9', 'NaN', 'Infinity', '0x10', '0b1', '1_0', '__proto__', 'constructor', 'toString', 'relu', 'mse', 'bce', 'softmax-ce', 'softmax', 'sgd', 'table', 'regression', 'classification', '1,2', '2,3,2', '4,3', '1000000,1000000', '0,2', ',', '2,,2', 'x=1', 'x=[[1,2],[3]]', 'x=[1e400]', '__proto__=1', '[[[[1]]]]', 'x', 'sum(x)', 'constructor(x)', 'toString(x)', 'x + __proto__', `${'('.repeat(600)}x`, `x${'+x'.repeat(600)}`, `x=${'['.repeat(40)}`),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[-+]?[0-9.eE,x]{0,8}$/),
);

const TRAIN_OPTIONS = ['--data', '--target', '--task', '--hidden', '--sizes', '--layers', '--activation', '--loss', '--epochs', '--lr', '--optimizer', '--batch-size', '--batch', '--seed', '--test-fraction', '--check-every', '--save', '--json', '--check-nan', '-d', '-t', '-l', '-a', '-e', '-b', '-s'];
const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  iris: TRAIN_OPTIONS,
  train: TRAIN_OPTIONS,
  compare: ['--hidden', '--sizes', '--layers', '--activation', '--loss', '--batch-size', '--batch', '--seed', '--eps', '--json', '-l', '-a', '-b', '-s'],
  explain: ['--hidden', '--sizes', '--layers', '--activation', '--seed', '--x', '--y', '--json', '--expr', '--var', '-l', '-a', '-s', '-e'],
  graph: ['--expr', '--var', '--hidden', '--sizes', '--layers', '--model', '--activation', '--loss', '--batch-size', '--batch', '--seed', '--format', '--values', '--check-nan', '--json', '-e', '-f', '-b', '-l'],
  export: ['--model', '--onnx', '--float32', '--json', '-m', '-o'],
  predict: ['--model', '--data', '--out', '--json', '-m', '-d'],
};

/** `--data` values: prepared files, a folder, a missing file, and junk names (relative, so inside the scratch folder). */
const dataValue = fc.oneof(fc.constantFrom('good.csv', 'ragged.csv', 'empty.csv', 'folder', 'missing.csv'), fc.string({ maxLength: 8 }).filter(safeRelative));

function safeRelative(s: string): boolean {
  return !s.startsWith('/') && !s.startsWith('\\') && !s.includes('..') && !s.startsWith('~');
}

/** One argument: a real option followed (maybe) by a value, or a junk token. */
function token(command: string): fc.Arbitrary<string[]> {
  const names = OPTIONS[command]!;
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...names), junkValue).map(([n, v]) => [n, v]) },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => [n]) },
    { weight: 1, arbitrary: fc.constantFrom('--data', '-d', '--save').chain((n) => dataValue.map((v) => [n, v])) },
    { weight: 1, arbitrary: fc.oneof(junkValue, fc.constantFrom('--help', '--debug', '--', '-', '--json', '--nope', '--epochs=2', '-xyz')).map((v) => [v]) },
  );
}

/** `--model` values: the prepared model, other files, a folder, a missing file, junk names. */
const modelValue = fc.oneof(fc.constantFrom('model.json', 'model.json', 'good.csv', 'folder', 'missing.json'), fc.string({ maxLength: 8 }).filter(safeRelative));

function argvFor(command: string): fc.Arbitrary<string[]> {
  const training = command === 'train' || command === 'iris';
  // Half the training runs read a prepared or junk --data file first, so bad data is reached often;
  // the commands that read a model get a --model first as often (and predict a --data too).
  const data = training ? fc.option(dataValue.map((v) => ['--data', v]), { freq: 2 }) : fc.constant(null);
  const model = command === 'predict' || command === 'export' ? fc.option(modelValue.map((v) => ['--model', v]), { freq: 2 }) : fc.constant(null);
  const rows = command === 'predict' ? fc.option(dataValue.map((v) => ['--data', v]), { freq: 2 }) : fc.constant(null);
  return fc.tuple(data, model, rows, fc.array(token(command), { maxLength: 5 })).map(([d, m, r, ts]) => {
    const argv = [command, ...(d ?? []), ...(m ?? []), ...(r ?? []), ...ts.flat()];
    // Bound training: the last value of an option wins in parseArgs.
    return training ? [...argv, '--epochs', '1', '--check-every', '0'] : argv;
  });
}

/** Exit codes seen, so the last test can check that the runs reached past option parsing. */
const codes = new Map<number, number>();

function protoKeys(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}

/** Runs one command line and checks the contract; returns nothing, throws a descriptive failure. */
function check(argv: string[]): void {
  const before = protoKeys();
  const io = memoryIo({ cwd: dir });
  let code: number;
  try {
    code = run(argv, io);
  } catch (e) {
    throw new Error(`tapegrad ${JSON.stringify(argv)} threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
  codes.set(code, (codes.get(code) ?? 0) + 1);
  const label = `tapegrad ${JSON.stringify(argv)} → ${code}\nstdout: ${io.out().slice(0, 300)}\nstderr: ${io.err().slice(0, 300)}`;
  expect([0, 1, 2, 3], label).toContain(code);
  expect(isRecording(), label).toBe(false);
  expect(protoKeys(), label).toBe(before);
  if (argv.includes('--json') && code !== 0) {
    const out: unknown = JSON.parse(io.out());
    // A run that went ahead and failed a check prints its result with ok: false; every error is the error object.
    if (typeof out === 'object' && out !== null && 'error' in out) {
      expect(out, label).toEqual({ error: { type: expect.any(String), message: expect.any(String), exitCode: code } });
    } else {
      expect(code, label).toBe(1);
      expect(out, label).toMatchObject({ ok: false });
    }
  } else if (code >= 2) {
    expect(io.err(), label).toMatch(/^tapegrad/);
  }
}

describe('tapegrad with junk command lines', () => {
  it('walks every command', () => {
    expect(Object.keys(OPTIONS).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  for (const command of Object.keys(OPTIONS)) {
    it(`${command}: exits 0-3, never 4; --json failures are JSON`, () => {
      fc.assert(fc.property(argvFor(command), fc.boolean(), (argv, json) => check(json ? [...argv, '--json'] : argv)), { numRuns: command === 'train' || command === 'iris' ? 40 : 80 });
    });
  }

  it('arbitrary argv, first word included', () => {
    fc.assert(fc.property(fc.array(fc.oneof(junkValue, fc.constantFrom('train', 'compare', 'explain', 'graph', 'help', 'iris', '--help', '--version', '-v', '--json')), { maxLength: 4 }), (argv) => {
      // The bare first word may start the default Iris run: keep it to one epoch.
      check(argv[0] === undefined || argv[0].startsWith('-') || argv[0] === 'iris' || argv[0] === 'train' ? [...argv, '--epochs', '1', '--check-every', '0'] : argv);
    }), { numRuns: 120 });
  });

  it('the runs above reached every outcome: success, usage error and bad data', () => {
    // Junk that never got past option parsing would make the properties above vacuous.
    for (const code of [0, 2, 3]) expect(codes.get(code) ?? 0, `exit ${code} count (${JSON.stringify([...codes])})`).toBeGreaterThanOrEqual(5);
  });
});

describe('expression functions with junk arguments', () => {
  const expressions = fc.oneof(junk, fc.string({ maxLength: 16 }), fc.constantFrom('x', 'x + 1', 'sum(x)', 'constructor(x)', '__proto__', '((x', 'x @ x', 'x ^ -1', '1e999', 'log(-x)'));
  const cases: [string, (...args: unknown[]) => unknown, fc.Arbitrary<unknown[]>][] = [
    ['parseExpr', (...a) => parseExpr(...(a as [string])), fc.oneof(junkArgs, expressions.map((e) => [e]))],
    ['variablesOf', (...a) => variablesOf(...(a as [never])), fc.oneof(junkArgs, expressions.map((e) => [typeof e === 'string' ? safeParse(e) : e]))],
    [
      'evaluate',
      (...a) => evaluate(...(a as [string, never, never])),
      fc.oneof(junkArgs, fc.tuple(expressions, junk, fc.constantFrom(new Map(), new Map([['x', junk]]), {})).map(([s, v, m]) => [s, typeof s === 'string' ? safeParse(s) : v, m])),
    ],
    ['parseVar', (...a) => parseVar(...(a as [string])), fc.oneof(junkArgs, junkValue.map((v) => [v]), junkValue.map((v) => [`x=${v}`]))],
    ['traceExpression', (...a) => traceExpression(...(a as [string, string[]])), fc.oneof(junkArgs, fc.tuple(expressions, fc.array(fc.oneof(junkValue, junkValue.map((v) => `x=${v}`)), { maxLength: 3 })))],
    ['run', (...a) => run(...(a as [string[]]), memoryIo({ cwd: dir })), fc.oneof(junkArgs.filter((a) => !(Array.isArray(a[0]) && a[0].every((x) => typeof x === 'string'))), fc.array(junk, { maxLength: 3 }).map((a) => [['graph', ...a]]))],
  ];
  for (const [name, fn, args] of cases) {
    it(`${name}: returns or throws a TapegradError`, async () => {
      await fc.assert(fc.asyncProperty(args, (a) => callJunk(name, fn, a)), { numRuns: 150 });
    });
  }
});

/** The tree of a source that parses, else the source itself (junk for the tree argument). */
function safeParse(source: string): unknown {
  try {
    return parseExpr(source);
  } catch {
    return source;
  }
}

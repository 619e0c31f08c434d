import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError, GradError, ShapeError } from '@tapegrad/core';
import { LayerShapeError, LossCompatibilityError, ModelFormatError, TrainingDivergedError } from '@tapegrad/nn';
import { COMMANDS, CsvError, EXIT, exitCodeOf, memoryIo, reportError, run, UsageError } from './index.js';
import { runIo, scratch } from './testing/run-io.js';

const { dir } = scratch();
/** The command names in --help order: the main job and training first. */
const NAMES = COMMANDS.map((c) => c.name).join(', ');

describe('help, errors and exit codes', () => {
  it('every command has --help with its options and the exit codes', () => {
    for (const c of COMMANDS) {
      const { code, out } = runIo([c.name, '--help']);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage:/m);
      expect(out).toContain('3  bad data');
    }
    const top = runIo(['--help']).out;
    for (const c of COMMANDS) expect(top).toContain(`  ${c.name} `);
    expect(runIo(['help', 'graph']).out).toContain("tapegrad graph --expr '<expression>'");
    // --version is listed at the top and under every command's common options.
    for (const argv of [['--help'], ['help'], ...COMMANDS.map((c) => [c.name, '--help'])]) {
      expect(runIo(argv).out, argv.join(' ')).toContain("  -v, --version  print tapegrad's version: `tapegrad --version`, with nothing after it\n");
    }
  });

  it('an unknown command is a usage error', () => {
    expect(runIo(['trian'])).toEqual({ code: 2, out: '', err: `tapegrad: unknown command 'trian'; commands are ${NAMES} (see tapegrad --help)\n` });
  });

  it('maps error types to exit codes: a diverged training 1, usage 2, data 3, anything unexpected 4', () => {
    expect(exitCodeOf(new TrainingDivergedError('train: the loss became NaN at epoch 3', { epoch: 3, step: 20, loss: Number.NaN }))).toBe(1);
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new CsvError('f.csv', 2, 1, 'bad'))).toBe(3);
    // Errors core and nn raise on purpose were caused by a value from the command line.
    expect(exitCodeOf(new ArgumentError('bad option value'))).toBe(2);
    expect(exitCodeOf(new ShapeError('createMLP: shape [1000000,1000000] has 1e12 elements'))).toBe(2);
    expect(exitCodeOf(new LayerShapeError('forward: X has 3 columns', 0))).toBe(2);
    expect(exitCodeOf(new LossCompatibilityError('softmaxCrossEntropy after sigmoid'))).toBe(2);
    expect(exitCodeOf(new ModelFormatError('loadModel: not JSON'))).toBe(3);
    // The CLI misusing grad, or a native error, is a bug.
    expect(exitCodeOf(new GradError('grad: f must return a scalar'))).toBe(4);
    expect(exitCodeOf(new TypeError('a bug'))).toBe(4);
    expect(exitCodeOf(new RangeError('Invalid typed array length'))).toBe(4);
    expect(exitCodeOf('a thrown string')).toBe(4);
  });

  it('with --json, every error is one JSON object on stdout with the same exit code, stderr empty', () => {
    const usage = runIo(['compare', '--sizes', 'x', '--json']);
    expect(usage.code).toBe(2);
    expect(usage.err).toBe('');
    expect(JSON.parse(usage.out)).toEqual({
      error: { type: 'UsageError', message: "tapegrad compare --sizes: expected comma-separated positive integers like 16,8, got 'x'; see `tapegrad compare --help`", exitCode: 2 },
    });
    // Found before any command runs: an unknown command, --json given first.
    expect(JSON.parse(runIo(['--json', 'nope']).out).error.type).toBe('UsageError');
    expect(JSON.parse(runIo(['trian', '--json']).out)).toEqual({ error: { type: 'UsageError', message: `tapegrad: unknown command 'trian'; commands are ${NAMES} (see tapegrad --help)`, exitCode: 2 } });
    const data = runIo(['train', '--data', join(dir, 'missing.csv'), '--json']);
    expect(data.code).toBe(3);
    expect(JSON.parse(data.out).error).toMatchObject({ type: 'DataError', exitCode: 3 });
    // Internal errors too, with the note asking for a report.
    const io = memoryIo();
    expect(reportError(new TypeError("Cannot read properties of undefined (reading 'x')"), io, { debug: false, json: true })).toBe(4);
    expect(JSON.parse(io.out())).toEqual({
      error: { type: 'TypeError', message: "tapegrad: Cannot read properties of undefined (reading 'x') (internal error: please report it, with the output of --debug)", exitCode: 4 },
    });
    expect(io.err()).toBe('');
    // --debug still adds the stack, on stderr, so stdout stays one JSON object.
    const dbg = runIo(['compare', '--sizes', 'x', '--json', '--debug']);
    expect(JSON.parse(dbg.out).error.exitCode).toBe(2);
    expect(dbg.err).toMatch(/\n\s+at /);
  });

  it('takes nothing it would ignore: help takes one known command, --version nothing', () => {
    expect(runIo(['help', 'nope']).err).toBe(`tapegrad help: unknown command 'nope'; commands are ${NAMES}\n`);
    expect(runIo(['help', 'train', 'graph']).code).toBe(2);
    expect(runIo(['--version', 'x'])).toEqual({ code: 2, out: '', err: "tapegrad --version: takes nothing after it, got 'x'; run `tapegrad --version` alone\n" });
    expect(runIo(['-v']).out).toBe('0.1.0\n');
    expect(runIo(['help']).out).toContain('Usage: tapegrad [command] [options]');
  });

  it('an embedder passing something other than an array of strings gets an ArgumentError', () => {
    expect(() => Reflect.apply(run, undefined, ['train', memoryIo()])).toThrow(new ArgumentError('run: argv must be an array of strings (the arguments after the program name), got the string "train"'));
    expect(() => Reflect.apply(run, undefined, [['train', 5], memoryIo()])).toThrow('got an array holding number');
  });

  it('an unwritable --save path is a data error', () => {
    const { code, err } = runIo(['--epochs', '1', '--save', join(dir, 'no', 'such', 'dir', 'm.json')]);
    expect(code).toBe(EXIT.badData);
    expect(err).toMatch(/^tapegrad --save: cannot write .*m\.json \(ENOENT/);
  });

  it('--debug adds the stack trace', () => {
    const { err } = runIo(['compare', '--sizes', 'x', '--debug']);
    expect(err.split('\n')[0]).toContain('tapegrad compare --sizes');
    expect(err).toMatch(/\n\s+at /);
  });
});

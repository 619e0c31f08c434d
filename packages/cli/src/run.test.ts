import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tapegrad/core';
import { TrainingDivergedError } from '@tapegrad/nn';
import { COMMANDS, CsvError, EXIT, exitCodeOf, UsageError } from './index.js';
import { runIo, scratch } from './testing/run-io.js';

const { dir } = scratch();

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
  });

  it('an unknown command is a usage error', () => {
    expect(runIo(['trian'])).toEqual({ code: 2, out: '', err: "tapegrad: unknown command 'trian'; commands are iris, train, compare, explain, graph (see tapegrad --help)\n" });
  });

  it('maps error types to exit codes: a diverged training 1, usage 2, data 3, anything unexpected 4', () => {
    expect(exitCodeOf(new TrainingDivergedError('train: the loss became NaN at epoch 3', { epoch: 3, step: 20, loss: Number.NaN }))).toBe(1);
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new CsvError('f.csv', 2, 1, 'bad'))).toBe(3);
    expect(exitCodeOf(new ArgumentError('bad option value'))).toBe(2);
    expect(exitCodeOf(new TypeError('a bug'))).toBe(4);
  });

  it('an unwritable --save path is a data error', () => {
    const { code, err } = runIo(['--epochs', '1', '--save', join(dir, 'no', 'such', 'dir', 'm.json')]);
    expect(code).toBe(EXIT.badData);
    expect(err).toMatch(/^tapegrad --save: cannot write .*m\.json \(ENOENT/);
  });

  it('--debug adds the stack trace', () => {
    const { err } = runIo(['compare', '--layers', 'x', '--debug']);
    expect(err.split('\n')[0]).toContain('tapegrad compare --layers');
    expect(err).toMatch(/\n\s+at /);
  });
});

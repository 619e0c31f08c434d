import { mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from './errors.js';
import { outputPath, writeOutput } from './output-path.js';
import { scratch } from './testing/run-io.js';

const { dir, file } = scratch();
file('data.csv', 'x,y\n1,2\n');
symlinkSync(join(dir, 'data.csv'), join(dir, 'link.csv'));
mkdirSync(join(dir, 'sub'));

/** The error outputPath throws, or null. */
function refusal(shown: string, inputs: { option: string; path: string | undefined }[] = []): unknown {
  try {
    outputPath('tapegrad train', 'save', shown, dir, inputs);
    return null;
  } catch (e) {
    return e;
  }
}

describe('outputPath', () => {
  it('resolves a new file against the caller directory', () => {
    expect(outputPath('tapegrad train', 'save', 'sub/m.json', dir, [{ option: 'data', path: 'data.csv' }])).toBe(join(dir, 'sub', 'm.json'));
    expect(outputPath('tapegrad train', 'save', 'm.json', dir, [{ option: 'data', path: undefined }])).toBe(join(dir, 'm.json'));
  });

  it('refuses an input file, by another spelling or through a link', () => {
    for (const shown of ['data.csv', './sub/../data.csv', join(dir, 'data.csv'), 'link.csv']) {
      const e = refusal(shown, [{ option: 'data', path: 'data.csv' }]);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toBe(`tapegrad train --save: ${shown} is also the --data file; writing there would destroy it, so choose another file`);
    }
  });

  it('refuses an empty name, a missing directory and a directory', () => {
    expect(refusal('')).toEqual(new UsageError('tapegrad train --save: expected a file name; see `tapegrad train --help`'));
    const missing = refusal('nope/m.json');
    expect(missing).toBeInstanceOf(DataError);
    expect((missing as Error).message).toBe('tapegrad train --save: cannot write nope/m.json (ENOENT: its directory does not exist); create the directory or choose another path');
    const folder = refusal('sub');
    expect(folder).toBeInstanceOf(DataError);
    expect((folder as Error).message).toBe('tapegrad train --save: cannot write sub (it is a directory); give a file name inside it');
  });
});

describe('writeOutput', () => {
  it('writes text and bytes whole, replacing an older file', () => {
    const path = join(dir, 'out.csv');
    writeOutput('tapegrad predict', 'out', 'out.csv', path, 'old\n');
    writeOutput('tapegrad predict', 'out', 'out.csv', path, 'row,predicted\n1,a\n');
    expect(readFileSync(path, 'utf8')).toBe('row,predicted\n1,a\n');
    writeOutput('tapegrad export', 'onnx', 'm.onnx', join(dir, 'm.onnx'), new Uint8Array([8, 7, 0, 255]));
    expect([...readFileSync(join(dir, 'm.onnx'))]).toEqual([8, 7, 0, 255]);
  });

  it('on a failed write names the option and path, and leaves no temporary file behind', () => {
    // The rename onto a non-empty directory fails after the temporary file was written.
    mkdirSync(join(dir, 'full'));
    file('full/keep.txt', 'kept');
    const before = readdirSync(dir).sort();
    let thrown: unknown = null;
    try {
      writeOutput('tapegrad train', 'save', 'full', join(dir, 'full'), 'model');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DataError);
    expect((thrown as DataError).message).toMatch(/^tapegrad train --save: cannot write full \(/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'full', 'keep.txt'), 'utf8')).toBe('kept');
  });
});

/**
 * Every option that names a file to write (`train --save`, `predict --out`, `export --onnx`):
 * the checks it makes before the command does any work (a long training run should not end
 * in "cannot write", and no command may write over a file it was given to read), and the
 * write itself, whole or not at all.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataError, UsageError } from './errors.js';

/** One input file of the command: its option (`data`) and the path as the user typed it (absent: not given). */
export interface InputPath {
  readonly option: string;
  readonly path: string | undefined;
}

/** Whether two absolute paths name one file (the same path, or one file through a link). */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const [sa, sb] = [statSync(a), statSync(b)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * The absolute path an output option writes to, resolved against the caller's directory.
 * @param command the command, as messages name it (`tapegrad export`)
 * @param option the output option's name (`onnx`)
 * @param shown the path as the user typed it
 * @param inputs the command's input files, which the output must not be
 * @throws UsageError (exit 2) for an empty name or an output that is one of the inputs;
 *   DataError (exit 3) when its directory does not exist or it names a directory
 */
export function outputPath(command: string, option: string, shown: string, cwd: string, inputs: readonly InputPath[] = []): string {
  if (shown === '') throw new UsageError(`${command} --${option}: expected a file name; see \`${command} --help\``);
  const out = resolve(cwd, shown);
  for (const input of inputs) {
    if (input.path !== undefined && sameFile(out, resolve(cwd, input.path))) {
      throw new UsageError(`${command} --${option}: ${shown} is also the --${input.option} file; writing there would destroy it, so choose another file`);
    }
  }
  if (!existsSync(dirname(out))) throw new DataError(`${command} --${option}: cannot write ${shown} (ENOENT: its directory does not exist); create the directory or choose another path`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new DataError(`${command} --${option}: cannot write ${shown} (it is a directory); give a file name inside it`);
  return out;
}

/**
 * Writes an output file whole or not at all: a temporary file beside it, renamed into place,
 * so a failed or interrupted write never leaves a truncated model or table where an old one was.
 * @param command the command, as messages name it (`tapegrad export`)
 * @param option the output option's name (`onnx`)
 * @param shown the path as the user typed it
 * @param path the absolute path `outputPath` returned
 * @throws DataError (exit 3) when the file cannot be written, naming the option and the path
 */
export function writeOutput(command: string, option: string, shown: string, path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new DataError(`${command} --${option}: cannot write ${shown} (${e instanceof Error ? e.message : String(e)})`);
  }
}

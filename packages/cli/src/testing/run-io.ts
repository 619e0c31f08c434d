/**
 * What the command tests share: a command line run in-process, and a scratch folder for the
 * files a command reads or writes. Test-only (not published; see package.json `files`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, run } from '../index.js';

/** Exit code and everything written to stdout and stderr. */
export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `tapegrad <argv>` in-process with captured output.
 * @example runIo(['graph', '-e', 'x*2', '--var', 'x=1']).code // 0
 */
export function runIo(argv: string[], opts: { tty?: boolean; cwd?: string } = {}): RunResult {
  const io = memoryIo(opts);
  const code = run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** A fresh temporary folder, and `file(name, text)` writing into it (returns the name, relative to the folder). */
export function scratch(): { readonly dir: string; file(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-cli-'));
  return {
    dir,
    file(name, text) {
      writeFileSync(join(dir, name), text);
      return name;
    },
  };
}

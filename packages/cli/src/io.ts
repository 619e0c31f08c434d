/**
 * Where a command writes and what it knows about its environment. `run` takes an `Io`
 * so tests capture output in memory instead of spawning processes.
 */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';

/**
 * A text sink: a terminal, a pipe, or a string buffer in tests.
 * @group Running
 */
export interface OutStream {
  write(text: string): void;
  /** True for an interactive terminal: enables the live progress bar. */
  readonly isTTY: boolean;
  /** Terminal width in characters, when known. */
  readonly columns?: number | undefined;
}

/**
 * Everything a command touches outside its arguments.
 * @group Running
 */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /**
   * The directory the user typed the command in: relative paths (`--data`, `--save`, `--model`,
   * `--out`, ...) resolve against it: for the process, the working directory, or npm's
   * `INIT_CWD` when tapegrad runs as the npm script itself (`npm start -- ...`).
   */
  readonly cwd: string;
  /** A monotonic clock in milliseconds, for the timings `compare` reports. */
  now(): number;
  /**
   * How the user runs tapegrad, for the commands it suggests: `tapegrad` (the default), or
   * `npm start --` when it runs as the repository's `npm start` script.
   */
  readonly program?: string;
}

/**
 * The real process: `process.stdout`, `process.stderr`, and the caller's directory:
 * `process.cwd()`, or npm's `INIT_CWD` when tapegrad runs as the npm script itself
 * (`npm start -- train --data x.csv` typed in a subfolder reads that subfolder's x.csv).
 * @group Running
 */
export function processIo(): Io {
  const wrap = (s: NodeJS.WriteStream): OutStream => ({
    write: (text) => void s.write(text),
    get isTTY() {
      return s.isTTY === true;
    },
    get columns() {
      return s.columns;
    },
  });
  const caller = callerContext({ cwd: process.cwd(), env: process.env, program: process.argv[1] });
  return { stdout: wrap(process.stdout), stderr: wrap(process.stderr), ...caller, now: () => performance.now() };
}

/**
 * The directory the user typed the command in. npm runs a script (`npm start -- train --data
 * x.csv`) in the package's root, whatever folder it was typed in, and says where that was in
 * `INIT_CWD`. But npm sets `INIT_CWD` for every script and everything those start (a test
 * runner's child processes, a script that changes directory first), so it is trusted only when
 * this process is the npm script itself and every argument is the user's:
 * - `INIT_CWD` is an absolute path to a directory;
 * - the script did not change directory: the working directory is the folder of
 *   `npm_package_json`, where npm starts scripts;
 * - the script's text (`npm_lifecycle_script`) ends with this program (`tapegrad`, or the
 *   path of the file being run), so the arguments are the ones typed after `npm start --`. A
 *   script such as `tapegrad train --data data/x.csv` wrote its paths relative to the package
 *   root, as npm documents, and keeps the working directory.
 * Otherwise: the working directory. When `INIT_CWD` is trusted, `program` is how the user
 * started the script (`npm start --`, `npm run <script> --`, `npx tapegrad`), for the commands tapegrad suggests.
 * @param p the working directory, the environment, the program's path (`process.argv[1]`)
 * @returns `cwd`, an absolute directory, and `program`
 * @internal
 */
export function callerContext(p: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>>; readonly program: string | undefined }): { cwd: string; program: string } {
  const { cwd, env, program } = p;
  const own = { cwd, program: 'tapegrad' };
  const init = env['INIT_CWD'];
  const script = env['npm_lifecycle_script'];
  const pkg = env['npm_package_json'];
  const event = env['npm_lifecycle_event'];
  if (init === undefined || script === undefined || pkg === undefined || program === undefined || event === undefined) return own;
  if (!isAbsolute(init) || !isDirectory(init) || resolve(dirname(pkg)) !== resolve(cwd)) return own;
  const words = script.trim().split(/\s+/);
  const last = (words[words.length - 1] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  // `tapegrad` found through PATH (node_modules/.bin/tapegrad), or the file's own path (`node ... src/main.ts`).
  const namesProgram = resolve(cwd, last) === resolve(program) || (!/[\\/]/.test(last) && last === basename(program));
  if (!namesProgram) return own;
  // npx (npm exec) runs in the folder it was typed in, under the event name 'npx'.
  const how = event === 'npx' ? 'npx tapegrad' : event === 'start' ? 'npm start --' : `npm run ${event} --`;
  return { cwd: init, program: how };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * An in-memory `Io` for tests: read `out()` and `err()` after `run`.
 * @internal
 */
export interface MemoryIo extends Io {
  out(): string;
  err(): string;
}

/**
 * Makes an `Io` that collects output in strings.
 * @internal
 * @param opts `tty` pretends stdout is a terminal (to exercise the progress bar); `cwd` defaults to `process.cwd()`.
 * @example const io = memoryIo(); run(['--help'], io); io.out()
 */
export function memoryIo(opts: { tty?: boolean; columns?: number; cwd?: string } = {}): MemoryIo {
  let out = '';
  let err = '';
  const tty = opts.tty ?? false;
  return {
    stdout: { write: (t) => void (out += t), isTTY: tty, columns: opts.columns },
    stderr: { write: (t) => void (err += t), isTTY: false, columns: undefined },
    cwd: opts.cwd ?? process.cwd(),
    now: () => performance.now(),
    out: () => out,
    err: () => err,
  };
}

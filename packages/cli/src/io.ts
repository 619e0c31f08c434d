/**
 * Where a command writes and what it knows about its environment. `run` takes an `Io`
 * so tests capture output in memory instead of spawning processes.
 */

/** A text sink: a terminal, a pipe, or a string buffer in tests. */
export interface OutStream {
  write(text: string): void;
  /** True for an interactive terminal: enables the live progress bar. */
  readonly isTTY: boolean;
  /** Terminal width in characters, when known. */
  readonly columns?: number | undefined;
}

/** Everything a command touches outside its arguments. */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Directory relative paths (`--data`, `--save`) resolve against. */
  readonly cwd: string;
  /** A monotonic clock in milliseconds, for the timings `compare` reports. */
  now(): number;
}

/** The real process: `process.stdout`, `process.stderr`, `process.cwd()`. */
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
  return { stdout: wrap(process.stdout), stderr: wrap(process.stderr), cwd: process.cwd(), now: () => performance.now() };
}

/** An in-memory `Io` for tests and embedding: read `out()` and `err()` after `run`. */
export interface MemoryIo extends Io {
  out(): string;
  err(): string;
}

/**
 * Makes an `Io` that collects output in strings.
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

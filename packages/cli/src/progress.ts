/**
 * A progress bar on stderr for loading a large file: drawn only on an interactive
 * terminal and only once a load has taken a moment, then erased, so output in a pipe, a
 * test or a quick load is unchanged.
 */
import { type Io } from './io.js';
import { progressBar } from './render.js';

/** Progress display options (tests shorten the delays). */
export interface LoadProgressOptions {
  /** Milliseconds before the bar first appears (default 300): a quick load shows nothing. */
  readonly delayMs?: number;
  /** Least milliseconds between redraws (default 100). */
  readonly intervalMs?: number;
}

/** A live progress display: `update` after each chunk, `finish` once (also after an error). */
export interface LoadProgress {
  update(bytesRead: number, totalBytes: number): void;
  finish(): void;
}

const MB = 1e6;

/**
 * A progress bar for reading `file`, in megabytes, on `io.stderr`; null when stderr is not a
 * terminal (then nothing is drawn at all).
 * @example const p = loadProgress(io, 'big.csv'); p?.update(5e6, 50e6); p?.finish();
 * @internal
 */
export function loadProgress(io: Io, file: string, opts: LoadProgressOptions = {}): LoadProgress | null {
  if (!io.stderr.isTTY) return null;
  const delay = opts.delayMs ?? 300;
  const interval = opts.intervalMs ?? 100;
  const start = io.now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done, total) {
      const t = io.now();
      if (t - start < delay || t - last < interval) return;
      last = t;
      drawn = true;
      const width = Math.max(10, Math.min(28, (io.stderr.columns ?? 80) - file.length - 30));
      io.stderr.write(`\rloading ${file} ${progressBar(Math.floor(done / MB), Math.max(1, Math.ceil(total / MB)), width)} MB\x1b[K`);
    },
    finish() {
      if (drawn) io.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

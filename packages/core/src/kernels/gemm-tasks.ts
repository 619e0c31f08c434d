/**
 * The threaded product's shared state and the loop every thread runs, caller and workers alike.
 *
 * The control block is the first {@link CTRL_WORDS} Int32 words of the shared WebAssembly
 * memory. The caller writes the job's parameters, opens the claim word, bumps `SEQ` and each
 * active worker's wake word, then packs op(A) and op(B) into the memory; each thread claims
 * tasks until none are left. A task is a block of `ROWS` rows by `COLS` columns of C and runs
 * the single-thread kernel's loops over it, KC slab by KC slab in increasing order, so every
 * element of C is summed in exactly the single-thread order: the split is over rows and
 * columns of C, never over k.
 *
 * Tasks are numbered along the operand the caller packs last, which it packs one task block at
 * a time (`READY` counts the blocks): by columns (`ORDER` 1: all of A first, then B column
 * block by column block) or by rows (`ORDER` 0: all of B first, then A row block by row
 * block). So a worker starts on the first tasks while the caller is still packing the rest.
 *
 * {@link runTasks} is also the worker's code: worker-pool.ts sends its source text
 * (`Function.prototype.toString`) to each worker, so it must use nothing but its parameters
 * and the globals `Atomics`, `Math` and `performance`. The control-word indices are written
 * in it as literals for that reason; the named constants below document them, and a test
 * checks the two agree.
 */
import { type Kernel } from './gemm-wasm.js';

/** Control words (Int32 indices). */
export const SEQ = 0; // job number: a woken worker reads it to know which job it serves
export const CLAIM = 1; // (job tag << 16) | next task index
export const DONE = 2; // tasks finished: the caller Atomics.waits on it
export const NTASKS = 3;
export const ROWS = 4; // rows of C per task, a multiple of MR
export const MPAD = 5; // rows of packed A (and of C in the memory): M rounded up to MR
export const NPAD = 6; // columns of packed B, and C's row stride: N rounded up to NR
export const DEPTH = 7; // K
export const A_AT = 8; // byte offsets of packed A, packed B and C
export const B_AT = 9;
export const C_AT = 10;
export const SLAB = 11; // KC
export const BLOCK = 12; // NC
export const READY = 13; // task blocks packed so far (rows or columns, per ORDER): a task waits for its block b until READY > b
export const COLS = 14; // columns of C per task, a multiple of NR
export const ORDER = 15; // 1: tasks numbered column block by column block (B packed last); 0: row block by row block (A packed last)
/** Worker i sleeps on word WAKE + i; the caller bumps and notifies it to hand over a job. */
export const WAKE = 16;
/** Words in all: WAKE plus one per worker (setThreads allows at most 63 workers). */
export const CTRL_WORDS = WAKE + 63;

/** Low 16 bits of the claim word count tasks; a job has at most this many. */
export const MAX_TASKS = 0xffff;

/**
 * The claim word's tag for job `seq`: stale claimers (a worker still looking at the previous
 * job) compare it with their own and stop, so they never take a task with old parameters.
 */
export function claimTag(seq: number): number {
  return (seq & 0x7fff) << 16;
}

/**
 * Claims and runs tasks of job `seq` until none are left; returns how many this thread ran.
 * With R = ceil(MPAD / ROWS) row blocks and Q = ceil(NPAD / COLS) column blocks, task t is row
 * block t mod R of column block floor(t / R) when ORDER is 1, and column block t mod Q of row
 * block floor(t / Q) when it is 0; it waits until that block of the last-packed operand is
 * ready. For each KC slab in increasing order and each NC-wide part of its columns it calls the
 * kernel as the single-thread path does, so each element of C gets its slabs' sums in the
 * single-thread order.
 * Packed A holds, per slab p0, MPAD rows in MR-row panels (slab at p0·MPAD, row r at r·kc
 * within it); packed B likewise per slab, NR-column panels (slab at p0·NPAD, column j at j·kc).
 */
export function runTasks(ctrl: Int32Array, kernel: Kernel, seq: number): number {
  const tag = (seq & 0x7fff) << 16;
  const nTasks = ctrl[3]!;
  const rows = ctrl[4]!;
  const mPad = ctrl[5]!;
  const nPad = ctrl[6]!;
  const k = ctrl[7]!;
  const aAt = ctrl[8]!;
  const bAt = ctrl[9]!;
  const cAt = ctrl[10]!;
  const kcMax = ctrl[11]!;
  const ncMax = ctrl[12]!;
  const cols = ctrl[14]!;
  const order = ctrl[15]!;
  const rowBlocks = Math.ceil(mPad / rows);
  const colBlocks = Math.ceil(nPad / cols);
  let ran = 0;
  for (;;) {
    const word = Atomics.load(ctrl, 1);
    // Another job's tag, or every task taken: this thread is done with job `seq`.
    if ((word & 0x7fff0000) !== tag || (word & 0xffff) >= nTasks) return ran;
    if (Atomics.compareExchange(ctrl, 1, word, word + 1) !== word) continue;
    const t = word & 0xffff;
    const major = order === 1 ? Math.floor(t / rowBlocks) : Math.floor(t / colBlocks);
    const minor = order === 1 ? t - major * rowBlocks : t - major * colBlocks;
    // The caller packs block by block after publishing the job: wait for this task's (it is
    // busy packing it, so poll a little before sleeping; it notifies after each block).
    if (Atomics.load(ctrl, 13) <= major) {
      const until = performance.now() + 0.2;
      while (Atomics.load(ctrl, 13) <= major && performance.now() < until);
      for (let r = Atomics.load(ctrl, 13); r <= major; r = Atomics.load(ctrl, 13)) Atomics.wait(ctrl, 13, r);
    }
    const r0 = (order === 1 ? minor : major) * rows;
    const c0 = (order === 1 ? major : minor) * cols;
    const mc = Math.min(rows, mPad - r0);
    const cEnd = Math.min(nPad, c0 + cols);
    for (let p0 = 0; p0 < k; p0 += kcMax) {
      const kc = Math.min(kcMax, k - p0);
      for (let j0 = c0; j0 < cEnd; j0 += ncMax) {
        const nc = Math.min(ncMax, cEnd - j0);
        kernel(aAt + (p0 * mPad + r0 * kc) * 8, bAt + (p0 * nPad + j0 * kc) * 8, cAt + (r0 * nPad + j0) * 8, mc, nc, kc, nPad, p0 === 0 ? 1 : 0);
      }
    }
    ran++;
    // The last task's finisher wakes the caller (who may be waiting in Atomics.wait on DONE).
    if (Atomics.add(ctrl, 2, 1) + 1 === nTasks) Atomics.notify(ctrl, 2);
  }
}

/**
 * The threaded WebAssembly GEMM: one product split into blocks of C (row blocks over every
 * column, or column blocks over at most 64 rows when C is wider than tall) across the calling
 * thread and the pool's workers (worker-pool.ts), all running the same kernel on one shared
 * memory.
 *
 * The caller publishes the job in the control words (gemm-tasks.ts), wakes the workers with
 * Atomics.notify, packs all of op(A) and op(B) into the shared memory (workers cannot read the
 * caller's arrays; the operand the tasks are numbered along is packed last, one task block at a
 * time, and workers start on each block as it is ready), and claims tasks itself; then it waits
 * in Atomics.wait until the last task is done and copies C out. The tasks run the single-thread
 * kernel's loops with the same KC slabs in the same order, so the result is bit for bit the
 * single-thread one.
 */
import { CTRL_BYTES, KC, NC, copyOut, memoryViews, reserve, wasmGemm } from './gemm-wasm.js';
import { WASM_MR, WASM_NR } from './gemm-wasm.generated.js';
import { BLOCK, CLAIM, COLS, C_AT, DEPTH, DONE, MAX_TASKS, MPAD, NPAD, NTASKS, ORDER, READY, ROWS, SEQ, SLAB, A_AT, B_AT, claimTag, runTasks } from './gemm-tasks.js';
import { packAN, packAT, packBN, packBT, roundUp } from './pack.js';
import { activeWorkers } from './worker-pool.js';

/**
 * Products with fewer multiply-adds than this stay on the calling thread: handing a job over
 * and joining costs microseconds (tens when a worker has to wake). Measured on the 2-core EPYC
 * VM (Node 20), 2 threads over 1, best and median of 15 interleaved rounds of back-to-back
 * products, two runs: 40³ 0.70-1.11 / 0.61-0.91, 48³ 1.26 / 0.84-0.87, 56³ 1.08-1.22 /
 * 0.99-1.27, 64³ 1.34-1.43 / 1.27-1.42, 96³ 1.44-1.50 / 1.38-1.49. So the split starts at 64³
 * (a ~0.03 ms product).
 */
export const THREAD_MIN_MACS = 64 * 64 * 64;
/**
 * Tasks per thread: many, so a thread slowed by another process (or woken late) hands its share
 * to the others. Small tasks cost little: the kernel runs a 512³ product at the same speed
 * (within noise, 18-21 GFLOP/s) in row blocks of 8, 16, 32, 64 or 128 rows.
 */
const TASKS_PER_THREAD = 8;
/** Rows per task: at least two tiles tall; at most MC, so a task's A block (rows x KC) stays L2-sized as in the single-thread path. */
const MIN_ROWS = 2 * WASM_MR;
const MAX_ROWS = 64;
/** Columns per task in the column split: at least two tiles wide. */
const MIN_COLS = 2 * WASM_NR;

/** How long the caller polls for the workers' last tasks before sleeping in Atomics.wait. */
const JOIN_SPIN_MS = 0.1;

let workerTasks = 0;
let pollBudget = 0;
let calibrations = 0;

/**
 * How many polls of a control word take JOIN_SPIN_MS here: measured on the first 16 threaded
 * products, keeping the largest count (the first runs are interpreted, so slower per poll).
 */
function joinPolls(ctrl: Int32Array): number {
  if (calibrations >= 16) return pollBudget;
  calibrations++;
  const n = 20_000;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += Atomics.load(ctrl, DONE);
  const ms = Math.max(performance.now() - t0, 1e-4);
  pollBudget = Math.max(pollBudget, 100, Math.round((JOIN_SPIN_MS * n) / ms) + (sink & 0));
  return pollBudget;
}

// The split chosen for the current product (module state: no object per call).
let splitRows = 0;
let splitCols = 0;
let splitOrder = 0;

/**
 * Sets splitRows, splitCols and splitOrder for a product of mPad x nPad (padded) on `threads`
 * threads. When C is wider than tall (the MLP's batch of 64 against 128-784 features), tasks
 * are column blocks over at most MAX_ROWS rows: a task keeps its B panel in cache across its
 * rows, where 8-row tasks each streamed the whole packed B (784 x 256 doubles, past L2).
 * Otherwise row blocks over every column. Measured on the 2-core EPYC VM, 2 threads,
 * medians of 7 interleaved rounds: 64x256x784 A Bᵀ 0.58-0.59 ms by 16-column tasks vs 0.66-0.85
 * by rows; 64x128x256 0.10 vs 0.11-0.12; 512³ (by rows either way) unchanged within noise.
 */
function chooseSplit(mPad: number, nPad: number, threads: number): void {
  const want = threads * TASKS_PER_THREAD;
  if (mPad < nPad) {
    splitRows = Math.min(mPad, MAX_ROWS);
    splitOrder = 1;
    const perRowBlock = Math.max(1, Math.ceil(want / Math.ceil(mPad / splitRows)));
    // At most NC wide (the single-thread block, so a task's B panels stay L2-sized), at least
    // two tiles; so a job stays far below MAX_TASKS (some 8K tasks at most in the 64 MiB memory).
    splitCols = Math.min(NC, Math.max(MIN_COLS, roundUp(Math.ceil(nPad / perRowBlock), WASM_NR)));
  } else {
    const share = roundUp(Math.ceil(mPad / want), WASM_MR);
    splitRows = Math.max(roundUp(Math.ceil(mPad / MAX_TASKS), WASM_MR), Math.min(MAX_ROWS, Math.max(MIN_ROWS, share)));
    splitCols = nPad;
    splitOrder = 0;
  }
}

/**
 * The split {@link gemmThreaded} uses for an m x n product on `threads` threads.
 * @internal for tests: which shapes go by columns
 */
export function splitFor(m: number, n: number, threads: number): { readonly rows: number; readonly cols: number; readonly byColumns: boolean } {
  chooseSplit(roundUp(m, WASM_MR), roundUp(n, WASM_NR), threads);
  return { rows: splitRows, cols: splitCols, byColumns: splitOrder === 1 };
}

/** Packs rows [i0, i0 + mc) of op(A), every KC slab, into the shared layout runTasks reads. */
function packA(a: Float64Array, m: number, k: number, ta: boolean, mem: Float64Array, at: number, mPad: number, i0: number, mc: number): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    const base = at + p0 * mPad + i0 * kc;
    if (ta) packAT(a, m, i0, mc, p0, kc, mem, base, WASM_MR);
    else packAN(a, k, i0, mc, p0, kc, mem, base, WASM_MR);
  }
}

/** Packs columns [j0, j0 + nc) of op(B), every KC slab, into the shared layout runTasks reads. */
function packB(b: Float64Array, n: number, k: number, tb: boolean, mem: Float64Array, at: number, nPad: number, j0: number, nc: number): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    const base = at + p0 * nPad + j0 * kc;
    if (tb) packBT(b, k, j0, nc, p0, kc, mem, base, WASM_NR);
    else packBN(b, n, j0, nc, p0, kc, mem, base, WASM_NR);
  }
}

// Views of C's first `len` values in the memory, by `len`: `c.set(view)` copies like memcpy,
// 5x faster than a loop (0.05 vs 0.26 ms for 256x784 values, a third of that product's
// time), and a view kept per size makes no garbage per product. Dropped when the memory grows.
const outViews = new Map<number, Float64Array>();
let outViewsOf: Float64Array | null = null;
const MAX_OUT_VIEWS = 64;

function outView(mem: Float64Array, len: number): Float64Array {
  if (outViewsOf !== mem) {
    outViews.clear();
    outViewsOf = mem;
  }
  let view = outViews.get(len);
  if (view === undefined) {
    if (outViews.size >= MAX_OUT_VIEWS) outViews.clear();
    view = mem.subarray(CTRL_BYTES / 8, CTRL_BYTES / 8 + len);
    outViews.set(len, view);
  }
  return view;
}

/**
 * `c = op(A) op(B)` on the calling thread and the ready workers; `c` ([M,N], row-major) is
 * overwritten. Returns false, leaving `c` untouched, when the product is too small, no worker
 * is ready (the first call starts the pool), shared memory is unavailable, or the operands do
 * not fit the memory's maximum: the caller then uses the single-thread kernel.
 */
export function gemmThreaded(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): boolean {
  if (m * n * k < THREAD_MIN_MACS || m <= WASM_MR) return false;
  const wakes = activeWorkers();
  const w = wakes.length > 0 ? wasmGemm() : null;
  if (w === null || !w.shared) return false;
  const mPad = roundUp(m, WASM_MR);
  const nPad = roundUp(n, WASM_NR);
  // C (mPad x nPad) first, at a fixed place (so its copy-out view can be kept per size), then
  // the whole packed A (mPad x k) and B (k x nPad), after the control words.
  const cAt = CTRL_BYTES;
  const aAt = cAt + mPad * nPad * 8;
  const bAt = aAt + mPad * k * 8;
  if (!reserve(w.memory, bAt + nPad * k * 8)) return false;
  chooseSplit(mPad, nPad, wakes.length + 1);
  const rows = splitRows;
  const cols = splitCols;
  const order = splitOrder;
  const rowBlocks = Math.ceil(mPad / rows);
  const colBlocks = Math.ceil(nPad / cols);
  const nTasks = rowBlocks * colBlocks;

  const { ctrl, f64: mem } = memoryViews(w.memory); // after reserve: fetched again if it grew
  const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
  // Close the claim word under the new tag before touching the parameters: a worker still
  // looking at the previous job sees a tag not its own and claims nothing with stale values.
  Atomics.store(ctrl, CLAIM, claimTag(seq) | MAX_TASKS);
  ctrl[NTASKS] = nTasks;
  ctrl[ROWS] = rows;
  ctrl[MPAD] = mPad;
  ctrl[NPAD] = nPad;
  ctrl[DEPTH] = k;
  ctrl[A_AT] = aAt;
  ctrl[B_AT] = bAt;
  ctrl[C_AT] = cAt;
  ctrl[SLAB] = KC;
  ctrl[BLOCK] = NC;
  ctrl[COLS] = cols;
  ctrl[ORDER] = order;
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(ctrl, READY, 0);
  Atomics.store(ctrl, CLAIM, claimTag(seq));
  Atomics.store(ctrl, SEQ, seq); // seq-cst: the parameters above are visible to whoever loads it
  for (let i = 0; i < wakes.length; i++) {
    Atomics.add(ctrl, wakes[i]!, 1);
    Atomics.notify(ctrl, wakes[i]!, 1);
  }

  // Pack the operand the tasks are numbered along last, one task block at a time, so the
  // workers multiply the blocks already packed while the caller packs the rest.
  if (order === 1) {
    packA(a, m, k, ta, mem, aAt / 8, mPad, 0, m);
    for (let cb = 0; cb < colBlocks; cb++) {
      const j0 = cb * cols;
      packB(b, n, k, tb, mem, bAt / 8, nPad, j0, Math.min(cols, n - j0));
      Atomics.store(ctrl, READY, cb + 1); // seq-cst: this block's panels are visible to whoever loads it
      Atomics.notify(ctrl, READY);
    }
  } else {
    packB(b, n, k, tb, mem, bAt / 8, nPad, 0, n);
    for (let rb = 0; rb < rowBlocks; rb++) {
      const i0 = rb * rows;
      packA(a, m, k, ta, mem, aAt / 8, mPad, i0, Math.min(rows, m - i0));
      Atomics.store(ctrl, READY, rb + 1);
      Atomics.notify(ctrl, READY);
    }
  }

  const mine = runTasks(ctrl, w.kernel, seq);
  // The workers' last tasks are at most one task behind: poll briefly, then sleep (waking takes
  // tens of microseconds); the finisher of the last task notifies.
  // Polls counted rather than timed: each clock reading is a new heap number, garbage on
  // every product of compile's otherwise allocation-free replay.
  const polls = joinPolls(ctrl);
  for (let i = 0; i < polls && Atomics.load(ctrl, DONE) < nTasks; i++);
  for (;;) {
    const done = Atomics.load(ctrl, DONE);
    if (done >= nTasks) break;
    Atomics.wait(ctrl, DONE, done);
  }
  workerTasks += nTasks - mine;

  if (nPad === n) c.set(outView(mem, m * n));
  else for (let i = 0; i < m; i++) copyOut(mem, cAt / 8 + i * nPad, c, i * n, n);
  return true;
}

/**
 * Tasks (blocks of C) run by workers rather than the calling thread, since the process started.
 * @internal for tests: proof that the pool is really used
 */
export function workerTaskCount(): number {
  return workerTasks;
}

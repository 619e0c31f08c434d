/**
 * The threaded WebAssembly GEMM: one product split by blocks of rows of C across the calling
 * thread and the pool's workers (worker-pool.ts), all running the same kernel on one shared
 * memory.
 *
 * The caller publishes the job in the control words (gemm-tasks.ts), wakes the workers with
 * Atomics.notify, packs all of op(A) and op(B) into the shared memory slab by slab (workers
 * cannot read the caller's arrays; they start on each slab as it is ready), and claims tasks
 * itself; then it waits in Atomics.wait until the last task is done and copies C out. The tasks run the single-thread kernel's loops with the same
 * KC slabs in the same order, so the result is bit for bit the single-thread one.
 */
import { CTRL_BYTES, KC, NC, copyOut, memoryViews, reserve, wasmGemm } from './gemm-wasm.js';
import { WASM_MR, WASM_NR } from './gemm-wasm.generated.js';
import { BLOCK, CLAIM, C_AT, DEPTH, DONE, MAX_TASKS, MPAD, NPAD, NTASKS, READY, ROWS, SEQ, SLAB, A_AT, B_AT, claimTag, runTasks } from './gemm-tasks.js';
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
  // Whole packed A (mPad x k) and B (k x nPad), then C (mPad x nPad), after the control words.
  const aAt = CTRL_BYTES;
  const bAt = aAt + mPad * k * 8;
  const cAt = bAt + nPad * k * 8;
  if (!reserve(w.memory, cAt + mPad * nPad * 8)) return false;
  const share = roundUp(Math.ceil(mPad / ((wakes.length + 1) * TASKS_PER_THREAD)), WASM_MR);
  const rows = Math.max(roundUp(Math.ceil(mPad / MAX_TASKS), WASM_MR), Math.min(MAX_ROWS, Math.max(MIN_ROWS, share)));
  const nTasks = Math.ceil(mPad / rows);

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
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(ctrl, READY, 0);
  Atomics.store(ctrl, CLAIM, claimTag(seq));
  Atomics.store(ctrl, SEQ, seq); // seq-cst: the parameters above are visible to whoever loads it
  for (let i = 0; i < wakes.length; i++) {
    Atomics.add(ctrl, wakes[i]!, 1);
    Atomics.notify(ctrl, wakes[i]!, 1);
  }

  // Pack slab by slab while the workers start on the slabs already packed: packing is a third
  // of a 64x256x784 product's time, and this overlaps it with their multiply-adds.
  for (let p0 = 0, slab = 1; p0 < k; p0 += KC, slab++) {
    const kc = Math.min(KC, k - p0);
    if (ta) packAT(a, m, 0, m, p0, kc, mem, aAt / 8 + p0 * mPad, WASM_MR);
    else packAN(a, k, 0, m, p0, kc, mem, aAt / 8 + p0 * mPad, WASM_MR);
    if (tb) packBT(b, k, 0, n, p0, kc, mem, bAt / 8 + p0 * nPad, WASM_NR);
    else packBN(b, n, 0, n, p0, kc, mem, bAt / 8 + p0 * nPad, WASM_NR);
    Atomics.store(ctrl, READY, slab); // seq-cst: this slab's panels are visible to whoever loads it
    Atomics.notify(ctrl, READY);
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

  const cOff = cAt / 8;
  if (nPad === n) copyOut(mem, cOff, c, 0, m * n);
  else for (let i = 0; i < m; i++) copyOut(mem, cOff + i * nPad, c, i * n, n);
  return true;
}

/**
 * Tasks (row blocks of C) run by workers rather than the calling thread, since the process started.
 * @internal for tests: proof that the pool is really used
 */
export function workerTaskCount(): number {
  return workerTasks;
}

/**
 * The worker threads the threaded GEMM runs on (gemm-threads.ts), and the thread count.
 *
 * Core is isomorphic (the browser playground imports it), so nothing here imports `node:`
 * modules statically. In Node, `worker_threads` comes from `process.getBuiltinModule`
 * (Node >= 20.16); in a browser, Web Workers from a Blob URL, only when `crossOriginIsolated`
 * (shared memory needs it). Each worker is an inline script (no file path to resolve, so the
 * package survives bundling) that receives the compiled WebAssembly module and the shared
 * memory by postMessage, instantiates the same kernel on that memory, and then sleeps in
 * `Atomics.wait` until the caller publishes a job.
 *
 * Starting a worker is asynchronous; until one reports ready, products run on the calling
 * thread. Node workers are `unref()`ed, so a process whose only remaining work is an idle pool
 * exits by itself.
 *
 * Where the calling thread may not block in `Atomics.wait` (a browser's main thread) no pool is
 * started and products stay single-threaded: the caller would have to spin for the last
 * worker's task, burning the UI thread's frame time, and a page should run heavy products in a
 * Web Worker anyway (as the playground does), where blocking is allowed and the pool works.
 */
import { ArgumentError, showValue } from '../errors.js';
import { type WasmGemm, wasmGemm } from './gemm-wasm.js';
import { WAKE, runTasks } from './gemm-tasks.js';

/** The most threads `setThreads` accepts; past a few, a float64 GEMM of these sizes stops scaling. */
const MAX_THREADS = 64;
/** The default is the core count, at most this: beyond it the join costs more than the split saves. */
const DEFAULT_CAP = 4;

/**
 * After a job a worker polls its wake word this long before sleeping. A training step issues
 * its products about 0.1 ms apart, and a sleeping thread takes tens of microseconds to wake
 * (more on a VM); polling catches the next product. Measured (npm run bench, 2-core VM):
 * mlp-train-step 3.4-3.6 ms with it, 4.45 ms without (4.1-4.5 ms on one thread).
 */
const SPIN_MS = 0.1;

// The worker's whole program. `runTasks` arrives as source text and uses only its
// parameters, Atomics, Math and performance. `seen` is read before reporting ready, so no job
// handed over after the caller counts this worker is missed.
const WORKER_BODY = `'use strict';
const SPIN_MS = ${SPIN_MS};
const runTasks = (${runTasks.toString()});
function start(data, post) {
  let kernel, ctrl;
  try {
    kernel = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports.kernel;
    ctrl = new Int32Array(data.memory.buffer, 0, data.wake + 1);
  } catch (e) {
    post({ failed: String(e) });
    return;
  }
  // This worker's own wake word: the caller bumps it to hand over a job, so parked workers sleep on.
  const wake = data.wake;
  let seen = Atomics.load(ctrl, wake);
  post('ready');
  for (;;) {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(ctrl, wake) === seen && performance.now() < until);
    Atomics.wait(ctrl, wake, seen);
    const now = Atomics.load(ctrl, wake);
    if (now !== seen) {
      seen = now;
      runTasks(ctrl, kernel, Atomics.load(ctrl, 0));
    }
  }
}
`;
const NODE_WORKER = `${WORKER_BODY}
const { parentPort } = require('node:worker_threads');
parentPort.once('message', (data) => start(data, (m) => parentPort.postMessage(m)));
`;
const WEB_WORKER = `${WORKER_BODY}
self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
`;

/** What the pool needs of a worker, on either platform. */
interface Handle {
  post(message: unknown): void;
  terminate(): void;
  /** Whether the worker keeps a Node process alive: only while someone awaits its start. */
  hold(on: boolean): void;
}

// The platforms' worker APIs, typed locally (the compiler's lib has neither DOM nor a static node: import).
interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message' | 'error', listener: (value: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads {
  readonly Worker: new (source: string, options: { eval: true }) => NodeWorker;
}
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
interface Platform {
  readonly process?: { readonly getBuiltinModule?: (id: string) => unknown };
  readonly crossOriginIsolated?: boolean;
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly Worker?: new (url: string) => WebWorker;
  readonly Blob?: new (parts: string[], options: { type: string }) => object;
  readonly URL?: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}
const platform = globalThis as Platform;

function builtin(id: string): unknown {
  try {
    return platform.process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}

function nodeWorkerThreads(): NodeWorkerThreads | null {
  const wt = builtin('node:worker_threads');
  return typeof wt === 'object' && wt !== null && typeof (wt as { Worker?: unknown }).Worker === 'function' ? (wt as NodeWorkerThreads) : null;
}

/** Starts one worker; `onMessage` gets what it posts, or `{ failed }` when it errors. */
function spawn(onMessage: (message: unknown) => void): Handle | null {
  const wt = nodeWorkerThreads();
  if (wt !== null) {
    const w = new wt.Worker(NODE_WORKER, { eval: true });
    w.on('message', onMessage);
    w.on('error', (e) => onMessage({ failed: String(e) }));
    w.unref(); // an idle pool must never keep the process alive
    return { post: (m) => w.postMessage(m), terminate: () => void w.terminate(), hold: (on) => (on ? w.ref() : w.unref()) };
  }
  const { Worker, Blob, URL } = platform;
  if (platform.crossOriginIsolated !== true || Worker === undefined || Blob === undefined || URL === undefined) return null;
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
  // The URL is revoked once the worker answers: by then it has loaded the script.
  const answer = (m: unknown): void => {
    URL.revokeObjectURL(url);
    onMessage(m);
  };
  const w = new Worker(url);
  w.onmessage = (e) => answer(e.data);
  w.onerror = (e) => answer({ failed: String(e) });
  return { post: (m) => w.postMessage(m), terminate: () => w.terminate(), hold: () => undefined };
}

/** True when this thread may block in Atomics.wait (Node's main thread and any worker; not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // returns 'not-equal' at once
    return true;
  } catch {
    return false;
  }
}

/** The core count, capped at {@link DEFAULT_CAP}; 1 when the platform does not say. */
function defaultThreads(): number {
  const os = builtin('node:os') as { availableParallelism?: () => number } | undefined;
  const cores = typeof os?.availableParallelism === 'function' ? os.availableParallelism() : platform.navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? Math.min(DEFAULT_CAP, Math.floor(cores)) : 1;
}

interface Slot {
  readonly handle: Handle;
  /** Which wake word (WAKE + index) this worker sleeps on. */
  readonly index: number;
  ready: boolean;
}

let wanted: number | undefined; // undefined: the default, worked out on first use
let slots: Slot[] = [];
let active: readonly number[] | null = null; // cache of activeWorkers()
let waiting: (() => void)[] = [];
let usable: boolean | undefined;

/** The loaded kernel when a pool can run here: shared memory, and a thread that may block. */
function sharedKernel(): WasmGemm | null {
  const w = wasmGemm();
  if (w === null || !w.shared) return null;
  usable ??= canBlock();
  return usable ? w : null;
}

function settle(): void {
  active = null;
  if (slots.some((s) => !s.ready)) return;
  for (const s of slots) s.handle.hold(false);
  const done = waiting;
  waiting = [];
  for (const f of done) f();
}

/** Spawns workers up to the wanted count, where a pool can run; idempotent. */
function grow(): void {
  wanted ??= defaultThreads();
  const w = sharedKernel();
  if (w === null) return;
  while (slots.length < wanted - 1) {
    let index = 0;
    while (slots.some((s) => s.index === index)) index++;
    let slot: Slot | undefined;
    const handle = spawn((message) => {
      if (slot === undefined) return;
      if (message === 'ready') slot.ready = true;
      else {
        // A worker that could not start is dropped; the product runs on the others (or the caller).
        slots = slots.filter((s) => s !== slot);
        slot.handle.terminate();
      }
      settle();
    });
    if (handle === null) return;
    slot = { handle, index, ready: false };
    slots.push(slot);
    active = null;
    handle.post({ module: w.module, memory: w.memory, wake: WAKE + index });
  }
}

/**
 * The wake words of the workers a product may use now (ready ones, at most the wanted count
 * minus the caller); starts the pool (asynchronously) the first time. Workers beyond the count
 * (after `setThreads` lowered it) stay parked: never woken, kept for when it is raised again.
 */
export function activeWorkers(): readonly number[] {
  if (active !== null) return active;
  grow();
  const use = (wanted ?? 1) - 1;
  active = slots.filter((s) => s.ready).slice(0, use).map((s) => WAKE + s.index);
  return active;
}

/**
 * Sets how many threads large matrix products use: the calling thread plus `n - 1` workers.
 * Workers start asynchronously; until they are ready, products run on the calling thread.
 * Results do not depend on the count: each element of C is summed in the same order.
 * The default is the core count (`os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers), at most 4. Threads need shared WebAssembly
 * memory (in browsers: a cross-origin isolated page) and a calling thread that may block
 * (not a browser's main thread: run products in a Web Worker there); elsewhere products use one.
 * @param n threads, an integer in [1, 64]; 1 runs every product on the calling thread
 * @throws ArgumentError when `n` is not an integer in [1, 64].
 * @example setThreads(1); // single-threaded, e.g. to time one core
 * @group Ops: linear algebra
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ArgumentError(`setThreads: n must be an integer in [1, ${MAX_THREADS}] (the calling thread plus n - 1 workers), got ${showValue(n)}; pass 1 for a single thread`);
  }
  wanted = n;
  active = null;
  if (n > 1) grow();
}

/**
 * How many threads a large matrix product runs on right now: 1 plus the workers that are
 * ready, up to the count set. Lower than that count while workers start, and 1 where threads
 * cannot run.
 * @returns a count >= 1
 * @group Ops: linear algebra
 */
export function threads(): number {
  const use = (wanted ?? 1) - 1;
  return 1 + Math.min(use, slots.filter((s) => s.ready).length);
}

/**
 * Resolves with {@link threads} once every worker asked for has started (or failed to).
 * @internal for tests and benchmarks, which need the pool ready before they measure it
 */
export function threadsReady(): Promise<number> {
  grow();
  return new Promise((resolve) => {
    waiting.push(() => resolve(threads()));
    // Unref'ed workers would let Node exit with this promise pending: hold them until they answer.
    for (const s of slots) if (!s.ready) s.handle.hold(true);
    settle();
  });
}

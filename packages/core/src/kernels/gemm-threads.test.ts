import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../random.js';
import { gemm, gemmInto, setThreads, threads } from './matmul.js';
import { CTRL_BYTES, gemmWasm, wasmGemm } from './gemm-wasm.js';
import * as tasks from './gemm-tasks.js';
import { CTRL_WORDS, WAKE, runTasks } from './gemm-tasks.js';
import { THREAD_MIN_MACS, gemmThreaded, splitFor, workerTaskCount } from './gemm-threads.js';
import { threadsReady } from './worker-pool.js';

function random(rng: Rng, size: number): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = 2 * rng.next() - 1;
  return out;
}

/** Elements whose bits differ (Object.is: -0 is not 0, NaN is NaN). */
function differing(x: Float64Array, y: Float64Array): number {
  expect(x.length).toBe(y.length);
  let bad = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) bad++;
  return bad;
}

const transposes = [[false, false], [false, true], [true, false], [true, true]] as const;

// [m, n, k]: ragged edges (not multiples of the 4x4 tile), k past one 256-deep slab, n past one
// 264-column block, a tall-thin and a short-wide product, and the MLP's 64-row batches (all five
// of its threaded products). Wider than tall goes by column blocks: over one row block
// (9x517, 13x17, 6x101, the MLP's), over several with ragged last rows and columns (70x1030,
// 100x1000, 250x259), and with the last column block narrower than the rest (70x1030).
const above: readonly (readonly [number, number, number])[] = [
  [65, 67, 71], [130, 9, 800], [9, 517, 259], [203, 301, 513], [64, 256, 784], [256, 784, 64], [13, 17, 1201],
  [64, 128, 256], [64, 256, 128], [128, 256, 64], [70, 1030, 300], [6, 101, 500], [100, 1000, 33], [250, 259, 270],
];
const below: readonly (readonly [number, number, number])[] = [[3, 5, 7], [4, 300, 200], [40, 40, 40], [63, 64, 64]];

describe('threaded GEMM (2 threads)', () => {
  beforeAll(async () => {
    setThreads(2);
    expect(await threadsReady()).toBe(2);
  });
  afterAll(() => setThreads(2));

  it('loads the kernel on shared memory under Node 20, and the control words fit their bytes', () => {
    expect(wasmGemm()?.shared).toBe(true);
    expect(threads()).toBe(2);
    expect(CTRL_WORDS * 4).toBeLessThanOrEqual(CTRL_BYTES);
    expect(WAKE + 63).toBe(CTRL_WORDS); // a wake word for each of setThreads' 63 workers
  });

  it("runTasks (sent to workers as source, so written with literal indices) reads the control words the named constants say", () => {
    const src = runTasks.toString();
    const read = (name: string): number => Number(new RegExp(`const ${name} = ctrl\\[(\\d+)\\]`).exec(src)?.[1]);
    expect([read('nTasks'), read('rows'), read('mPad'), read('nPad'), read('k'), read('aAt'), read('bAt'), read('cAt'), read('kcMax'), read('ncMax'), read('cols'), read('order')]).toEqual([
      tasks.NTASKS, tasks.ROWS, tasks.MPAD, tasks.NPAD, tasks.DEPTH, tasks.A_AT, tasks.B_AT, tasks.C_AT, tasks.SLAB, tasks.BLOCK, tasks.COLS, tasks.ORDER,
    ]);
    expect(Math.max(tasks.COLS, tasks.ORDER, tasks.READY)).toBeLessThan(WAKE); // no parameter shares a worker's wake word
    const atomics = new Set([...src.matchAll(/Atomics\.\w+\(ctrl, (\d+)/g)].map((x) => Number(x[1])));
    expect([...atomics].sort((x, y) => x - y)).toEqual([tasks.CLAIM, tasks.DONE, tasks.READY].sort((x, y) => x - y));
  });

  it('runs products above the threshold threaded, bit for bit the single-thread kernel, for every transpose', () => {
    const rng = new Rng(13);
    for (const [m, n, k] of above) {
      expect(m * n * k, `${m}x${n}x${k} is above the threshold`).toBeGreaterThanOrEqual(THREAD_MIN_MACS);
      for (const [ta, tb] of transposes) {
        const a = random(rng, m * k);
        const b = random(rng, k * n);
        const threaded = new Float64Array(m * n).fill(NaN);
        const single = new Float64Array(m * n);
        expect(gemmThreaded(a, b, threaded, m, n, k, ta, tb), `${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
        expect(gemmWasm(a, b, single, m, n, k, ta, tb)).toBe(true);
        expect(differing(threaded, single), `${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(0);
      }
    }
  });

  it('splits wide products by column blocks of whole tiles, tall and square ones by row blocks', () => {
    // The MLP's batch of 64: one row block, 16 tasks of 16 columns (2 threads x 8 tasks).
    expect(splitFor(64, 256, 2)).toEqual({ rows: 64, cols: 16, byColumns: true });
    expect(splitFor(64, 128, 2)).toEqual({ rows: 64, cols: 8, byColumns: true });
    expect(splitFor(256, 784, 2)).toEqual({ rows: 64, cols: 196, byColumns: true });
    expect(splitFor(9, 5000, 2)).toEqual({ rows: 12, cols: 264, byColumns: true }); // at most NC wide
    expect(splitFor(512, 512, 2)).toEqual({ rows: 32, cols: 512, byColumns: false });
    expect(splitFor(130, 9, 2)).toEqual({ rows: 12, cols: 12, byColumns: false }); // 12: 130 rounded to tiles, over 16 tasks
    for (const [m, n] of above) {
      const { rows, cols } = splitFor(m, n, 2);
      expect(rows % 4, `${m}x${n}`).toBe(0);
      expect(cols % 4, `${m}x${n}`).toBe(0);
    }
  });

  it('leaves products below the threshold (or of one row panel) to the calling thread', () => {
    const rng = new Rng(2);
    for (const [m, n, k] of [...below, [4, 1000, 1000]] as const) {
      const c = new Float64Array(m * n);
      expect(gemmThreaded(random(rng, m * k), random(rng, k * n), c, m, n, k, false, false), `${m}x${n}x${k}`).toBe(false);
    }
  });

  it('gives the same bits through gemm and gemmInto with 2 threads as with 1, NaN and -0 included', () => {
    const rng = new Rng(29);
    for (const [m, n, k] of [...above, ...below]) {
      for (const [ta, tb] of transposes) {
        const a = random(rng, m * k);
        const b = random(rng, k * n);
        a[0] = NaN;
        a[a.length - 1] = -0;
        b[Math.floor(b.length / 2)] = Infinity;
        setThreads(1);
        const one = gemm(a, b, m, n, k, ta, tb);
        setThreads(2);
        const two = gemm(a, b, m, n, k, ta, tb);
        const into = new Float64Array(m * n).fill(7);
        gemmInto(a, b, into, m, n, k, ta, tb);
        expect(differing(two, one), `${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(0);
        expect(differing(into, one)).toBe(0);
      }
    }
  });

  it('really hands tasks to the worker: its count of blocks done grows over large products, by rows and by columns', () => {
    const rng = new Rng(5);
    const n = 256;
    const a = random(rng, n * n);
    const b = random(rng, n * n);
    const before = workerTaskCount();
    // The caller claims tasks too, so one product may finish before the worker wakes (a busy
    // machine); a few hundred milliseconds of 256³ products leave it many chances.
    const until = performance.now() + 2000;
    while (workerTaskCount() === before && performance.now() < until) gemm(a, b, n, n, n, false, false);
    expect(workerTaskCount()).toBeGreaterThan(before);
    // And column blocks: the MLP's first layer, 64x256x784.
    const x = random(rng, 64 * 784);
    const w = random(rng, 256 * 784);
    const z = new Float64Array(64 * 256);
    const mid = workerTaskCount();
    const then = performance.now() + 2000;
    while (workerTaskCount() === mid && performance.now() < then) gemmInto(x, w, z, 64, 256, 784, false, true);
    expect(workerTaskCount()).toBeGreaterThan(mid);
  });
});

describe('single-thread fallback', () => {
  it('setThreads(1) keeps every product on the calling thread, and setThreads(2) wakes the parked worker again', async () => {
    const rng = new Rng(8);
    const [m, n, k] = [128, 128, 128];
    const a = random(rng, m * k);
    const b = random(rng, k * n);
    setThreads(1);
    expect(threads()).toBe(1);
    const before = workerTaskCount();
    expect(gemmThreaded(a, b, new Float64Array(m * n), m, n, k, false, false)).toBe(false);
    for (let i = 0; i < 20; i++) gemm(a, b, m, n, k, false, false);
    expect(workerTaskCount()).toBe(before);
    setThreads(2);
    expect(await threadsReady()).toBe(2);
    expect(gemmThreaded(a, b, new Float64Array(m * n), m, n, k, false, false)).toBe(true);
  });

  it('without shared memory (no SharedArrayBuffer, as on a page that is not cross-origin isolated) runs single-threaded, same bits', async () => {
    interface Api { Module: unknown; Instance: unknown; Memory: new (d: { shared?: boolean }) => object }
    const real = (globalThis as { WebAssembly?: Api }).WebAssembly;
    if (real === undefined) throw new Error('this test needs WebAssembly');
    const RealMemory = real.Memory;
    // A WebAssembly whose Memory refuses `shared`, as browsers do without cross-origin isolation.
    class PlainMemory {
      constructor(d: { shared?: boolean }) {
        if (d.shared === true) throw new TypeError('shared memory is not available');
        return new RealMemory(d);
      }
    }
    const rng = new Rng(4);
    const [m, n, k] = [200, 130, 270];
    const a = random(rng, m * k);
    const b = random(rng, k * n);
    setThreads(1);
    const want = gemm(a, b, m, n, k, true, false);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', { Module: real.Module, Instance: real.Instance, Memory: PlainMemory });
    try {
      const fresh = await import('./matmul.js');
      const freshWasm = await import('./gemm-wasm.js');
      const freshPool = await import('./worker-pool.js');
      fresh.setThreads(2);
      expect(await freshPool.threadsReady()).toBe(1);
      expect(freshWasm.wasmGemm()?.shared).toBe(false); // the plain-memory module, still WebAssembly
      expect(fresh.matmulKernel()).toBe('wasm');
      expect(fresh.threads()).toBe(1);
      expect(differing(fresh.gemm(a, b, m, n, k, true, false), want)).toBe(0);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
      setThreads(2);
    }
  });
});

describe('setThreads', () => {
  it('refuses anything but an integer in [1, 64], naming the rule and the fix', () => {
    for (const [bad, shown] of [[0, '0'], [1.5, '1.5'], [65, '65'], [NaN, 'NaN'], ['2', 'the string "2"']] as const) {
      expect(() => Reflect.apply(setThreads, undefined, [bad])).toThrow(
        `setThreads: n must be an integer in [1, 64] (the calling thread plus n - 1 workers), got ${shown}; pass 1 for a single thread`,
      );
    }
  });
});

describe('a process using the threaded matmul', () => {
  const root = fileURLToPath(new URL('../../../..', import.meta.url));
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tapegrad-threads-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits by itself: the idle workers never keep Node alive', async () => {
    const kernels = (f: string): string => pathToFileURL(join(root, 'packages/core/src/kernels', f)).href;
    const script = join(dir, 'exit.mts');
    writeFileSync(
      script,
      [
        `import { gemm, setThreads } from ${JSON.stringify(kernels('matmul.ts'))};`,
        `import { threadsReady } from ${JSON.stringify(kernels('worker-pool.ts'))};`,
        `import { workerTaskCount } from ${JSON.stringify(kernels('gemm-threads.ts'))};`,
        `setThreads(2);`,
        `await threadsReady();`,
        `const n = 256, a = new Float64Array(n * n).fill(1), b = new Float64Array(n * n).fill(2);`,
        `const until = performance.now() + 2000;`,
        `while (workerTaskCount() === 0 && performance.now() < until) gemm(a, b, n, n, n, false, false);`,
        `console.log(JSON.stringify({ tasks: workerTaskCount(), at: Date.now() }));`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--conditions=@tapegrad/source', '--import', join(root, 'node_modules/tsx/dist/esm/index.mjs'), script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const exitedAt = Date.now();
    clearTimeout(killer);
    expect(code, err).toBe(0);
    const last = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { tasks?: number; at?: number };
    expect(last.tasks).toBeGreaterThan(0); // the workers were really running
    // From the script's last line to the process being gone: well under the 20 s kill.
    expect(exitedAt - (last.at ?? 0)).toBeLessThan(3000);
  });
});

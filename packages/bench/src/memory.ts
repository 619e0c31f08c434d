/**
 * The flat-heap check: a long training loop must not accumulate memory, and the tape
 * must let go of what it recorded once backward is done. Needs `node --expose-gc`
 * (the package's `bench` script passes it).
 */
import { Session } from 'node:inspector';
import { type Tensor, matmul, sum, tanh, tensor, valueAndGrad } from '@tapegrad/core';
import { tapegradClosed, tapegradCompiled, tapegradTape } from './contenders/tapegrad.js';
import { type Contender } from './harness.js';
import { type WorkloadId, workloadData } from './workloads.js';

export interface LoopMemory {
  readonly workload: WorkloadId;
  readonly contender: string;
  readonly steps: number;
  /** heapUsed after a full GC, before the loop and after it (bytes). */
  readonly heapBefore: number;
  readonly heapAfter: number;
  /** (after - before) / steps */
  readonly bytesPerStep: number;
  /** Bytes a step allocates, garbage included (V8's sampling heap profiler; see `allocation`). */
  readonly allocatedPerStep: number;
}

export interface MemoryReport {
  readonly loops: readonly LoopMemory[];
  /** A traced intermediate is collectable once its backward pass has returned. */
  readonly tapeReleasesIntermediates: boolean;
}

/** Settles, then collects twice (the second pass frees what finalisers of the first released). */
async function collect(gc: () => void): Promise<number> {
  // WeakRef targets stay alive until the end of the current job: yield first.
  await new Promise((r) => setTimeout(r, 0));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function loop(gc: () => void, c: Contender, workload: WorkloadId, steps: number): Promise<LoopMemory> {
  await c.activate();
  const inst = c.create(workload, workloadData(workload));
  for (let i = 0; i < Math.min(200, steps); i++) inst.step(); // warm-up: JIT code and lazily made caches are not leaks
  const heapBefore = await collect(gc);
  for (let i = 0; i < steps; i++) inst.step();
  const heapAfter = await collect(gc);
  const allocatedPerStep = await allocation(gc, inst.step, workload === 'tiny-mlp-step' ? 2000 : 20);
  inst.dispose();
  return { workload, contender: c.id, steps, heapBefore, heapAfter, bytesPerStep: (heapAfter - heapBefore) / steps, allocatedPerStep };
}

interface SampledProfile {
  readonly head: SampleNode;
}
interface SampleNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SampleNode[];
}

function post<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/**
 * Bytes a step allocates on the V8 heap, garbage included, over `k` steps: V8's sampling heap
 * profiler takes a sample about every 32 bytes allocated and scales the samples up to its
 * estimate of the total, counting objects collected meanwhile too (`includeObjectsCollected…`).
 * A step allocating nothing reads 0. The contents of typed arrays live outside the V8 heap
 * and are not counted, but every new array's wrapper objects are, so a step that makes any
 * Float64Array reads above 0.
 */
async function allocation(gc: () => void, step: () => number, k: number): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await collect(gc);
    await post(session, 'HeapProfiler.startSampling', { samplingInterval: 32, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < k; i++) step();
    const { profile } = await post<{ profile: SampledProfile }>(session, 'HeapProfiler.stopSampling');
    let total = 0;
    const walk = (n: SampleNode): void => {
      total += n.selfSize;
      n.children.forEach(walk);
    };
    walk(profile.head);
    return total / k;
  } finally {
    session.disconnect();
  }
}

async function tapeReleases(gc: () => void): Promise<boolean> {
  const x = tensor(Array.from({ length: 64 }, (_, i) => Math.sin(i)), [8, 8]);
  const box: { ref: WeakRef<Tensor> | null } = { ref: null };
  const f = (w: Tensor): Tensor => {
    const h = tanh(matmul(x, w));
    box.ref = new WeakRef(h);
    return sum(h);
  };
  const [, g] = valueAndGrad(f)(tensor(Array.from({ length: 64 }, (_, i) => Math.cos(i)), [8, 8]));
  await collect(gc);
  // The gradient is still held here; the intermediate `h` must not be.
  return g.size === 64 && box.ref !== null && box.ref.deref() === undefined;
}

/**
 * Runs the loops and the release check.
 * @param steps steps of the tiny network (the large one runs `steps / 50`)
 * @returns null when the GC is not exposed
 */
export async function memoryCheck(steps = 10_000): Promise<MemoryReport | null> {
  const gc = globalThis.gc;
  if (gc === undefined) return null;
  const loops: LoopMemory[] = [];
  for (const c of [tapegradTape, tapegradCompiled, tapegradClosed]) {
    loops.push(await loop(gc, c, 'tiny-mlp-step', steps));
    loops.push(await loop(gc, c, 'mlp-train-step', Math.max(1, Math.round(steps / 50))));
  }
  return { loops, tapeReleasesIntermediates: await tapeReleases(gc) };
}

export function memoryText(m: MemoryReport | null): string {
  if (m === null) return 'memory: skipped (run node with --expose-gc; `npm run bench` does)';
  const kb = (b: number): string => `${(b / 1024).toFixed(0)} KB`;
  const lines = m.loops.map(
    (l) => `- ${l.contender} ${l.workload}, ${l.steps} steps: heap ${kb(l.heapBefore)} → ${kb(l.heapAfter)} (${l.bytesPerStep >= 0 ? '+' : ''}${l.bytesPerStep.toFixed(2)} bytes/step); a step allocates ${l.allocatedPerStep.toFixed(0)} bytes`,
  );
  lines.push(`- the tape releases a traced intermediate after backward: ${m.tapeReleasesIntermediates ? 'yes' : 'NO'}`);
  return lines.join('\n');
}

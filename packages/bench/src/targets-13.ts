/**
 * The performance issue's targets (both cores, no allocation in the step, a compiled tape),
 * each checked against one run: the eager tape (`tapegrad-tape`) and the compiled tape
 * (`tapegrad-compiled`) side by side where the target names "the tape".
 */
import { type Cell } from './harness.js';
import { type MemoryReport } from './memory.js';
import { type Results, type TargetCheck, fmtTime, pairedRatio } from './report.js';
import { type WorkloadId } from './workloads.js';

function median(c: Cell | undefined): number | null {
  return c !== undefined && c.status === 'ok' ? c.medianMs : null;
}

function ratio(v: number): string {
  return `${v.toFixed(2)}x`;
}

/**
 * A step that allocates nothing reads 0 on the sampling heap profiler; the bench's own step reads
 * the loss back with `item()`, whose number V8 may box (16 bytes), and the products' join reads
 * the clock now and then. 64 bytes is below one Tensor with its Float64Array (about 200 bytes
 * of wrappers), so at most this means no tensor, array or closure per step.
 */
const NO_ALLOCATION_BYTES = 64;
/** Heap growth per step, after a full collection, that counts as flat: 10,000 steps then keep well under a megabyte. */
const FLAT_BYTES = 64;

export function checkIssue13(results: Results, memory: MemoryReport | null): TargetCheck[] {
  const cell = (w: WorkloadId, c: string): Cell | undefined => results.get(w)?.get(c);
  const out: TargetCheck[] = [];
  const add = (target: string, value: number | null, ok: (v: number) => boolean, show: (v: number) => string): void => {
    out.push(value === null ? { target, met: null, measured: 'not measured' } : { target, met: ok(value), measured: show(value) });
  };
  const tapes = [['tapegrad-tape', 'eager tape'], ['tapegrad-compiled', 'compiled tape']] as const;
  for (const [id, name] of tapes) {
    // Like for like beside it: jax-js jit in float64 (its wasm float64 is scalar, see contenders/jax.ts).
    const f64 = pairedRatio(cell('mlp-train-step', 'jax-jit-f64'), cell('mlp-train-step', id));
    add(`mlp-train-step: jax-js jit (f32) ÷ ${name} (f64) ≥ 1.5`, pairedRatio(cell('mlp-train-step', 'jax-jit'), cell('mlp-train-step', id)), (v) => v >= 1.5, (v) => `${ratio(v)}${f64 === null ? '' : ` (jax-js jit f64 ÷ ${name}: ${ratio(f64)})`}`);
  }
  for (const w of ['mlp-train-step', 'mlp-grad'] as const) {
    for (const [id, name] of tapes) {
      add(`${w}: ${name} ÷ closed form ≤ 1.05`, pairedRatio(cell(w, id), cell(w, 'tapegrad-closed')), (v) => v <= 1.05, ratio);
    }
  }
  for (const [id, name] of tapes) add(`tiny-mlp-step: ${name} ≤ 3 µs`, median(cell('tiny-mlp-step', id)), (v) => v <= 0.003, fmtTime);
  const gflops = (ms: number | null): number | null => (ms === null ? null : (2 * 512 ** 3) / (ms * 1e6));
  const oneThread = gflops(median(cell('matmul-512', 'tapegrad-tape-1thread')));
  add(
    'matmul-512 (the matmul op on the tape): ≥ 30 GFLOP/s float64',
    gflops(median(cell('matmul-512', 'tapegrad-tape'))),
    (v) => v >= 30,
    (v) => `${v.toFixed(1)} GFLOP/s${oneThread === null ? '' : ` (${oneThread.toFixed(1)} on one thread, setThreads(1))`}`,
  );
  const loops = memory?.loops ?? [];
  const flat = loops.filter((l) => l.workload === 'tiny-mlp-step');
  add(
    `heap flat over ${flat[0]?.steps ?? 10_000} tiny steps (growth ≤ ${FLAT_BYTES} bytes a step after a full GC), every contender checked`,
    flat.length === 0 ? null : Math.max(...flat.map((l) => l.bytesPerStep)),
    (v) => v <= FLAT_BYTES,
    () => flat.map((l) => `${l.contender} ${l.bytesPerStep.toFixed(1)}`).join(', '),
  );
  for (const w of ['tiny-mlp-step', 'mlp-train-step'] as const) {
    const l = loops.find((x) => x.contender === 'tapegrad-compiled' && x.workload === w);
    add(`${w}: a compiled step allocates nothing (≤ ${NO_ALLOCATION_BYTES} bytes of V8 heap, the bench's own item() included)`, l?.allocatedPerStep ?? null, (v) => v <= NO_ALLOCATION_BYTES, (v) => `${v.toFixed(0)} bytes a step`);
  }
  return out;
}

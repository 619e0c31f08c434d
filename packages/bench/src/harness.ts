/**
 * Side-by-side timing. Every contender of a workload is warmed up, then sampled in
 * rounds: each round takes one sample of every contender, in an order rotated per round,
 * so slow drifts of a shared machine (another process, thermal state) hit all of them
 * alike. A sample runs a step `reps` times (chosen so a sample lasts about `sampleMs`)
 * and records the mean; the reported figure is the median sample. Ratios are taken per
 * round (the two samples were taken moments apart) and the median of those is reported,
 * which cancels drifts that a ratio of two medians would keep.
 */
import { type WorkloadData, type WorkloadId } from './workloads.js';
import { BenchError } from './errors.js';

/** One prepared workload for one library: `step` runs one iteration and returns a value that proves the work (the loss, or a checksum). */
export interface Instance {
  step(): number;
  dispose(): void;
}

/** A library (and mode) under test. */
export interface Contender {
  readonly id: string;
  readonly label: string;
  readonly precision: 'f64' | 'f32';
  /** True for tapegrad's own variants; peers are compared against them. */
  readonly ours: boolean;
  /** Loads and initialises the library; throws (with a reason) when it cannot run here. */
  setup(): Promise<void>;
  /** Makes this contender's backend current (TensorFlow.js has one global backend). */
  activate(): Promise<void>;
  /** Details worth printing under the table (backend flavour, SIMD, threads). */
  describe(): string;
  create(id: WorkloadId, data: WorkloadData): Instance;
}

export interface TimingOptions {
  /** Warm-up per contender: run until this much time has passed (and at least `warmupSteps` steps). */
  readonly warmupMs: number;
  readonly warmupSteps: number;
  /** Target duration of one sample. */
  readonly sampleMs: number;
  /** Sampling stops after this many rounds once `budgetMs` is spent, and at `maxRounds` regardless. */
  readonly minRounds: number;
  readonly maxRounds: number;
  readonly budgetMs: number;
}

export const defaultTiming: TimingOptions = { warmupMs: 400, warmupSteps: 3, sampleMs: 25, minRounds: 7, maxRounds: 60, budgetMs: 9000 };

/** A cell of the results: a timing, or why there is none. */
export type Cell =
  | {
      readonly status: 'ok';
      readonly medianMs: number;
      readonly p25Ms: number;
      readonly p75Ms: number;
      readonly samples: number;
      readonly reps: number;
      readonly lastValue: number;
      /** Per-round samples in round order (ms per step): aligned across contenders, for paired ratios. */
      readonly series: readonly number[];
    }
  | { readonly status: 'unavailable'; readonly reason: string };

interface Running {
  readonly contender: Contender;
  readonly instance: Instance;
  reps: number;
  readonly samples: number[];
  last: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function reason(e: unknown): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split('\n')[0]!.slice(0, 160);
}

function checkFinite(c: Contender, id: WorkloadId, v: number): void {
  if (!Number.isFinite(v)) throw new BenchError(`${c.label} ${id}: step returned ${v}, expected a finite number`);
}

/**
 * Times one workload for every contender, interleaved.
 * @returns one cell per contender id
 */
export async function timeWorkload(id: WorkloadId, data: WorkloadData, contenders: readonly Contender[], opts: TimingOptions, unavailable: ReadonlyMap<string, string>): Promise<Map<string, Cell>> {
  const cells = new Map<string, Cell>();
  const running: Running[] = [];
  for (const c of contenders) {
    const why = unavailable.get(c.id);
    if (why !== undefined) {
      cells.set(c.id, { status: 'unavailable', reason: why });
      continue;
    }
    try {
      await c.activate();
      const instance = c.create(id, data);
      // Warm-up: lets V8 / the wasm tier-up / jit compilation settle, and calibrates reps.
      let steps = 0;
      let last = 0;
      const t0 = performance.now();
      while (steps < opts.warmupSteps || performance.now() - t0 < opts.warmupMs) {
        last = instance.step();
        checkFinite(c, id, last);
        steps++;
      }
      const perStep = (performance.now() - t0) / steps;
      running.push({ contender: c, instance, reps: Math.max(1, Math.round(opts.sampleMs / perStep)), samples: [], last });
    } catch (e) {
      cells.set(c.id, { status: 'unavailable', reason: reason(e) });
    }
  }
  const start = performance.now();
  for (let round = 0; round < opts.maxRounds; round++) {
    if (round >= opts.minRounds && performance.now() - start > opts.budgetMs) break;
    for (let k = 0; k < running.length; k++) {
      const r = running[(k + round) % running.length]!;
      if (cells.has(r.contender.id)) continue; // failed mid-run
      try {
        await r.contender.activate();
        const t0 = performance.now();
        let v = 0;
        for (let i = 0; i < r.reps; i++) v = r.instance.step();
        const dt = performance.now() - t0;
        checkFinite(r.contender, id, v);
        r.samples.push(dt / r.reps);
        r.last = v;
      } catch (e) {
        cells.set(r.contender.id, { status: 'unavailable', reason: reason(e) });
      }
    }
  }
  for (const r of running) {
    try {
      r.instance.dispose();
    } catch {
      // A peer failing to free memory at the end does not invalidate its timings.
    }
    if (cells.has(r.contender.id)) continue;
    const s = [...r.samples].sort((a, b) => a - b);
    cells.set(r.contender.id, {
      status: 'ok',
      medianMs: quantile(s, 0.5),
      p25Ms: quantile(s, 0.25),
      p75Ms: quantile(s, 0.75),
      samples: s.length,
      reps: r.reps,
      lastValue: r.last,
      series: r.samples,
    });
  }
  return cells;
}

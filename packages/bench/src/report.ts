/**
 * Turns timings into the printed tables (Markdown, so docs/performance.md can quote them
 * verbatim), the target checklist, and the JSON record.
 */
import { cpus, totalmem } from 'node:os';
import { type Cell, type Contender } from './harness.js';
import { type Workload, type WorkloadId } from './workloads.js';

export type Results = ReadonlyMap<WorkloadId, ReadonlyMap<string, Cell>>;

export interface TargetCheck {
  readonly target: string;
  /** null when a needed cell is missing. */
  readonly met: boolean | null;
  readonly measured: string;
}

/** Milliseconds as a short human figure: µs below 1 ms. */
export function fmtTime(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 100) return `${ms.toPrecision(3)} ms`;
  return `${Math.round(ms)} ms`;
}

function fmtRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(0)}x` : `${r.toFixed(2)}x`;
}

function median(cell: Cell | undefined): number | null {
  return cell !== undefined && cell.status === 'ok' ? cell.medianMs : null;
}

/**
 * `num ÷ den` as the median of per-round ratios: each round samples every contender once,
 * moments apart, so a slowdown of the shared machine during one round cancels out.
 */
export function pairedRatio(num: Cell | undefined, den: Cell | undefined): number | null {
  if (num === undefined || den === undefined || num.status !== 'ok' || den.status !== 'ok') return null;
  const n = Math.min(num.series.length, den.series.length);
  if (n === 0) return null;
  const r: number[] = [];
  for (let i = 0; i < n; i++) r.push(num.series[i]! / den.series[i]!);
  r.sort((a, b) => a - b);
  return n % 2 === 1 ? r[(n - 1) / 2]! : (r[n / 2 - 1]! + r[n / 2]!) / 2;
}

function gflops(w: Workload, ms: number): number | null {
  return w.flops === undefined ? null : w.flops / (ms * 1e6);
}

function cellText(w: Workload, cell: Cell | undefined): string {
  if (cell === undefined) return 'not run';
  if (cell.status === 'unavailable') return `n/a: ${cell.reason.replace(/\|/g, '/')}`;
  const g = gflops(w, cell.medianMs);
  return g === null ? fmtTime(cell.medianMs) : `${fmtTime(cell.medianMs)} (${g.toFixed(1)} GFLOP/s)`;
}

/** How the tables name a contender: its label and precision (one library can run in both). */
export function columnName(c: Contender): string {
  return `${c.label} (${c.precision})`;
}

/** The medians table: one row per workload, one column per contender. */
export function mediansTable(workloads: readonly Workload[], contenders: readonly Contender[], results: Results): string {
  const head = ['workload', ...contenders.map(columnName)];
  const rows = workloads.map((w) => [w.id, ...contenders.map((c) => cellText(w, results.get(w.id)?.get(c.id)))]);
  return markdown(head, rows);
}

/**
 * The ratios table: the eager and the compiled tape over the closed form, then how many times
 * longer each peer takes than tapegrad's eager and compiled tape (above 1: tapegrad is faster);
 * medians of per-round ratios.
 */
export function ratiosTable(workloads: readonly Workload[], contenders: readonly Contender[], results: Results): string {
  const peers = contenders.filter((c) => !c.ours);
  const head = [
    'workload', 'tape ÷ closed form', 'compiled tape ÷ closed form',
    ...peers.map((p) => `${columnName(p)} ÷ tape`), ...peers.map((p) => `${columnName(p)} ÷ compiled tape`),
  ];
  const rows = workloads.map((w) => {
    const cells = results.get(w.id);
    const tape = cells?.get('tapegrad-tape');
    const compiled = cells?.get('tapegrad-compiled');
    const closed = cells?.get('tapegrad-closed');
    const ratio = (num: Cell | undefined, den: Cell | undefined): string => {
      const r = pairedRatio(num, den);
      return r === null ? '—' : fmtRatio(r);
    };
    return [w.id, ratio(tape, closed), ratio(compiled, closed), ...peers.map((p) => ratio(cells?.get(p.id), tape)), ...peers.map((p) => ratio(cells?.get(p.id), compiled))];
  });
  return markdown(head, rows);
}

function markdown(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The issue's targets, each checked against this run. */
export function checkTargets(workloads: readonly Workload[], contenders: readonly Contender[], results: Results): TargetCheck[] {
  const get = (w: WorkloadId, c: string): number | null => median(results.get(w)?.get(c));
  const pr = (w: WorkloadId, num: string, den: string): number | null => pairedRatio(results.get(w)?.get(num), results.get(w)?.get(den));
  const wl = (id: WorkloadId): Workload => workloads.find((w) => w.id === id) ?? { id, title: id };
  const out: TargetCheck[] = [];
  const add = (target: string, value: number | null, ok: (v: number) => boolean, show: (v: number) => string): void => {
    out.push(value === null ? { target, met: null, measured: 'not measured' } : { target, met: ok(value), measured: show(value) });
  };
  const peers = contenders.filter((c) => !c.ours);
  const fastestPeer = (w: WorkloadId): { id: string; label: string; ms: number } | null => {
    let best: { id: string; label: string; ms: number } | null = null;
    for (const p of peers) {
      const ms = get(w, p.id);
      if (ms !== null && (best === null || ms < best.ms)) best = { id: p.id, label: columnName(p), ms };
    }
    return best;
  };

  const tiny = get('tiny-mlp-step', 'tapegrad-tape');
  add('tiny-mlp-step (tape) under 20 µs', tiny, (v) => v < 0.02, fmtTime);
  const tinyPeer = fastestPeer('tiny-mlp-step');
  add(
    `tiny-mlp-step (tape) at least 10x faster than the fastest autodiff peer${tinyPeer ? ` (${tinyPeer.label})` : ''}`,
    tinyPeer === null ? null : pr('tiny-mlp-step', tinyPeer.id, 'tapegrad-tape'),
    (v) => v >= 10,
    (v) => `${fmtRatio(v)} (${fmtTime(tinyPeer?.ms ?? NaN)} vs ${fmtTime(tiny ?? NaN)})`,
  );
  add('tiny-mlp-step (tape) faster than hand-written NumPy (35 µs, from the issue; NumPy is not run here)', tiny, (v) => v < 0.035, fmtTime);
  const gf = (ms: number | null): number | null => (ms === null ? null : gflops(wl('matmul-512'), ms));
  add('pure TypeScript: matmul 512 at least 4 GFLOP/s', gf(get('matmul-512', 'tapegrad-tape-ts')), (v) => v >= 4, (v) => `${v.toFixed(2)} GFLOP/s`);
  add('pure TypeScript: mlp-train-step (tape) under 10 ms', get('mlp-train-step', 'tapegrad-tape-ts'), (v) => v < 10, fmtTime);
  const mlp = get('mlp-train-step', 'tapegrad-tape');
  add('mlp-train-step (tape, default kernels) under 10 ms', mlp, (v) => v < 10, fmtTime);
  for (const [peer, factor] of [['tfjs-wasm', 3], ['tfjs-cpu', 10]] as const) {
    const p = get('mlp-train-step', peer);
    add(`mlp-train-step (tape) at least ${factor}x faster than ${peer === 'tfjs-wasm' ? 'TF.js wasm' : 'TF.js cpu'}`, p === null ? null : pr('mlp-train-step', peer, 'tapegrad-tape'), (v) => v >= factor, fmtRatio);
  }
  for (const w of ['mlp-train-step', 'mlp-grad', 'tiny-mlp-step'] as const) {
    // Both run their products on core's GEMM (the closed form through gemmInto), so this
    // ratio measures the tape's bookkeeping and unfused elementwise VJPs, not kernels.
    add(`${w}: tape within 10% of the closed form (tape ÷ closed ≤ 1.10)`, pr(w, 'tapegrad-tape', 'tapegrad-closed'), (v) => v <= 1.1, fmtRatio);
  }
  add('stretch (WebAssembly SIMD): matmul 512 at least 15 GFLOP/s', gf(get('matmul-512', 'tapegrad-closed')), (v) => v >= 15, (v) => `${v.toFixed(2)} GFLOP/s`);
  add('stretch: mlp-train-step (tape) under 4.5 ms', mlp, (v) => v < 4.5, fmtTime);
  // Judged against float32 jit, jax-js's fastest; the float64 jit ratio is shown beside it.
  const jit64 = pr('mlp-train-step', 'jax-jit-f64', 'tapegrad-tape');
  const beside = jit64 === null ? '' : `; jax-js jit (f64) ÷ tape: ${fmtRatio(jit64)}`;
  add('stretch: mlp-train-step (tape) faster than jax-js jit (f32)', pr('mlp-train-step', 'jax-jit', 'tapegrad-tape'), (v) => v > 1, (v) => `${fmtRatio(v)} (jax-js jit (f32) ÷ tape${beside})`);
  return out;
}

export function targetsText(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `- [${c.met === null ? '?' : c.met ? 'x' : ' '}] ${c.target}: ${c.measured}`).join('\n');
}

/** Where the run happened. */
export function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    logicalCores: cpu.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The JSON record: everything the tables show, plus sample counts and quartiles. */
export function toJson(workloads: readonly Workload[], contenders: readonly Contender[], results: Results, targets: readonly TargetCheck[], extra: Record<string, unknown>): unknown {
  return {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    ...extra,
    contenders: contenders.map((c) => ({ id: c.id, label: c.label, precision: c.precision, details: c.describe() })),
    workloads: workloads.map((w) => {
      const cells = results.get(w.id);
      return {
        id: w.id,
        title: w.title,
        flops: w.flops ?? null,
        results: Object.fromEntries(
          contenders.map((c) => {
            const cell = cells?.get(c.id);
            if (cell === undefined) return [c.id, { status: 'not run' }];
            if (cell.status !== 'ok') return [c.id, cell];
            return [c.id, { ...cell, gflops: gflops(w, cell.medianMs), ratioToTape: pairedRatio(cell, cells?.get('tapegrad-tape')) }];
          }),
        ),
      };
    }),
    targets,
  };
}

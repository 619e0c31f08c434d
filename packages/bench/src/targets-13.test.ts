import { describe, expect, it } from 'vitest';
import { type Cell } from './harness.js';
import { type MemoryReport } from './memory.js';
import { checkIssue13 } from './targets-13.js';
import { type WorkloadId } from './workloads.js';

const ok = (ms: number): Cell => ({ status: 'ok', medianMs: ms, p25Ms: ms, p75Ms: ms, samples: 3, reps: 1, lastValue: 0, series: [ms, ms, ms] });

describe('the issue-13 checklist', () => {
  it('checks each target against the run, both tapes side by side, and says "not measured" for what did not run', () => {
    const results = new Map<WorkloadId, Map<string, Cell>>([
      ['mlp-train-step', new Map([['tapegrad-tape', ok(4)], ['tapegrad-compiled', ok(2)], ['tapegrad-closed', ok(2)], ['jax-jit', ok(3.5)]])],
      ['tiny-mlp-step', new Map([['tapegrad-tape', ok(0.01)], ['tapegrad-compiled', ok(0.0015)]])],
      ['matmul-512', new Map([['tapegrad-tape', ok(2 * 512 ** 3 / 35e6)]])],
    ]);
    const memory: MemoryReport = {
      tapeReleasesIntermediates: true,
      loops: [
        { workload: 'tiny-mlp-step', contender: 'tapegrad-tape', steps: 10_000, heapBefore: 0, heapAfter: 0, bytesPerStep: 2, allocatedPerStep: 28_000 },
        { workload: 'tiny-mlp-step', contender: 'tapegrad-compiled', steps: 10_000, heapBefore: 0, heapAfter: 0, bytesPerStep: 1, allocatedPerStep: 20 },
        { workload: 'mlp-train-step', contender: 'tapegrad-compiled', steps: 200, heapBefore: 0, heapAfter: 0, bytesPerStep: 1, allocatedPerStep: 400 },
      ],
    };
    const byTarget = new Map(checkIssue13(results, memory).map((c) => [c.target, c]));
    const met = (prefix: string): boolean | null | undefined => [...byTarget.entries()].find(([t]) => t.startsWith(prefix))?.[1].met;
    expect(met('mlp-train-step: jax-js jit (f32) ÷ eager tape')).toBe(false); // 0.875
    expect(met('mlp-train-step: jax-js jit (f32) ÷ compiled tape')).toBe(true); // 1.75
    expect(met('mlp-train-step: compiled tape ÷ closed form')).toBe(true);
    expect(met('mlp-train-step: eager tape ÷ closed form')).toBe(false);
    expect(met('mlp-grad: eager tape')).toBeNull();
    expect(met('tiny-mlp-step: eager tape ≤ 3 µs')).toBe(false);
    expect(met('tiny-mlp-step: compiled tape ≤ 3 µs')).toBe(true);
    expect(met('matmul-512 (the matmul op on the tape)')).toBe(true);
    expect(met('heap flat')).toBe(true);
    expect(met('tiny-mlp-step: a compiled step allocates nothing')).toBe(true);
    expect(met('mlp-train-step: a compiled step allocates nothing')).toBe(false);
    expect(checkIssue13(results, null).find((c) => c.target.startsWith('heap flat'))?.measured).toBe('not measured');
  });
});

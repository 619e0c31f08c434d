import { describe, expect, it } from 'vitest';
import { allContendersList } from './contenders/all.js';
import { type Contender, timeWorkload } from './harness.js';
import { checkTargets, mediansTable, pairedRatio, ratiosTable, toJson } from './report.js';
import { workloadData, workloads } from './workloads.js';

// Smoke test only: every workload runs once for every contender and gives a finite value.
// No timing is asserted (a shared 2-core machine makes timings meaningless in a test).
describe('bench smoke', () => {
  for (const c of allContendersList) {
    it(`${c.label} (${c.precision}): sets up and runs every workload once with a finite result`, async () => {
      await c.setup();
      await c.activate();
      for (const w of workloads) {
        const inst = c.create(w.id, workloadData(w.id));
        const v = inst.step();
        inst.dispose();
        expect(Number.isFinite(v), `${c.id} ${w.id} returned ${v}`).toBe(true);
      }
    });
  }

  it('tape and closed form start from the same parameters and reach the same loss', () => {
    const tape = allContendersList.find((c) => c.id === 'tapegrad-tape');
    const closed = allContendersList.find((c) => c.id === 'tapegrad-closed');
    for (const w of workloads) {
      if (w.id.startsWith('matmul')) continue;
      const a = tape!.create(w.id, workloadData(w.id)).step();
      const b = closed!.create(w.id, workloadData(w.id)).step();
      // Same float64 arithmetic up to summation order: agreement to 1e-9 relative.
      expect(Math.abs(a - b), `${w.id}: tape ${a} vs closed ${b}`).toBeLessThanOrEqual(1e-9 * Math.abs(b));
    }
  });

  it('the tape in anomaly mode computes exactly what the tape computes, every workload', () => {
    const tape = allContendersList.find((c) => c.id === 'tapegrad-tape')!;
    const anomaly = allContendersList.find((c) => c.id === 'tapegrad-anomaly')!;
    expect(anomaly.ours).toBe(true);
    for (const w of workloads) {
      const a = tape.create(w.id, workloadData(w.id));
      const b = anomaly.create(w.id, workloadData(w.id));
      // Two steps each: the second runs on parameters the first one updated (for the training workloads).
      for (let k = 0; k < 2; k++) expect(b.step(), `${w.id} step ${k}`).toBe(a.step());
    }
  });

  it('the compiled tape computes exactly what the eager tape computes, every workload, step after step', () => {
    const tape = allContendersList.find((c) => c.id === 'tapegrad-tape')!;
    const compiled = allContendersList.find((c) => c.id === 'tapegrad-compiled')!;
    for (const w of workloads) {
      const a = tape.create(w.id, workloadData(w.id));
      const b = compiled.create(w.id, workloadData(w.id));
      // Three steps: the trace, the checked first replay, and a plain replay on updated parameters.
      for (let k = 0; k < 3; k++) expect(b.step(), `${w.id} step ${k}`).toBe(a.step());
    }
  });

  it('jax-js float64 gets the workload data exactly: its matmul entry is the float64 dot product, float32 is not', async () => {
    const data = workloadData('matmul-128');
    if (data.kind !== 'matmul') throw new Error('matmul-128 should carry matmul data');
    const { n, A, B } = data.matmul;
    let dot = 0;
    let scale = 0;
    for (let k = 0; k < n; k++) {
      dot += A[k]! * B[k * n]!;
      scale += Math.abs(A[k]! * B[k * n]!);
    }
    for (const id of ['jax-eager', 'jax-jit', 'jax-eager-f64', 'jax-jit-f64']) {
      const c = allContendersList.find((x) => x.id === id)!;
      await c.setup();
      const inst = c.create('matmul-128', data);
      const err = Math.abs(inst.step() - dot) / scale;
      inst.dispose();
      // float64 sums 128 exact products: at most ~128 ulps of rounding (3e-14); float32 rounds the
      // inputs first (measured 4.5e-8 here), so 1e-10 separates the two precisions with margin.
      if (c.precision === 'f64') expect(err, id).toBeLessThanOrEqual(1e-13);
      else expect(err, id).toBeGreaterThan(1e-10);
    }
  });

  it('jax-js float64 MLP losses match the tape to float32-accurate exp/log, step after step', async () => {
    const tape = allContendersList.find((c) => c.id === 'tapegrad-tape')!;
    for (const id of ['jax-eager-f64', 'jax-jit-f64']) {
      const c = allContendersList.find((x) => x.id === id)!;
      await c.setup();
      for (const w of workloads.filter((x) => !x.id.startsWith('matmul'))) {
        const a = tape.create(w.id, workloadData(w.id));
        const b = c.create(w.id, workloadData(w.id));
        for (let k = 0; k < 3; k++) {
          const ta = a.step();
          // jax-js's wasm backend evaluates exp/log in float32 even for float64 arrays (measured
          // up to 6e-7 relative on the 784-256-128-10 loss), so 2e-6, not float64's 1e-9.
          expect(Math.abs(b.step() - ta), `${id} ${w.id} step ${k}`).toBeLessThanOrEqual(2e-6 * Math.abs(ta));
        }
        b.dispose();
      }
    }
  });

  it('the report names both jax-js precisions and puts the float64 jit ratio beside the float32 target', () => {
    const cell = (ms: number) => ({ status: 'ok' as const, medianMs: ms, p25Ms: ms, p75Ms: ms, samples: 1, reps: 1, lastValue: 0, series: [ms] });
    const results = new Map([['mlp-train-step' as const, new Map([['tapegrad-tape', cell(4)], ['jax-jit', cell(2)], ['jax-jit-f64', cell(40)]])]]);
    const jaxes = allContendersList.filter((c) => c.id.startsWith('jax-'));
    const chosen = workloads.filter((w) => w.id === 'mlp-train-step');
    const head = ratiosTable(chosen, jaxes, results).split('\n')[0]!;
    for (const name of ['jax-js eager (f32) ÷ tape', 'jax-js eager (f64) ÷ tape', 'jax-js jit (f32) ÷ tape', 'jax-js jit (f64) ÷ tape']) expect(head).toContain(name);
    const stretch = checkTargets(chosen, jaxes, results).find((t) => t.target.includes('faster than jax-js jit'));
    expect(stretch).toEqual({ target: 'stretch: mlp-train-step (tape) faster than jax-js jit (f32)', met: false, measured: '0.50x (jax-js jit (f32) ÷ tape; jax-js jit (f64) ÷ tape: 10x)' });
  });

  it('a contender whose step returns a non-finite value is reported as unavailable, with the reason', async () => {
    const broken: Contender = {
      id: 'broken',
      label: 'broken',
      precision: 'f64',
      ours: false,
      setup: async () => undefined,
      activate: async () => undefined,
      describe: () => 'returns NaN',
      create: () => ({ step: () => NaN, dispose: () => undefined }),
    };
    const timing = { warmupMs: 0, warmupSteps: 1, sampleMs: 1, minRounds: 1, maxRounds: 1, budgetMs: 0 };
    const cells = await timeWorkload('tiny-mlp-step', workloadData('tiny-mlp-step'), [broken], timing, new Map());
    expect(cells.get('broken')).toEqual({ status: 'unavailable', reason: 'BenchError: broken tiny-mlp-step: step returned NaN, expected a finite number' });
  });

  it('pairedRatio is the median of per-round ratios, so a slow round for both cancels out', () => {
    const cell = (series: number[]) => ({ status: 'ok' as const, medianMs: 0, p25Ms: 0, p75Ms: 0, samples: series.length, reps: 1, lastValue: 0, series });
    // Round 2 ran while the machine was busy (both 10x slower); every round's ratio is 2.
    expect(pairedRatio(cell([2, 20, 2]), cell([1, 10, 1]))).toBe(2);
    expect(pairedRatio(cell([1, 3, 8, 100]), cell([1, 1, 1, 1]))).toBe(5.5);
    expect(pairedRatio(cell([1]), { status: 'unavailable', reason: 'x' })).toBeNull();
  });

  it('the harness produces a median for each contender and the report names every workload', async () => {
    const ours = allContendersList.filter((c) => c.ours);
    const timing = { warmupMs: 0, warmupSteps: 1, sampleMs: 1, minRounds: 2, maxRounds: 2, budgetMs: 0 };
    const results = new Map();
    for (const w of workloads.filter((x) => x.id === 'tiny-mlp-step' || x.id === 'matmul-128')) {
      const cells = await timeWorkload(w.id, workloadData(w.id), ours, timing, new Map([['tapegrad-closed', 'skipped on purpose']]));
      const tape = cells.get('tapegrad-tape');
      expect(tape?.status).toBe('ok');
      if (tape?.status === 'ok') expect(tape.samples).toBe(2);
      expect(cells.get('tapegrad-closed')).toEqual({ status: 'unavailable', reason: 'skipped on purpose' });
      results.set(w.id, cells);
    }
    const table = mediansTable(workloads, ours, results);
    for (const w of workloads) expect(table).toContain(`| ${w.id} |`);
    expect(table).toContain('n/a: skipped on purpose');
    expect(ratiosTable(workloads, ours, results)).toContain('tape ÷ closed form');
    const targets = checkTargets(workloads, ours, results);
    expect(targets.find((t) => t.target.startsWith('mlp-train-step (tape, default kernels) under 10 ms'))?.met).toBeNull();
    expect(JSON.parse(JSON.stringify(toJson(workloads, ours, results, targets, {})))).toHaveProperty('machine.node', process.version);
  });
});

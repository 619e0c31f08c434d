/**
 * `npm run bench`: tapegrad (eager tape, compiled tape and closed form, float64; the tape also
 * on one thread and on TypeScript kernels) side by side with TensorFlow.js (cpu, wasm; float32)
 * and jax-js (eager, jit; float32 and float64), in one run. Prints the medians, the ratios and
 * the issue 5 checklist, runs the memory check (flat heap, bytes allocated a step), prints the
 * issue 13 checklist, and writes everything as JSON.
 *
 * Options: --quick (short budgets), --only=w1,w2 (workload ids), --contenders=id1,id2,
 * --out=path (default <repo>/bench-results/bench.json), --no-memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allContendersList } from './contenders/all.js';
import { type Cell, type TimingOptions, defaultTiming, timeWorkload } from './harness.js';
import { memoryCheck, memoryText } from './memory.js';
import { checkIssue13 } from './targets-13.js';
import { checkTargets, machine, mediansTable, ratiosTable, targetsText, toJson } from './report.js';
import { type WorkloadId, workloadData, workloads } from './workloads.js';
import { BenchError } from './errors.js';

const quickTiming: TimingOptions = { warmupMs: 100, warmupSteps: 2, sampleMs: 10, minRounds: 3, maxRounds: 10, budgetMs: 1500 };

function option(args: readonly string[], name: string): string | undefined {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function pickList<T extends { readonly id: string }>(all: readonly T[], spec: string | undefined, what: string): T[] {
  if (spec === undefined) return [...all];
  const ids = spec.split(',').map((s) => s.trim());
  for (const id of ids) {
    if (!all.some((x) => x.id === id)) throw new BenchError(`bench: unknown ${what} '${id}'; choose from ${all.map((x) => x.id).join(', ')}`);
  }
  return all.filter((x) => ids.includes(x.id));
}

async function main(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  const timing = quick ? quickTiming : defaultTiming;
  const chosen = pickList(workloads, option(args, 'only'), 'workload');
  const contenders = pickList(allContendersList, option(args, 'contenders'), 'contender');
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const out = resolve(option(args, 'out') ?? resolve(repoRoot, 'bench-results/bench.json'));
  const started = performance.now();
  const m = machine();
  console.log(`tapegrad bench: ${m.cpu}, ${m.logicalCores} logical cores, Node ${m.node}${quick ? ' (--quick)' : ''}\n`);

  const unavailable = new Map<string, string>();
  for (const c of contenders) {
    try {
      await c.setup();
      console.log(`- ${c.label}: ${c.describe()}`);
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      unavailable.set(c.id, why);
      console.log(`- ${c.label}: cannot run here: ${why}`);
    }
  }
  console.log('');

  const results = new Map<WorkloadId, Map<string, Cell>>();
  for (const w of chosen) {
    const t0 = performance.now();
    results.set(w.id, await timeWorkload(w.id, workloadData(w.id), contenders, timing, unavailable));
    console.log(`  ${w.id}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const targets = checkTargets(chosen, contenders, results);
  console.log('\nMedian time per step (lower is better):\n');
  console.log(mediansTable(chosen, contenders, results));
  console.log('\nRatios (peer time ÷ tapegrad time; above 1 means tapegrad is faster):\n');
  console.log(ratiosTable(chosen, contenders, results));
  console.log('\nTargets (issue 5):\n');
  console.log(targetsText(targets));

  const memory = args.includes('--no-memory') ? null : await memoryCheck(quick ? 1000 : 10_000);
  console.log(`\nMemory:\n${memoryText(memory)}`);
  const targets13 = checkIssue13(results, memory);
  console.log('\nTargets (issue 13: both cores, no allocation in the step, a compiled tape):\n');
  console.log(targetsText(targets13));

  const seconds = (performance.now() - started) / 1000;
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(toJson(chosen, contenders, results, [...targets, ...targets13], { command, seconds, timing, memory }), null, 2)}\n`);
  console.log(`\n${seconds.toFixed(0)} s in all; JSON written to ${out}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});

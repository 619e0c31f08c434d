#!/usr/bin/env node
/**
 * Peak memory and wall time of loading a large CSV through `tapegrad train` (issue 8, class 9).
 *
 *   node packages/cli/scripts/measure-load.mjs gen /tmp/big.csv 50
 *     writes a seeded ~50 MB CSV: 10 numeric features (6 decimals) and a 3-class integer target
 *   node packages/cli/scripts/measure-load.mjs measure /tmp/big.csv [root ...] [--runs 3] [--mode cli|load]
 *     runs each checkout `root` (default: this one) --runs times under /usr/bin/time -v and prints
 *     peak RSS (MB), wall time (s) and peak RSS / file size. `--mode cli` (default) runs the real
 *     command, `tapegrad train --data big.csv --epochs 1 --batch-size 256 --check-every 0 --json`;
 *     `--mode load` only loads the file into a Dataset (loadDataset when the checkout has it,
 *     else readFileSync + parseCsv + buildDataset, as before the streaming loader).
 *
 * Every run uses the checkout's own sources (`--conditions=@tapegrad/source` and tsx, from
 * `root/node_modules`), so an old commit in a git worktree can be measured next to this one:
 *   git worktree add --detach /tmp/base c3a0dc2   (then give /tmp/base a node_modules whose
 *   @tapegrad/* link to /tmp/base/packages/*, and whose other entries link to this checkout's)
 * Keep the generated file out of the repository.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** mulberry32: a small seeded generator, so the file is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gen(out, mb) {
  const r = rng(8);
  const fd = openSync(out, 'w');
  const target = mb * 1024 * 1024;
  let written = writeSync(fd, `${Array.from({ length: 10 }, (_, i) => `f${i}`).join(',')},label\n`);
  while (written < target) {
    const lines = [];
    for (let k = 0; k < 2000; k++) {
      const label = Math.floor(r() * 3);
      const cells = Array.from({ length: 10 }, (_, i) => ((r() - 0.5) * 4 + (i % 3 === label ? 1 : 0)).toFixed(6));
      lines.push(`${cells.join(',')},${label}\n`);
    }
    written += writeSync(fd, lines.join(''));
  }
  closeSync(fd);
  console.log(`${out}: ${(statSync(out).size / 1e6).toFixed(1)} MB`);
}

const LOAD = `
const [root, file] = process.argv.slice(-2);
const { existsSync } = await import('node:fs');
const cli = await import(root + '/packages/cli/src/index.ts');
const loader = existsSync(root + '/packages/cli/src/load.ts') ? await import(root + '/packages/cli/src/load.ts') : {};
const t0 = performance.now();
let ds;
if (typeof loader.loadDataset === 'function') ds = loader.loadDataset(file, file, { task: 'auto' });
else {
  const { readFileSync } = await import('node:fs');
  const table = cli.parseCsv(readFileSync(file, 'utf8'), file);
  ds = cli.buildDataset(table, { target: table.header[table.header.length - 1], task: 'auto' });
}
console.log(JSON.stringify({ rows: ds.n, outputs: ds.outputs, millis: performance.now() - t0 }));
`;

function once(root, file, mode) {
  const node = ['--conditions=@tapegrad/source', '--import', resolve(root, 'node_modules/tsx/dist/esm/index.mjs')];
  const args =
    mode === 'load'
      ? [...node, '--input-type=module', '-e', LOAD, resolve(root), resolve(file)]
      : [...node, resolve(root, 'packages/cli/src/main.ts'), 'train', '--data', resolve(file), '--epochs', '1', '--batch-size', '256', '--check-every', '0', '--json'];
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1024;
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const secs = wall === null ? Number.NaN : Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const exit = /Exit status: (\d+)/.exec(r.stderr)?.[1];
  return { rss, secs, exit, out: r.stdout.slice(0, 200).trim(), err: r.stderr.split('\n\tCommand being timed')[0].trim().slice(0, 300) };
}

function measure(file, roots, runs, mode) {
  const size = statSync(file).size / 1024 / 1024;
  console.log(`${file}: ${size.toFixed(1)} MiB, mode ${mode}, ${runs} runs each`);
  for (const root of roots) {
    for (let i = 0; i < runs; i++) {
      const m = once(root, file, mode);
      const note = m.exit === '0' ? '' : `  exit ${m.exit}: ${m.err}`;
      const extra = mode === 'load' ? `  ${m.out}` : '';
      console.log(`${root}  run ${i + 1}: peak ${m.rss.toFixed(0)} MiB (${(m.rss / size).toFixed(2)}x the file), ${m.secs.toFixed(2)} s${extra}${note}`);
    }
  }
}

const [cmd, file, ...rest] = process.argv.slice(2);
if (cmd === 'gen' && file !== undefined) gen(file, Number(rest[0] ?? 50));
else if (cmd === 'measure' && file !== undefined) {
  const runsAt = rest.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(rest[runsAt + 1]) : 3;
  const modeAt = rest.indexOf('--mode');
  const mode = modeAt >= 0 ? rest[modeAt + 1] : 'cli';
  const values = new Set([runsAt, modeAt].filter((i) => i >= 0).map((i) => i + 1));
  const roots = rest.filter((a, i) => !a.startsWith('--') && !values.has(i));
  measure(file, roots.length > 0 ? roots : [here], runs, mode);
} else {
  console.error('usage: measure-load.mjs gen <out.csv> [MB] | measure <file.csv> [root ...] [--runs 3] [--mode cli|load]');
  process.exitCode = 2;
}

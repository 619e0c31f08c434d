// Runs the benchmark from a bundle of its sources, built the way tsup builds the published
// packages (esbuild, no keepNames). Running through tsx instead would time tsx's
// keepNames helper, which wraps every closure a tape step creates and makes small
// workloads look about three times slower than the code users install.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(root, 'dist/main.mjs');
await build({
  entryPoints: [resolve(root, 'src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // tapegrad from its sources (the same condition the tests use); peers from their own builds.
  conditions: ['@tapegrad/source'],
  external: ['@tensorflow/*', '@jax-js/*'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = run.status ?? 1;

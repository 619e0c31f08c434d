/**
 * Builds, packs and installs the three published packages the way a user gets them, for
 * test/packaging/packaging.test.ts. Everything happens in a fresh temporary folder: the
 * packages are copied there and built there, so the checkout's own `packages/x/dist` (and a
 * second test run sharing the checkout) is never touched, and the install runs against npm's
 * cache alone (`--offline`, with a proxy that refuses every connection).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The published packages, in build order (each one's declarations need the previous ones'). */
export const PUBLISHED = ['core', 'nn', 'cli'] as const;
export type Published = (typeof PUBLISHED)[number];

/** What `npm pack --json` reports for one tarball. */
export interface Packed {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** Bytes of the .tgz, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  /** The tarball's sha512 integrity, as a lockfile records it. */
  readonly integrity: string;
  /** Paths inside the package (`dist/index.js`, `LICENSE`, ...), sorted. */
  readonly files: readonly string[];
  /** The staged package folder the tarball was made from (its dist/ is the packed one). */
  readonly dir: string;
}

/** An address nothing listens on: as npm's proxy, any attempt to reach the network fails at once. */
export const DEAD_PROXY = 'http://127.0.0.1:9';

/**
 * The environment for child processes: the parent's, minus what `npm test` and the test
 * runner put in it. `npm_config_local_prefix` (the checkout) would send `npm install` into the
 * repository; `NODE_OPTIONS` could carry `--conditions=@tapegrad/source`; `INIT_CWD` is the
 * caller's folder, which the CLI resolves paths against. The npm cache and user config stay.
 */
export function childEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k === 'NODE_OPTIONS' || k === 'INIT_CWD' || k.startsWith('VITEST')) continue;
    if (/^npm_/i.test(k) && !/^npm_config_(cache|userconfig)$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** What a child process did. */
export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file args` in `cwd`; throws with its output unless it exits 0. */
export function run(file: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = childEnv()): Ran {
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const ran = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${file} ${args.join(' ')} (in ${cwd}) failed: ${r.error?.message ?? `exit ${r.status}`}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`);
  }
  return ran;
}

/** `npm` as the running Node's own: the npm CLI that sits beside `node` (what the user has). */
function npm(args: readonly string[], cwd: string, env?: Readonly<Record<string, string>>): Ran {
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd, env);
}

/**
 * Copies what a package's build and `npm pack` read (package.json, tsup.config.ts, README,
 * LICENSE, all of src/ with its tests: `files` must leave those out) into `tmp/packages/x`,
 * the two tsconfig files the builds extend and scripts/ (prepare, prepack) into `tmp`, writes
 * the dist placeholders, and links `tmp/node_modules` to the
 * checkout's, except `@tapegrad/*`, which point at the staged copies (so nn's declarations
 * are built against the staged core's).
 */
export function stage(root: string, tmp: string): void {
  for (const f of ['tsconfig.base.json', 'tsconfig.build.json']) cpSync(join(root, f), join(tmp, f));
  for (const p of PUBLISHED) {
    const from = join(root, 'packages', p);
    const to = join(tmp, 'packages', p);
    mkdirSync(to, { recursive: true });
    for (const f of ['package.json', 'tsup.config.ts', 'README.md', 'LICENSE']) {
      if (existsSync(join(from, f))) cpSync(join(from, f), join(to, f));
    }
    cpSync(join(from, 'src'), join(to, 'src'), { recursive: true });
  }
  const modules = join(tmp, 'node_modules');
  mkdirSync(join(modules, '@tapegrad'), { recursive: true });
  for (const e of readdirSync(join(root, 'node_modules'))) {
    if (e !== '@tapegrad' && e !== '.bin') symlinkSync(join(root, 'node_modules', e), join(modules, e));
  }
  for (const p of PUBLISHED) symlinkSync(join(tmp, 'packages', p), join(modules, '@tapegrad', p), 'dir');
  // As after `npm ci` in a fresh clone: the root `prepare` has written dist placeholders, which
  // the build must replace (the packed files are checked for them), and the scripts the
  // packages' prepack runs.
  cpSync(join(root, 'scripts'), join(tmp, 'scripts'), { recursive: true });
  run(process.execPath, [join(tmp, 'scripts', 'dist-placeholders.mjs'), '--root', tmp], tmp);
}

/** Builds each staged package with the checkout's tsup, in order, then packs it into `tmp/tarballs`. */
export function buildAndPack(root: string, tmp: string): Record<Published, Packed> {
  const tsup = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
  const out = join(tmp, 'tarballs');
  mkdirSync(out);
  const packed: Partial<Record<Published, Packed>> = {};
  for (const p of PUBLISHED) {
    const dir = join(tmp, 'packages', p);
    run(process.execPath, [tsup, '--silent'], dir);
    // With scripts: the package's prepack (dist-placeholders.mjs --check) must pass on a fresh build.
    const json: unknown = JSON.parse(npm(['pack', '--json', '--offline', '--pack-destination', out], dir).stdout);
    const info = (Array.isArray(json) ? json[0] : undefined) as
      | { name: string; version: string; filename: string; size: number; unpackedSize: number; integrity: string; files: { path: string }[] }
      | undefined;
    if (info === undefined) throw new Error(`npm pack in ${dir} printed no package`);
    packed[p] = {
      name: info.name,
      version: info.version,
      tarball: join(out, info.filename),
      size: info.size,
      unpackedSize: info.unpackedSize,
      integrity: info.integrity,
      files: info.files.map((f) => f.path).sort(),
      dir,
    };
  }
  return packed as Record<Published, Packed>;
}

/** A package-lock.json entry (the fields used here; the rest are copied as they are). */
interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/**
 * The third-party packages the published ones need at run time, each with the entry the
 * checkout's package-lock.json has for it (what `npm ci` fetched into npm's cache), found the
 * way Node resolves them: a package's nested node_modules first, then each folder up.
 */
export function runtimeDependencies(root: string): Map<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Readonly<Record<string, LockEntry>> };
  const found = new Map<string, LockEntry>();
  const visit = (where: string, deps: Readonly<Record<string, string>>): void => {
    for (const name of Object.keys(deps)) {
      if (name.startsWith('@tapegrad/')) continue;
      let path: string | null = null;
      for (let dir = where; path === null; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
        const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
        if (lock.packages[candidate] !== undefined) path = candidate;
        else if (dir === '') throw new Error(`package-lock.json has no ${name} reachable from ${where || 'the root'}; run npm install`);
      }
      const entry = lock.packages[path]!;
      const seen = found.get(name);
      if (seen !== undefined && seen.version !== entry.version) {
        throw new Error(`${name} is needed at two versions (${seen.version}, ${entry.version}); the consumer project's lockfile hoists one of each name`);
      }
      if (seen !== undefined) continue;
      found.set(name, entry);
      visit(path, entry.dependencies ?? {});
    }
  };
  for (const p of PUBLISHED) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    visit(`packages/${p}`, manifest.dependencies ?? {});
  }
  return found;
}

/**
 * Makes `tmp/app`, a consumer project holding `files` that depends on the three tarballs, and
 * installs it with `npm ci --offline` through a dead proxy: it succeeds only from npm's cache.
 * Its lockfile is written here: the tarballs by path and integrity, third-party packages as
 * the checkout's lockfile has them, so npm asks the cache for exactly what `npm ci` put there
 * (`npm install` would want full registry documents, which `npm ci` does not cache).
 */
export function installConsumer(root: string, tmp: string, packed: Record<Published, Packed>, files: Readonly<Record<string, string>>): string {
  const app = join(tmp, 'app');
  mkdirSync(app);
  const dependencies: Record<string, string> = {};
  const packages: Record<string, unknown> = {};
  for (const p of PUBLISHED) {
    const { name, version, tarball, integrity, dir } = packed[p];
    dependencies[name] = `file:${relative(app, tarball)}`;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const keep = Object.fromEntries(['license', 'dependencies', 'bin', 'engines'].filter((k) => manifest[k] !== undefined).map((k) => [k, manifest[k]]));
    packages[`node_modules/${name}`] = { version, resolved: dependencies[name], integrity, ...keep };
  }
  for (const [name, entry] of runtimeDependencies(root)) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[`node_modules/${name}`] = kept;
  }
  const manifest = { name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies };
  const lock = { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'consumer', version: '1.0.0', dependencies }, ...packages } };
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(app, name), text);
  npm(['ci', '--ignore-scripts', '--no-audit', '--no-fund'], app, offlineEnv());
  return app;
}

/** `childEnv` with npm offline and its proxy refusing connections: any network use fails. */
export function offlineEnv(): Record<string, string> {
  return childEnv({ npm_config_offline: 'true', npm_config_proxy: DEAD_PROXY, npm_config_https_proxy: DEAD_PROXY, npm_config_noproxy: '' });
}

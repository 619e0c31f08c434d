/**
 * scripts/dist-placeholders.mjs (the root `prepare`): in a checkout where a package is not
 * built, a program started without the source condition gets an error that says what to
 * run, instead of ERR_MODULE_NOT_FOUND .../dist/index.js. Run here on a throwaway checkout
 * so the real packages' dist/ folders (possibly built) are never touched.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const exec = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'tapegrad-placeholders-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pkg(name: string, manifest: object): string {
  const dir = join(scratch, 'packages', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

async function node(args: readonly string[], cwd = scratch): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...args], { cwd, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

describe('dist placeholders', () => {
  it('an unbuilt package says how to run a file; a built file, a private package and the source and types targets are left alone', async () => {
    const exports = { '.': { '@tapegrad/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js', require: './dist/index.cjs' } };
    const unbuilt = pkg('alpha', { name: '@demo/alpha', type: 'module', exports });
    const built = pkg('beta', { name: '@demo/beta', type: 'module', exports });
    mkdirSync(join(built, 'dist'));
    writeFileSync(join(built, 'dist', 'index.js'), 'export const real = 1;\n');
    const hidden = pkg('gamma', { name: '@demo/gamma', private: true, exports });

    const first = await node([join(root, 'scripts', 'dist-placeholders.mjs'), '--root', scratch]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe('dist placeholders (an unbuilt package then says how to run a file): packages/alpha/dist/index.js, packages/alpha/dist/index.cjs, packages/beta/dist/index.cjs');
    expect(readFileSync(join(built, 'dist', 'index.js'), 'utf8')).toBe('export const real = 1;\n');
    expect(existsSync(join(hidden, 'dist'))).toBe(false);
    expect(existsSync(join(unbuilt, 'dist', 'index.d.ts'))).toBe(false);
    expect(existsSync(join(unbuilt, 'src'))).toBe(false);

    // What a user sees: `node my.mjs` importing the unbuilt package, ESM and CommonJS.
    for (const file of ['index.js', 'index.cjs']) {
      const r = await node([join(unbuilt, 'dist', file)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('TapegradNotBuiltError: @demo/alpha is not built.');
      expect(r.stderr).toContain('looks for the build in packages/alpha/dist/.');
      expect(r.stderr).toContain('npm run try -- my.ts        (typechecks it against the sources, then runs it)');
      expect(r.stderr).toContain('node --conditions=@tapegrad/source --import tsx my.ts');
      expect(r.stderr).toContain('npm run build');
    }

    // A second install writes nothing new.
    const again = await node([join(root, 'scripts', 'dist-placeholders.mjs'), '--root', scratch]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('--check (each published package\'s prepack) refuses to pack a placeholder, a missing file or a build older than src/', async () => {
    const script = join(root, 'scripts', 'dist-placeholders.mjs');
    for (const p of ['core', 'nn', 'cli']) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(manifest.scripts['prepack'], p).toBe('node ../../scripts/dist-placeholders.mjs --check');
    }
    const exports = { '.': { '@tapegrad/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } };
    const dir = pkg('delta', { name: '@demo/delta', type: 'module', exports, bin: { demo: './dist/main.js' } });
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.ts'), 'export const x = 1;\n');
    expect((await node([script, '--root', scratch])).code).toBe(0);
    const unbuilt = await node([script, '--check'], dir);
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toBe(
      '@demo/delta cannot be packed: ./dist/index.d.ts is missing; ./dist/index.js is a placeholder (scripts/dist-placeholders.mjs), not a build; ./dist/main.js is a placeholder (scripts/dist-placeholders.mjs), not a build. ' +
        'Run  npm run build  at the repository root (it builds core, nn and cli in order), then pack or publish again.\n',
    );
    // A build, newer than the sources: packable.
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'src', 'index.ts'), past, past);
    for (const f of ['index.d.ts', 'index.js', 'main.js']) writeFileSync(join(dir, 'dist', f), 'export {};\n');
    expect(await node([script, '--check'], dir)).toEqual({ code: 0, stdout: '', stderr: '' });
    // A source edited after the build: the tarball would hold old code.
    writeFileSync(join(dir, 'src', 'index.ts'), 'export const x = 2;\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'src', 'index.ts'), later, later);
    const stale = await node([script, '--check'], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('./dist/index.js is older than src/ (the tarball would hold old code)');
  });

  it("an unbuilt bin gets a placeholder and the node_modules/.bin link npm skipped, so npx does not ask the registry", async () => {
    const checkout = mkdtempSync(join(scratch, 'bins-'));
    const dir = join(checkout, 'packages', 'cli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@demo/cli', type: 'module', exports: { '.': './dist/index.js' }, bin: { democli: './dist/main.js', '../evil': './dist/x.js' } }));
    mkdirSync(join(checkout, 'node_modules', '@demo'), { recursive: true });
    symlinkSync(dir, join(checkout, 'node_modules', '@demo', 'cli'), 'dir');
    const script = join(root, 'scripts', 'dist-placeholders.mjs');

    const first = await node([script, '--root', checkout]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'dist placeholders (an unbuilt package then says how to run a file): packages/cli/dist/index.js, packages/cli/dist/main.js\n' +
        "linked the workspace's bins that npm skipped (their build was missing): node_modules/.bin/democli\n",
    );
    const link = join(checkout, 'node_modules', '.bin', 'democli');
    expect(readlinkSync(link)).toBe('../@demo/cli/dist/main.js');
    expect(statSync(join(dir, 'dist', 'main.js')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(checkout, 'node_modules', 'evil'))).toBe(false);
    // Run as npx does: the link itself, through its shebang.
    const ran = await exec(link, [], { cwd: checkout }).then(
      () => ({ stderr: '' }),
      (e: { stderr?: string }) => ({ stderr: e.stderr ?? '' }),
    );
    expect(ran.stderr).toContain('TapegradNotBuiltError: democli (the bin of @demo/cli) is not built');
    expect(ran.stderr).toContain('npm start -- <command>');
    expect((await node([script, '--root', checkout])).stdout).toBe('');
  });
});

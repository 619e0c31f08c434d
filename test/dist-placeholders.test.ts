/**
 * scripts/dist-placeholders.mjs (the root `prepare`): in a checkout where a package is not
 * built, a program started without the source condition gets an error that says what to
 * run, instead of ERR_MODULE_NOT_FOUND .../dist/index.js. Run here on a throwaway checkout
 * so the real packages' dist/ folders (possibly built) are never touched.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

async function node(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...args], { cwd: scratch, timeout: 30_000 });
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
});

/**
 * `npm run try -- my.ts` (scripts/try.mjs): a learner's own file is typechecked against the
 * workspace sources and then run with the source condition. The files here live in a
 * temporary folder outside the repository, the harder case: no node_modules above them,
 * no "type": "module", and a relative path taken from where the command was typed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tapegrad-try-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const exec = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in `cwd` with extra environment variables. */
async function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await exec(command, [...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}
/** The script as `npm run try` starts it: from the repository root, with INIT_CWD the folder the command was typed in. */
const tryFile = (args: readonly string[], typedIn: string): Promise<Result> => run(process.execPath, [join(root, 'scripts', 'try.mjs'), ...args], root, { INIT_CWD: typedIn });

describe('npm run try', () => {
  it('typechecks and runs a good file, from the folder the command was typed in, with its arguments', async () => {
    const dir = join(scratch, 'lesson');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'my.ts'),
      [
        "import { readFileSync } from 'node:fs';",
        "import { tensor, grad, sum, mul, type Tensor } from '@tapegrad/core';",
        "import { createMLP, paramCount } from '@tapegrad/nn';",
        'const f = (x: Tensor): Tensor => sum(mul(x, x));',
        "console.log('grad', grad(f)(tensor([1, 2, 3])).toString());",
        "console.log('params', paramCount(createMLP({ sizes: [2, 3, 2], activations: 'sigmoid', seed: 1 })));",
        "console.log('args', process.argv.slice(2).join(','), 'data', readFileSync('data.txt', 'utf8').trim());",
      ].join('\n'),
    );
    writeFileSync(join(dir, 'data.txt'), 'beside my.ts\n');
    // Through npm itself, typed in the file's folder, so the "try" script and npm's INIT_CWD
    // are part of the test (--prefix: the folder is outside the repository).
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = await run(npm, ['--prefix', root, 'run', '--silent', 'try', '--', 'my.ts', 'a', 'b'], dir, { INIT_CWD: '' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('grad Tensor[3] [2, 4, 6]');
    expect(r.stdout).toContain('params 17');
    expect(r.stdout).toContain('args a,b data beside my.ts');
  });

  it('refuses a file with a type error: the error and its place, exit code 1, the file not run', async () => {
    writeFileSync(join(scratch, 'bad.ts'), ["import { tensor } from '@tapegrad/core';", 'const n: number = tensor([1, 2]);', "console.log('RAN', n);"].join('\n'));
    const r = await tryFile(['bad.ts'], scratch);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('RAN');
    expect(r.stderr).toContain("bad.ts(2,7): error TS2322: Type 'Tensor' is not assignable to type 'number'.");
    expect(r.stderr).toContain('try: bad.ts has 1 type error (above); it was not run.');
  });

  it('says where it looked for a missing file, exit code 2', async () => {
    const r = await tryFile(['nowhere.ts'], scratch);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`try: no file nowhere.ts (looked for ${join(scratch, 'nowhere.ts')}; a relative path is taken from the folder you ran npm in, ${scratch})`);
  });

  it('asks for a file when none is named, exit code 2', async () => {
    const r = await tryFile([], scratch);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('try: name the file to run. usage: npm run try -- <file.ts> [arguments for the program]');
  });
});

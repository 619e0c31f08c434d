import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callerContext } from './io.js';
import { scratch } from './testing/run-io.js';

const root = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const main = join(root, 'packages/cli/src/main.ts');
const startScript = 'node --conditions=@tapegrad/source --import tsx packages/cli/src/main.ts';

describe('callerContext: when npm start resolves paths against INIT_CWD', () => {
  const { dir } = scratch();
  const npm = (over: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
    INIT_CWD: dir,
    npm_package_json: join(root, 'package.json'),
    npm_lifecycle_event: 'start',
    npm_lifecycle_script: startScript,
    ...over,
  });

  it('trusts INIT_CWD when this process is the npm script itself, unchanged directory, arguments all typed by the user', () => {
    expect(callerContext({ cwd: root, env: npm(), program: main })).toEqual({ cwd: dir, program: 'npm start --' });
    expect(callerContext({ cwd: root, env: npm({ npm_lifecycle_event: 'demo' }), program: main })).toEqual({ cwd: dir, program: 'npm run demo --' });
    // The installed bin, found through PATH: node_modules/.bin/tapegrad.
    const bin = join(root, 'node_modules/.bin/tapegrad');
    expect(callerContext({ cwd: root, env: npm({ npm_lifecycle_script: 'tapegrad' }), program: bin })).toEqual({ cwd: dir, program: 'npm start --' });
    // npx tapegrad (npm exec): its event is 'npx', and the suggestions say npx.
    expect(callerContext({ cwd: root, env: npm({ npm_lifecycle_event: 'npx', npm_lifecycle_script: 'tapegrad' }), program: bin })).toEqual({ cwd: dir, program: 'npx tapegrad' });
  });

  it('keeps the working directory otherwise', () => {
    const own = { cwd: root, program: 'tapegrad' };
    // Not under npm at all, or INIT_CWD alone (a stale variable).
    expect(callerContext({ cwd: root, env: {}, program: main })).toEqual(own);
    expect(callerContext({ cwd: root, env: { INIT_CWD: dir }, program: main })).toEqual(own);
    // A process the script started elsewhere (a test runner's child, a script that ran `cd sub && tapegrad`).
    expect(callerContext({ cwd: dir, env: npm({ INIT_CWD: root }), program: main })).toEqual({ cwd: dir, program: 'tapegrad' });
    // A nested process under another script (`npm test` running vitest, which starts tapegrad in the root).
    expect(callerContext({ cwd: root, env: npm({ npm_lifecycle_event: 'test', npm_lifecycle_script: 'npm run typecheck && vitest run' }), program: main })).toEqual(own);
    // A script that writes its own paths (`tapegrad train --data data/x.csv`): relative to the package root, as npm documents.
    const bin = join(root, 'node_modules/.bin/tapegrad');
    expect(callerContext({ cwd: root, env: npm({ npm_lifecycle_script: 'tapegrad train --data data/x.csv' }), program: bin })).toEqual(own);
    // INIT_CWD that is relative, or not a directory.
    expect(callerContext({ cwd: root, env: npm({ INIT_CWD: 'sub' }), program: main })).toEqual(own);
    expect(callerContext({ cwd: root, env: npm({ INIT_CWD: join(dir, 'missing') }), program: main })).toEqual(own);
  });
});

describe('relative paths under a real npm start, typed in another folder', () => {
  it('--data reads and --save writes in the folder the command was typed in, not the repository root', () => {
    const { dir, file } = scratch();
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(join(sub, 'pts.csv'), `a,b,y\n${Array.from({ length: 20 }, (_, i) => `${i % 4},${i % 3},${i % 2}`).join('\n')}\n`);
    file('pts.csv', 'not,the,one\n');
    const r = spawnSync('npm', ['--prefix', root, 'start', '--silent', '--', 'train', '--data', 'pts.csv', '--epochs', '1', '--save', 'm.json'], { cwd: sub, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('pts.csv · 20 rows, 2 features → y');
    expect(r.stdout).toContain(`Saved the model to ${join(sub, 'm.json')}`);
    expect(existsSync(join(sub, 'm.json'))).toBe(true);
    expect(existsSync(join(root, 'm.json'))).toBe(false);
    // The commands it suggests are spelled the way it was started.
    expect(r.stdout).toContain('\n  npm start -- explain\n');
    expect(JSON.parse(readFileSync(join(sub, 'm.json'), 'utf8'))).toBeTypeOf('object');
  }, 60_000);

  it('a process started in another directory under an npm script keeps its own directory', () => {
    const { dir, file } = scratch();
    file('here.csv', `a,y\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 2}`).join('\n')}\n`);
    const env = { ...process.env, INIT_CWD: root, npm_package_json: join(root, 'package.json'), npm_lifecycle_event: 'start', npm_lifecycle_script: startScript };
    const r = spawnSync(process.execPath, ['--conditions=@tapegrad/source', '--import', join(root, 'node_modules/tsx/dist/esm/index.mjs'), main, 'train', '--data', 'here.csv', '--epochs', '1', '--json'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { rows: number }).rows).toBe(10);
  }, 60_000);
});

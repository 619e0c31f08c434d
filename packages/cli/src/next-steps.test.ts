import { describe, expect, it } from 'vitest';
import { getLoss } from '@tapegrad/nn';
import { memoryIo, run } from './index.js';
import { nextCommands, shellWord } from './next-steps.js';
import { runIo, scratch } from './testing/run-io.js';

const { dir, file } = scratch();

/** The words of a line as a POSIX shell splits them: plain characters, backslash escapes and single-quoted parts (all shellWord writes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /\s*((?:\\.|[^\s'\\]+|'[^']*')+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    words.push(m[1]!.replace(/\\(.)|'([^']*)'|([^'\\]+)/g, (_, esc: string | undefined, quoted: string | undefined, plain: string | undefined) => esc ?? quoted ?? plain ?? ''));
  }
  return words;
}

/** The commands under "Next, try:" at the end of the output, as argv after the program's words. */
function suggested(out: string, program: string): string[][] {
  const block = out.slice(out.lastIndexOf('Next, try:\n'));
  expect(block.startsWith('Next, try:\n'), out.slice(-400)).toBe(true);
  const lines = block.split('\n').slice(1).filter((l) => l.startsWith('  ') && !l.startsWith('  #'));
  return lines.map((l) => {
    expect(l.startsWith(`  ${program} `), l).toBe(true);
    return shellWords(l.slice(2 + program.length + 1));
  });
}

describe('the main job ends with commands to try next', () => {
  it('tapegrad and tapegrad iris print three, and each runs as printed (exit 0)', () => {
    for (const argv of [['--epochs', '2'], ['iris', '--epochs', '2']]) {
      const { code, out } = runIo(argv);
      expect(code).toBe(0);
      const next = suggested(out, 'tapegrad');
      expect(next.map((a) => a[0])).toEqual(['explain', 'compare', 'graph']);
      // compare gets the network just trained.
      expect(next[1]).toEqual(['compare', '--sizes', '4,8,3', '--activation', 'tanh', '--loss', 'softmax-ce']);
      for (const a of next) {
        const io = memoryIo();
        expect(run(a, io), `tapegrad ${a.join(' ')}: ${io.err()}`).toBe(0);
      }
    }
  });

  it('follows the run: its network in compare, and none in --json output', () => {
    const { out } = runIo(['--hidden', '5,4', '--activation', 'leakyRelu(0.2)', '--epochs', '1']);
    const next = suggested(out, 'tapegrad');
    expect(next[1]).toEqual(['compare', '--sizes', '4,5,4,3', '--activation', 'leakyRelu(0.2)', '--loss', 'softmax-ce']);
    expect(out).toContain("  tapegrad compare --sizes 4,5,4,3 --activation 'leakyRelu(0.2)' --loss softmax-ce\n");
    expect(run(next[1]!, memoryIo())).toBe(0);
    expect(runIo(['--epochs', '1', '--json']).out).not.toContain('Next');
  });

  it('is spelled the way the user runs tapegrad (npm start -- in the repository)', () => {
    const io = { ...memoryIo(), program: 'npm start --' };
    let out = '';
    expect(run(['--epochs', '1'], { ...io, stdout: { write: (t: string) => void (out += t), isTTY: false } })).toBe(0);
    expect(suggested(out, 'npm start --').map((a) => a[0])).toEqual(['explain', 'compare', 'graph']);
  });

  it('suggests plain compare where it would not build the same network or would refuse the finite differences', () => {
    const facts = { activation: 'tanh', saved: null, data: null };
    // A regression loss: train's output is identity, compare's would be tanh.
    expect(nextCommands({ ...facts, sizes: [3, 8, 1], loss: getLoss('mse') })[1]!.argv).toEqual(['compare']);
    // Far past compare's finite-difference budget.
    expect(nextCommands({ ...facts, sizes: [100, 500, 3], loss: getLoss('softmax-ce') })[1]!.argv).toEqual(['compare']);
    // No hidden layer and a loss on logits: compare refuses --activation, so it is left out.
    expect(nextCommands({ ...facts, sizes: [4, 3], loss: getLoss('softmax-ce') })[1]!.argv).toEqual(['compare', '--sizes', '4,3', '--loss', 'softmax-ce']);
  });

  it('train --save with --data suggests predict on the saved model first', () => {
    const csv = file('pts.csv', `a,b,y\n${Array.from({ length: 20 }, (_, i) => `${i % 4},${i % 3},${i % 2 ? 'p q' : 'r'}`).join('\n')}\n`);
    const { code, out } = runIo(['train', '--data', csv, '--epochs', '1', '--save', 'my model.json'], { cwd: dir });
    expect(code).toBe(0);
    expect(out).toContain("  tapegrad predict --model 'my model.json' --data pts.csv\n");
    const next = suggested(out, 'tapegrad');
    expect(next.map((a) => a[0])).toEqual(['predict', 'explain', 'compare']);
    for (const a of next) {
      const io = memoryIo({ cwd: dir });
      expect(run(a, io), `tapegrad ${a.join(' ')}: ${io.err()}`).toBe(0);
    }
  });

  it('shellWord quotes what a shell would split or expand, and the test parser reads it back', () => {
    for (const w of ['tanh', '4,8,3', 'a b', "it's", 'sigmoid(w*x + b)', '$HOME', 'x;y', '']) {
      expect(shellWords(`cmd ${shellWord(w)}`).slice(1)).toEqual(w === '' ? [''] : [w]);
    }
  });
});

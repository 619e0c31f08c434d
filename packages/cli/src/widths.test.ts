import { describe, expect, it } from 'vitest';
import { EXIT } from './index.js';
import { runIo, scratch } from './testing/run-io.js';

const { dir, file } = scratch();
const csv = file('five.csv', `a,b,c,d,e,label\n${Array.from({ length: 30 }, (_, i) => `${i % 3},${i % 5},${i % 7},${i % 2},${(i * 3) % 11},${i % 2 === 0 ? 'even' : 'odd'}`).join('\n')}\n`);

/** The network a command built, from its --json output. */
function sizesOf(argv: string[]): number[] {
  const r = runIo([...argv, '--json'], { cwd: dir });
  expect(r.err).toBe('');
  expect(r.code).toBe(EXIT.ok);
  return (JSON.parse(r.out) as { sizes: number[] }).sizes;
}

describe('--hidden and --sizes: one meaning each, in every command that builds a network', () => {
  it('train: --hidden gives the hidden widths, the data the ends; --sizes gives them all and must match the data', () => {
    const quick = ['--epochs', '1', '--check-every', '0'];
    expect(sizesOf(['train', '--data', csv, ...quick])).toEqual([5, 8, 2]);
    expect(sizesOf(['train', '--data', csv, '--hidden', '4,3', ...quick])).toEqual([5, 4, 3, 2]);
    expect(sizesOf(['train', '--data', csv, '--hidden', '', ...quick])).toEqual([5, 2]);
    expect(sizesOf(['train', '--data', csv, '--sizes', '5,4,3,2', ...quick])).toEqual([5, 4, 3, 2]);
    expect(sizesOf(['--sizes', '4,6,3', ...quick])).toEqual([4, 6, 3]);
    const bad = runIo(['train', '--data', csv, '--sizes', '4,3,2', ...quick], { cwd: dir });
    expect([bad.code, bad.out]).toEqual([EXIT.usage, '']);
    expect(bad.err).toBe(
      "tapegrad train --sizes: 4,3,2 must start with the data's 5 inputs and end with its 2 outputs (5 features, 2 classes); write --sizes 5,3,2, or --hidden 3 and let the data fix the ends\n",
    );
    expect(runIo(['--sizes', '5,3', ...quick]).err).toBe(
      "tapegrad --sizes: 5,3 must start with the data's 4 inputs and end with its 3 outputs (4 features, 3 classes); write --sizes 4,3, or --hidden '' and let the data fix the ends\n",
    );
  });

  it('compare, explain and graph: --sizes gives every width, --hidden keeps the default ends', () => {
    expect(sizesOf(['compare', '--batch-size', '2'])).toEqual([4, 8, 3]);
    expect(sizesOf(['compare', '--hidden', '5,5', '--batch-size', '2'])).toEqual([4, 5, 5, 3]);
    expect(sizesOf(['compare', '--sizes', '2,5,2', '--batch-size', '2'])).toEqual([2, 5, 2]);
    expect(sizesOf(['explain', '--hidden', '4'])).toEqual([2, 4, 2]);
    expect(sizesOf(['explain', '--sizes', '3,2'])).toEqual([3, 2]);
    // graph: the traced arguments are X, Y, W1, b1, ...: W1 is [hidden, 2].
    const w1 = (argv: string[]): number[] => {
      const g = JSON.parse(runIo(['graph', ...argv, '--json']).out) as { nodes: { name: string | null; shape: number[] }[] };
      return g.nodes.find((n) => n.name === 'W1')!.shape;
    };
    expect(w1(['--hidden', '5'])).toEqual([5, 2]);
    expect(w1(['--sizes', '3,4,2'])).toEqual([4, 3]);
  });

  it('--hidden and --sizes together are refused', () => {
    for (const c of ['train', 'compare', 'explain', 'graph']) {
      const r = runIo([c, '--hidden', '3', '--sizes', '2,3,2']);
      expect([r.code, r.err]).toEqual([EXIT.usage, `tapegrad ${c}: pass --hidden or --sizes, not both (--hidden 3 gives the hidden widths, --sizes 2,3,2 every width); see \`tapegrad ${c} --help\`\n`]);
    }
  });

  it('--layers is a usage error that rewrites the numbers in both new forms, as the command meant them', () => {
    const err = (argv: string[]): string => {
      const r = runIo(argv, { cwd: dir });
      expect(r.code).toBe(EXIT.usage);
      return r.err;
    };
    const replaced = 'replaced by two options with one meaning each: --hidden (the hidden widths only) and --sizes (every width, input to output)';
    expect(err(['train', '--layers', '4,8,3'])).toBe(`tapegrad train --layers: ${replaced}; --layers 4,8,3 meant hidden widths here, so write --hidden 4,8,3, or --sizes 4,4,8,3,3 for Iris's 4 features and 3 classes\n`);
    expect(err(['train', '--data', csv, '-l', '16'])).toBe(
      `tapegrad train --layers: ${replaced}; --layers 16 meant hidden widths here, so write --hidden 16, or --sizes <inputs>,16,<outputs> with your data's widths at the ends\n`,
    );
    expect(err(['--layers', ''])).toContain("--layers '' meant hidden widths here, so write --hidden '', or --sizes 4,3 for Iris");
    expect(err(['compare', '--layers', '4,16,3'])).toBe(`tapegrad compare --layers: ${replaced}; --layers 4,16,3 meant every width here, so write --sizes 4,16,3, or --hidden 16 (4 inputs and 3 outputs are the defaults here)\n`);
    expect(err(['explain', '--layers', '3,4,2'])).toBe(
      `tapegrad explain --layers: ${replaced}; --layers 3,4,2 meant every width here, so write --sizes 3,4,2 (--hidden 4 would keep this command's default ends, 2,4,2)\n`,
    );
    expect(err(['graph', '--layers', '2,2'])).toContain("so write --sizes 2,2, or --hidden '' (2 inputs and 2 outputs are the defaults here)");
    // In either graph mode and in explain --expr: never ignored.
    expect(err(['graph', '-e', 'x', '--var', 'x=1', '--layers', '2,3,2'])).toContain('tapegrad graph --layers: replaced by two options');
    expect(err(['explain', '-e', 'x', '--var', 'x=1', '--layers', '2,3,2'])).toContain('tapegrad explain --layers: only applies to the network walk-through');
    // A value that is no list still names the replacement.
    expect(err(['compare', '--layers', 'abc'])).toBe(`tapegrad compare --layers: ${replaced}; see \`tapegrad compare --help\`\n`);
  });

  it('the batch size is --batch-size in train, compare and graph; --batch points to it', () => {
    expect((JSON.parse(runIo(['compare', '--batch-size', '3', '--json']).out) as { batchSize: number }).batchSize).toBe(3);
    const x = (JSON.parse(runIo(['graph', '--sizes', '2,2', '-b', '3', '--json']).out) as { nodes: { name: string | null; shape: number[] }[] }).nodes.find((n) => n.name === 'X');
    expect(x?.shape).toEqual([3, 2]);
    for (const c of ['compare', 'graph --sizes 2,2', 'train']) {
      const r = runIo([...c.split(' '), '--batch', '4']);
      const name = c.split(' ')[0]!;
      expect([r.code, r.err]).toEqual([EXIT.usage, `tapegrad ${name} --batch: renamed --batch-size (as in tapegrad train), so write --batch-size 4; see \`tapegrad ${name} --help\`\n`]);
    }
  });

  it('graph --model <sizes> is refused: --model names a model file (predict)', () => {
    expect(runIo(['graph', '--model', '2,3,2']).err).toBe(
      'tapegrad graph --model: renamed --sizes, since --model names a model file elsewhere (tapegrad predict), so write --sizes 2,3,2; see `tapegrad graph --help`\n',
    );
  });

  it('every command help documents the options it takes, and none mentions --layers or --batch', () => {
    for (const [c, opts] of [
      ['train', ['--hidden', '--sizes', '--batch-size']],
      ['iris', ['--hidden', '--sizes', '--batch-size']],
      ['compare', ['--hidden', '--sizes', '--batch-size']],
      ['explain', ['--hidden', '--sizes']],
      ['graph', ['--hidden', '--sizes', '--batch-size', '--json']],
    ] as const) {
      const help = runIo([c, '--help']).out;
      for (const o of opts) expect(help, `${c} --help`).toContain(`${o} <`.replace('--json <', '--json '));
      expect(help, `${c} --help`).not.toMatch(/--layers|--batch\b(?!-)|--model </);
    }
  });
});

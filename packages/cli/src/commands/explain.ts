/**
 * `tapegrad explain`: backpropagation by hand on the worked 2-3-2 example's sigmoid
 * network (docs/sources.md), with every number checked against the tape.
 */
import { Rng } from '@tapegrad/core';
import { createMLP } from '@tapegrad/nn';
import { derivedSeed, OptionReader, parseOptions } from '../args.js';
import { type Command } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { explainNetwork, type ExplainNet } from '../explain-net.js';
import { explainExpression } from '../explain-expr.js';
import { withExprErrors } from '../expr-usage.js';
import { prepareExpression } from './graph.js';
import { type Io } from '../io.js';
import { activationOption, HIDDEN_ACTIVATION_HELP } from '../problem.js';
import { readFreeWidths, WIDTH_OPTIONS } from '../widths.js';
import { fmtErr } from '../render.js';

const OPTIONS = {
  ...WIDTH_OPTIONS,
  activation: { type: 'string', short: 'a' },
  seed: { type: 'string', short: 's' },
  x: { type: 'string' },
  y: { type: 'string' },
  json: { type: 'boolean' },
  expr: { type: 'string', short: 'e' },
  var: { type: 'string', multiple: true },
} as const;

/**
 * The default numbers for the worked 2-3-2 example's network (docs/sources.md). The source
 * derives the 2-3-2 sigmoid network symbolically and gives no values; these are the ones the
 * repository's 2-3-2 example program uses (the classic worked-example values x = (0.05, 0.1),
 * y = (0.01, 0.99)), so the example and this walk-through print the same numbers.
 * @group Explaining
 */
export const WORKED_EXAMPLE_NET = {
  sizes: [2, 3, 2],
  W: [Float64Array.of(0.15, 0.2, 0.25, 0.3, 0.35, 0.4), Float64Array.of(0.4, 0.45, 0.5, 0.55, 0.6, 0.65)],
  b: [Float64Array.of(0.35, 0.35, 0.35), Float64Array.of(0.6, 0.6)],
  x: [0.05, 0.1],
  y: [0.01, 0.99],
} as const;

/** The walk-through prints a line per weight, bias, z, a and δ: past this many parameters it is no longer readable. */
export const MAX_EXPLAIN_PARAMS = 1000;

export const explainCommand: Command = {
  name: 'explain',
  summary: 'backprop by hand, every number of the worked 2-3-2 example checked against the tape',
  help: `Usage:
  tapegrad explain [--sizes 2,3,2 | --hidden 3] [--activation sigmoid] [--seed n] [--x 0.05,0.1] [--y 0.01,0.99] [--json]
  tapegrad explain --expr '<expression>' [--var name=value ...] [--json]

With --expr, any expression of the language tapegrad graph takes (see tapegrad graph --help):
the forward chain, then the backward pass one step at a time, each with its upstream g, the
op's local rule, each input's contribution and the running total where a value is used more
than once. Every value is recomputed without the tape and every gradient ∂out/∂value is
checked by central differences; exits 1 if any disagrees. Example:
  tapegrad explain --expr 'sigmoid(w*x + b)' --var w=0.5 --var x=2 --var b=-1

Without --expr:

Prints the derivation of the worked 2-3-2 example (see docs/sources.md) with numbers, for one sample and the cost C₀ = Σ_j (a_j⁽ᴸ⁾ − y_j)²:
  forward   z_j⁽ˡ⁾ = Σ_k w_jk⁽ˡ⁾ a_k⁽ˡ⁻¹⁾ + b_j⁽ˡ⁾,   a_j⁽ˡ⁾ = σ(z_j⁽ˡ⁾)
  output    δ_j⁽ᴸ⁾ = 2(a_j⁽ᴸ⁾ − y_j) · a_j⁽ᴸ⁾(1 − a_j⁽ᴸ⁾)
  hidden    δ_k⁽ˡ⁾ = (Σ_j δ_j⁽ˡ⁺¹⁾ w_jk⁽ˡ⁺¹⁾) · a_k⁽ˡ⁾(1 − a_k⁽ˡ⁾)
  gradients ∂C₀/∂w_jk⁽ˡ⁾ = δ_j⁽ˡ⁾ · a_k⁽ˡ⁻¹⁾,   ∂C₀/∂b_j⁽ˡ⁾ = δ_j⁽ˡ⁾
Each number is computed from these formulas and again by the tape (z and a by tape ops, δ as
∂C₀/∂z, the gradients as ∂C₀/∂W and ∂C₀/∂b), and marked ✓ when they agree to 1e-12
(relative). Exits 1 if any number disagrees.

The default network is that example's 2-3-2 sigmoid network; the derivation gives no numbers,
so it uses the classic worked-example values: W⁽¹⁾ = [[0.15, 0.2], [0.25, 0.3], [0.35, 0.4]],
b⁽¹⁾ = [0.35, 0.35, 0.35], W⁽²⁾ = [[0.4, 0.45, 0.5], [0.55, 0.6, 0.65]], b⁽²⁾ = [0.6, 0.6],
x = [0.05, 0.1], y = [0.01, 0.99].

Options:
  --sizes <widths>          every width, input to output (default 2,3,2); other sizes get seeded
                            random weights; at most ${MAX_EXPLAIN_PARAMS} parameters (a line per number)
  --hidden <widths>         instead of --sizes: the hidden widths, between 2 inputs and 2 outputs
                            (--hidden 4 is --sizes 2,4,2)
  -a, --activation <name>   every layer's activation (default sigmoid), one of
                            ${HIDDEN_ACTIVATION_HELP}
  -s, --seed <n>            random weights (and x, y unless given) from this seed, an integer >= 0
  --x <values>              the input, comma-separated (length = first width)
  --y <values>              the target, comma-separated (length = last width)
  -e, --expr <text>         explain this expression instead of the network (a scalar value)
  --var <name=value>        a variable of --expr (repeat): a number, a comma list or JSON arrays
  --json                    print one JSON object (every number and check) instead of the text`,
  run(argv: readonly string[], io: Io): number {
    const cmd = 'tapegrad explain';
    const o = new OptionReader(cmd, parseOptions(cmd, argv, OPTIONS));
    const expr = o.string('expr');
    if (expr !== undefined) {
      for (const name of ['hidden', 'sizes', 'layers', 'activation', 'seed', 'x', 'y'] as const) {
        if (o.values[name] !== undefined) throw new UsageError(`${cmd} --${name}: only applies to the network walk-through, not --expr (give the expression's variables with --var)`);
      }
      return explainExpressionReport(expr, o.strings('var'), io, o.flag('json'));
    }
    if (o.strings('var').length > 0) throw new UsageError(`${cmd} --var: only applies to --expr '<expression>'`);
    const { sizes, option } = readFreeWidths(o, WORKED_EXAMPLE_NET.sizes);
    const params = sizes.slice(1).reduce((acc, n, i) => acc + n * (sizes[i]! + 1), 0);
    if (params > MAX_EXPLAIN_PARAMS) {
      throw new UsageError(`${cmd} ${option}: the network ${sizes.join(',')} has ${params.toLocaleString('en-US')} parameters, more than the ${MAX_EXPLAIN_PARAMS} explain writes out (a line per number); use a smaller network, or tapegrad compare for large ones`);
    }
    const activation = activationOption(cmd, o.string('activation') ?? 'sigmoid');
    if (!activation.elementwise) throw new UsageError(`${cmd} --activation: '${activation.name}' is not elementwise; the walk-through needs f'(z) per neuron`);
    const seedGiven = o.string('seed') !== undefined;
    const seed = o.seed('seed', 1);
    const fixed = !seedGiven && sizes.length === 3 && sizes.every((s, i) => s === WORKED_EXAMPLE_NET.sizes[i]);
    const rng = new Rng(derivedSeed(seed, 7));
    const x = o.numbers('x', fixed ? WORKED_EXAMPLE_NET.x : Array.from({ length: sizes[0]! }, () => Number((2 * rng.next() - 1).toFixed(2))));
    const y = o.numbers('y', fixed ? WORKED_EXAMPLE_NET.y : Array.from({ length: sizes[sizes.length - 1]! }, () => Number(rng.next().toFixed(2))));
    if (x.length !== sizes[0]) throw new UsageError(`${cmd} --x: got ${x.length} values for an input layer of width ${sizes[0]}; give one per input`);
    if (y.length !== sizes[sizes.length - 1]) throw new UsageError(`${cmd} --y: got ${y.length} values for an output layer of width ${sizes[sizes.length - 1]}; give one per output`);
    let W: Float64Array[];
    let b: Float64Array[];
    if (fixed) {
      W = WORKED_EXAMPLE_NET.W.map((w) => Float64Array.from(w));
      b = WORKED_EXAMPLE_NET.b.map((v) => Float64Array.from(v));
    } else {
      // Round the random weights to two decimals so the printed products stay readable.
      const m = createMLP({ sizes, activations: activation, output: activation, seed });
      W = m.layers.map((l) => l.W.map((w) => Number(w.toFixed(2))));
      b = m.layers.map((l) => l.b.map(() => Number((rng.next() - 0.5).toFixed(2))));
    }
    const title = `${fixed ? "the worked example's " : ''}${sizes.join('-')} network, ${activation.name} everywhere`;
    return explainReport({ sizes, W, b, activation, x, y }, io, { json: o.flag('json'), title });
  },
};

/**
 * Prints the walk-through of an expression (text or JSON) and returns the exit code: 0 when
 * every number passes its independent check, 1 otherwise.
 * @param source the expression @param varSpecs `name=value` strings as `--var` takes them
 * @returns the exit code (EXIT.ok or EXIT.checkFailed)
 * @example explainExpressionReport('sigmoid(w*x + b)', ['w=0.5', 'x=2', 'b=-1'], memoryIo(), false)
 */
export function explainExpressionReport(source: string, varSpecs: readonly string[], io: Io, json: boolean): number {
  const ex = withExprErrors('explain', () => {
    const { ast, vars } = prepareExpression('explain', source, varSpecs);
    return explainExpression(source, ast, vars);
  });
  io.stdout.write(json ? JSON.stringify(ex.toJSON()) + '\n' : ex.lines.join('\n') + '\n');
  if (!ex.ok) {
    const bad = ex.checks.find((c) => !c.ok)!;
    io.stderr.write(`tapegrad explain: the ${bad.kind} of ${bad.label} disagrees with its check by ${bad.maxAbsDiff}\n`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}

/**
 * Prints the walk-through of `net` (text or JSON) and returns the exit code: 0 when every
 * number agrees with the tape, 1 otherwise (with the first disagreement on stderr).
 * @param net sizes, parameters `W[l]: [n_(l+1), n_l]`, activation, one sample x, y
 * @param opts `json` for one JSON object, `title` for the header line
 * @returns the exit code (EXIT.ok or EXIT.checkFailed)
 * @example explainReport({ ...WORKED_EXAMPLE_NET, activation: getActivation('sigmoid') }, memoryIo(), { json: false, title: 'the worked example' })
 * @group Explaining
 */
export function explainReport(net: ExplainNet, io: Io, opts: { json: boolean; title: string }): number {
  const { sizes, W, b, activation, x, y } = net;
  const ex = explainNetwork(net);
  const worst = Math.max(0, ...ex.checks.map((c) => Math.abs(c.closedForm - c.tape) / Math.max(Math.abs(c.tape), 1e-300)));
  if (opts.json) {
    const arr = (a: Float64Array): number[] => Array.from(a);
    io.stdout.write(
      JSON.stringify({
        ok: ex.ok,
        sizes,
        activation: activation.name,
        cost: 'sumSquares: C0 = sum_j (a_j - y_j)^2',
        x,
        y,
        params: W.map((w, i) => ({ layer: i + 1, W: arr(w), b: arr(b[i]!) })),
        forward: ex.z.slice(1).map((z, i) => ({ layer: i + 1, z: arr(z), a: arr(ex.a[i + 1]!) })),
        C0: ex.cost,
        delta: ex.delta.slice(1).map((d, i) => ({ layer: i + 1, delta: arr(d) })),
        grads: ex.dW.map((g, i) => ({ layer: i + 1, W: arr(g), b: arr(ex.db[i]!) })),
        checks: ex.checks,
        maxRelError: worst,
      }) + '\n',
    );
  } else {
    const mat = (w: Float64Array, cols: number): string => `[${Array.from({ length: w.length / cols }, (_, r) => `[${Array.from(w.subarray(r * cols, (r + 1) * cols)).join(', ')}]`).join(', ')}]`;
    const head = [
      `tapegrad explain · ${opts.title}, one sample, C₀ = Σ_j (a_j − y_j)²`,
      `input a⁽⁰⁾ = x = [${x.join(', ')}]   target y = [${y.join(', ')}]`,
      ...W.map((w, i) => `W⁽${i + 1}⁾ = ${mat(w, sizes[i]!)}   b⁽${i + 1}⁾ = [${Array.from(b[i]!).join(', ')}]`.replace(/⁽(\d)⁾/g, (_, d: string) => `⁽${'⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]}⁾`)),
      '',
    ];
    const n = ex.checks.length;
    const tail = ex.ok
      ? `\n${n} numbers checked against the tape: all agree ✓ (largest relative difference ${fmtErr(worst)}, tolerance 1e-12)`
      : `\n${ex.checks.filter((c) => !c.ok).length} of ${n} numbers DISAGREE with the tape ✗`;
    io.stdout.write([...head, ...ex.lines, tail].join('\n') + '\n');
  }
  if (!ex.ok) {
    const bad = ex.checks.find((c) => !c.ok)!;
    io.stderr.write(`tapegrad explain: ${bad.quantity} is ${bad.closedForm} by the formula but ${bad.tape} by the tape\n`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}

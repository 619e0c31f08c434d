/**
 * The CLI's bad-input corpus: each case is one `tapegrad` command line a user might get
 * wrong, run in-process through the real entry (`run` with an in-memory Io). The corpus
 * harness expects a thrown error, so `cli()` turns a run into one: a non-zero exit becomes
 * a `CliFailure` whose message is `exit <code>: <stderr>` (the parts then assert the exit
 * code and the text), a zero exit is returned (and so fails the case). `--json` cases also
 * check the error object's exact shape on stdout and that stderr stays empty.
 */
import { describe, expect, it } from 'vitest';
import { memoryIo, run } from '@tapegrad/cli';
import { countByClass, runCorpus, type BadCase, type HardeningClass } from './corpus.js';

/** A CLI run that ended with a non-zero exit code. */
class CliFailure extends Error {
  constructor(
    readonly code: number,
    text: string,
  ) {
    super(`exit ${code}: ${text}`);
  }
}

/** Runs `tapegrad <argv>`; a non-zero exit throws a CliFailure carrying the code and stderr. */
function runCli(argv: readonly string[]): string {
  const io = memoryIo();
  const code = run(argv, io);
  if (code === 0) return io.out();
  if (io.err() === '') throw new Error(`tapegrad ${argv.join(' ')}: exit ${code} with nothing on stderr (stdout: ${io.out().slice(0, 200)})`);
  throw new CliFailure(code, io.err());
}

/**
 * Runs `tapegrad <argv>` (which must contain --json): the error must be exactly one JSON line on
 * stdout, `{"error": {"type", "message", "exitCode"}}`, with exitCode equal to the exit code
 * and nothing on stderr. Thrown as a CliFailure `exit <code>: <type>: <message>`.
 */
function runCliJson(argv: readonly string[]): string {
  const io = memoryIo();
  const code = run(argv, io);
  if (code === 0) return io.out();
  expect(io.err(), 'with --json, nothing goes to stderr').toBe('');
  expect(io.out().endsWith('\n') && io.out().indexOf('\n') === io.out().length - 1, 'one line of JSON').toBe(true);
  const parsed: unknown = JSON.parse(io.out());
  expect(parsed).toEqual({ error: { type: expect.any(String), message: expect.any(String), exitCode: code } });
  const { error } = parsed as { error: { type: string; message: string } };
  throw new CliFailure(code, `${error.type}: ${error.message}`);
}

function cli(cls: HardeningClass, argv: readonly string[], code: number, ...message: (string | RegExp)[]): BadCase {
  const json = argv.includes('--json');
  const shown = argv.map((a) => (a.length > 40 ? `${a.slice(0, 20)}…(${a.length} chars)` : a)).join(' ');
  return { name: `tapegrad ${shown}`, cls, run: () => (json ? runCliJson(argv) : runCli(argv)), error: CliFailure, message: [`exit ${code}: `, ...message] };
}

const deepParens = `${'('.repeat(100_000)}x${')'.repeat(100_000)}`;
const deepJson = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
const ACTIVATIONS = 'identity, sigmoid, tanh, relu, leakyRelu, softplus, elu, gelu, swish';
const TOO_MANY = 'more than the limit of 134,217,728';

export const CLI_CASES: readonly BadCase[] = [
  // 1: user strings indexing tables.
  cli(1, ['train', '--activation', 'constructor'], 2, "tapegrad train --activation: unknown activation 'constructor'; use one of", ACTIVATIONS),
  cli(1, ['train', '--activation', '__proto__'], 2, "unknown activation '__proto__'", ACTIVATIONS),
  cli(1, ['train', '--loss', '__proto__'], 2, "tapegrad train --loss: unknown loss '__proto__'; use one of", 'softmax-ce'),
  cli(1, ['train', '--loss', 'hasOwnProperty'], 2, "unknown loss 'hasOwnProperty'", 'mse'),
  cli(1, ['compare', '--activation', 'toString'], 2, "tapegrad compare --activation: unknown activation 'toString'", ACTIVATIONS),
  cli(1, ['compare', '--loss', 'constructor'], 2, "tapegrad compare --loss: unknown loss 'constructor'"),
  cli(1, ['explain', '--activation', 'valueOf'], 2, "tapegrad explain --activation: unknown activation 'valueOf'"),
  cli(1, ['graph', '--sizes', '2,3,2', '--activation', 'constructor'], 2, "tapegrad graph --activation: unknown activation 'constructor'"),
  cli(1, ['graph', '--sizes', '2,3,2', '--loss', '__proto__'], 2, "tapegrad graph --loss: unknown loss '__proto__'"),
  cli(1, ['graph', '-e', 'constructor(x)', '--var', 'x=1'], 2, "graph --expr: unknown function 'constructor' (known: exp, log,", 'dot) at column 1'),
  cli(1, ['graph', '-e', '2 * toString(x)', '--var', 'x=1'], 2, "unknown function 'toString'", 'at column 5'),
  cli(1, ['graph', '-e', '__proto__(x)', '--var', 'x=1'], 2, "unknown function '__proto__' (known: exp"),
  cli(1, ['graph', '-e', 'hasOwnProperty(x, x)', '--var', 'x=1'], 2, "unknown function 'hasOwnProperty'"),
  cli(1, ['graph', '-e', '__proto__ + 1'], 2, "variable '__proto__' has no value; pass --var __proto__=<number or list> at column 1"),
  cli(1, ['train', '--optimizer', 'constructor'], 2, "tapegrad train --optimizer: expected one of adam, adamw, sgd, momentum, got 'constructor'"),
  cli(1, ['train', '--task', '__proto__'], 2, "tapegrad train --task: expected one of auto, classification, regression, got '__proto__'"),
  cli(1, ['graph', '-e', 'x', '--var', 'x=1', '--format', 'toString'], 2, "tapegrad graph --format: expected one of dot, mermaid, table, compiled, got 'toString'"),
  cli(1, ['constructor'], 2, "tapegrad: unknown command 'constructor'; commands are iris, train, compare, explain, graph"),
  cli(1, ['help', '__proto__'], 2, "tapegrad help: unknown command '__proto__'; commands are iris, train"),

  // 2: sizes from the command line, checked before anything is allocated.
  cli(2, ['train', '--hidden', '1000000,1000000'], 2, 'tapegrad train --hidden: a 1000000→1000000 weight matrix: shape [1000000,1000000] has 1,000,000,000,000 elements', TOO_MANY),
  cli(2, ['train', '--hidden', '200000000'], 2, 'tapegrad train --hidden: a layer of width 200000000: shape [200000000]', TOO_MANY),
  cli(2, ['train', '--hidden', '50000000'], 2, 'tapegrad train --hidden: layer 1 (4 → 50000000) would have 200,000,000 weights', TOO_MANY),
  cli(2, ['train', '--sizes', '4,99999999999999999999,3'], 2, "tapegrad train --sizes: expected comma-separated positive integers like 16,8, got '4,99999999999999999999,3'"),
  cli(2, ['compare', '--sizes', '100000,100000'], 2, 'tapegrad compare --sizes: a 100000→100000 weight matrix', TOO_MANY),
  cli(2, ['compare', '--sizes', '100,100,100', '--batch-size', '1000'], 2, 'tapegrad compare --sizes: finite differences for 20,200 parameters and a batch of 1000', 'more than the 1e+10 compare allows; use a smaller network or --batch-size'),
  cli(2, ['compare', '--sizes', '2,2', '--batch-size', '100000000'], 2, 'tapegrad compare --batch-size: the batch X: shape [100000000,2] has 200,000,000 elements', TOO_MANY),
  cli(2, ['explain', '--sizes', '40,40'], 2, 'tapegrad explain --sizes: the network 40,40 has 1,640 parameters, more than the 1000 explain writes out', 'tapegrad compare'),
  cli(2, ['graph', '--sizes', '100000,100000'], 2, 'tapegrad graph --sizes: a 100000→100000 weight matrix', TOO_MANY),
  cli(2, ['train', '--epochs', '1e9'], 2, 'tapegrad train --epochs: must be <= 100000, got 1000000000'),

  // 3: recursion on user data.
  cli(3, ['graph', '-e', deepParens, '--var', 'x=1'], 2, 'graph --expr: the expression nests more than 500 levels deep', 'at column 501', '…(((('),
  cli(3, ['graph', `--expr=${'-'.repeat(100_000)}x`, '--var', 'x=1'], 2, 'the expression nests more than 500 levels deep'),
  cli(3, ['graph', '-e', `x${'^x'.repeat(100_000)}`, '--var', 'x=1'], 2, 'the expression nests more than 500 levels deep'),
  cli(3, ['graph', '-e', `x${'+x'.repeat(100_000)}`, '--var', 'x=1'], 2, 'the expression nests more than 500 levels deep', 'use sum()/mean() over a vector'),
  cli(3, ['graph', '-e', 'x', '--var', `x=${deepJson}`], 2, 'tapegrad: graph --var x: the value nests 100000 levels deep, more than the 32 allowed'),
  cli(3, ['graph', '-e', 'x', '--var', `x=${'[{"a":'.repeat(50)}1${'}]'.repeat(50)}`], 2, 'graph --var x: the value nests 100 levels deep'),

  // 5: options accepted and ignored.
  cli(5, ['compare', '--sizes', '4,3', '--activation', 'relu'], 2, "tapegrad compare --activation: the network 4,3 has no hidden layer and the loss 'softmaxCrossEntropy' works on logits", "'relu' would not be used"),
  cli(5, ['graph', '--sizes', '2,2', '--loss', 'bce', '--activation', 'tanh'], 2, "tapegrad graph --activation: the network 2,2 has no hidden layer and the loss 'binaryCrossEntropy'"),
  cli(5, ['graph', '-e', 'x', '--var', 'x=1', '--batch-size', '2'], 2, 'tapegrad graph --batch-size: only applies to --sizes, not --expr'),
  cli(5, ['graph', '--sizes', '2,2', '--var', 'x=1'], 2, 'tapegrad graph --var: only applies to --expr, not --sizes'),
  cli(5, ['graph', '-e', 'x', '--var', 'x=1', '--var', 'x=2'], 2, "graph --var: 'x' is given twice; pass each variable once"),
  cli(5, ['graph', '-e', 'x + 1', '--var', 'x=1', '--var', 'y=2'], 2, "graph --var: 'y' not used by the expression 'x + 1'"),
  cli(5, ['train', '--nesterov'], 2, "tapegrad train: Unknown option '--nesterov'; see `tapegrad train --help`"),
  cli(5, ['train', '--weight-decay=-0.5'], 2, 'tapegrad train --weight-decay: must be >= 0, got -0.5'),
  cli(5, ['compare', 'extra'], 2, "tapegrad compare: Unexpected argument 'extra'"),
  cli(5, ['help', 'train', 'extra'], 2, 'tapegrad help: takes at most one command name, got 2 arguments'),
  cli(5, ['--version', '--debug'], 2, "tapegrad --version: takes nothing after it, got '--debug'"),
  // Replaced options: a usage error naming the replacement, with the user's numbers rewritten.
  cli(5, ['train', '--layers', '4,8,3'], 2, 'tapegrad train --layers: replaced by two options', 'meant hidden widths here, so write --hidden 4,8,3, or --sizes 4,4,8,3,3 for Iris'),
  cli(5, ['compare', '-l', '4,8,3'], 2, 'tapegrad compare --layers: replaced by two options', 'meant every width here, so write --sizes 4,8,3, or --hidden 8'),
  cli(5, ['compare', '--batch', '4'], 2, 'tapegrad compare --batch: renamed --batch-size (as in tapegrad train), so write --batch-size 4'),
  cli(5, ['graph', '--model', '2,3,2'], 2, 'tapegrad graph --model: renamed --sizes', 'write --sizes 2,3,2'),
  cli(5, ['train', '--sizes', '5,8,3'], 2, "tapegrad train --sizes: 5,8,3 must start with the data's 4 inputs and end with its 3 outputs", 'write --sizes 4,8,3, or --hidden 8'),
  cli(5, ['compare', '--hidden', '8', '--sizes', '4,8,3'], 2, 'tapegrad compare: pass --hidden or --sizes, not both'),
  cli(5, ['graph', '-e', 'x', '--var', 'x=1', '--json', '--format', 'dot'], 2, 'UsageError: tapegrad graph --format: --json prints the graph as JSON nodes, --format as text; pass one of them'),

  // 10: seeds. Core's Rng takes integers in [0, 2^53); the CLI says which option broke it.
  cli(10, ['compare', '--seed=-1'], 2, 'tapegrad compare --seed: must be >= 0, got -1'),
  cli(10, ['explain', '--seed=-5'], 2, 'tapegrad explain --seed: must be >= 0, got -5'),
  cli(10, ['graph', '--sizes', '2,2', '--seed', '0.5'], 2, "tapegrad graph --seed: expected an integer, got '0.5'"),
  cli(10, ['compare', '--seed', '9007199254740992'], 2, 'tapegrad compare --seed: must be <= 9007199254740991'),

  // 9: the CLI's own: decimal numbers only, literals, and --json errors.
  cli(9, ['train', '--lr', '0x10'], 2, "tapegrad train --lr: expected a decimal number, got '0x10'"),
  cli(9, ['train', '--epochs', '0b11'], 2, "tapegrad train --epochs: expected an integer, got '0b11'"),
  cli(9, ['train', '--seed', 'Infinity'], 2, "tapegrad train --seed: expected an integer, got 'Infinity'"),
  cli(9, ['explain', '--x', '0x1,2'], 2, "tapegrad explain --x: expected comma-separated decimal numbers like 0.5,0.8, got '0x1,2'"),
  cli(9, ['graph', '-e', 'x', '--var', 'x=0x10'], 2, "graph --var x: '0x10' is not a decimal number"),
  cli(9, ['graph', '-e', 'x * 1e999', '--var', 'x=1'], 2, 'graph --expr: the number 1e999 is too large for a float64', 'at column 5'),
  cli(9, ['--json', '--bogus'], 2, "UsageError: tapegrad: Unknown option '--bogus'; see `tapegrad --help`"),
  cli(9, ['train', '--json', '--epochs', 'abc'], 2, "UsageError: tapegrad train --epochs: expected an integer, got 'abc'"),
  cli(9, ['train', '--json', '--lr'], 2, 'UsageError: tapegrad train: Option', '--lr'),
  cli(9, ['train', '--json', '--data', 'no/such/file.csv'], 3, 'DataError: tapegrad: no/such/file.csv: cannot read the file'),
  cli(9, ['compare', '--json', '--sizes', '1000000,1000000'], 2, 'UsageError: tapegrad compare --sizes: a 1000000→1000000 weight matrix'),
  cli(9, ['explain', '--activation', 'constructor', '--json'], 2, "UsageError: tapegrad explain --activation: unknown activation 'constructor'"),
  cli(9, ['graph', '--json', '-e', 'x'], 2, "UsageError: tapegrad: graph --expr: variable 'x' has no value; pass --var x=<number or list>"),
  cli(9, ['graph', '-e', 'constructor(x)', '--json'], 2, "UsageError: tapegrad: graph --expr: unknown function 'constructor'"),
  cli(9, ['--json', 'train'], 2, "UsageError: tapegrad: Unexpected argument 'train'"),
  cli(9, ['--json', 'help', 'x'], 2, "UsageError: tapegrad: Unexpected argument 'help'"),
];

describe('CLI bad-input corpus', () => {
  runCorpus(CLI_CASES);

  it('holds at least 45 cases', () => {
    expect(CLI_CASES.length).toBeGreaterThanOrEqual(45);
    // Every class the CLI has a share in is represented.
    const counts = countByClass(CLI_CASES);
    for (const cls of [1, 2, 3, 5, 9] as const) expect(counts.get(cls) ?? 0).toBeGreaterThanOrEqual(5);
  });
});

/**
 * `tapegrad graph`: the tape an expression (or one MLP loss evaluation) records, as
 * Graphviz DOT, Mermaid, a table or JSON, optionally with values and gradients.
 */
import { ArgumentError, describeValue, evaluateExpr, exprFunctionNames, fmtNumber, fmtShape, parseExpr, tensorJSON, traceTape, variablesOf, type Expr, type TapeRecord, type Tensor, type TensorJSON } from '@tapegrad/core';
import { OptionReader, parseOptions } from '../args.js';
import { checkingNan } from '../check-nan.js';
import { type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { withExprErrors } from '../expr-usage.js';
import { parseVar } from '../vars.js';
import { type Io } from '../io.js';
import { modelTrace } from '../model-trace.js';
import { BATCH_OPTIONS, readBatchSize, readFreeWidths, WIDTH_OPTIONS } from '../widths.js';

const OPTIONS = {
  expr: { type: 'string', short: 'e' },
  var: { type: 'string', multiple: true },
  ...WIDTH_OPTIONS,
  model: { type: 'string' },
  activation: { type: 'string' },
  loss: { type: 'string' },
  ...BATCH_OPTIONS,
  seed: { type: 'string' },
  format: { type: 'string', short: 'f' },
  values: { type: 'boolean' },
  'check-nan': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The options of the network mode, refused with --expr. */
const NETWORK_ONLY = ['activation', 'loss', 'batch-size', 'seed'] as const;

export const graphCommand: Command = {
  name: 'graph',
  summary: 'print the tape an expression or a network records, as DOT, Mermaid, a table or JSON',
  help: `Usage:
  tapegrad graph --expr '<expression>' [--var name=value ...] [--format dot|mermaid|table|compiled | --json] [--values] [--check-nan]
  tapegrad graph --sizes 2,3,2 [--activation sigmoid] [--loss sum-squares] [--batch-size 1] [--seed 1] [--format ... | --json] [--values] [--check-nan]

Records one evaluation on the tape (core's traceTape) and prints the graph. With --values,
every node shows its value and its gradient ∂output/∂node (gradients need a scalar output:
wrap a vector expression in sum(...) or mean(...)).

Expressions: numbers, variables, + - * / ^ (power), @ (matrix product), unary minus,
parentheses, and the functions
  ${exprFunctionNames().join(', ')}
Operators broadcast like NumPy. Numeric literals appear on the graph as constants.

Options:
  -e, --expr <text>       the expression, e.g. 'sigmoid(w*x + b)'
  --var <name=value>      a variable (repeat): a number (w=0.5), a comma list (x=1,2,3) or JSON
                          nested arrays (W=[[1,2],[3,4]])
  --sizes <widths>        instead of --expr: one loss evaluation C = mean_i C_i of a seeded MLP
                          with these widths (input, hidden..., output) on a random batch X, Y;
                          parameters W1, b1, ... are the variables
  --hidden <widths>       instead of --sizes: the hidden widths between 2 inputs and 2 outputs
                          (--hidden 3 is --sizes 2,3,2)
  --activation <name>     hidden (and, unless the loss works on logits, output) activation (default
                          sigmoid); an error when unused (no hidden layer and a loss on logits)
  --loss <name>           loss of the network (default sum-squares)
  -b, --batch-size <n>    samples in the network's batch, 1 to 64 (default 1)
  --seed <n>              seed of the network's parameters and data, an integer >= 0 (default 1)
  -f, --format <f>        dot (default), mermaid, table, or compiled: the program core's compile
                          makes of the same call with its gradients (forward and backward as one
                          list of instructions, unused ones dropped, buffers shared, elementwise
                          chains written in place)
  --json                  instead of --format: one JSON object for scripts, {nodes, output,
                          outputNode}; each node is a tape entry {id, op, name, argument, shape,
                          saved, inputs: [{from, shape}]} (from: the input's node id, or null and
                          its value for a constant), with --values also {value, grad}; a tensor
                          is {shape, data}, and NaN, ±Infinity and -0 are strings
  --values                label nodes with values and gradients
  --check-nan             anomaly mode: stop at the first op whose value or gradient holds NaN or
                          ±Infinity and name it (forward or backward, the ranges, the rule, a hint
                          such as the double where for sqrt behind where); exit code 2

Examples:
  tapegrad graph --expr 'sigmoid(w*x + b)' --var w=0.5 --var x=2 --var b=-1 --values | dot -Tsvg > tape.svg
  tapegrad graph --expr 'sum((x - y)^2)' --var x=1,2,3 --var y=0,2,5 --format table --values
  tapegrad graph --sizes 2,3,2 --format mermaid
  tapegrad graph --sizes 2,3,2 --format compiled
  tapegrad graph --expr 'x*y + x' --var x=2 --var y=3 --json --values
  tapegrad graph --expr 'sum(where(x > 0, sqrt(x), 0))' --var x=0,4 --check-nan`,
  run(argv: readonly string[], io: Io): number {
    const cmd = 'tapegrad graph';
    const o = new OptionReader(cmd, parseOptions(cmd, argv, OPTIONS));
    const json = o.flag('json');
    if (json && o.values['format'] !== undefined) throw new UsageError(`${cmd} --format: --json prints the graph as JSON nodes, --format as text; pass one of them`);
    const format = o.choice('format', ['dot', 'mermaid', 'table', 'compiled'], 'dot');
    const values = o.flag('values');
    const checkNan = o.flag('check-nan');
    const model = o.string('model');
    if (model !== undefined) {
      throw new UsageError(`${cmd} --model: renamed --sizes, since --model names a model file elsewhere (tapegrad predict), so write --sizes ${model}; see \`${cmd} --help\``);
    }
    // The replaced --layers and --batch are refused (with their replacement) in either mode.
    if (o.values['layers'] !== undefined) readFreeWidths(o, [2, 3, 2]);
    if (o.values['batch'] !== undefined) readBatchSize(o, 1);
    const expr = o.string('expr');
    const network = o.values['hidden'] !== undefined || o.values['sizes'] !== undefined;
    if ((expr === undefined) === !network) {
      throw new UsageError(`${cmd}: pass exactly one of --expr '<expression>' or --sizes <widths> (or --hidden); see \`${cmd} --help\``);
    }
    let rec: TapeRecord;
    if (expr !== undefined) {
      for (const name of NETWORK_ONLY) {
        if (o.values[name] !== undefined) throw new UsageError(`${cmd} --${name}: only applies to --sizes, not --expr`);
      }
      rec = withExprErrors('graph', () => tracedExpression(expr, o.strings('var'), checkNan));
    } else {
      if (o.strings('var').length > 0) throw new UsageError(`${cmd} --var: only applies to --expr, not --sizes`);
      const { sizes, option } = readFreeWidths(o, [2, 3, 2]);
      const spec = {
        sizes,
        sizesOption: option,
        activation: o.string('activation') ?? 'sigmoid',
        activationGiven: o.string('activation') !== undefined,
        loss: o.string('loss') ?? 'sum-squares',
        batch: readBatchSize(o, 1, { max: 64 }),
        seed: o.seed('seed', 1),
      };
      rec = checkNan ? checkingNan(`${cmd} --check-nan`, () => modelTrace(spec)) : modelTrace(spec);
    }
    if (format === 'compiled' && values) throw new UsageError(`${cmd} --values: the compiled program lists instructions and buffers, not values; drop --values or use --format table`);
    if (json) {
      io.stdout.write(JSON.stringify(graphJSON(rec, values)) + '\n');
    } else if (format === 'compiled') {
      io.stdout.write(rec.compiled().toString() + '\n');
    } else {
      // Core renders the tape; the CLI only picks the format (and its own table rule, as in its other tables).
      const text = format === 'dot' ? rec.toDot({ values }) : format === 'mermaid' ? rec.toMermaid({ values }) : rec.toTable({ values, rule: '─' });
      io.stdout.write(text + '\n');
    }
    if (values && rec.output.size !== 1) {
      io.stderr.write(`tapegrad graph: the output has shape ${fmtShape(rec.output.shape)}, so no gradients are shown; wrap the expression in sum(...) for a scalar\n`);
    } else if (format === 'table' && !json) {
      io.stdout.write(`output = ${rec.output.size === 1 ? fmtNumber(rec.output.data[0]!) : fmtShape(rec.output.shape)}\n`);
    }
    return 0;
  },
};

/** A node of `graph --json`: one tape entry. */
interface GraphNodeJSON {
  readonly id: number;
  readonly op: string;
  readonly name: string | null;
  readonly argument: string | null;
  readonly shape: number[];
  readonly saved: string[];
  readonly inputs: ({ readonly from: number; readonly shape: number[] } | { readonly from: null; readonly shape: number[]; readonly value: TensorJSON })[];
  readonly value?: TensorJSON;
  readonly grad?: TensorJSON | null;
}

/**
 * The tape as `graph --json` prints it: the structure DOT and Mermaid draw, as data a script can
 * walk (nodes in execution order, each naming the nodes it reads), rather than DOT text inside JSON,
 * which a script would have to parse again. `values` adds each node's value and gradient.
 */
function graphJSON(rec: TapeRecord, values: boolean): { nodes: GraphNodeJSON[]; output: TensorJSON; outputNode: number | null } {
  const nodes = rec.entries.map((e): GraphNodeJSON => ({
    id: e.index,
    op: e.op,
    name: e.name,
    argument: e.argument,
    shape: [...e.outputShape],
    saved: [...e.saved],
    inputs: e.inputs.map((i) => (i.from === null ? { from: null, shape: [...i.shape], value: tensorJSON(i.value) } : { from: i.from, shape: [...i.shape] })),
    ...(values ? { value: tensorJSON(e.value), grad: e.grad === null ? null : tensorJSON(e.grad) } : {}),
  }));
  return { nodes, output: tensorJSON(rec.output), outputNode: rec.outputEntry };
}

/**
 * Parses and traces an expression. The variables are the traced arguments, named, in order
 * of first use; numeric literals are constants, which the graph shows by their value.
 * @param source the expression @param varSpecs `name=value` strings as `--var` takes them
 * @returns the tape, its arguments labelled with the variable names
 * @throws ExprError for syntax errors and undefined variables, UsageError for bad, repeated or unused --var values,
 *   ArgumentError when `source` is not a string or `varSpecs` not an array of strings.
 * @example traceExpression('sigmoid(w*x + b)', ['w=0.5', 'x=2', 'b=-1']).toTable()
 * @group Expressions
 */
export function traceExpression(source: string, varSpecs: readonly string[]): TapeRecord {
  return tracedExpression(source, varSpecs, false);
}

/**
 * @internal Parses an expression and its `--var` values for `graph` and `explain`: every variable
 * given once and used, the expression evaluated once untraced so that undefined variables and
 * shape errors surface with their column.
 * @returns the syntax tree and the variables by name, in order of first use (own properties, even `__proto__`)
 */
export function prepareExpression(command: string, source: string, varSpecs: readonly string[]): { ast: Expr; vars: Record<string, Tensor> } {
  if (!Array.isArray(varSpecs)) throw new ArgumentError(`traceExpression: varSpecs must be an array of 'name=value' strings, got ${describeValue(varSpecs)}`);
  const ast = parseExpr(source);
  const given = new Map<string, Tensor>();
  for (const [name, value] of varSpecs.map(parseVar)) {
    if (given.has(name)) throw new UsageError(`${command} --var: '${name}' is given twice; pass each variable once`);
    given.set(name, value);
  }
  const names = variablesOf(ast);
  const unused = [...given.keys()].filter((k) => !names.includes(k));
  if (unused.length > 0) throw new UsageError(`${command} --var: ${unused.map((u) => `'${u}'`).join(', ')} not used by the expression '${source}'; remove it or fix the expression`);
  evaluateExpr(source, ast, given);
  // Own properties even for a variable named __proto__ (an assignment would set the prototype).
  const vars: Record<string, Tensor> = Object.fromEntries(names.map((n) => [n, given.get(n)!]));
  return { ast, vars };
}

/** traceExpression, the traced evaluation (forward and gradient) in anomaly mode when `checkNan`. */
function tracedExpression(source: string, varSpecs: readonly string[], checkNan: boolean): TapeRecord {
  // prepareExpression's untraced evaluation lets NaN through; the traced one is checked, so the report names the variables.
  const { ast, vars } = prepareExpression('graph', source, varSpecs);
  const trace = (): TapeRecord => traceTape.named((traced) => evaluateExpr(source, ast, new Map(Object.entries(traced))), vars);
  return checkNan ? checkingNan('tapegrad graph --check-nan', trace) : trace();
}

/**
 * `tapegrad graph`: the tape an expression (or one MLP loss evaluation) records, as
 * Graphviz DOT, Mermaid or a table, optionally with values and gradients.
 */
import { ArgumentError, describeValue, evaluateExpr, exprFunctionNames, fmtNumber, fmtShape, parseExpr, traceTape, variablesOf, type Expr, type TapeRecord, type Tensor } from '@tapegrad/core';
import { OptionReader, parseOptions } from '../args.js';
import { checkingNan } from '../check-nan.js';
import { type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { withExprErrors } from '../expr-usage.js';
import { parseVar } from '../vars.js';
import { type Io } from '../io.js';
import { modelTrace } from '../model-trace.js';

const OPTIONS = {
  expr: { type: 'string', short: 'e' },
  var: { type: 'string', multiple: true },
  model: { type: 'string' },
  activation: { type: 'string' },
  loss: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string', short: 'f' },
  values: { type: 'boolean' },
  'check-nan': { type: 'boolean' },
} as const;

export const graphCommand: Command = {
  name: 'graph',
  summary: 'print the tape an expression or a model records, as DOT, Mermaid or a table',
  help: `Usage:
  tapegrad graph --expr '<expression>' [--var name=value ...] [--format dot|mermaid|table] [--values] [--check-nan]
  tapegrad graph --model 2,3,2 [--activation sigmoid] [--loss sum-squares] [--batch 1] [--seed 1] [--format ...] [--values] [--check-nan]

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
  --model <sizes>         instead of --expr: one loss evaluation C = mean_i C_i of a seeded MLP
                          with these widths (input, hidden..., output) on a random batch X, Y;
                          parameters W1, b1, ... are the variables
  --activation <name>     hidden (and, unless the loss works on logits, output) activation (default
                          sigmoid); an error when unused (no hidden layer and a loss on logits)
  --loss <name>           loss for --model (default sum-squares)
  --batch <n>             samples for --model (default 1)
  --seed <n>              seed of the --model parameters and data, an integer >= 0 (default 1)
  -f, --format <f>        dot (default), mermaid, or table
  --values                label nodes with values and gradients
  --check-nan             anomaly mode: stop at the first op whose value or gradient holds NaN or
                          ±Infinity and name it (forward or backward, the ranges, the rule, a hint
                          such as the double where for sqrt behind where); exit code 2

Examples:
  tapegrad graph --expr 'sigmoid(w*x + b)' --var w=0.5 --var x=2 --var b=-1 --values | dot -Tsvg > tape.svg
  tapegrad graph --expr 'sum((x - y)^2)' --var x=1,2,3 --var y=0,2,5 --format table --values
  tapegrad graph --model 2,3,2 --format mermaid
  tapegrad graph --expr 'sum(where(x > 0, sqrt(x), 0))' --var x=0,4 --check-nan`,
  run(argv: readonly string[], io: Io): number {
    const o = new OptionReader('tapegrad graph', parseOptions('tapegrad graph', argv, OPTIONS));
    const format = o.choice('format', ['dot', 'mermaid', 'table'], 'dot');
    const values = o.flag('values');
    const checkNan = o.flag('check-nan');
    const expr = o.string('expr');
    const model = o.string('model');
    if ((expr === undefined) === (model === undefined)) {
      throw new UsageError("tapegrad graph: pass exactly one of --expr '<expression>' or --model <sizes>; see `tapegrad graph --help`");
    }
    let rec: TapeRecord;
    if (expr !== undefined) {
      for (const name of ['activation', 'loss', 'batch', 'seed'] as const) {
        if (o.values[name] !== undefined) throw new UsageError(`tapegrad graph --${name}: only applies to --model, not --expr`);
      }
      rec = withExprErrors('graph', () => tracedExpression(expr, o.strings('var'), checkNan));
    } else {
      if (o.strings('var').length > 0) throw new UsageError('tapegrad graph --var: only applies to --expr, not --model');
      const spec = {
        sizes: o.sizes('model', [2, 3, 2], { minLength: 2 }),
        sizesOption: '--model' as const,
        activation: o.string('activation') ?? 'sigmoid',
        activationGiven: o.string('activation') !== undefined,
        loss: o.string('loss') ?? 'sum-squares',
        batch: o.number('batch', 1, { integer: true, min: 1, max: 64 }),
        seed: o.seed('seed', 1),
      };
      rec = checkNan ? checkingNan('tapegrad graph --check-nan', () => modelTrace(spec)) : modelTrace(spec);
    }
    // Core renders the tape; the CLI only picks the format (and its own table rule, as in its other tables).
    const text = format === 'dot' ? rec.toDot({ values }) : format === 'mermaid' ? rec.toMermaid({ values }) : rec.toTable({ values, rule: '─' });
    io.stdout.write(text + '\n');
    if (values && rec.output.size !== 1) {
      io.stderr.write(`tapegrad graph: the output has shape ${fmtShape(rec.output.shape)}, so no gradients are shown; wrap the expression in sum(...) for a scalar\n`);
    } else if (format === 'table') {
      io.stdout.write(`output = ${rec.output.size === 1 ? fmtNumber(rec.output.data[0]!) : fmtShape(rec.output.shape)}\n`);
    }
    return 0;
  },
};

/**
 * Parses and traces an expression. The variables are the traced arguments, named, in order
 * of first use; numeric literals are constants, which the graph shows by their value.
 * @param source the expression @param varSpecs `name=value` strings as `--var` takes them
 * @returns the tape, its arguments labelled with the variable names
 * @throws ExprError for syntax errors and undefined variables, UsageError for bad, repeated or unused --var values,
 *   ArgumentError when `source` is not a string or `varSpecs` not an array of strings.
 * @example traceExpression('sigmoid(w*x + b)', ['w=0.5', 'x=2', 'b=-1']).toTable()
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

/**
 * Walking an expression's syntax tree: the variables it reads and its value by core ops.
 * Both accept a tree built by hand as well as one from `parseExpr`, so both check it first
 * (iteratively): the node kinds, its depth (at most MAX_EXPR_DEPTH) and no cycles.
 */
import { AnomalyError, ArgumentError, checkOptions, describeValue, showValue, TapegradError } from '../errors.js';
import { add, div, mul, neg, pow, sub } from '../ops/elementwise.js';
import { matmul } from '../ops/linalg.js';
import { isTensor, scalar, type Tensor } from '../tensor.js';
import { ExprError } from './error.js';
import { callable } from './functions.js';
import { MAX_EXPR_DEPTH, type Expr } from './parse.js';

type BinaryOp = '+' | '-' | '*' | '/' | '^' | '@';

const BINARY: ReadonlyMap<string, (a: Tensor, b: Tensor) => Tensor> = new Map<BinaryOp, (a: Tensor, b: Tensor) => Tensor>([
  ['+', add],
  ['-', sub],
  ['*', mul],
  ['/', div],
  ['^', pow],
  ['@', (a, b) => matmul(a, b)],
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The children of a node, after checking its fields; throws an ArgumentError naming `where` for anything that is not an `Expr` node. */
function childrenOf(where: string, x: unknown): unknown[] {
  const bad = (rule: string): never => {
    throw new ArgumentError(`${where}: not an expression tree (${rule}); build it with parseExpr(source)`);
  };
  if (!isRecord(x)) return bad(`a node is ${describeValue(x)}`);
  const pos = x['pos'];
  if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0) bad(`a node's pos must be a non-negative integer, got ${showValue(pos)}`);
  switch (x['kind']) {
    case 'num':
      if (typeof x['value'] !== 'number' || !Number.isFinite(x['value'])) bad(`a num node's value must be a finite number, got ${showValue(x['value'])}`);
      return [];
    case 'var':
      if (typeof x['name'] !== 'string') bad(`a var node's name must be a string, got ${describeValue(x['name'])}`);
      return [];
    case 'neg':
      return [x['x']];
    case 'bin': {
      const op = x['op'];
      if (typeof op !== 'string' || !BINARY.has(op)) bad(`a bin node's op must be one of ${[...BINARY.keys()].join(' ')}, got ${showValue(op)}`);
      return [x['l'], x['r']];
    }
    case 'call': {
      if (typeof x['name'] !== 'string') bad(`a call node's name must be a string, got ${describeValue(x['name'])}`);
      const args = x['args'];
      if (!Array.isArray(args)) return bad(`a call node's args must be an array, got ${describeValue(args)}`);
      return [...args];
    }
    default:
      return bad(`unknown node kind ${showValue(x['kind'])}; kinds are num, var, neg, bin, call`);
  }
}

/**
 * Checks that `e` is an expression tree, without recursion: every node well formed, no node
 * its own ancestor, at most MAX_EXPR_DEPTH levels (shared subtrees are checked once).
 * @throws ArgumentError naming `where` and the rule.
 */
function checkExpr(where: string, e: unknown): asserts e is Expr {
  const done = new Map<unknown, number>(); // node → its depth
  const open = new Set<unknown>();
  const stack: { node: unknown; kids: unknown[] | null }[] = [{ node: e, kids: null }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.kids === null) {
      if (done.has(top.node)) {
        stack.pop();
        continue;
      }
      top.kids = childrenOf(where, top.node);
      open.add(top.node);
      if (open.size > MAX_EXPR_DEPTH) throw new ArgumentError(`${where}: the expression tree is more than ${MAX_EXPR_DEPTH} levels deep; split it up`);
    }
    const next = top.kids.find((k) => !done.has(k));
    if (next !== undefined) {
      if (open.has(next)) throw new ArgumentError(`${where}: the expression tree contains a cycle (a node is its own descendant); build it with parseExpr(source)`);
      stack.push({ node: next, kids: null });
      continue;
    }
    done.set(top.node, 1 + Math.max(0, ...top.kids.map((k) => done.get(k) ?? 0)));
    open.delete(top.node);
    stack.pop();
  }
}

/**
 * Names of the variables an expression reads, in order of first use.
 * @throws ArgumentError when `e` is not an expression tree (see {@link parseExpr}).
 * @example variablesOf(parseExpr('b + w*x')) // ['b', 'w', 'x']
 * @group Expressions
 */
export function variablesOf(e: Expr): string[] {
  checkExpr('variablesOf', e);
  const out: string[] = [];
  // A shared subtree is walked once (a hand-built tree may share nodes 2^depth ways).
  const seen = new Set<Expr>();
  const walk = (x: Expr): void => {
    if (seen.has(x)) return;
    seen.add(x);
    if (x.kind === 'var') {
      if (!out.includes(x.name)) out.push(x.name);
    } else if (x.kind === 'neg') walk(x.x);
    else if (x.kind === 'bin') walk(x.l), walk(x.r);
    else if (x.kind === 'call') x.args.forEach(walk);
  };
  walk(e);
  return out;
}

/**
 * What {@link evaluateExpr} may be asked besides the value.
 * @group Expressions
 */
export interface EvaluateExprOptions {
  /** Called with each subexpression's value as it is made (once per node, children first). */
  readonly onValue?: (e: Expr, value: Tensor) => void;
  /** Values to put in place of subexpressions (e.g. to perturb an intermediate): the node is not evaluated, its children neither. */
  readonly overrides?: ReadonlyMap<Expr, Tensor>;
}

/**
 * Evaluates an expression with core ops. Variables come from `vars`; numeric literals are
 * constants (on a traced tape they show up as constant inputs, with their value). Inside
 * `traceTape`/`grad` every op is recorded, so the tape differentiates the expression.
 * Shapes broadcast like NumPy: with `z` of shape [400], `tanh(z)^2` has shape [400].
 * A subtree shared by several parents (in a hand-built tree) is evaluated once.
 * @param source the expression text (for messages) @param tree its syntax tree (from {@link parseExpr})
 * @param vars a `Map` from variable name to tensor @param options `onValue`, `overrides`
 * @returns the value, recorded on the tape when evaluated inside `traceTape`/`grad`
 * @throws ExprError for an undefined variable (its `variable` field names it) or function, or a core error
 *   re-thrown with the column of the op that raised it (an AnomalyError keeps its class, the column added);
 *   ArgumentError when `source`, `tree`, `vars` or `options` is not what it should be.
 * @example evaluateExpr('2*x', parseExpr('2*x'), new Map([['x', scalar(3)]])) // 6
 * @group Expressions
 */
export function evaluateExpr(source: string, tree: Expr, vars: ReadonlyMap<string, Tensor>, options?: EvaluateExprOptions): Tensor {
  if (typeof source !== 'string') throw new ArgumentError(`evaluateExpr: source must be the expression's text (a string), got ${describeValue(source)}`);
  if (!(vars instanceof Map)) throw new ArgumentError(`evaluateExpr: vars must be a Map from variable name to tensor, got ${describeValue(vars)}`);
  checkOptions('evaluateExpr', options, ['onValue', 'overrides']);
  const onValue: unknown = options?.onValue;
  const overrides: unknown = options?.overrides;
  if (onValue !== undefined && typeof onValue !== 'function') throw new ArgumentError(`evaluateExpr: options.onValue must be a function (e, value) => void, got ${describeValue(onValue)}`);
  if (overrides !== undefined && !(overrides instanceof Map)) throw new ArgumentError(`evaluateExpr: options.overrides must be a Map from subexpression to tensor, got ${describeValue(overrides)}`);
  checkExpr('evaluateExpr', tree);
  // A shared subtree is evaluated once, and so recorded once on the tape.
  const memo = new Map<Expr, Tensor>();
  if (overrides instanceof Map) {
    for (const [k, v] of overrides) {
      if (!isTensor(v)) throw new ArgumentError(`evaluateExpr: options.overrides must map subexpressions to tensors, got ${describeValue(v)}`);
      memo.set(k, v);
    }
  }
  const report = options?.onValue;
  const ev = (x: Expr): Tensor => {
    let v = memo.get(x);
    if (v === undefined) {
      memo.set(x, (v = node(x)));
      report?.(x, v);
    }
    return v;
  };
  const node = (x: Expr): Tensor => {
    switch (x.kind) {
      case 'num':
        return scalar(x.value);
      case 'var': {
        const v: unknown = vars.get(x.name);
        if (v === undefined) throw new ExprError(source, x.pos, `variable '${x.name}' has no value`, x.name);
        if (!isTensor(v)) throw new ArgumentError(`evaluateExpr: variable '${x.name}' must be a tensor, got ${describeValue(v)}`);
        return v;
      }
      case 'neg':
        return at(x.pos, () => neg(ev(x.x)));
      case 'bin': {
        const l = ev(x.l);
        const r = ev(x.r);
        const op = BINARY.get(x.op)!;
        return at(x.pos, () => op(l, r));
      }
      case 'call': {
        const fn = callable(source, x.pos, x.name, x.args.length);
        const args = x.args.map(ev);
        return at(x.pos, () => fn.call(args));
      }
    }
  };
  const at = (pos: number, f: () => Tensor): Tensor => {
    try {
      return f();
    } catch (err) {
      // An anomaly report (detectAnomaly) keeps its class and fields, with the column added; other core errors become ExprErrors.
      if (err instanceof AnomalyError) throw new AnomalyError(`${err.message}\n  where      at column ${pos + 1} of the expression`, err);
      if (err instanceof TapegradError && !(err instanceof ExprError)) throw new ExprError(source, pos, err.message);
      throw err;
    }
  };
  return ev(tree);
}

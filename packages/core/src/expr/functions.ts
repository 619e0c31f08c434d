/**
 * The functions an expression may call, each mapped to one core op (or a short composition).
 */
import { abs, cos, exp, log, log1p, maximum, minimum, mul, sin, sqrt, square, tanh } from '../ops/elementwise.js';
import { leakyRelu, relu, sigmoid, softplus } from '../ops/activation.js';
import { sum } from '../ops/structural.js';
import { logSumExp, max, min } from '../ops/reduce.js';
import { logSoftmax, mean, softmax } from '../ops/composite.js';
import { matmul } from '../ops/linalg.js';
import { type Tensor } from '../tensor.js';
import { ExprError } from './error.js';
import { ReadonlyTable } from './readonly-table.js';

/**
 * A function the expression language can call: its arity range `[min, max]`, its
 * implementation on tensors (recorded on the tape like any core op), and a one-line help.
 * @group Expressions
 */
export interface ExprFunction {
  readonly arity: readonly [number, number];
  readonly call: (args: readonly Tensor[]) => Tensor;
  readonly help: string;
  /** True when each output entry depends only on the same entry of the inputs (exp, maximum); false for reductions and mixes (sum, softmax, matmul). */
  readonly elementwise: boolean;
}

// Frozen (and their arity too), so that no importer can change what the language computes or how the playground classifies it.
const fn = (arity: readonly [number, number], call: ExprFunction['call'], help: string, elementwise: boolean): ExprFunction =>
  Object.freeze({ arity: Object.freeze(arity), call, help, elementwise });
const unary = (f: (x: Tensor) => Tensor, help: string, elementwise = true): ExprFunction => fn([1, 1], ([x]) => f(x!), help, elementwise);
const binary = (f: (a: Tensor, b: Tensor) => Tensor, help: string, elementwise = true): ExprFunction => fn([2, 2], ([a, b]) => f(a!, b!), help, elementwise);

/**
 * Functions an expression may call, by name. A read-only map (not a `Map`: it has no `set`,
 * `delete` or `clear`, and `Map.prototype.set` applied to it throws), so the language is the
 * same for every importer; a name like `constructor` or `__proto__` is simply unknown. The elementwise ones (exp … leakyRelu, maximum, minimum)
 * work on whole tensors entry by entry; sum … logSoftmax reduce or mix entries.
 * @group Expressions
 */
export const EXPR_FUNCTIONS: ReadonlyMap<string, ExprFunction> = new ReadonlyTable(Object.entries({
  exp: unary(exp, 'e^x'),
  log: unary(log, 'natural log'),
  log1p: unary(log1p, 'log(1 + x)'),
  sqrt: unary(sqrt, '√x'),
  abs: unary(abs, '|x|'),
  square: unary(square, 'x²'),
  sin: unary(sin, 'sine'),
  cos: unary(cos, 'cosine'),
  tanh: unary(tanh, 'hyperbolic tangent'),
  sigmoid: unary(sigmoid, '1 / (1 + e^-x)'),
  relu: unary(relu, 'max(x, 0)'),
  softplus: unary(softplus, 'log(1 + e^x)'),
  leakyRelu: unary((x) => leakyRelu(x), 'x if x > 0 else 0.01·x'),
  sum: unary((x) => sum(x), 'sum of all elements', false),
  mean: unary((x) => mean(x), 'mean of all elements', false),
  max: unary((x) => max(x), 'largest element', false),
  min: unary((x) => min(x), 'smallest element', false),
  logSumExp: unary((x) => logSumExp(x), 'log Σ e^x', false),
  softmax: unary((x) => softmax(x), 'e^x / Σ e^x (last axis)', false),
  logSoftmax: unary((x) => logSoftmax(x), 'x - logSumExp(x) (last axis)', false),
  maximum: binary(maximum, 'elementwise max(a, b)'),
  minimum: binary(minimum, 'elementwise min(a, b)'),
  matmul: binary((a, b) => matmul(a, b), 'matrix product, same as a @ b', false),
  dot: binary((a, b) => sum(mul(a, b)), 'Σ a·b', false),
}));

/**
 * The names of the functions an expression may call, in the order help lists them.
 * @example exprFunctionNames().slice(0, 3) // ['exp', 'log', 'log1p']
 * @group Expressions
 */
export function exprFunctionNames(): string[] {
  return [...EXPR_FUNCTIONS.keys()];
}

/**
 * @internal The function `name` at index `pos` of `source`, checked against `argCount` arguments when given.
 * @throws ExprError for an unknown name (listing the known ones) or a wrong number of arguments.
 */
export function callable(source: string, pos: number, name: string, argCount?: number): ExprFunction {
  const fn = EXPR_FUNCTIONS.get(name);
  if (fn === undefined) throw new ExprError(source, pos, `unknown function '${name}' (known: ${exprFunctionNames().join(', ')})`);
  const [lo, hi] = fn.arity;
  if (argCount !== undefined && (argCount < lo || argCount > hi)) {
    throw new ExprError(source, pos, `${name} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${argCount}`);
  }
  return fn;
}

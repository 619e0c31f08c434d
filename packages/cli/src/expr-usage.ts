/**
 * The expression language lives in core (`parseExpr`, `evaluateExpr`); this is how the CLI
 * reports its errors: under the command's option, with how to give a missing variable.
 */
import { ExprError } from '@tapegrad/core';
import { UsageError } from './errors.js';

/**
 * An `ExprError` as the CLI reports it: `<command> --expr: <rule> at column N`, the excerpt and
 * caret below, and for a variable with no value the `--var` that gives it one. Exit 2.
 * @param command the command, as messages name it (`graph`) @param err core's error
 * @example exprUsageError('graph', err).message // "graph --expr: variable 'z' has no value; pass --var z=<number or list> at column 5\n  x + z\n      ^"
 */
export function exprUsageError(command: string, err: ExprError): UsageError {
  const hint = err.variable === null ? '' : `; pass --var ${err.variable}=<number or list>`;
  const [, ...excerpt] = err.message.split('\n');
  return new UsageError([`${command} --expr: ${err.rule}${hint} at column ${err.column}`, ...excerpt].join('\n'));
}

/**
 * Runs `f`, re-raising an `ExprError` as {@link exprUsageError} does; other errors pass through.
 * @param command the command, as messages name it @param f the parse, trace or walk-through
 * @returns what f returns
 * @example withExprErrors('graph', () => traceExpression('x +', ['x=1'])) // throws UsageError "graph --expr: expected ..."
 */
export function withExprErrors<T>(command: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ExprError) throw exprUsageError(command, e);
    throw e;
  }
}

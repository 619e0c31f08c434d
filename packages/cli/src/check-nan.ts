/**
 * `--check-nan` (train and graph): core's anomaly mode around a command's computation, its
 * report re-raised under the option's name so the CLI's error output says which option spoke.
 */
import { AnomalyError, detectAnomaly } from '@tapegrad/core';

/**
 * Runs `fn` in core's anomaly mode (`detectAnomaly`); an `AnomalyError` is re-raised with the
 * same fields and `option` in place of `detectAnomaly` at the start of its message
 * (`tapegrad graph --check-nan: the backward pass of sqrt ...`), which the CLI maps to exit code 2.
 * @param option the command and option, as messages name them @param fn the computation to watch
 * @returns what fn returns
 * @example checkingNan('tapegrad graph --check-nan', () => traceExpression('log(x)', ['x=0'])) // throws AnomalyError
 */
export function checkingNan<T>(option: string, fn: () => T): T {
  try {
    return detectAnomaly(fn);
  } catch (e) {
    if (e instanceof AnomalyError) throw new AnomalyError(`${option}: ${e.message.replace(/^detectAnomaly: /, '')}`, e);
    throw e;
  }
}

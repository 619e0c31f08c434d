/**
 * Ops composed from primitives, with no kernel of their own: mean, softmax, logSoftmax.
 * The top layer: they import the families below and nothing imports them but the index.
 */
import { noGrad } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { axesOf } from './axes.js';
import { sum } from './structural.js';
import { div, exp, sub } from './elementwise.js';
import { logSumExp, max } from './reduce.js';

/** Arithmetic mean over `axes` (default: all). */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const a = axesOf('mean', axes, x.shape.length);
  let count = 1;
  for (const i of a) count *= x.shape[i]!;
  return div(sum(x, a, keepDims), count);
}

// Both shift by the row max m first, as a constant (the result does not depend on it, so
// neither does any derivative). x - m is exact near the max, so 1e3-scale logits keep full
// relative precision; x - logSumExp(x) would round through 1e3-scale numbers (ulp 1e-13).

/** `(x - m) - log Σ e^(x - m)` along `axis` (default: last), m the max; stable for any magnitude. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const z = sub(x, noGrad(() => max(x, axis, true)));
  return sub(z, logSumExp(z, axis, true));
}

/** `e^(x - m) / Σ e^(x - m)` along `axis` (default: last), m the max, so it never overflows. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const e = exp(sub(x, noGrad(() => max(x, axis, true))));
  return div(e, sum(e, axis, true));
}

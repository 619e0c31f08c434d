/**
 * Ops composed from primitives, with no kernel of their own: mean, softmax, logSoftmax.
 * The top layer: they import the families below and nothing imports them but the index.
 */
import { noGrad } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { checkNonEmptyAxes, reduceAttrs } from './axes.js';
import { sum } from './structural.js';
import { div, exp, sub } from './elementwise.js';
import { logSumExp, max } from './reduce.js';

/**
 * Arithmetic mean over `axes` (default: all). An empty axis gives NaN (0/0), as in NumPy and PyTorch.
 * @throws ArgumentError / ShapeError naming `mean` for a bad x, axis or keepDims.
 * @group Ops: reductions
 */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const { axes: a, keepDims: k } = reduceAttrs('mean', x, axes, keepDims);
  let count = 1;
  for (const i of a) count *= x.shape[i]!;
  return div(sum(x, a, k), count);
}

// Both shift by the row max m first, as a constant (the result does not depend on it, so
// neither does any derivative). x - m is exact near the max, so 1e3-scale logits keep full
// relative precision; x - logSumExp(x) would round through 1e3-scale numbers (ulp 1e-13).

/** The axis of softmax/logSoftmax, checked and reported under the name the user called. */
function softmaxAxes(op: string, x: Tensor, axis: unknown): readonly number[] {
  const { axes } = reduceAttrs(op, x, axis, false);
  checkNonEmptyAxes(op, x.shape, axes);
  return axes;
}

/**
 * `(x - m) - log Σ e^(x - m)` along `axis` (default: last), m the max; stable for any magnitude.
 * @throws ShapeError for an axis out of range or of size 0.
 * @group Ops: activations
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = softmaxAxes('logSoftmax', x, axis);
  const z = sub(x, noGrad(() => max(x, a, true)));
  return sub(z, logSumExp(z, a, true));
}

/**
 * `e^(x - m) / Σ e^(x - m)` along `axis` (default: last), m the max, so it never overflows.
 * @throws ShapeError for an axis out of range or of size 0.
 * @group Ops: activations
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = softmaxAxes('softmax', x, axis);
  const e = exp(sub(x, noGrad(() => max(x, a, true))));
  return div(e, sum(e, a, true));
}

/**
 * Reductions besides sum (which is structural): max, min and logSumExp over any axes,
 * with keepDims. Imports the structural, compare and elementwise families.
 */
import { sizeOf, type Shape } from '../shape.js';
import { apply, defineOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { extremumKernel, logSumExpKernel } from '../kernels/reduce.js';
import { type Unary } from './define.js';
import { type ReduceAttrs, reduceAttrs, reduceShape } from './axes.js';
import { expandBack, sum } from './structural.js';
import { equal } from './compare.js';
import { div, exp, mul, sub } from './elementwise.js';

export type { ReduceAttrs } from './axes.js';

// The gradient of max/min is split evenly between tied extrema (as PyTorch's amax does).
function extremumVjp(g: Tensor, x: Tensor, out: Tensor, shape: Shape, attrs: ReduceAttrs): Tensor {
  const mask = equal(x, expandBack(out, shape, attrs));
  const count = sum(mask, attrs.axes, true);
  return mul(expandBack(g, shape, attrs), div(mask, count));
}

export const maxOp = defineOp<Unary, ReduceAttrs, 'x', 'x' | 'out'>({
  name: 'max',
  inputs: ['x'],
  saves: ['x', 'out'],
  rules: {
    x: { text: '∂/∂x max(x) = 1 at the maximum, else 0 (ties share it evenly): g broadcast back to the maxima', tex: String.raw`\frac{\partial}{\partial x}\max(x) = [x = \max(x)] / \#\text{ties}:\ g \text{ broadcast back to the maxima}` },
  },
  shape: reduceShape('max'),
  into: (xs, { axes }, _outShape, out) => extremumKernel(1, xs[0].data, xs[0].shape, axes, out),
  vjp: { x: (g, { saved: { x, out }, shapes: [sx], attrs }) => extremumVjp(g, x, out, sx!, attrs) },
});
/**
 * Maximum over `axes` (default: all; NaN propagates); ties share the gradient evenly.
 * @group Ops: reductions
 */
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return apply(maxOp, [x], reduceAttrs('max', x, axes, keepDims));
}

export const minOp = defineOp<Unary, ReduceAttrs, 'x', 'x' | 'out'>({
  name: 'min',
  inputs: ['x'],
  saves: ['x', 'out'],
  rules: {
    x: { text: '∂/∂x min(x) = 1 at the minimum, else 0 (ties share it evenly): g broadcast back to the minima', tex: String.raw`\frac{\partial}{\partial x}\min(x) = [x = \min(x)] / \#\text{ties}:\ g \text{ broadcast back to the minima}` },
  },
  shape: reduceShape('min'),
  into: (xs, { axes }, _outShape, out) => extremumKernel(-1, xs[0].data, xs[0].shape, axes, out),
  vjp: { x: (g, { saved: { x, out }, shapes: [sx], attrs }) => extremumVjp(g, x, out, sx!, attrs) },
});
/**
 * Minimum over `axes` (default: all; NaN propagates); ties share the gradient evenly.
 * @group Ops: reductions
 */
export function min(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return apply(minOp, [x], reduceAttrs('min', x, axes, keepDims));
}

export const logSumExpOp = defineOp<Unary, ReduceAttrs, 'x', 'x' | 'out'>({
  name: 'logSumExp',
  inputs: ['x'],
  saves: ['x', 'out'],
  rules: {
    x: { text: '∂/∂x ln Σ eˣ = softmax(x) = e^(x − out): g broadcast back over the reduced axes, times softmax(x)', tex: String.raw`\frac{\partial}{\partial x}\ln \textstyle\sum e^x = \operatorname{softmax}(x) = e^{x - \mathrm{out}}` },
  },
  shape: reduceShape('logSumExp'),
  into: (xs, { axes }, _outShape, out) => logSumExpKernel(xs[0].data, xs[0].shape, axes, out),
  // ∂/∂x_i log Σ e^x = softmax(x)_i = e^(x_i - out)
  vjp: { x: (g, { saved: { x, out }, shapes: [sx], attrs }) => mul(expandBack(g, sx!, attrs), exp(sub(x, expandBack(out, sx!, attrs)))) },
});
/**
 * `log Σ exp(x)` over `axes` (default: all), computed stably.
 * @group Ops: reductions
 */
export function logSumExp(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return apply(logSumExpOp, [x], reduceAttrs('logSumExp', x, axes, keepDims));
}

/** This family's slice of the op table. */
export const reduceOps = { max: maxOp, min: minOp, logSumExp: logSumExpOp } as const;

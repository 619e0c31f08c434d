/**
 * Comparisons and selection. Comparisons return 0/1 masks and have no gradient
 * (they are piecewise constant); `where` selects between two tensors by a mask.
 * Imports only the structural family (sumTo), so arithmetic can build on these.
 */
import { broadcastShapes, sizeOf, type Shape } from '../shape.js';
import { apply, defineOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { forEachRow } from '../kernels/strided.js';
import { binaryOp, unaryOp, lift, type TensorLike } from './define.js';
import { sumTo } from './structural.js';

const noGradient = { a: null, b: null } as const;

export const greaterOp = binaryOp({
  name: 'greater',
  saves: [],
  rules: {
    a: { text: '∂/∂a [a > b]: none (a 0/1 mask, piecewise constant)', tex: String.raw`\frac{\partial}{\partial a}[a > b]:\ \text{none (a 0/1 mask, piecewise constant)}` },
    b: { text: '∂/∂b [a > b]: none (a 0/1 mask, piecewise constant)', tex: String.raw`\frac{\partial}{\partial b}[a > b]:\ \text{none (a 0/1 mask, piecewise constant)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! > b[bi + k * sb]! ? 1 : 0;
  },
  vjp: noGradient,
});
/**
 * `a > b` as a 0/1 mask, broadcasting. No gradient.
 * @group Ops: comparison
 */
export const greater = (a: TensorLike, b: TensorLike): Tensor => apply(greaterOp, [lift(a), lift(b)], undefined);
/**
 * `a < b` as a 0/1 mask (that is, `b > a`). No gradient.
 * @group Ops: comparison
 */
export const less = (a: TensorLike, b: TensorLike): Tensor => greater(b, a);

export const greaterEqualOp = binaryOp({
  name: 'greaterEqual',
  saves: [],
  rules: {
    a: { text: '∂/∂a [a ≥ b]: none (a 0/1 mask, piecewise constant)', tex: String.raw`\frac{\partial}{\partial a}[a \ge b]:\ \text{none (a 0/1 mask, piecewise constant)}` },
    b: { text: '∂/∂b [a ≥ b]: none (a 0/1 mask, piecewise constant)', tex: String.raw`\frac{\partial}{\partial b}[a \ge b]:\ \text{none (a 0/1 mask, piecewise constant)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! >= b[bi + k * sb]! ? 1 : 0;
  },
  vjp: noGradient,
});
/**
 * `a >= b` as a 0/1 mask, broadcasting. No gradient.
 * @group Ops: comparison
 */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => apply(greaterEqualOp, [lift(a), lift(b)], undefined);
/**
 * `a <= b` as a 0/1 mask (that is, `b >= a`). No gradient.
 * @group Ops: comparison
 */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => greaterEqual(b, a);

export const equalOp = binaryOp({
  name: 'equal',
  saves: [],
  rules: {
    a: { text: '∂/∂a [a = b]: none (a 0/1 mask, piecewise constant)', tex: String.raw`\frac{\partial}{\partial a}[a = b]:\ \text{none (a 0/1 mask, piecewise constant)}` },
    b: { text: '∂/∂b [a = b]: none (a 0/1 mask, piecewise constant)', tex: String.raw`\frac{\partial}{\partial b}[a = b]:\ \text{none (a 0/1 mask, piecewise constant)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! === b[bi + k * sb]! ? 1 : 0;
  },
  vjp: noGradient,
});
/**
 * `a == b` as a 0/1 mask. No gradient.
 * @group Ops: comparison
 */
export const equal = (a: TensorLike, b: TensorLike): Tensor => apply(equalOp, [lift(a), lift(b)], undefined);

/** Heaviside step `x > 0 ? 1 : 0`: relu's derivative. */
export const stepOp = unaryOp({
  name: 'step',
  saves: [],
  rule: { text: '∂/∂x [x > 0]: none (piecewise constant)', tex: String.raw`\frac{\partial}{\partial x}[x > 0]:\ \text{none (piecewise constant)}` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = x[i]! > 0 ? 1 : 0;
  },
  vjp: null,
});
/**
 * `x > 0 ? 1 : 0`. No gradient.
 * @group Ops: comparison
 */
export const step = (x: TensorLike): Tensor => apply(stepOp, [lift(x)], undefined);

export const signOp = unaryOp({
  name: 'sign',
  saves: [],
  rule: { text: '∂/∂x sign(x): none (piecewise constant)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{sign}(x):\ \text{none (piecewise constant)}` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.sign(x[i]!);
  },
  vjp: null,
});
/**
 * -1, 0 or 1 (NaN stays NaN). No gradient.
 * @group Ops: comparison
 */
export const sign = (x: TensorLike): Tensor => apply(signOp, [lift(x)], undefined);

/**
 * Inputs of `where`: the mask and the two sides.
 * @group Ops: comparison
 */
export type Where = readonly [Tensor, Tensor, Tensor];

export const whereOp = defineOp<Where, undefined, 'cond' | 'a' | 'b', 'cond'>({
  name: 'where',
  inputs: ['cond', 'a', 'b'],
  saves: ['cond'],
  rules: {
    cond: { text: '∂/∂cond: none (a mask)', tex: String.raw`\frac{\partial}{\partial \mathrm{cond}}:\ \text{none (a mask)}` },
    a: { text: '∂/∂a where(cond, a, b) = 1 where cond ≠ 0, else 0, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}\operatorname{where}(c, a, b) = [c \ne 0]\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b where(cond, a, b) = 1 where cond = 0, else 0, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}\operatorname{where}(c, a, b) = [c = 0]\quad\text{(summed over broadcast axes)}` },
  },
  shape: (shapes): Shape => broadcastShapes('where', shapes),
  into: ([c, a, b], _attrs, outShape, out) => {
    const cd = c.data;
    const ad = a.data;
    const bd = b.data;
    forEachRow(outShape, [c.shape, a.shape, b.shape], (off, st, oi, n) => {
      const [ci, ai, bi] = off as [number, number, number];
      const [sc, sa, sb] = st as [number, number, number];
      for (let k = 0; k < n; k++) out[oi + k] = cd[ci + k * sc]! !== 0 ? ad[ai + k * sa]! : bd[bi + k * sb]!;
    });
  },
  vjp: {
    cond: null,
    a: (g, { saved: { cond }, shapes: [, sa] }) => sumTo(where(cond, g, 0), sa!),
    b: (g, { saved: { cond }, shapes: [, , sb] }) => sumTo(where(cond, 0, g), sb!),
  },
});
/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere; all three broadcast together.
 * Differentiable in `a` and `b`, not in `cond`.
 * @example where(greater(x, 0), x, 0) // relu
 * @group Ops: comparison
 */
export const where = (cond: TensorLike, a: TensorLike, b: TensorLike): Tensor => apply(whereOp, [lift(cond), lift(a), lift(b)], undefined);

/** This family's slice of the op table. */
export const compareOps = { greater: greaterOp, greaterEqual: greaterEqualOp, equal: equalOp, step: stepOp, sign: signOp, where: whereOp } as const;

/**
 * Comparisons and selection. Comparisons return 0/1 masks and have no gradient
 * (they are piecewise constant); `where` selects between two tensors by a mask.
 */
import { broadcastShapes, sizeOf, type Shape } from '../shape.js';
import { apply, type KernelOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { forEachRow } from '../kernels/strided.js';
import { binaryOp, unaryOp, lift, type TensorLike } from './define.js';
import { sumTo } from './reshape.js';

const noGradient = { a: null, b: null };

export const greaterOp = binaryOp({
  name: 'greater',
  saves: [],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! > b[bi + k * sb]! ? 1 : 0;
  },
  vjp: noGradient,
});

export const greaterEqualOp = binaryOp({
  name: 'greaterEqual',
  saves: [],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! >= b[bi + k * sb]! ? 1 : 0;
  },
  vjp: noGradient,
});

export const equalOp = binaryOp({
  name: 'equal',
  saves: [],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! === b[bi + k * sb]! ? 1 : 0;
  },
  vjp: noGradient,
});

/** Heaviside step `x > 0 ? 1 : 0`: relu's derivative. */
export const stepOp = unaryOp({
  name: 'step',
  saves: [],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = x[i]! > 0 ? 1 : 0;
  },
  vjp: null,
});

export const signOp = unaryOp({
  name: 'sign',
  saves: [],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.sign(x[i]!);
  },
  vjp: null,
});

/** Inputs of `where`: the mask and the two sides. */
export type Where = readonly [Tensor, Tensor, Tensor];

export const whereOp: KernelOp<Where, undefined> = {
  name: 'where',
  inputs: ['cond', 'a', 'b'],
  saves: ['cond'],
  shape: (shapes): Shape => broadcastShapes('where', shapes),
  forward: ([c, a, b], _attrs, outShape) => {
    const out = new Float64Array(sizeOf(outShape));
    const cd = c.data;
    const ad = a.data;
    const bd = b.data;
    forEachRow(outShape, [c.shape, a.shape, b.shape], (off, st, oi, n) => {
      const [ci, ai, bi] = off as [number, number, number];
      const [sc, sa, sb] = st as [number, number, number];
      for (let k = 0; k < n; k++) out[oi + k] = cd[ci + k * sc]! !== 0 ? ad[ai + k * sa]! : bd[bi + k * sb]!;
    });
    return out;
  },
  vjp: {
    cond: null,
    a: (g, { inputs: [c, a] }) => sumTo(where(c, g, 0), a.shape),
    b: (g, { inputs: [c, , b] }) => sumTo(where(c, 0, g), b.shape),
  },
};

/** `a > b` as a 0/1 mask, broadcasting. No gradient. */
export const greater = (a: TensorLike, b: TensorLike): Tensor => apply(greaterOp, [lift(a), lift(b)], undefined);
/** `a >= b` as a 0/1 mask, broadcasting. No gradient. */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => apply(greaterEqualOp, [lift(a), lift(b)], undefined);
/** `a < b` as a 0/1 mask (that is, `b > a`). No gradient. */
export const less = (a: TensorLike, b: TensorLike): Tensor => greater(b, a);
/** `a <= b` as a 0/1 mask (that is, `b >= a`). No gradient. */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => greaterEqual(b, a);
/** `a == b` as a 0/1 mask. No gradient. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => apply(equalOp, [lift(a), lift(b)], undefined);
/** `x > 0 ? 1 : 0`. No gradient. */
export const step = (x: TensorLike): Tensor => apply(stepOp, [lift(x)], undefined);
/** -1, 0 or 1 (NaN stays NaN). No gradient. */
export const sign = (x: TensorLike): Tensor => apply(signOp, [lift(x)], undefined);

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere; all three broadcast together.
 * Differentiable in `a` and `b`, not in `cond`.
 * @example where(greater(x, 0), x, 0) // relu
 */
export const where = (cond: TensorLike, a: TensorLike, b: TensorLike): Tensor =>
  apply(whereOp, [lift(cond), lift(a), lift(b)], undefined);

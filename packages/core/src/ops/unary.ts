/** Elementwise math: neg, abs, exp, log, log1p, sqrt, square, sin, cos, tanh (and tanhGrad, its fused VJP). */
import { apply } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { unaryOp, binaryOp, lift, type TensorLike } from './define.js';
import { add, mul, div } from './arithmetic.js';
import { sumTo } from './reshape.js';
import { sign } from './compare.js';

export const negOp = unaryOp({
  name: 'neg',
  saves: [],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = -x[i]!;
  },
  vjp: (g) => neg(g),
});

// |x|' = sign(x), taking the subgradient 0 at x = 0.
export const absOp = unaryOp({
  name: 'abs',
  saves: ['x'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]!);
  },
  vjp: (g, { inputs: [x] }) => mul(g, sign(x)),
});

export const expOp = unaryOp({
  name: 'exp',
  saves: ['out'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]!);
  },
  vjp: (g, { out }) => mul(g, out),
});

export const logOp = unaryOp({
  name: 'log',
  saves: ['x'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]!);
  },
  vjp: (g, { inputs: [x] }) => div(g, x),
});

export const log1pOp = unaryOp({
  name: 'log1p',
  saves: ['x'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.log1p(x[i]!);
  },
  vjp: (g, { inputs: [x] }) => div(g, add(x, 1)),
});

export const sqrtOp = unaryOp({
  name: 'sqrt',
  saves: ['out'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]!);
  },
  // (√x)' = 1 / (2√x)
  vjp: (g, { out }) => div(g, mul(out, 2)),
});

export const squareOp = unaryOp({
  name: 'square',
  saves: ['x'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = x[i]! * x[i]!;
  },
  vjp: (g, { inputs: [x] }) => mul(g, mul(x, 2)),
});

export const sinOp = unaryOp({
  name: 'sin',
  saves: ['x'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.sin(x[i]!);
  },
  vjp: (g, { inputs: [x] }) => mul(g, cos(x)),
});

export const cosOp = unaryOp({
  name: 'cos',
  saves: ['x'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.cos(x[i]!);
  },
  vjp: (g, { inputs: [x] }) => neg(mul(g, sin(x))),
});

export const tanhOp = unaryOp({
  name: 'tanh',
  saves: ['out'],
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i]!);
  },
  // tanh' = 1 - tanh², fused into one pass (tanhGrad) since every tanh layer's backward runs it
  vjp: (g, { out }) => tanhGrad(g, out),
});

// g ⊙ (1 - y²): tanh's VJP as one kernel instead of three ops (y², 1 - ·, g ⊙ ·).
export const tanhGradOp = binaryOp({
  name: 'tanhGrad',
  saves: ['a', 'b'],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const y = b[bi + k * sb]!;
      o[oi + k] = a[ai + k * sa]! * (1 - y * y);
    }
  },
  vjp: {
    // ∂/∂g = 1 - y²; ∂/∂y = -2 g y
    a: (gg, { inputs: [a, b] }) => sumTo(tanhGrad(gg, b), a.shape),
    b: (gg, { inputs: [a, b] }) => sumTo(mul(gg, mul(a, mul(b, -2))), b.shape),
  },
});

/** `-x`. @param x any shape @returns same shape */
export const neg = (x: TensorLike): Tensor => apply(negOp, [lift(x)], undefined);
/** `|x|`; gradient sign(x), 0 at 0. */
export const abs = (x: TensorLike): Tensor => apply(absOp, [lift(x)], undefined);
/** `e^x`. */
export const exp = (x: TensorLike): Tensor => apply(expOp, [lift(x)], undefined);
/** Natural log (NaN below 0, -Infinity at 0). */
export const log = (x: TensorLike): Tensor => apply(logOp, [lift(x)], undefined);
/** `ln(1 + x)`, accurate near 0. */
export const log1p = (x: TensorLike): Tensor => apply(log1pOp, [lift(x)], undefined);
/** `√x`. */
export const sqrt = (x: TensorLike): Tensor => apply(sqrtOp, [lift(x)], undefined);
/** `x²`. */
export const square = (x: TensorLike): Tensor => apply(squareOp, [lift(x)], undefined);
/** `sin x`. */
export const sin = (x: TensorLike): Tensor => apply(sinOp, [lift(x)], undefined);
/** `cos x`. */
export const cos = (x: TensorLike): Tensor => apply(cosOp, [lift(x)], undefined);
/** `tanh x`. */
export const tanh = (x: TensorLike): Tensor => apply(tanhOp, [lift(x)], undefined);
/** `g ⊙ (1 - y²)`: the VJP of tanh given its output `y`, as one op (broadcasting). */
export const tanhGrad = (g: TensorLike, y: TensorLike): Tensor => apply(tanhGradOp, [lift(g), lift(y)], undefined);

/**
 * Elementwise arithmetic and math: add, sub, mul, div, pow, maximum, minimum (broadcasting),
 * neg, abs, exp, log, log1p, sqrt, square, sin, cos, tanh, and tanhGrad (tanh's fused VJP).
 * One family because their VJPs are written with each other. Every broadcasting VJP ends in
 * `sumTo`, the one place broadcasting is undone. Imports the structural and compare families.
 */
import { apply } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { binaryOp, unaryOp, lift, type TensorLike } from './define.js';
import { sumTo } from './structural.js';
import { equal, greater, greaterEqual, less, lessEqual, sign, where } from './compare.js';

// ---------------------------------------------------------------- arithmetic

export const addOp = binaryOp({
  name: 'add',
  saves: [],
  rules: {
    a: { text: '∂/∂a (a + b) = 1, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}(a + b) = 1\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b (a + b) = 1, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}(a + b) = 1\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! + b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { shapes: [sa] }) => sumTo(g, sa!),
    b: (g, { shapes: [, sb] }) => sumTo(g, sb!),
  },
});
/**
 * `a + b`, broadcasting. @param a any shape @param b broadcastable with a @returns the broadcast shape
 * @group Ops: elementwise
 */
export const add = (a: TensorLike, b: TensorLike): Tensor => apply(addOp, [lift(a), lift(b)], undefined);

export const subOp = binaryOp({
  name: 'sub',
  saves: [],
  rules: {
    a: { text: '∂/∂a (a − b) = 1, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}(a - b) = 1\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b (a − b) = −1, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}(a - b) = -1\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! - b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { shapes: [sa] }) => sumTo(g, sa!),
    b: (g, { shapes: [, sb] }) => sumTo(neg(g), sb!),
  },
});
/**
 * `a - b`, broadcasting.
 * @group Ops: elementwise
 */
export const sub = (a: TensorLike, b: TensorLike): Tensor => apply(subOp, [lift(a), lift(b)], undefined);

export const mulOp = binaryOp({
  name: 'mul',
  saves: ['a', 'b'],
  rules: {
    a: { text: '∂/∂a (a·b) = b, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}(a \cdot b) = b\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b (a·b) = a, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}(a \cdot b) = a\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! * b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { saved: { b }, shapes: [sa] }) => sumTo(mul(g, b), sa!),
    b: (g, { saved: { a }, shapes: [, sb] }) => sumTo(mul(g, a), sb!),
  },
});
/**
 * `a * b` elementwise, broadcasting.
 * @group Ops: elementwise
 */
export const mul = (a: TensorLike, b: TensorLike): Tensor => apply(mulOp, [lift(a), lift(b)], undefined);

export const divOp = binaryOp({
  name: 'div',
  saves: ['b', 'out'],
  rules: {
    a: { text: '∂/∂a (a/b) = 1/b, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}\frac{a}{b} = \frac{1}{b}\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b (a/b) = −a/b², summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}\frac{a}{b} = -\frac{a}{b^2}\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! / b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { saved: { b }, shapes: [sa] }) => sumTo(div(g, b), sa!),
    // d(a/b)/db = -a/b^2 = -out/b
    b: (g, { saved: { b, out }, shapes: [, sb] }) => sumTo(neg(mul(g, div(out, b))), sb!),
  },
});
/**
 * `a / b` elementwise, broadcasting.
 * @group Ops: elementwise
 */
export const div = (a: TensorLike, b: TensorLike): Tensor => apply(divOp, [lift(a), lift(b)], undefined);

export const powOp = binaryOp({
  name: 'pow',
  saves: ['a', 'b', 'out'],
  rules: {
    a: { text: '∂/∂a aᵇ = b·aᵇ⁻¹ (0 where a = 0 and b = 0), summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}a^b = b\,a^{b-1}\ (0 \text{ where } a = 0,\ b = 0)\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b aᵇ = aᵇ·ln a (0 where a = 0 and b ≥ 0), summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}a^b = a^b \ln a\ (0 \text{ where } a = 0,\ b \ge 0)\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = Math.pow(a[ai + k * sa]!, b[bi + k * sb]!);
  },
  vjp: {
    // d(a^b)/da = b a^(b-1), and 0 where a = 0 and b = 0: a^0 = 1 is constant in a, so there
    // the rule's 0·0^-1 = 0·∞ = NaN is replaced by 0 (masking only that point keeps the rule
    // differentiable in b at b = 0 elsewhere, for grad of grad), as PyTorch's pow_backward
    // (masked_fill_(exponent == 0, 0)) and JAX do. Elsewhere at a = 0 the rule stands:
    // b = 1 gives 1, b = 2 gives 0, b = 0.5 gives ∞ (PyTorch agrees on each).
    a: (g, { saved: { a, b }, shapes: [sa] }) => sumTo(mul(g, where(mul(equal(a, 0), equal(b, 0)), 0, mul(b, pow(a, sub(b, 1))))), sa!),
    // d(a^b)/db = a^b ln a: NaN for a < 0, where the real power has no derivative in b.
    // At a = 0 and b >= 0 it is 0, not 0·ln 0 = NaN: PyTorch's pow_backward_exponent masks
    // exactly (base == 0) & (exponent >= 0) to 0 (JAX likewise); take ln 1 there. At a = 0
    // and b < 0 the formula's ∞·(-∞) = -∞ stands, as in PyTorch.
    b: (g, { saved: { a, b, out }, shapes: [, sb] }) =>
      sumTo(mul(g, mul(out, log(where(mul(equal(a, 0), greaterEqual(b, 0)), 1, a)))), sb!),
  },
});
/**
 * `a ** b` elementwise, broadcasting. The gradient in `a` is `b·a^(b-1)`, and 0 wherever b = 0
 * (also at a = 0, as in PyTorch and JAX); the gradient in `b` is `a^b ln a`: NaN where `a < 0`,
 * 0 where `a = 0` and `b >= 0`.
 * @group Ops: elementwise
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor => apply(powOp, [lift(a), lift(b)], undefined);

// Ties: maximum sends the whole gradient to `a` where a == b (and minimum likewise),
// as TensorFlow does; one side of the subgradient, never both.
export const maximumOp = binaryOp({
  name: 'maximum',
  saves: ['a', 'b'],
  rules: {
    a: { text: '∂/∂a max(a, b) = 1 where a ≥ b, else 0 (ties go to a), summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}\max(a, b) = [a \ge b]\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b max(a, b) = 1 where a < b, else 0, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}\max(a, b) = [a < b]\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const x = a[ai + k * sa]!;
      const y = b[bi + k * sb]!;
      o[oi + k] = x >= y || x !== x ? x : y;
    }
  },
  vjp: {
    a: (g, { saved: { a, b }, shapes: [sa] }) => sumTo(mul(g, greaterEqual(a, b)), sa!),
    b: (g, { saved: { a, b }, shapes: [, sb] }) => sumTo(mul(g, less(a, b)), sb!),
  },
});
/**
 * Elementwise max (NaN propagates); at ties the gradient goes to `a`.
 * @group Ops: elementwise
 */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => apply(maximumOp, [lift(a), lift(b)], undefined);

export const minimumOp = binaryOp({
  name: 'minimum',
  saves: ['a', 'b'],
  rules: {
    a: { text: '∂/∂a min(a, b) = 1 where a ≤ b, else 0 (ties go to a), summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}\min(a, b) = [a \le b]\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b min(a, b) = 1 where a > b, else 0, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}\min(a, b) = [a > b]\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const x = a[ai + k * sa]!;
      const y = b[bi + k * sb]!;
      o[oi + k] = x <= y || x !== x ? x : y;
    }
  },
  vjp: {
    a: (g, { saved: { a, b }, shapes: [sa] }) => sumTo(mul(g, lessEqual(a, b)), sa!),
    b: (g, { saved: { a, b }, shapes: [, sb] }) => sumTo(mul(g, greater(a, b)), sb!),
  },
});
/**
 * Elementwise min (NaN propagates); at ties the gradient goes to `a`.
 * @group Ops: elementwise
 */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => apply(minimumOp, [lift(a), lift(b)], undefined);

// ---------------------------------------------------------------- math

export const negOp = unaryOp({
  name: 'neg',
  saves: [],
  rule: { text: '∂/∂x (−x) = −1', tex: String.raw`\frac{\partial}{\partial x}(-x) = -1` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = -x[i]!;
  },
  vjp: (g) => neg(g),
});
/**
 * `-x`. @param x any shape @returns same shape
 * @group Ops: elementwise
 */
export const neg = (x: TensorLike): Tensor => apply(negOp, [lift(x)], undefined);

// |x|' = sign(x), taking the subgradient 0 at x = 0.
export const absOp = unaryOp({
  name: 'abs',
  saves: ['x'],
  rule: { text: '∂/∂x |x| = sign(x) (0 at x = 0)', tex: String.raw`\frac{\partial}{\partial x}|x| = \operatorname{sign}(x)\ (0 \text{ at } x = 0)` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]!);
  },
  vjp: (g, { saved: { x } }) => mul(g, sign(x)),
});
/**
 * `|x|`; gradient sign(x), 0 at 0.
 * @group Ops: elementwise
 */
export const abs = (x: TensorLike): Tensor => apply(absOp, [lift(x)], undefined);

export const expOp = unaryOp({
  name: 'exp',
  saves: ['out'],
  rule: { text: '∂/∂x eˣ = eˣ', tex: String.raw`\frac{\partial}{\partial x}e^x = e^x` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]!);
  },
  vjp: (g, { saved: { out } }) => mul(g, out),
});
/**
 * `e^x`.
 * @group Ops: elementwise
 */
export const exp = (x: TensorLike): Tensor => apply(expOp, [lift(x)], undefined);

export const logOp = unaryOp({
  name: 'log',
  saves: ['x'],
  rule: { text: '∂/∂x ln x = 1/x', tex: String.raw`\frac{\partial}{\partial x}\ln x = \frac{1}{x}` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]!);
  },
  vjp: (g, { saved: { x } }) => div(g, x),
});
/**
 * Natural log (NaN below 0, -Infinity at 0).
 * @group Ops: elementwise
 */
export const log = (x: TensorLike): Tensor => apply(logOp, [lift(x)], undefined);

export const log1pOp = unaryOp({
  name: 'log1p',
  saves: ['x'],
  rule: { text: '∂/∂x ln(1 + x) = 1/(1 + x)', tex: String.raw`\frac{\partial}{\partial x}\ln(1 + x) = \frac{1}{1 + x}` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.log1p(x[i]!);
  },
  vjp: (g, { saved: { x } }) => div(g, add(x, 1)),
});
/**
 * `ln(1 + x)`, accurate near 0.
 * @group Ops: elementwise
 */
export const log1p = (x: TensorLike): Tensor => apply(log1pOp, [lift(x)], undefined);

export const sqrtOp = unaryOp({
  name: 'sqrt',
  saves: ['out'],
  rule: { text: '∂/∂x √x = 1/(2√x)', tex: String.raw`\frac{\partial}{\partial x}\sqrt{x} = \frac{1}{2\sqrt{x}}` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]!);
  },
  // (√x)' = 1 / (2√x)
  vjp: (g, { saved: { out } }) => div(g, mul(out, 2)),
});
/**
 * `√x`.
 * @group Ops: elementwise
 */
export const sqrt = (x: TensorLike): Tensor => apply(sqrtOp, [lift(x)], undefined);

export const squareOp = unaryOp({
  name: 'square',
  saves: ['x'],
  rule: { text: '∂/∂x x² = 2x', tex: String.raw`\frac{\partial}{\partial x}x^2 = 2x` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = x[i]! * x[i]!;
  },
  vjp: (g, { saved: { x } }) => mul(g, mul(x, 2)),
});
/**
 * `x²`.
 * @group Ops: elementwise
 */
export const square = (x: TensorLike): Tensor => apply(squareOp, [lift(x)], undefined);

export const sinOp = unaryOp({
  name: 'sin',
  saves: ['x'],
  rule: { text: '∂/∂x sin(x) = cos(x)', tex: String.raw`\frac{\partial}{\partial x}\sin(x) = \cos(x)` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.sin(x[i]!);
  },
  vjp: (g, { saved: { x } }) => mul(g, cos(x)),
});
/**
 * `sin x`.
 * @group Ops: elementwise
 */
export const sin = (x: TensorLike): Tensor => apply(sinOp, [lift(x)], undefined);

export const cosOp = unaryOp({
  name: 'cos',
  saves: ['x'],
  rule: { text: '∂/∂x cos(x) = −sin(x)', tex: String.raw`\frac{\partial}{\partial x}\cos(x) = -\sin(x)` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.cos(x[i]!);
  },
  vjp: (g, { saved: { x } }) => neg(mul(g, sin(x))),
});
/**
 * `cos x`.
 * @group Ops: elementwise
 */
export const cos = (x: TensorLike): Tensor => apply(cosOp, [lift(x)], undefined);

export const tanhOp = unaryOp({
  name: 'tanh',
  saves: ['out'],
  rule: { text: '∂/∂x tanh(x) = 1 − tanh²(x)', tex: String.raw`\frac{\partial}{\partial x}\tanh(x) = 1 - \tanh^2(x)` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i]!);
  },
  // tanh' = 1 - tanh², fused into one pass (tanhGrad) since every tanh layer's backward runs it
  vjp: (g, { saved: { out } }) => tanhGrad(g, out),
});
/**
 * `tanh x`.
 * @group Ops: elementwise
 */
export const tanh = (x: TensorLike): Tensor => apply(tanhOp, [lift(x)], undefined);

// g ⊙ (1 - y²): tanh's VJP as one kernel instead of three ops (y², 1 - ·, g ⊙ ·).
export const tanhGradOp = binaryOp({
  name: 'tanhGrad',
  saves: ['a', 'b'],
  rules: {
    a: { text: '∂/∂a a·(1 − b²) = 1 − b², summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}a(1 - b^2) = 1 - b^2\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b a·(1 − b²) = −2·a·b, summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}a(1 - b^2) = -2ab\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const y = b[bi + k * sb]!;
      o[oi + k] = a[ai + k * sa]! * (1 - y * y);
    }
  },
  vjp: {
    // ∂/∂g = 1 - y²; ∂/∂y = -2 g y
    a: (gg, { saved: { b }, shapes: [sa] }) => sumTo(tanhGrad(gg, b), sa!),
    b: (gg, { saved: { a, b }, shapes: [, sb] }) => sumTo(mul(gg, mul(a, mul(b, -2))), sb!),
  },
});
/** @internal `g ⊙ (1 - y²)`: the VJP of tanh given its output `y`, as one op (broadcasting). In the op table, not the public API. */
export const tanhGrad = (g: TensorLike, y: TensorLike): Tensor => apply(tanhGradOp, [lift(g), lift(y)], undefined);

/** This family's slice of the op table. */
export const elementwiseOps = {
  add: addOp, sub: subOp, mul: mulOp, div: divOp, pow: powOp, maximum: maximumOp, minimum: minimumOp,
  neg: negOp, abs: absOp, exp: expOp, log: logOp, log1p: log1pOp, sqrt: sqrtOp, square: squareOp,
  sin: sinOp, cos: cosOp, tanh: tanhOp, tanhGrad: tanhGradOp,
} as const;

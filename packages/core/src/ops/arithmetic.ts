/**
 * Broadcasting arithmetic: add, sub, mul, div, pow, maximum, minimum.
 * Every VJP ends in `sumTo`, the one place broadcasting is undone.
 */
import { apply } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { binaryOp, lift, type TensorLike } from './define.js';
import { sumTo } from './reshape.js';
import { neg, log } from './unary.js';
import { greaterEqual, lessEqual, greater, less, equal, where } from './compare.js';

export const addOp = binaryOp({
  name: 'add',
  saves: [],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! + b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { inputs: [a] }) => sumTo(g, a.shape),
    b: (g, { inputs: [, b] }) => sumTo(g, b.shape),
  },
});

export const subOp = binaryOp({
  name: 'sub',
  saves: [],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! - b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { inputs: [a] }) => sumTo(g, a.shape),
    b: (g, { inputs: [, b] }) => sumTo(neg(g), b.shape),
  },
});

export const mulOp = binaryOp({
  name: 'mul',
  saves: ['a', 'b'],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! * b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { inputs: [a, b] }) => sumTo(mul(g, b), a.shape),
    b: (g, { inputs: [a, b] }) => sumTo(mul(g, a), b.shape),
  },
});

export const divOp = binaryOp({
  name: 'div',
  saves: ['b', 'out'],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = a[ai + k * sa]! / b[bi + k * sb]!;
  },
  vjp: {
    a: (g, { inputs: [a, b] }) => sumTo(div(g, b), a.shape),
    // d(a/b)/db = -a/b^2 = -out/b
    b: (g, { inputs: [, b], out }) => sumTo(neg(mul(g, div(out, b))), b.shape),
  },
});

export const powOp = binaryOp({
  name: 'pow',
  saves: ['a', 'b', 'out'],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) o[oi + k] = Math.pow(a[ai + k * sa]!, b[bi + k * sb]!);
  },
  vjp: {
    // d(a^b)/da = b a^(b-1)
    a: (g, { inputs: [a, b] }) => sumTo(mul(g, mul(b, pow(a, sub(b, 1)))), a.shape),
    // d(a^b)/db = a^b ln a: NaN for a < 0, where the real power has no derivative in b.
    // At a = 0, a^b = 0 for b > 0 whatever b is, so the derivative is 0, not 0·ln 0 = NaN
    // (JAX does the same): take ln 1 there.
    b: (g, { inputs: [a, b], out }) => sumTo(mul(g, mul(out, log(where(equal(a, 0), 1, a)))), b.shape),
  },
});

// Ties: maximum sends the whole gradient to `a` where a == b (and minimum likewise),
// as TensorFlow does; one side of the subgradient, never both.
export const maximumOp = binaryOp({
  name: 'maximum',
  saves: ['a', 'b'],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const x = a[ai + k * sa]!;
      const y = b[bi + k * sb]!;
      o[oi + k] = x >= y || x !== x ? x : y;
    }
  },
  vjp: {
    a: (g, { inputs: [a, b] }) => sumTo(mul(g, greaterEqual(a, b)), a.shape),
    b: (g, { inputs: [a, b] }) => sumTo(mul(g, less(a, b)), b.shape),
  },
});

export const minimumOp = binaryOp({
  name: 'minimum',
  saves: ['a', 'b'],
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const x = a[ai + k * sa]!;
      const y = b[bi + k * sb]!;
      o[oi + k] = x <= y || x !== x ? x : y;
    }
  },
  vjp: {
    a: (g, { inputs: [a, b] }) => sumTo(mul(g, lessEqual(a, b)), a.shape),
    b: (g, { inputs: [a, b] }) => sumTo(mul(g, greater(a, b)), b.shape),
  },
});

/** `a + b`, broadcasting. @param a any shape @param b broadcastable with a @returns the broadcast shape */
export const add = (a: TensorLike, b: TensorLike): Tensor => apply(addOp, [lift(a), lift(b)], undefined);
/** `a - b`, broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => apply(subOp, [lift(a), lift(b)], undefined);
/** `a * b` elementwise, broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => apply(mulOp, [lift(a), lift(b)], undefined);
/** `a / b` elementwise, broadcasting. */
export const div = (a: TensorLike, b: TensorLike): Tensor => apply(divOp, [lift(a), lift(b)], undefined);
/** `a ** b` elementwise, broadcasting. The gradient in `b` is NaN where `a < 0` and 0 where `a = 0`. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => apply(powOp, [lift(a), lift(b)], undefined);
/** Elementwise max (NaN propagates); at ties the gradient goes to `a`. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => apply(maximumOp, [lift(a), lift(b)], undefined);
/** Elementwise min (NaN propagates); at ties the gradient goes to `a`. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => apply(minimumOp, [lift(a), lift(b)], undefined);

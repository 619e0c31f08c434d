import { describe, expect, it } from 'vitest';
import { type Tensor, abs, cos, exp, grad, log, log1p, neg, sin, sqrt, square, sum, tanh, tensor } from '../index.js';
import { expectAllClose } from '../testing/numeric.js';

// Tolerance: the kernels call the same libm functions as the expected values, or values
// known exactly (e^0 = 1, ln e = 1, √4 = 2); 4 ulp-scale slack (1e-15 relative) covers
// a libm that is not correctly rounded, and 2e-16 absolute covers results near zero:
// sin(fl(π)) = π - fl(π) ≈ 1.22e-16, not 0, because fl(π) is not π.
const R = 1e-15;
const A = 2e-16;

const xs = [-2.5, -1, -0.3, 0, 0.4, 1, 3.7];
const t = tensor(xs);

/** Elementwise gradient of sum(f(x)), which is f'(x). */
const slope = (f: (x: Tensor) => Tensor, x: number[]): Tensor => grad((y: Tensor) => sum(f(y)))(tensor(x));

describe('unary ops: forward values', () => {
  it('neg, abs, square', () => {
    expect(neg(t).toArray()).toEqual(xs.map((x) => -x));
    expect(abs(t).toArray()).toEqual([2.5, 1, 0.3, 0, 0.4, 1, 3.7]);
    expect(square(tensor([-3, 0.5, 1.1])).toArray()).toEqual([9, 0.25, 1.1 * 1.1]);
  });

  it('exp, log, log1p, sqrt at exactly known points', () => {
    expectAllClose(exp(tensor([0, 1, -1, Math.log(5)])), [1, Math.E, 1 / Math.E, 5], R, A);
    expectAllClose(log(tensor([1, Math.E, Math.E ** 2, 0.5])), [0, 1, 2, -Math.LN2], R, A);
    expectAllClose(sqrt(tensor([0, 4, 2, 0.25])), [0, 2, Math.SQRT2, 0.5], R, A);
    // log1p keeps full precision where log(1 + x) loses it: ln(1 + 1e-10) = 1e-10 - 5e-21.
    expectAllClose(log1p(tensor([1e-10, Math.E - 1, 0])), [1e-10 - 5e-21, 1, 0], R, 0);
  });

  it('log and sqrt outside their domain follow IEEE (-Infinity at 0, NaN below)', () => {
    expect(log(tensor([0, -1])).toArray()).toEqual([-Infinity, NaN]);
    expect(sqrt(tensor([-1])).toArray()).toEqual([NaN]);
    expect(log1p(tensor([-1])).toArray()).toEqual([-Infinity]);
  });

  it('sin, cos, tanh at exactly known points', () => {
    expectAllClose(sin(tensor([0, Math.PI / 6, Math.PI / 2, Math.PI])), [0, 0.5, 1, 0], R, A);
    expectAllClose(cos(tensor([0, Math.PI / 3, Math.PI])), [1, 0.5, -1], R, A);
    // tanh(ln 2) = (2 - 1/2)/(2 + 1/2) = 3/5; tanh(±∞) = ±1.
    expectAllClose(tanh(tensor([0, Math.LN2, -Math.LN2, 1000, -1000])), [0, 0.6, -0.6, 1, -1], R, A);
  });
});

describe('unary ops: gradients against their derivatives', () => {
  it('(-x)\' = -1, |x|\' = sign(x) with 0 at 0, (x²)\' = 2x', () => {
    expect(slope(neg, [1, -2]).toArray()).toEqual([-1, -1]);
    expect(slope(abs, [-2, 0, 3]).toArray()).toEqual([-1, 0, 1]);
    expect(slope(square, [-1.5, 0, 2]).toArray()).toEqual([-3, 0, 4]);
  });

  it('exp\' = exp, log\' = 1/x, log1p\' = 1/(1+x), sqrt\' = 1/(2√x)', () => {
    const x = [0.3, 1, 2.5];
    expectAllClose(slope(exp, x), x.map(Math.exp), R, A);
    expectAllClose(slope(log, x), x.map((v) => 1 / v), R, A);
    expectAllClose(slope(log1p, x), x.map((v) => 1 / (1 + v)), R, A);
    expectAllClose(slope(sqrt, x), x.map((v) => 1 / (2 * Math.sqrt(v))), R, A);
  });

  it('sin\' = cos, cos\' = -sin, tanh\' = 1 - tanh²', () => {
    const x = [-1.2, 0, 0.7, 2];
    expectAllClose(slope(sin, x), x.map(Math.cos), R, A);
    expectAllClose(slope(cos, x), x.map((v) => -Math.sin(v)), R, A);
    expectAllClose(slope(tanh, x), x.map((v) => 1 - Math.tanh(v) ** 2), R, A);
  });

  it('tanh\' does not overflow for large |x| (it is exactly 0 there)', () => {
    expect(slope(tanh, [-1000, 1000]).toArray()).toEqual([0, 0]);
  });
});

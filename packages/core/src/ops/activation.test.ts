import { describe, expect, it } from 'vitest';
import { type Tensor, grad, leakyRelu, relu, sigmoid, softplus, sum, tensor } from '../index.js';
import { expectAllClose } from '../testing/numeric.js';

// Closed forms evaluated in float64 by hand formulas; 1e-15 relative covers a couple of
// roundings in either evaluation order.
const R = 1e-15;

const slope = (f: (x: Tensor) => Tensor, x: number[]): Tensor => grad((y: Tensor) => sum(f(y)))(tensor(x));

describe('sigmoid', () => {
  it('matches 1/(1+e^-x) for moderate x', () => {
    const x = [-5, -1, 0, 0.5, 3];
    expectAllClose(sigmoid(tensor(x)), x.map((v) => 1 / (1 + Math.exp(-v))), R, 0);
  });

  it('is stable for |x| from 300 to 800: no NaN, exact 0 and 1 in the limits', () => {
    const big = [300, 400, 500, 600, 700, 745, 800];
    const pos = sigmoid(tensor(big));
    const negs = sigmoid(tensor(big.map((v) => -v)));
    // 1/(1+e^-300) rounds to exactly 1 (e^-300 ≪ 2^-53).
    expect(pos.toArray()).toEqual(big.map(() => 1));
    // e^-x/(1+e^-x) = e^-x to full precision (subnormal at 745); e^-800 underflows to exactly 0.
    expectAllClose(negs, big.map((v) => Math.exp(-v)), R, 0);
    expect(negs.data[negs.size - 1]).toBe(0);
    expect(negs.data.every((v) => !Number.isNaN(v))).toBe(true);
  });

  it('gradient σ(1-σ) is finite and tends to 0 at ±800, 1/4 at 0', () => {
    expect(slope(sigmoid, [-800, 800]).toArray()).toEqual([0, 0]);
    expect(slope(sigmoid, [0]).toArray()).toEqual([0.25]);
    const x = [-3, 1.5];
    expectAllClose(slope(sigmoid, x), x.map((v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2), 1e-14, 0);
  });
});

describe('softplus', () => {
  it('matches ln(1 + e^x) for moderate x', () => {
    const x = [-4, -0.5, 0, 2, 10];
    expectAllClose(softplus(tensor(x)), x.map((v) => Math.log1p(Math.exp(v))), R, 0);
    expectAllClose(softplus(tensor([0])), [Math.LN2], R, 0);
  });

  it('is stable at ±1000: x for large x, e^x (here 0) for very negative x, never Infinity/NaN', () => {
    expect(softplus(tensor([1000, -1000])).toArray()).toEqual([1000, 0]);
    // ln(1 + e^-40) = e^-40 to full precision, where the naive form gives the same but e^x overflows at 710.
    expectAllClose(softplus(tensor([-40])), [Math.exp(-40)], R, 0);
    expectAllClose(softplus(tensor([710])), [710], R, 0);
  });

  it('gradient is sigmoid, finite at ±1000', () => {
    expect(slope(softplus, [-1000, 1000]).toArray()).toEqual([0, 1]);
    const x = [-2, 0, 3];
    expectAllClose(slope(softplus, x), x.map((v) => 1 / (1 + Math.exp(-v))), R, 0);
  });
});

describe('relu and leakyRelu', () => {
  it('relu(x) = max(x, 0), keeping NaN', () => {
    expect(relu(tensor([-2, -0.5, 0, 0.5, 3])).toArray()).toEqual([0, 0, 0, 0.5, 3]);
    expect(relu(tensor([NaN])).toArray()).toEqual([NaN]);
  });

  it('relu gradient is the step function, with 0 at the kink', () => {
    expect(slope(relu, [-2, 0, 1e-300, 4]).toArray()).toEqual([0, 0, 1, 1]);
  });

  it('leakyRelu(x) = x for x > 0 and alpha·x otherwise; default alpha 0.01', () => {
    expect(leakyRelu(tensor([-2, 0, 3]), 0.2).toArray()).toEqual([-2 * 0.2, 0, 3]);
    expect(leakyRelu(tensor([-100])).toArray()).toEqual([-1]);
  });

  it('leakyRelu gradient is 1 above 0 and alpha at and below 0', () => {
    expect(slope((x) => leakyRelu(x, 0.3), [-1, 0, 2]).toArray()).toEqual([0.3, 0.3, 1]);
  });

  it('leakyRelu rejects a non-finite alpha', () => {
    expect(() => leakyRelu(tensor([1]), NaN)).toThrow('leakyRelu: alpha must be a finite number, got NaN');
  });
});

import { describe, expect, it } from 'vitest';
import { type Tensor, abs, add, cos, div, exp, grad, log, log1p, maximum, minimum, mul, neg, pow, scalar, sin, sqrt, square, sub, sum, tanh, tensor } from '../index.js';
import { expectAllClose } from '../testing/numeric.js';

// Forward values of + - * / are single correctly rounded IEEE operations, so they are
// compared exactly (toEqual) against the same operation done by hand.

describe('add, sub, mul, div', () => {
  it('match the elementwise closed form', () => {
    const a = tensor([1.5, -2, 3.25]);
    const b = tensor([0.5, 4, -0.25]);
    expect(add(a, b).toArray()).toEqual([1.5 + 0.5, -2 + 4, 3.25 - 0.25]);
    expect(sub(a, b).toArray()).toEqual([1.5 - 0.5, -2 - 4, 3.25 + 0.25]);
    expect(mul(a, b).toArray()).toEqual([1.5 * 0.5, -2 * 4, 3.25 * -0.25]);
    expect(div(a, b).toArray()).toEqual([1.5 / 0.5, -2 / 4, 3.25 / -0.25]);
  });

  it('broadcast [3,1] with [1,4] to [3,4] (NumPy rules)', () => {
    const col = tensor([[1], [2], [3]]);
    const row = tensor([[10, 20, 30, 40]]);
    expect(add(col, row).toArray()).toEqual([
      [11, 21, 31, 41],
      [12, 22, 32, 42],
      [13, 23, 33, 43],
    ]);
  });

  it('broadcast [2,3] with [3] and a scalar with a matrix, and accept plain numbers', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(sub(m, tensor([1, 2, 3])).toArray()).toEqual([[0, 0, 0], [3, 3, 3]]);
    expect(mul(scalar(2), m).toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(div(m, 2).toArray()).toEqual([[0.5, 1, 1.5], [2, 2.5, 3]]);
    expect(sub(10, m).shape).toEqual([2, 3]);
  });

  it('broadcast across ranks on a non-trailing axis ([2,1,3] with [4,1])', () => {
    const a = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const b = tensor([[0], [10], [20], [30]]);
    const c = add(a, b);
    expect(c.shape).toEqual([2, 4, 3]);
    expect(c.toArray()).toEqual([
      [[1, 2, 3], [11, 12, 13], [21, 22, 23], [31, 32, 33]],
      [[4, 5, 6], [14, 15, 16], [24, 25, 26], [34, 35, 36]],
    ]);
  });

  it('follow IEEE for division by zero', () => {
    expect(div(tensor([1, -1, 0]), 0).toArray()).toEqual([Infinity, -Infinity, NaN]);
  });
});

describe('pow', () => {
  it('matches Math.pow, including fractional exponents and broadcasting', () => {
    const a = tensor([0.5, 2, 9, 1.7]);
    const b = tensor([3, -1, 0.5, 2.2]);
    // Math.pow is the kernel's own primitive, but the broadcast scalar form below is not.
    expectAllClose(pow(a, b), [0.125, 0.5, 3, Math.pow(1.7, 2.2)], 1e-15, 0);
    expect(pow(tensor([[1, 2], [3, 4]]), 2).toArray()).toEqual([[1, 4], [9, 16]]);
  });

  it('gradients: d/da a^b = b a^(b-1), d/db a^b = a^b ln a', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(pow(a, b)), [0, 1])(tensor([2, 3]), tensor([3, 0.5]));
    expectAllClose(ga, [3 * 2 ** 2, 0.5 * 3 ** -0.5], 1e-15, 0);
    expectAllClose(gb, [2 ** 3 * Math.log(2), Math.sqrt(3) * Math.log(3)], 1e-15, 0);
  });

  it('gradient in the base at 0 with exponent 2 is 0 (b·a^(b-1) = 2·0)', () => {
    expect(grad((x: Tensor) => sum(pow(x, 2)))(tensor([0, -3])).toArray()).toEqual([0, -6]);
  });

  it('gradient in the exponent is 0 at base 0 (0^b = 0 for all b > 0), NaN for a negative base', () => {
    const g = grad((b: Tensor) => sum(pow(tensor([0, 2, -2]), b)))(tensor([1.5, 2, 2]));
    expect(g.data[0]).toBe(0);
    expect(g.data[1]).toBeCloseTo(4 * Math.log(2), 15);
    expect(g.data[2]).toBeNaN();
  });
});

describe('maximum, minimum', () => {
  it('pick the larger / smaller value, broadcasting', () => {
    const a = tensor([[1, 5], [-2, 0]]);
    expect(maximum(a, tensor([2, 3])).toArray()).toEqual([[2, 5], [2, 3]]);
    expect(minimum(a, tensor([2, 3])).toArray()).toEqual([[1, 3], [-2, 0]]);
    expect(maximum(a, 0).toArray()).toEqual([[1, 5], [0, 0]]);
  });

  it('propagate NaN from either side', () => {
    expect(maximum(tensor([NaN, 1, NaN]), tensor([1, NaN, NaN])).toArray()).toEqual([NaN, NaN, NaN]);
    expect(minimum(tensor([NaN, 1, NaN]), tensor([1, NaN, NaN])).toArray()).toEqual([NaN, NaN, NaN]);
  });

  it('route the gradient to the selected side; at a tie all of it goes to a (never both)', () => {
    const a = tensor([1, 5, 2]);
    const b = tensor([3, 4, 2]);
    const [gaMax, gbMax] = grad((x: Tensor, y: Tensor) => sum(maximum(x, y)), [0, 1])(a, b);
    expect(gaMax.toArray()).toEqual([0, 1, 1]);
    expect(gbMax.toArray()).toEqual([1, 0, 0]);
    const [gaMin, gbMin] = grad((x: Tensor, y: Tensor) => sum(minimum(x, y)), [0, 1])(a, b);
    expect(gaMin.toArray()).toEqual([1, 0, 1]);
    expect(gbMin.toArray()).toEqual([0, 1, 0]);
  });
});

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

import { describe, expect, it } from 'vitest';
import { type Tensor, arange, grad, ones, logSoftmax, logSumExp, max, mean, min, mul, reshape, softmax, sum, tensor } from '../index.js';
import { expectAllClose } from '../testing/numeric.js';

// x = [[[0,1,2],[3,4,5]], [[6,7,8],[9,10,11]]], shape [2,2,3]: every sum below is of small integers, exact in float64.
const x = reshape(arange(12), [2, 2, 3]);

describe('sum and mean', () => {
  it('reduce over all axes by default, to a scalar', () => {
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(66);
    expect(mean(x).item()).toBe(66 / 12);
  });

  it('reduce over one axis, several axes, negative axes', () => {
    expect(sum(x, 0).toArray()).toEqual([[6, 8, 10], [12, 14, 16]]);
    expect(sum(x, 1).toArray()).toEqual([[3, 5, 7], [15, 17, 19]]);
    expect(sum(x, -1).toArray()).toEqual([[3, 12], [21, 30]]);
    expect(sum(x, [0, 2]).toArray()).toEqual([0 + 1 + 2 + 6 + 7 + 8, 3 + 4 + 5 + 9 + 10 + 11]);
    expect(mean(x, [1, -1]).toArray()).toEqual([15 / 6, 51 / 6]);
  });

  it('keepDims keeps reduced axes as size 1', () => {
    expect(sum(x, 1, true).shape).toEqual([2, 1, 3]);
    expect(sum(x, [0, 2], true).toArray()).toEqual([[[24], [42]]]);
    expect(mean(x, undefined, true).shape).toEqual([1, 1, 1]);
  });

  it('an empty axis list is the identity; a sum over a zero-size axis is 0', () => {
    expect(sum(x, []).toArray()).toEqual(x.toArray());
    expect(sum(tensor([], [0, 3]), 0).toArray()).toEqual([0, 0, 0]);
  });

  it('gradients broadcast back: ∂Σx/∂x = 1, ∂mean/∂x = 1/n', () => {
    expect(grad((y: Tensor) => sum(sum(y, 1)))(x).toArray()).toEqual(ones([2, 2, 3]).toArray());
    expectAllClose(grad((y: Tensor) => mean(y))(tensor([[1, 2], [3, 4]])), [[0.25, 0.25], [0.25, 0.25]], 0, 0);
    // Σ_j w_j · mean_i x_ij: ∂/∂x_ij = w_j / 2.
    expect(grad((y: Tensor) => sum(mul(mean(y, 0), tensor([2, 4]))))(tensor([[1, 2], [3, 4]])).toArray()).toEqual([[1, 2], [1, 2]]);
  });
});

describe('max and min', () => {
  const m = tensor([[3, -1, 7], [2, 9, -4]]);

  it('reduce over axes with keepDims', () => {
    expect(max(m).item()).toBe(9);
    expect(min(m).item()).toBe(-4);
    expect(max(m, 1).toArray()).toEqual([7, 9]);
    expect(min(m, 0, true).toArray()).toEqual([[2, -1, -4]]);
  });

  it('propagate NaN wherever it sits in the slice', () => {
    expect(max(tensor([NaN, 1, 2])).item()).toBeNaN();
    expect(max(tensor([1, NaN, 2])).item()).toBeNaN();
    expect(min(tensor([1, 2, NaN])).item()).toBeNaN();
    expect(max(tensor([[1, NaN], [3, 4]]), 1).toArray()).toEqual([NaN, 4]);
  });

  it('handle ±Infinity as ordinary values', () => {
    expect(max(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(min(tensor([Infinity, 5])).item()).toBe(5);
  });

  it('send the gradient to the extremum, split evenly between ties', () => {
    expect(grad((y: Tensor) => max(y))(tensor([1, 5, 3])).toArray()).toEqual([0, 1, 0]);
    expect(grad((y: Tensor) => min(y))(tensor([4, 1, 1, 1])).toArray()).toEqual([0, 1 / 3, 1 / 3, 1 / 3]);
    expect(grad((y: Tensor) => sum(max(y, 1)))(m).toArray()).toEqual([[0, 0, 1], [0, 1, 0]]);
  });
});

describe('logSumExp, softmax, logSoftmax', () => {
  it('logSumExp matches log Σ e^x for moderate values', () => {
    const v = [0.5, -1, 2];
    expectAllClose(logSumExp(tensor(v)), Math.log(v.reduce((s, a) => s + Math.exp(a), 0)), 1e-15, 0);
    expectAllClose(logSumExp(tensor([[0, 0], [Math.log(3), 0]]), 1), [Math.LN2, Math.log(4)], 1e-15, 0);
  });

  it('logSumExp of 1e3-scale logits does not overflow: m + log Σ e^(x-m)', () => {
    // log(e^1000 + e^1000) = 1000 + ln 2; log(e^-1000 + e^-1001) = -1000 + ln(1 + e^-1).
    expectAllClose(logSumExp(tensor([1000, 1000])), 1000 + Math.LN2, 1e-15, 0);
    expectAllClose(logSumExp(tensor([-1000, -1001])), -1000 + Math.log1p(Math.exp(-1)), 1e-15, 0);
  });

  it('logSumExp with -Infinity entries ignores them; all -Infinity gives -Infinity, not NaN', () => {
    expectAllClose(logSumExp(tensor([-Infinity, 0, 0])), Math.LN2, 1e-15, 0);
    expect(logSumExp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logSumExp(tensor([Infinity, 1])).item()).toBe(Infinity);
  });

  it('softmax and logSoftmax of 1e3-scale logits match the shifted closed form', () => {
    // Shifting by the max: softmax([1000, 999, 998]) = softmax([2, 1, 0]).
    const e = [Math.exp(2), Math.exp(1), 1];
    const z = e[0]! + e[1]! + e[2]!;
    expectAllClose(softmax(tensor([1000, 999, 998])), e.map((v) => v / z), 1e-15, 0);
    expectAllClose(logSoftmax(tensor([-1000, -1001, -1002])), e.map((v) => Math.log(v / z)), 1e-15, 0);
  });

  it('softmax gives exactly 0 (logSoftmax -Infinity) at -Infinity logits, and rows sum to 1', () => {
    const p = softmax(tensor([[1000, -Infinity, 999], [0, 0, -Infinity]]));
    expect(p.data[1]).toBe(0);
    expect(p.data[5]).toBe(0);
    expectAllClose(sum(p, 1), [1, 1], 1e-15, 0);
    expect(logSoftmax(tensor([0, -Infinity])).toArray()).toEqual([0, -Infinity]);
  });

  it('softmax along axis 0 normalises columns', () => {
    const p = softmax(tensor([[0, Math.log(3)], [0, 0]]), 0);
    expectAllClose(p, [[0.5, 0.75], [0.5, 0.25]], 1e-15, 0);
  });

  it('gradients stay finite with -Infinity logits: ∂/∂x_j Σ w_i p_i = p_j (w_j - Σ w p)', () => {
    const w = [1, 2, 3];
    const g = grad((y: Tensor) => sum(mul(softmax(y), tensor(w))))(tensor([1000, 999, -Infinity]));
    const p0 = 1 / (1 + Math.exp(-1));
    const p = [p0, 1 - p0, 0];
    const wp = w[0]! * p[0]! + w[1]! * p[1]!;
    expectAllClose(g, p.map((pj, j) => pj * (w[j]! - wp)), 1e-12, 1e-15);
    // ∂/∂x_j Σ_i logSoftmax(x)_i = 1 - n p_j.
    const gl = grad((y: Tensor) => sum(logSoftmax(y)))(tensor([1000, 999, -Infinity]));
    expectAllClose(gl, p.map((pj) => 1 - 3 * pj), 1e-12, 1e-15);
    // ∂ logSumExp / ∂x = softmax(x), with 0 for the -Infinity entry.
    expectAllClose(grad((y: Tensor) => logSumExp(y))(tensor([1000, 999, -Infinity])), p, 1e-12, 1e-15);
  });
});

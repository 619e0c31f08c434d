import { describe, expect, it } from 'vitest';
import { type Tensor, arange, broadcastTo, grad, mul, reshape, sum, sumTo, tensor, transpose } from '../index.js';

const m = tensor([[1, 2, 3], [4, 5, 6]]);
/** Distinct weights so a gradient shows where each output element came from. */
const weighted = (y: Tensor): Tensor => sum(mul(y, reshape(arange(1, y.size + 1), y.shape)));

describe('reshape', () => {
  it('keeps row-major order and infers one -1', () => {
    expect(reshape(m, [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(reshape(m, [-1]).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reshape(m, [1, -1, 2]).shape).toEqual([1, 3, 2]);
    expect(reshape(tensor([7]), []).shape).toEqual([]);
  });

  it('gradient is the cotangent reshaped back', () => {
    expect(grad((x: Tensor) => weighted(reshape(x, [3, 2])))(m).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });
});

describe('transpose', () => {
  it('reverses axes by default and permutes by perm', () => {
    expect(transpose(m).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const x = reshape(arange(24), [2, 3, 4]);
    const y = transpose(x, [1, 2, 0]);
    expect(y.shape).toEqual([3, 4, 2]);
    // y[i,j,k] = x[k,i,j] = 12k + 4i + j
    expect(y.toArray()).toEqual(Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => [4 * i + j, 12 + 4 * i + j])));
  });

  it('gradient applies the inverse permutation', () => {
    // weighted(transpose(x)) = Σ_ij x[j,i]·(2i + j + 1) for x: [2,3], so ∂/∂x[j,i] = 2i + j + 1.
    expect(grad((x: Tensor) => weighted(transpose(x)))(m).toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
  });
});

describe('broadcastTo and sumTo', () => {
  it('broadcastTo repeats along size-1 and new leading axes', () => {
    expect(broadcastTo(tensor([[1], [2]]), [3, 2, 2]).toArray()).toEqual([[[1, 1], [2, 2]], [[1, 1], [2, 2]], [[1, 1], [2, 2]]]);
  });

  it('sumTo is its adjoint: sums the broadcast axes away', () => {
    const g = reshape(arange(12), [3, 2, 2]);
    expect(sumTo(g, [2, 1]).toArray()).toEqual([[0 + 1 + 4 + 5 + 8 + 9], [2 + 3 + 6 + 7 + 10 + 11]]);
    expect(sumTo(g, [2]).toArray()).toEqual([0 + 2 + 4 + 6 + 8 + 10, 1 + 3 + 5 + 7 + 9 + 11]);
    expect(sumTo(g, []).item()).toBe(66);
  });

  it('gradient of broadcastTo sums back to the input shape', () => {
    expect(grad((x: Tensor) => sum(broadcastTo(x, [4, 3])))(tensor([1, 2, 3])).toArray()).toEqual([4, 4, 4]);
  });
});

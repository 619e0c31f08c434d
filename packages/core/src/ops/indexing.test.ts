import { describe, expect, it } from 'vitest';
import { type Tensor, arange, concat, grad, mul, pad, reshape, scatterAdd, slice, sum, take, tensor } from '../index.js';

const m = tensor([[1, 2, 3], [4, 5, 6]]);
/** Distinct weights so a gradient shows where each output element came from. */
const weighted = (y: Tensor): Tensor => sum(mul(y, reshape(arange(1, y.size + 1), y.shape)));

describe('slice and pad', () => {
  const x = reshape(arange(12), [3, 4]);

  it('slice takes a box, with null for whole axes and negative indices from the end', () => {
    expect(slice(x, [[1, 3], [0, 2]]).toArray()).toEqual([[4, 5], [8, 9]]);
    expect(slice(x, [null, [-2, 4]]).toArray()).toEqual([[2, 3], [6, 7], [10, 11]]);
    expect(slice(x, [[2, 3]]).toArray()).toEqual([[8, 9, 10, 11]]);
    expect(slice(x, [[1, 1]]).shape).toEqual([0, 4]);
  });

  it('pad adds zeros before and after each axis', () => {
    expect(pad(tensor([[1, 2]]), [[1, 0], [0, 2]]).toArray()).toEqual([[0, 0, 0, 0], [1, 2, 0, 0]]);
  });

  it('gradient of slice is the cotangent padded with zeros; of pad, the cotangent sliced', () => {
    expect(grad((y: Tensor) => sum(slice(y, [[1, 3], [0, 2]])))(x).toArray()).toEqual([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]]);
    expect(grad((y: Tensor) => weighted(pad(y, [[1, 1]])))(tensor([5, 6])).toArray()).toEqual([2, 3]);
  });
});

describe('concat', () => {
  it('joins along axis 0 by default, or along any (negative) axis', () => {
    expect(concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(concat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], -1).toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
  });

  it('gradient splits the cotangent back to each input', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => weighted(concat([a, b], 1)), [0, 1])(tensor([[0], [0]]), tensor([[0, 0], [0, 0]]));
    expect(ga.toArray()).toEqual([[1], [4]]);
    expect(gb.toArray()).toEqual([[2, 3], [5, 6]]);
  });

  it('the same tensor twice gets both slices of the gradient', () => {
    expect(grad((a: Tensor) => weighted(concat([a, a])))(tensor([0, 0])).toArray()).toEqual([1 + 3, 2 + 4]);
  });
});

describe('take and scatterAdd', () => {
  it('take gathers rows, repeats allowed', () => {
    expect(take(m, [1, 0, 1]).toArray()).toEqual([[4, 5, 6], [1, 2, 3], [4, 5, 6]]);
    expect(take(tensor([10, 20, 30]), new Int32Array([2, 2])).toArray()).toEqual([30, 30]);
  });

  it('scatterAdd adds rows into their targets (its adjoint)', () => {
    expect(scatterAdd(tensor([[1, 1], [2, 2], [3, 3]]), [2, 0, 2], 3).toArray()).toEqual([[2, 2], [0, 0], [4, 4]]);
  });

  it('gradient of take accumulates over repeated indices', () => {
    // Rows 1, 0, 1 picked with weights [1,2,3], [4,5,6], [7,8,9]: row 1 gets 1+7, 2+8, 3+9.
    expect(grad((x: Tensor) => weighted(take(x, [1, 0, 1])))(m).toArray()).toEqual([[4, 5, 6], [8, 10, 12]]);
  });
});

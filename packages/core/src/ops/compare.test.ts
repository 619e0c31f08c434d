import { describe, expect, it } from 'vitest';
import { type Tensor, equal, grad, greater, greaterEqual, less, lessEqual, mul, sign, step, sum, tensor, where } from '../index.js';

describe('comparisons', () => {
  const a = tensor([1, 2, 3, NaN]);
  const b = tensor([2, 2, 2, 2]);

  it('return 0/1 masks (NaN compares false)', () => {
    expect(greater(a, b).toArray()).toEqual([0, 0, 1, 0]);
    expect(greaterEqual(a, b).toArray()).toEqual([0, 1, 1, 0]);
    expect(less(a, b).toArray()).toEqual([1, 0, 0, 0]);
    expect(lessEqual(a, b).toArray()).toEqual([1, 1, 0, 0]);
    expect(equal(a, b).toArray()).toEqual([0, 1, 0, 0]);
  });

  it('broadcast like arithmetic', () => {
    expect(greater(tensor([[1], [3]]), tensor([0, 2, 4])).toArray()).toEqual([[1, 0, 0], [1, 1, 0]]);
  });

  it('step is x > 0 (0 at 0), sign is -1/0/1 and keeps NaN', () => {
    expect(step(tensor([-1, 0, 1e-300, 5])).toArray()).toEqual([0, 0, 1, 1]);
    expect(sign(tensor([-3, 0, 2, NaN])).toArray()).toEqual([-1, 0, 1, NaN]);
  });

  it('have no gradient: the pullback is zero even where the mask is used as a factor', () => {
    const x = tensor([0.5, -1, 2]);
    // d/dx Σ x·[x > 0] is [x > 0]: only the x factor carries a gradient, the mask none.
    expect(grad((y: Tensor) => sum(mul(y, greater(y, 0))))(x).toArray()).toEqual([1, 0, 1]);
    for (const f of [step, sign]) expect(grad((y: Tensor) => sum(f(y)))(x).toArray()).toEqual([0, 0, 0]);
    expect(grad((y: Tensor) => sum(equal(y, 2)))(x).toArray()).toEqual([0, 0, 0]);
  });
});

describe('where', () => {
  it('selects a where cond is non-zero, else b', () => {
    expect(where(tensor([1, 0, 2, -1]), tensor([10, 20, 30, 40]), tensor([-1, -2, -3, -4])).toArray()).toEqual([10, -2, 30, 40]);
  });

  it('broadcasts cond, a and b together (a scalar b, a column cond)', () => {
    const c = tensor([[1], [0]]);
    expect(where(c, tensor([1, 2, 3]), 0).toArray()).toEqual([[1, 2, 3], [0, 0, 0]]);
  });

  it('sends the gradient to a where cond holds and to b elsewhere, summed back over a broadcast mask', () => {
    const c = tensor([[1], [0], [1]]); // [3,1] mask broadcast over 2 columns
    const a = tensor([[1, 2], [3, 4], [5, 6]]);
    const b = tensor([7, 8]); // [2] broadcast over 3 rows
    const [gc, ga, gb] = grad((cc: Tensor, aa: Tensor, bb: Tensor) => sum(mul(where(cc, aa, bb), tensor([1, 10]))), [0, 1, 2])(c, a, b);
    expect(gc.toArray()).toEqual([[0], [0], [0]]);
    expect(ga.toArray()).toEqual([[1, 10], [0, 0], [1, 10]]);
    // b is picked only in row 1: its gradient is that row's weights.
    expect(gb.toArray()).toEqual([1, 10]);
  });
});

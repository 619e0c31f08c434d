import { describe, expect, it } from 'vitest';
import { type Tensor, grad, matmul, mul, reshape, arange, sum, tensor, transpose } from '../index.js';
import { expectAllClose } from '../testing/numeric.js';

/** The textbook triple loop, C[i,j] = Σ_p A[i,p] B[p,j], as the reference. */
function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, p) => s + v * b[p]![j]!, 0)));
}

describe('matmul', () => {
  const a = [[1, 2, 3], [4, 5, 6]];
  const b = [[7, 8], [9, 10], [11, 12]];

  it('matrix @ matrix matches the triple loop', () => {
    expect(matmul(tensor(a), tensor(b)).toArray()).toEqual(naive(a, b));
  });

  it('matrix @ vector, vector @ matrix, vector @ vector drop the vector axes', () => {
    expect(matmul(tensor(a), tensor([1, 0, -1])).toArray()).toEqual([1 - 3, 4 - 6]);
    expect(matmul(tensor([1, -1]), tensor(a)).toArray()).toEqual([-3, -3, -3]);
    const d = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(d.shape).toEqual([]);
    expect(d.item()).toBe(32);
  });

  it('transA / transB multiply by the transpose without the caller transposing', () => {
    const at = transpose(tensor(a));
    const bt = transpose(tensor(b));
    const expected = naive(a, b);
    expect(matmul(at, tensor(b), { transA: true }).toArray()).toEqual(expected);
    expect(matmul(tensor(a), bt, { transB: true }).toArray()).toEqual(expected);
    expect(matmul(at, bt, { transA: true, transB: true }).toArray()).toEqual(expected);
  });

  it('agrees with the triple loop on a larger odd-sized product (exercises blocked kernels)', () => {
    const x = reshape(arange(37 * 23), [37, 23]);
    const y = reshape(arange(23 * 41), [23, 41]);
    const rows = (t: Tensor): number[][] => t.toArray() as number[][];
    // Integers below 2^53 throughout, so every order of summation is exact.
    expect(matmul(x, y).toArray()).toEqual(naive(rows(x), rows(y)));
  });

  it('gradients: ∂/∂A Σ W⊙(AB) = W Bᵀ and ∂/∂B = Aᵀ W', () => {
    const w = [[1, -1], [2, 0.5]];
    const [ga, gb] = grad((x: Tensor, y: Tensor) => sum(mul(matmul(x, y), tensor(w))), [0, 1])(tensor(a), tensor(b));
    const bT = b[0]!.map((_, j) => b.map((r) => r[j]!));
    const aT = a[0]!.map((_, j) => a.map((r) => r[j]!));
    expectAllClose(ga, naive(w, bT), 0, 0);
    expectAllClose(gb, naive(aT, w), 0, 0);
  });

  it('gradients with transpose flags land in the stored layout', () => {
    const at = transpose(tensor(a));
    const bt = transpose(tensor(b));
    const g = grad((x: Tensor, y: Tensor) => sum(matmul(x, y, { transA: true, transB: true })), [0, 1])(at, bt);
    // Σ_ij (AB)_ij: ∂/∂A[i,p] = Σ_j B[p,j], ∂/∂B[p,j] = Σ_i A[i,p]; stored transposed.
    expect(g[0].toArray()).toEqual([[15, 15], [19, 19], [23, 23]]);
    expect(g[1].toArray()).toEqual([[5, 7, 9], [5, 7, 9]]);
  });
});

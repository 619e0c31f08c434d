/**
 * jacobian and hessian: hand cases, the layout over trees and argnums, the size guard, and
 * fast-check properties over random small functions built from core ops: jacobian rows are
 * vjp with basis cotangents, columns jvp with basis tangents; the hessian is symmetric and
 * equals jacobian(grad(f)) (two different computations: forward over reverse, and reverse
 * over reverse).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, GradError, MAX_ELEMENTS, Rng, ShapeError, TapegradError, type Tensor, add, concat, customOp, exp, grad, hessian, jacobian, jvp, matmul, mul,
  reshape, sigmoid, sin, slice, square, sum, tanh, tensor, vjp, zeros,
} from './index.js';
import { callWith } from './testing/untyped.js';
import { expectAllClose, randomLike } from './testing/numeric.js';

const at = (x: Tensor, i: number): Tensor => reshape(slice(x, [[i, i + 1]]), []);

describe('jacobian: hand cases', () => {
  it('x ↦ [x0·x1, sin(x0)] at (0.5, 2) is [[x1, x0], [cos x0, 0]], shaped [out, in]', () => {
    const f = (x: Tensor): Tensor => concat([reshape(mul(at(x, 0), at(x, 1)), [1]), reshape(sin(at(x, 0)), [1])]);
    const J = jacobian(f)(tensor([0.5, 2]));
    expect(J.shape).toEqual([2, 2]);
    expect(J.toArray()).toEqual([[2, 0.5], [Math.cos(0.5), 0]]);
  });

  it('[3] -> [2] is [2, 3]; a matrix argument gives [...out, ...in]', () => {
    const A = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(jacobian((x: Tensor) => matmul(A, x))(tensor([1, 1, 1])).toArray()).toEqual(A.toArray());
    // y = W x with W: [2, 3] the argument: ∂y_i/∂W_jk = δ_ij x_k, shaped [2, 2, 3].
    const x = tensor([7, 8, 9]);
    const J = jacobian((W: Tensor) => matmul(W, x))(zeros([2, 3]));
    expect(J.shape).toEqual([2, 2, 3]);
    expect(J.toArray()).toEqual([[[7, 8, 9], [0, 0, 0]], [[0, 0, 0], [7, 8, 9]]]);
  });

  it('trees: a tree argument gives its structure, argnums an array a tuple, a tree output a tree', () => {
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor): Tensor => add(mul(p.w, x), p.b);
    const p = { w: tensor([2, 3]), b: tensor([1, 1]) };
    const x = tensor([5, 7]);
    const Jp = jacobian(f)(p, x);
    expect(Jp.w.toArray()).toEqual([[5, 0], [0, 7]]);
    expect(Jp.b.toArray()).toEqual([[1, 0], [0, 1]]);
    const [Jp2, Jx] = jacobian(f, [0, 1])(p, x);
    expect(Jp2.w.toArray()).toEqual([[5, 0], [0, 7]]);
    expect(Jx.toArray()).toEqual([[2, 0], [0, 3]]);
    const two = jacobian((v: Tensor) => ({ sq: square(v), s: sum(v) }))(tensor([1, 2]));
    expect(two.sq.toArray()).toEqual([[2, 0], [0, 4]]);
    expect(two.s.shape).toEqual([2]);
    expect(two.s.toArray()).toEqual([1, 1]);
  });

  it('is differentiable: grad of Σ jacobian(x ↦ x³) = Σ diag(3x²) gives 6x', () => {
    const d = grad((x: Tensor) => sum(jacobian((y: Tensor) => mul(y, mul(y, y)))(x)))(tensor([1, -2]));
    expect(d.toArray()).toEqual([6, -12]);
  });

  it('refuses a result past MAX_ELEMENTS before computing any row, and bad argnums and outputs', () => {
    const n = 2 ** 14; // n² = 2^28 > 2^27
    let rows = 0;
    const counted = customOp({ name: 'counted', inputs: ['x'], forward: (x: Tensor) => x, vjp: { x: (g) => (rows++, g) } });
    expect(() => jacobian((x: Tensor) => counted(x))(zeros([n]))).toThrow(ShapeError);
    expect(rows).toBe(0);
    expect(() => jacobian((x: Tensor) => x)(zeros([n]))).toThrow(
      `jacobian: the Jacobian of an output of 16384 entries ([16384]) in 16384 input entries would have 16,384 × 16,384 = 268,435,456 entries, more than the limit of ${MAX_ELEMENTS.toLocaleString('en-US')} (2^27, 1 GiB of float64); use vjp (one row) or jvp (one column) instead of the whole matrix`,
    );
    expect(() => jacobian((x: Tensor) => x, 1)(tensor([1]))).toThrow(GradError);
    expect(() => callWith(jacobian((x: Tensor) => x, [0]), 3)).toThrow(ArgumentError);
    expect(() => callWith(jacobian, (x: unknown) => x, 'a')).toThrow(GradError);
    expect(() => callWith(callWith(jacobian, () => 3), tensor([1]))).toThrow('jacobian: f must return a Tensor (or arrays/objects of Tensors), got number');
    expect(() => callWith(jacobian, 'f')).toThrow(ArgumentError);
  });
});

describe('hessian: hand cases', () => {
  it('x0²·x1 + x1³ at (0.5, 2) is [[2x1, 2x0], [2x0, 6x1]]', () => {
    const f = (x: Tensor): Tensor => add(mul(square(at(x, 0)), at(x, 1)), mul(at(x, 1), square(at(x, 1))));
    expect(hessian(f)(tensor([0.5, 2])).toArray()).toEqual([[4, 1], [1, 12]]);
  });

  it('trees and argnums: Σ a²·b gives H_aa = diag(2b), H_ab = H_ba = diag(2a), H_bb = 0', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const H = hessian((p: { a: Tensor; b: Tensor }) => sum(mul(mul(p.a, p.a), p.b)))({ a, b });
    expect([H.a.a, H.a.b, H.b.a, H.b.b].map((t) => t.toArray())).toEqual([[[6, 0], [0, 8]], [[2, 0], [0, 4]], [[2, 0], [0, 4]], [[0, 0], [0, 0]]]);
    const [[Haa, Hab], [Hba, Hbb]] = hessian((u: Tensor, v: Tensor) => sum(mul(mul(u, u), v)), [0, 1])(a, b);
    expect([Haa, Hab, Hba, Hbb].map((t) => t.toArray())).toEqual([[[6, 0], [0, 8]], [[2, 0], [0, 4]], [[2, 0], [0, 4]], [[0, 0], [0, 0]]]);
    // A [2,2] matrix argument: the Hessian of Σ W² is 2·I shaped [2, 2, 2, 2].
    const HW = hessian((W: Tensor) => sum(square(W)))(tensor([[1, 2], [3, 4]]));
    expect(HW.shape).toEqual([2, 2, 2, 2]);
    expect(HW.data.reduce((s, v) => s + v, 0)).toBe(8);
    expect(HW.data[1 * 8 + 0 * 4 + 1 * 2 + 0]).toBe(2); // H[1,0,1,0] = ∂²/∂W10²
  });

  it('refuses a non-scalar f, and a Hessian past MAX_ELEMENTS before computing', () => {
    expect(() => hessian((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow('hessian: f must return a scalar, got shape [2]; reduce it with sum() or mean()');
    let calls = 0;
    expect(() => hessian((x: Tensor) => (calls++, sum(x)))(zeros([2 ** 14]))).toThrow(/hessian: the Hessian in 16384 input entries would have .* entries, more than the limit .*; use hvp/);
    expect(calls).toBe(0);
  });
});

/** A random small function from core ops: Σ tanh(W x)·v + Σ sigmoid(x)² + exp(Σ W)·0.1, over a tree { W, x }. */
type Params = { W: Tensor; x: Tensor };
const net = (v: Tensor) => (p: Params): Tensor =>
  add(add(sum(mul(tanh(matmul(p.W, p.x)), v)), sum(square(sigmoid(p.x)))), mul(exp(mul(sum(p.W), 0.1)), 0.1));
const vecNet = (p: Params): Tensor => mul(tanh(matmul(p.W, p.x)), sin(sum(p.x)));

const sizes = fc.record({ m: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 2 ** 31 }) });
const draw = ({ m, n, seed }: { m: number; n: number; seed: number }) => {
  const rng = new Rng(seed);
  return { p: { W: randomLike([m, n], rng), x: randomLike([n], rng) }, v: randomLike([m], rng), rng };
};

describe('jacobian and hessian: properties over random small networks', () => {
  // Rows and vjp are the same pullback with the same seeds, columns and jvp are both built
  // on the same tape: they agree to a few roundings of O(1) values, 1e-13 absolute.
  const TOL = 1e-13;

  it('jacobian rows equal vjp with basis cotangents; columns equal jvp with basis tangents', () => {
    fc.assert(fc.property(sizes, (s) => {
      const { p } = draw(s);
      const J = jacobian(vecNet)(p);
      const m = s.m;
      const [, pull] = vjp(vecNet, p);
      for (let i = 0; i < m; i++) {
        const e = zeros([m]).toFlatArray().map((_, k) => (k === i ? 1 : 0));
        const [row] = pull(tensor(e));
        expectAllClose(reshape(slice(J.W, [[i, i + 1]]), [m, s.n]), row.W.toArray(), 0, TOL);
        expectAllClose(reshape(slice(J.x, [[i, i + 1]]), [s.n]), row.x.toArray(), 0, TOL);
      }
      const fx = (W: Tensor, x: Tensor): Tensor => vecNet({ W, x });
      for (let j = 0; j < s.n; j++) {
        const t = tensor(Array.from({ length: s.n }, (_, k) => (k === j ? 1 : 0)));
        const [, col] = jvp(fx, [p.W, p.x], [zeros([m, s.n]), t]);
        expectAllClose(reshape(slice(J.x, [null, [j, j + 1]]), [m]), col.toArray(), 0, TOL);
      }
    }), { numRuns: 25 });
  });

  it('the hessian is symmetric and equals jacobian(grad(f)), for a tree argument', () => {
    fc.assert(fc.property(sizes, (s) => {
      const { p, v } = draw(s);
      const f = net(v);
      const H = hessian(f)(p);
      const JG = jacobian(grad(f))(p);
      // Flatten the blocks into one [N, N] matrix, N = m·n + n, to test symmetry across blocks.
      const keys = ['W', 'x'] as const;
      const size = { W: s.m * s.n, x: s.n };
      const N = size.W + size.x;
      const M: number[][] = Array.from({ length: N }, () => new Array<number>(N).fill(0));
      const off = { W: 0, x: size.W };
      for (const a of keys) {
        for (const b of keys) {
          const blk = H[a][b];
          expect(blk.shape).toEqual([...p[a].shape, ...p[b].shape]);
          // Forward over reverse against reverse over reverse: the same second-order
          // quantities, summed in different orders; entries are O(1), so 1e-12 absolute.
          expectAllClose(blk, JG[a][b].toArray(), 0, 1e-12);
          for (let i = 0; i < size[a]; i++) for (let j = 0; j < size[b]; j++) M[off[a] + i]![off[b] + j] = blk.data[i * size[b] + j]!;
        }
      }
      // Symmetric to 1e-12 relative to the largest entry: H_ij and H_ji are the same exact
      // mixed partial computed along two different chains of ~20 float64 ops, each rounding
      // at ≈1.1e-16 of an O(1) magnitude, so a few 1e-15 is expected; 1e-12 has headroom.
      const scale = Math.max(1, ...M.flat().map(Math.abs));
      for (let i = 0; i < N; i++) for (let j = 0; j < i; j++) expect(Math.abs(M[i]![j]! - M[j]![i]!)).toBeLessThanOrEqual(1e-12 * scale);
    }), { numRuns: 20 });
  });

  it('the hessian of Σ sum(tanh(W x) * x)-style functions with plain tensor arguments and argnums tuples', () => {
    fc.assert(fc.property(sizes, (s) => {
      const { p } = draw(s);
      const sq = s.n;
      const W = p.W.shape[0] === sq ? p.W : reshape(concat(Array.from({ length: sq }, () => reshape(slice(p.W, [[0, 1]]), [1, sq]))), [sq, sq]);
      const f = (A: Tensor, x: Tensor): Tensor => sum(mul(tanh(matmul(A, x)), x));
      const [[HAA, HAx], [HxA, Hxx]] = hessian(f, [0, 1])(W, p.x);
      const JG = jacobian(grad(f, [0, 1]), [0, 1])(W, p.x);
      expectAllClose(HAA, JG[0][0].toArray(), 0, 1e-12);
      expectAllClose(HAx, JG[0][1].toArray(), 0, 1e-12);
      expectAllClose(HxA, JG[1][0].toArray(), 0, 1e-12);
      expectAllClose(Hxx, JG[1][1].toArray(), 0, 1e-12);
      // H_xA is H_Ax with the axes swapped: [n] x [n, n] against [n, n] x [n].
      for (let i = 0; i < sq; i++) for (let j = 0; j < sq; j++) for (let k = 0; k < sq; k++) {
        expect(Math.abs(HxA.data[i * sq * sq + j * sq + k]! - HAx.data[(j * sq + k) * sq + i]!)).toBeLessThanOrEqual(1e-12);
      }
    }), { numRuns: 15 });
  });
});

describe('jacobian and hessian on junk arguments', () => {
  it('the returned functions throw only TapegradError subclasses on junk (junk-core.test.ts reaches only the outer call)', () => {
    const junk = fc.oneof(fc.anything(), fc.constant(tensor([1, 2])), fc.array(fc.constant(tensor([3]))), fc.constant({ w: tensor([1]) }));
    const fs = [(x: Tensor) => x, (x: Tensor) => sum(mul(x, x)), () => 3, (x: Tensor) => ({ a: x })];
    fc.assert(fc.property(fc.constantFrom(...fs), fc.array(junk, { maxLength: 3 }), fc.oneof(fc.constant(undefined), fc.constant(0), fc.constant([0]), fc.anything()), (f, args, argnums) => {
      for (const make of [jacobian, hessian]) {
        try {
          const d = callWith(make, f, argnums);
          callWith(d, ...args);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(TapegradError);
        }
      }
    }), { numRuns: 200 });
  });
});

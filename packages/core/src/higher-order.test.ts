/**
 * Second derivatives: grad of grad, hvp and jvp against closed forms and against central
 * differences of the gradient. (The op-table property in ops/table.test.ts does the same
 * for every op with random shapes; these are the readable, hand-derived cases.)
 */
import { describe, expect, it } from 'vitest';
import {
  type Tensor, abs, add, cos, exp, grad, hvp, jvp, leakyRelu, log, matmul, maximum, mul, relu, sigmoid, sin, softplus, sqrt, sum, tanh, tensor, vjp,
} from './index.js';
import { axpy, expectAllClose } from './testing/numeric.js';

/** f'' elementwise, by grad of grad. */
const second = (f: (x: Tensor) => Tensor, xs: number[]): Tensor => grad((y: Tensor) => sum(grad((x: Tensor) => sum(f(x)))(y)))(tensor(xs));

const σ = (v: number): number => 1 / (1 + Math.exp(-v));
const xs = [-1.3, 0.2, 0.9, 2.1];

describe('grad of grad against closed-form second derivatives', () => {
  // Reverse over reverse rounds a few times per op: 1e-14 relative, 1e-15 absolute near zeros.
  const R = 1e-14;
  const A = 1e-15;

  it('sin\'\' = -sin, cos\'\' = -cos, exp\'\' = exp', () => {
    expectAllClose(second(sin, xs), xs.map((v) => -Math.sin(v)), R, A);
    expectAllClose(second(cos, xs), xs.map((v) => -Math.cos(v)), R, A);
    expectAllClose(second(exp, xs), xs.map(Math.exp), R, A);
  });

  it('log\'\' = -1/x², sqrt\'\' = -1/(4 x^(3/2))', () => {
    const pos = [0.3, 1, 2.5];
    expectAllClose(second(log, pos), pos.map((v) => -1 / (v * v)), R, A);
    expectAllClose(second(sqrt, pos), pos.map((v) => -0.25 * v ** -1.5), R, A);
  });

  it('tanh\'\' = -2 tanh (1 - tanh²), sigmoid\'\' = σ(1-σ)(1-2σ), softplus\'\' = σ(1-σ)', () => {
    expectAllClose(second(tanh, xs), xs.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)), R, A);
    expectAllClose(second(sigmoid, xs), xs.map((v) => σ(v) * (1 - σ(v)) * (1 - 2 * σ(v))), R, A);
    expectAllClose(second(softplus, xs), xs.map((v) => σ(v) * (1 - σ(v))), R, A);
  });

  it('(x³)\'\' = 6x through mul fan-out', () => {
    expectAllClose(second((x) => mul(x, mul(x, x)), xs), xs.map((v) => 6 * v), R, A);
  });

  it('grad(grad(relu)) is 0 away from the kink (and grad(relu) is the step)', () => {
    const pts = [-2, -0.5, 0.5, 3];
    expect(grad((x: Tensor) => sum(relu(x)))(tensor(pts)).toArray()).toEqual([0, 0, 1, 1]);
    expect(second(relu, pts).toArray()).toEqual([0, 0, 0, 0]);
    expect(second(abs, pts).toArray()).toEqual([0, 0, 0, 0]);
    expect(second((x) => leakyRelu(x, 0.2), pts).toArray()).toEqual([0, 0, 0, 0]);
    expect(second((x) => maximum(x, 0), pts).toArray()).toEqual([0, 0, 0, 0]);
  });

  it('mixed partials: ∂²/∂x∂y of Σ x² y³ = 6 x y²', () => {
    const x = tensor([1.5, -2]);
    const y = tensor([0.5, 3]);
    // ∂/∂x (Σ x² y³) = 2 x y³; then ∂/∂y Σ of that = 6 x y².
    const dxy = grad((b: Tensor) => sum(grad((a: Tensor, c: Tensor) => sum(mul(mul(a, a), mul(c, mul(c, c)))))(x, b)))(y);
    expectAllClose(dxy, [6 * 1.5 * 0.25, 6 * -2 * 9], R, A);
  });

  it('third derivative: (sin)\'\'\' = -cos', () => {
    const d3 = grad((z: Tensor) => sum(grad((y: Tensor) => sum(grad((x: Tensor) => sum(sin(x)))(y)))(z)))(tensor(xs));
    expectAllClose(d3, xs.map((v) => -Math.cos(v)), R, A);
  });
});

describe('hvp and jvp', () => {
  // f(x) = Σ_i x_i² x_{i+1} + Σ sin(x) · log(1 + x²): a non-diagonal Hessian.
  const f = (x: Tensor): Tensor => {
    const n = x.size;
    const head = matmul(tensor(Array.from({ length: n - 1 }, (_, i) => Array.from({ length: n }, (_, j) => (j === i ? 1 : 0)))), x);
    const tail = matmul(tensor(Array.from({ length: n - 1 }, (_, i) => Array.from({ length: n }, (_, j) => (j === i + 1 ? 1 : 0)))), x);
    return add(sum(mul(mul(head, head), tail)), sum(mul(sin(x), log(add(1, mul(x, x))))));
  };
  const x = tensor([0.3, -0.8, 1.1, 0.5]);
  const v = tensor([1, -0.5, 0.25, 2]);

  it('hvp agrees with central differences of the gradient', () => {
    // (∇f(x + εv) - ∇f(x - εv)) / 2ε with ε = 1e-5: truncation ε²/6·|f''''| ≈ 1e-10,
    // rounding ≈ ε_mach·|∇f|/ε ≈ 1e-11; 1e-7 absolute leaves three orders of margin.
    const g = (p: Tensor): Tensor => grad(f)(p);
    const eps = 1e-5;
    const gp = g(axpy(x, eps, v));
    const gm = g(axpy(x, -eps, v));
    const fd = Array.from(gp.data, (a, k) => (a - gm.data[k]!) / (2 * eps));
    expectAllClose(hvp(f, x, v), fd, 0, 1e-7);
  });

  it('hvp of a quadratic is exact: ½ xᵀAx with symmetric A gives A v', () => {
    const A = [[2, 1, 0], [1, 3, -1], [0, -1, 4]];
    const q = (y: Tensor): Tensor => mul(0.5, sum(mul(y, matmul(tensor(A), y))));
    const w = [1, 2, -1];
    expect(hvp(q, tensor([0.1, 0.2, 0.3]), tensor(w)).toArray()).toEqual(A.map((r) => r.reduce((s, a, j) => s + a * w[j]!, 0)));
  });

  it('jvp equals J v by central differences, and its primal output is f(x)', () => {
    const h = (a: Tensor, b: Tensor): Tensor => add(mul(sin(a), b), exp(mul(a, b)));
    const a = tensor([0.2, -0.4, 1]);
    const b = tensor([1.5, 0.5, -0.3]);
    const da = tensor([1, 0, -1]);
    const db = tensor([0.5, 2, 1]);
    const [y, jv] = jvp(h, [a, b], [da, db]);
    expect(y.toArray()).toEqual(h(a, b).toArray());
    // ∂h = cos(a) b da + sin(a) db + e^(ab)(b da + a db), elementwise.
    const expected = [0, 1, 2].map((i) => {
      const [ai, bi, dai, dbi] = [a.data[i]!, b.data[i]!, da.data[i]!, db.data[i]!];
      return Math.cos(ai) * bi * dai + Math.sin(ai) * dbi + Math.exp(ai * bi) * (bi * dai + ai * dbi);
    });
    expectAllClose(jv, expected, 1e-14, 1e-15);
  });

  it('transforms compose: grad of a jvp, of an hvp, of a vjp pullback', () => {
    const cube = (y: Tensor): Tensor => mul(y, mul(y, y));
    const x0 = tensor([1, 2]);
    const ones2 = tensor([1, 1]);
    // J v for x³ with v = 1 is 3x²; its gradient is 6x.
    expect(grad((x: Tensor) => sum(jvp(cube, [x], [ones2])[1]))(x0).toArray()).toEqual([6, 12]);
    // H v of Σ x³ is 6x ⊙ v; the gradient of its sum is 6v.
    expect(grad((x: Tensor) => sum(hvp((y: Tensor) => sum(cube(y)), x, ones2)))(x0).toArray()).toEqual([6, 6]);
    // The pullback of sin at x gives cos x; differentiating through it gives -sin x.
    const g = grad((x: Tensor) => sum(vjp(sin, x)[1](ones2)[0]))(tensor([0.5, 1]));
    expectAllClose(g, [-Math.sin(0.5), -Math.sin(1)], 1e-15, 0);
  });

  it('jvp through a matrix product: d(W x) = W dx + dW x', () => {
    const W = tensor([[1, 2], [3, 4], [5, 6]]);
    const [, jv] = jvp((w: Tensor, x0: Tensor) => matmul(w, x0), [W, tensor([1, -1])], [tensor([[1, 0], [0, 1], [1, 1]]), tensor([0.5, 0.5])]);
    // W dx = [1.5, 3.5, 5.5]; dW x = [1, -1, 0].
    expect(jv.toArray()).toEqual([2.5, 2.5, 5.5]);
  });
});

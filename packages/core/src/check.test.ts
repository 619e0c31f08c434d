import { describe, expect, it } from 'vitest';
import { ArgumentError, type Tensor, add, checkGrads, customOp, exp, fmtNumber, mul, sin, square, stopGradient, sum, tanh, tensor } from './index.js';
import { callWith } from './testing/untyped.js';

describe('checkGrads', () => {
  it('reports agreement per argument for a correct gradient', () => {
    const r = checkGrads((x, y) => sum(mul(sin(x), exp(y))), [tensor([[0.1, 0.2], [0.3, 0.4]]), tensor([[1, -1], [0.5, 0]])]);
    expect(r.ok).toBe(true);
    expect(r.args.map((a) => a.arg)).toEqual([0, 1]);
    expect(r.args.map((a) => a.shape)).toEqual([[2, 2], [2, 2]]);
    for (const a of r.args) {
      expect(a.ok).toBe(true);
      // Default eps 1e-6: truncation ~1e-12·|f'''|, rounding ~1e-16·|f|/1e-6 ≈ 1e-10 at |f| ≈ 5.
      expect(a.maxAbsError).toBeLessThan(1e-8);
      expect(a.maxRelError).toBeLessThan(1e-8);
      expect(a.worstIndex).toHaveLength(2);
      expect(a.autodiff.shape).toEqual([2, 2]);
      expect(a.numeric.shape).toEqual([2, 2]);
    }
    // ∂/∂x = cos(x) e^y, exact from autodiff.
    expect(r.args[0]!.autodiff.data[1]).toBeCloseTo(Math.cos(0.2) * Math.exp(-1), 15);
  });

  it('catches a wrong hand-written VJP and points at the worst entry', () => {
    // square with a VJP missing its factor 2: autodiff x, numeric 2x, error |x|, relative 1/2.
    const badSquare = customOp({ name: 'badSquare', inputs: ['x'], forward: (x: Tensor) => mul(x, x), vjp: { x: (g, { saved: { x } }) => mul(g, x) } });
    const r = checkGrads((x) => sum(badSquare(x)), [tensor([[1, -4], [2, 3]])]);
    expect(r.ok).toBe(false);
    const a = r.args[0]!;
    expect(a.ok).toBe(false);
    expect(a.worstIndex).toEqual([0, 1]);
    expect(a.worst.index).toEqual([0, 1]);
    // The worst entry shows both values: autodiff x = -4, numeric 2x = -8 (to the difference's rounding).
    expect(a.worst.autodiff).toBe(-4);
    expect(a.worst.numeric).toBeCloseTo(-8, 6);
    expect(a.failures).toBe(4);
    expect(a.maxAbsError).toBeCloseTo(4, 6);
    expect(a.maxRelError).toBeCloseTo(0.5, 6);
    expect(a.autodiff.toArray()).toEqual([[1, -4], [2, 3]]);
    const lines = r.toString().split('\n');
    expect(lines[0]).toBe('arg  shape  max abs err  max rel err  worst  autodiff  numeric  fails  ok');
    expect(lines[1]).toBe('---  -----  -----------  -----------  -----  --------  -------  -----  --');
    expect(lines[2]).toBe('0    [2,2]  4            0.5          [0,1]  -4        -8       4/4    NO');
  });

  it('respects rtol/atol/eps and accepts a scalar argument', () => {
    const f = (x: Tensor): Tensor => sum(tanh(x));
    // A huge eps makes the central difference visibly wrong (truncation eps²/6·|tanh'''|), so a tight rtol fails it.
    expect(checkGrads(f, [tensor(0.5)], { eps: 0.5, rtol: 1e-6, atol: 0 }).ok).toBe(false);
    expect(checkGrads(f, [tensor(0.5)], { eps: 0.5, rtol: 0.1, atol: 0 }).ok).toBe(true);
    const r = checkGrads(f, [tensor(0.5)]);
    expect(r.ok).toBe(true);
    expect(r.args[0]!.worstIndex).toEqual([]);
  });

  it('the worst entry is the largest error relative to the tolerance, not the largest absolute error', () => {
    // d/dx x² with a VJP off by a relative 1e-7 everywhere (inside rtol = 1e-6) and by 1e-5
    // absolute at x = 0.5 (tolerance 1e-8 + 1e-6·1 ≈ 1e-6: fails). The largest absolute error
    // is at x = 100 (2e-5, tolerance 2e-4: passes); the worst is the failing entry.
    const c = tensor([0, 1e-5, 0]);
    const offBy = customOp({ name: 'offBy', inputs: ['x'], saves: ['x'], forward: (x: Tensor) => mul(x, x), vjp: { x: (g, { saved: { x } }) => mul(g, add(mul(mul(2, x), 1 + 1e-7), c)) } });
    const r = checkGrads((x) => sum(offBy(x)), [tensor([100, 0.5, 2])]);
    const a = r.args[0]!;
    expect(r.ok).toBe(false);
    expect(a.failures).toBe(1);
    expect(a.worstIndex).toEqual([1]);
    expect(a.worst.index).toEqual([1]);
    expect(a.worst.autodiff).toBeCloseTo(1 + 1e-7 + 1e-5, 12);
    // The difference of Σ x² ≈ 1e4 rounds at ≈ 1e-16·1e4/1e-6 = 1e-6.
    expect(a.worst.numeric).toBeCloseTo(1, 5);
    // max abs error is at [0]: 200·1e-7 = 2e-5 (the central difference of 1e4-sized values adds ~1e-6 at most).
    expect(a.maxAbsError).toBeGreaterThan(1.8e-5);
    expect(Math.abs(a.autodiff.data[0]! - a.numeric.data[0]!)).toBe(a.maxAbsError);
    expect(r.toString().split('\n')[2]!.split(/ {2,}/)).toEqual(['0', '[3]', fmtNumber(a.maxAbsError), fmtNumber(a.maxRelError), '[1]', '1.00001', '0.999999', '1/3', 'NO']);
  });

  it('rejects an order other than 1 or 2', () => {
    for (const order of [0, 3, '2', null]) expect(() => callWith(checkGrads, (x: Tensor) => sum(x), [tensor([1])], { order })).toThrow(ArgumentError);
    expect(() => callWith(checkGrads, (x: Tensor) => sum(x), [tensor([1])], { order: 3 })).toThrow('checkGrads: order must be 1 (gradients) or 2 (second derivatives), got 3');
  });
});

describe('checkGrads order 2', () => {
  it('checks every Hessian block against central differences of the gradient: x0²·x1 + x1³ and a second argument', () => {
    // f(x, y) = Σ x² y + Σ y³·sin(x): blocks [2,2] each; H_xx = diag(2y - y³ sin x), H_xy = diag(2x + 3y² cos x), H_yy = diag(6y sin x).
    const f = (x: Tensor, y: Tensor): Tensor => add(sum(mul(square(x), y)), sum(mul(mul(y, square(y)), sin(x))));
    const x = tensor([0.5, -1]);
    const y = tensor([2, 0.25]);
    const r = checkGrads(f, [x, y], { order: 2 });
    expect(r.ok).toBe(true);
    expect(r.order).toBe(2);
    expect(r.args.map((a) => [a.arg, a.wrt])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    for (const a of r.args) {
      expect(a.shape).toEqual([2, 2]);
      expect(a.failures).toBe(0);
      // Default eps 1e-5 on the gradient: rounding ≈ 1e-16·|g|/1e-5 ≈ 1e-10, truncation ≈ 2e-11·|f''''|.
      expect(a.maxAbsError).toBeLessThan(1e-8);
    }
    const hxy = (xv: number, yv: number): number => 2 * xv + 3 * yv * yv * Math.cos(xv);
    expect(r.args[1]!.autodiff.toArray()).toEqual([[hxy(0.5, 2), 0], [0, hxy(-1, 0.25)]]);
    const lines = r.toString().split('\n');
    expect(lines[0]!.split(/ {2,}/)).toEqual(['args', 'shape', 'max abs err', 'max rel err', 'worst', 'autodiff', 'numeric', 'fails', 'ok']);
    expect(lines.slice(2).map((l) => l.split(/ +/)[0])).toEqual(['0,0', '0,1', '1,0', '1,1']);
  });

  it('catches a VJP right to first order but wrong to second (a stopGradient inside it)', () => {
    // cube's VJP 3x²·g computed as 3·x·stop(x)·g: first derivative exact, second 3x instead of 6x.
    const halfCube = customOp({ name: 'halfCube', inputs: ['x'], saves: ['x'], forward: (x: Tensor) => mul(x, mul(x, x)), vjp: { x: (g, { saved: { x } }) => mul(g, mul(3, mul(x, stopGradient(x)))) } });
    const f = (x: Tensor): Tensor => sum(halfCube(x));
    const xs = tensor([1, -2, 0.5]);
    expect(checkGrads(f, [xs]).ok).toBe(true);
    const r = checkGrads(f, [xs], { order: 2 });
    expect(r.ok).toBe(false);
    const a = r.args[0]!;
    expect(a.shape).toEqual([3, 3]);
    expect(a.failures).toBe(3); // the diagonal
    // Worst relative to tolerance: at x = -2 (error 6, tolerance 1e-7 + 1e-5·12).
    expect(a.worst.index).toEqual([1, 1]);
    expect(a.worst.autodiff).toBe(-6);
    expect(a.worst.numeric).toBeCloseTo(-12, 6);
  });

  it('tolerances are the order-2 defaults unless given', () => {
    const f = (x: Tensor): Tensor => sum(tanh(x));
    // A huge eps makes the difference of the gradient visibly wrong; a tight rtol fails it.
    expect(checkGrads(f, [tensor([0.5])], { order: 2, eps: 0.3, rtol: 1e-6, atol: 0 }).ok).toBe(false);
    expect(checkGrads(f, [tensor([0.5])], { order: 2, eps: 0.3, rtol: 0.2, atol: 0 }).ok).toBe(true);
    expect(checkGrads(f, [tensor(0.5)], { order: 2 }).args[0]!.shape).toEqual([]);
  });
});

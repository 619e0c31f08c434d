import { describe, expect, it } from 'vitest';
import { type Tensor, checkGrads, customOp, exp, mul, sin, sum, tanh, tensor } from './index.js';

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
    expect(a.maxAbsError).toBeCloseTo(4, 6);
    expect(a.maxRelError).toBeCloseTo(0.5, 6);
    expect(a.autodiff.toArray()).toEqual([[1, -4], [2, 3]]);
    const lines = r.toString().split('\n');
    expect(lines[0]).toBe('arg  shape  max abs err  max rel err  worst  ok');
    expect(lines[1]).toBe('---  -----  -----------  -----------  -----  --');
    expect(lines[2]).toMatch(/^0 {4}\[2,2\] {2}4 {12}0\.5 {10}\[0,1\] {2}NO$/);
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
});

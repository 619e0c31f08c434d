import { describe, expect, it } from 'vitest';
import { type Tensor, add, exp, grad, isRecording, mul, noGrad, scalar, sin, sum, tensor, where, vjp, valueAndGrad } from './index.js';
import { tapeLength } from './tape.js';

describe('gradients are summed back to input shapes (broadcasting)', () => {
  it('[3,1] + [1,4]: each input gets the cotangent summed over the axes it was broadcast on', () => {
    const w = tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(mul(add(a, b), w)), [0, 1])(tensor([[0], [0], [0]]), tensor([[0, 0, 0, 0]]));
    expect(ga.toArray()).toEqual([[1 + 2 + 3 + 4], [5 + 6 + 7 + 8], [9 + 10 + 11 + 12]]);
    expect(gb.toArray()).toEqual([[1 + 5 + 9, 2 + 6 + 10, 3 + 7 + 11, 4 + 8 + 12]]);
  });

  it('[2,3] * [3]: the vector gets Σ over rows of g·a', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const [ga, gb] = grad((x: Tensor, y: Tensor) => sum(mul(x, y)), [0, 1])(a, tensor([10, 20, 30]));
    expect(ga.toArray()).toEqual([[10, 20, 30], [10, 20, 30]]);
    expect(gb.toArray()).toEqual([1 + 4, 2 + 5, 3 + 6]);
  });

  it('scalar + matrix: the scalar gets the sum of the whole cotangent, with shape []', () => {
    const m = tensor([[1, 2], [3, 4]]);
    const [gs, gm] = grad((s: Tensor, x: Tensor) => sum(mul(add(s, x), x)), [0, 1])(scalar(5), m);
    expect(gs.shape).toEqual([]);
    // ∂/∂s Σ (s + x)x = Σ x = 10; ∂/∂x = s + 2x.
    expect(gs.item()).toBe(10);
    expect(gm.toArray()).toEqual([[7, 9], [11, 13]]);
  });

  it('where with a broadcast mask sends each element to the side it picked', () => {
    const c = tensor([1, 0, 1]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(where(c, a, b)), [0, 1])(tensor([[1, 2, 3], [4, 5, 6]]), scalar(0));
    expect(ga.toArray()).toEqual([[1, 0, 1], [1, 0, 1]]);
    expect(gb.shape).toEqual([]);
    expect(gb.item()).toBe(2);
  });
});

describe('fan-out', () => {
  it('a tensor used several times accumulates every path', () => {
    // f = x·x + 3x + x·x·x: f' = 2x + 3 + 3x² = 4 + 3 + 12 = 19 at x = 2.
    const f = (x: Tensor): Tensor => sum(add(add(mul(x, x), mul(3, x)), mul(mul(x, x), x)));
    expect(grad(f)(tensor([2])).toArray()).toEqual([19]);
  });

  it('an intermediate used by two branches accumulates before flowing on', () => {
    // h = sin x used twice: f = h·e^h, f' = cos x · (e^h + h e^h).
    const x = 0.7;
    const g = grad((t: Tensor) => {
      const h = sin(t);
      return sum(mul(h, exp(h)));
    })(tensor([x])).item();
    const h = Math.sin(x);
    expect(g).toBeCloseTo(Math.cos(x) * Math.exp(h) * (1 + h), 14);
  });
});

describe('the backward walk is iterative', () => {
  it('a 100,000-op chain differentiates without a stack overflow', () => {
    // y = x·a·a·…·a (N multiplications): dy/dx = a^N. Each product rounds once in each
    // pass, so the relative error is at most about N·ε_mach ≈ 2.2e-11; we allow 1e-9.
    const N = 100_000;
    const a = scalar(1 + 1e-5);
    const [y, g] = valueAndGrad((x: Tensor) => {
      let t = x;
      for (let i = 0; i < N; i++) t = mul(t, a);
      return t;
    })(scalar(2));
    const expected = Math.pow(1 + 1e-5, N); // ≈ e^1
    expect(Math.abs(g.item() - expected) / expected).toBeLessThan(1e-9);
    expect(Math.abs(y.item() - 2 * expected) / expected).toBeLessThan(1e-9);
    expect(tapeLength()).toBe(0);
  });
});

describe('tape lifetime', () => {
  it('is empty outside any grad, holds nodes during one, and is released after the outermost', () => {
    expect(tapeLength()).toBe(0);
    let during = -1;
    let afterInner = -1;
    grad((x: Tensor) => {
      const y = sum(mul(x, x));
      during = tapeLength();
      const inner = grad((z: Tensor) => sum(sin(z)))(x);
      afterInner = tapeLength();
      return add(y, sum(inner));
    })(tensor([1, 2]));
    expect(during).toBeGreaterThan(0);
    // An inner grad must not free the nodes the outer one still needs.
    expect(afterInner).toBeGreaterThan(during);
    expect(tapeLength()).toBe(0);
  });

  it('is released when f throws, and the next grad works', () => {
    expect(() =>
      grad((x: Tensor) => {
        mul(x, x);
        throw new Error('boom');
      })(tensor([1])),
    ).toThrow('boom');
    expect(tapeLength()).toBe(0);
    expect(isRecording()).toBe(false);
    expect(grad((x: Tensor) => sum(mul(x, x)))(tensor([3])).toArray()).toEqual([6]);
  });

  it('is released after vjp returns, and the pullback still works afterwards, repeatedly', () => {
    const [y, pull] = vjp((x: Tensor) => mul(x, x), tensor([1, 2]));
    expect(tapeLength()).toBe(0);
    expect(y.toArray()).toEqual([1, 4]);
    expect(pull(tensor([1, 1]))[0].toArray()).toEqual([2, 4]);
    expect(pull(tensor([1, 0]))[0].toArray()).toEqual([2, 0]);
    expect(tapeLength()).toBe(0);
  });

  it('nothing is recorded outside grad, nor inside noGrad', () => {
    const x = tensor([1]);
    mul(x, x);
    expect(tapeLength()).toBe(0);
    grad((t: Tensor) => {
      const before = tapeLength();
      const c = noGrad(() => mul(t, t));
      expect(tapeLength()).toBe(before);
      expect(isRecording()).toBe(true);
      expect(noGrad(() => isRecording())).toBe(false);
      return sum(mul(c, t));
    })(x);
  });
});

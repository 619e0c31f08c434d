/**
 * customOp and second derivatives: a VJP written on raw numbers is caught when a second
 * derivative is taken through it (it would silently give 0), `order: 1` declares an op
 * first-order only, and a VJP written with tensor ops passes grad of grad against finite
 * differences of the gradient. (The first-order customOp tests are in autodiff.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, GradError, type Tensor, add, cos, customOp, grad, hvp, jvp, mul, scalar, sin, stopGradient, sum, tensor, traceTape, valueAndGrad,
} from './index.js';
import { callWith } from './testing/untyped.js';
import { expectAllClose } from './testing/numeric.js';

/** cube(x) = x³ with a VJP computed on raw numbers: right values, but off the tape. */
const rawCube = customOp({
  name: 'rawCube',
  inputs: ['x'],
  forward: (x: Tensor) => mul(x, mul(x, x)),
  vjp: { x: (g, { saved: { x } }) => tensor(Array.from(x.data, (v, k) => 3 * v * v * g.data[k]!)) },
});

/** The same op written with tensor ops: differentiable again. */
const cube = customOp({
  name: 'cube',
  inputs: ['x'],
  saves: ['x'],
  forward: (x: Tensor) => mul(x, mul(x, x)),
  vjp: { x: (g, { saved: { x } }) => mul(g, mul(3, mul(x, x))) },
});

/** The tensor-op cube declared first-order only. */
const cube1 = customOp({ name: 'cube1', inputs: ['x'], saves: ['x'], order: 1, forward: (x: Tensor) => mul(x, mul(x, x)), vjp: { x: (g, { saved: { x } }) => mul(g, mul(3, mul(x, x))) } });

const xs = [-1.5, 0.5, 2];
const d2 = (op: (x: Tensor) => Tensor) => grad((y: Tensor) => sum(grad((x: Tensor) => sum(op(x)))(y)));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('customOp: a VJP on raw numbers', () => {
  it('still gives the right first derivative 3x²', () => {
    expect(grad((x: Tensor) => sum(rawCube(x)))(tensor(xs)).toArray()).toEqual(xs.map((v) => 3 * v * v));
  });

  it('raises a GradError naming the op and the input when grad of grad goes through it (it would be 0, not 6x)', () => {
    const e = thrown(() => d2(rawCube)(tensor(xs)));
    expect(e).toBeInstanceOf(GradError);
    expect((e as Error).message).toBe(
      "rawCube: its VJP for input 'x' returned a value not computed with tensor ops, so its second derivative would silently be 0: " +
        'write the VJP with tensor ops (mul, add, ...) or declare the op first-order only with `order: 1` ' +
        '(a saved value read only for its shape: use ctx.shapes instead)',
    );
  });

  it('raises it for hvp and jvp too (both differentiate a VJP)', () => {
    const f = (x: Tensor): Tensor => sum(rawCube(x));
    expect(() => hvp(f, tensor(xs), tensor([1, 0, 0]))).toThrow(GradError);
    expect(() => jvp((x: Tensor) => rawCube(x), [tensor(xs)], [tensor([1, 1, 1])])).toThrow(/rawCube: its VJP for input 'x'/);
  });

  it('raises it when the upstream cotangent is traced (the op is not last): Σ sin(cube(x))', () => {
    expect(() => d2((x) => sin(rawCube(x)))(tensor(xs))).toThrow(GradError);
  });

  it('does not raise for a first derivative computed inside a trace but not differentiated again', () => {
    // The outer function computes grad through rawCube, then returns something that does not use it.
    const outer = grad((y: Tensor) => {
      const g = grad((x: Tensor) => sum(rawCube(x)))(y);
      expect(g.toArray()).toEqual(xs.map((v) => 3 * v * v));
      return sum(mul(y, y));
    });
    expect(outer(tensor(xs)).toArray()).toEqual(xs.map((v) => 2 * v));
  });

  it('a first derivative the outer function uses at a constant point is refused, and stopGradient says it is a constant', () => {
    // ∂/∂y Σ y·f'(x0), x0 constant to the outer trace: the answer f'(x0) = 3x0² needs no second derivative.
    const x0 = tensor(xs);
    const inner = (y: Tensor, stop: boolean): Tensor => {
      const g = grad((x: Tensor) => sum(rawCube(x)))(x0);
      return sum(mul(y, stop ? stopGradient(g) : g));
    };
    expect(() => grad((y: Tensor) => inner(y, false))(tensor([1, 1, 1]))).toThrow(GradError);
    expect(grad((y: Tensor) => inner(y, true))(tensor([1, 1, 1])).toArray()).toEqual(xs.map((v) => 3 * v * v));
  });

  it('does not raise for an all-zero raw result (0 has derivative 0) or a VJP that reads nothing traced', () => {
    const zeroVjp = customOp({ name: 'flat', inputs: ['x'], forward: (x: Tensor) => mul(x, 0), vjp: { x: (_g, { shapes }) => tensor(new Array<number>(shapes[0]![0]!).fill(0)) } });
    expect(d2(zeroVjp)(tensor(xs)).toArray()).toEqual([0, 0, 0]);
    // double(x) = 2x with the default saves (x and out) but a VJP that reads only g: when g is
    // the untraced seed its result is untraced, and the second derivative really is 0.
    const double = customOp({ name: 'double', inputs: ['x'], forward: (x: Tensor) => mul(x, 2), vjp: { x: (g) => mul(g, 2) } });
    expect(d2(double)(tensor(xs)).toArray()).toEqual([0, 0, 0]);
    // Σ 2x·x = Σ 2x²: second derivative 4, with a traced g reaching double's VJP.
    expect(d2((x) => mul(double(x), x))(tensor(xs)).toArray()).toEqual([4, 4, 4]);
  });
});

describe('customOp: order: 1', () => {
  it('differentiates once as usual', () => {
    const [v, g] = valueAndGrad((x: Tensor) => sum(cube1(x)))(tensor(xs));
    expect(v.item()).toBeCloseTo(-3.375 + 0.125 + 8, 14);
    expect(g.toArray()).toEqual(xs.map((x) => 3 * x * x));
  });

  it('refuses a second derivative, saying the op is first-order only', () => {
    const e = thrown(() => d2(cube1)(tensor(xs)));
    expect(e).toBeInstanceOf(GradError);
    expect((e as Error).message).toBe(
      "cube1: the op was declared first-order only (order: 1), so it has no second derivative; a second derivative (grad of grad, hvp, jvp, hessian) " +
        "was taken through its VJP for input 'x'. Write the VJPs with tensor ops and drop order: 1, or do not differentiate through it twice",
    );
    expect(() => hvp((x: Tensor) => sum(cube1(x)), tensor(xs), tensor([0, 1, 0]))).toThrow(/first-order only/);
  });

  it('accepts only 1 or 2', () => {
    const spec = { name: 'c', inputs: ['x'], forward: (x: Tensor) => x, vjp: { x: (g: Tensor) => g } };
    for (const order of [0, 3, 1.5, '2', null]) {
      expect(() => callWith(customOp, { ...spec, order })).toThrow(ArgumentError);
    }
    expect(() => callWith(customOp, { ...spec, order: 3 })).toThrow("customOp 'c': order must be 1 (first-order only) or 2 (the VJPs are differentiable), got 3");
    expect(callWith(customOp, { ...spec, order: 2 })).toBeTypeOf('function');
  });
});

describe('customOp: a VJP written with tensor ops', () => {
  it('passes grad of grad against the closed form 6x and against central differences of the gradient', () => {
    expectAllClose(d2(cube)(tensor(xs)), xs.map((v) => 6 * v), 1e-15, 0);
    // f(x) = Σ cube(x)·cos(x) + x·cube(x): f'' by grad(grad) against (f'(x+ε) - f'(x-ε)) / 2ε.
    const f = (x: Tensor): Tensor => sum(add(mul(cube(x), cos(x)), mul(x, cube(x))));
    const fp = grad(f);
    const x0 = tensor(xs);
    const second = d2((x) => add(mul(cube(x), cos(x)), mul(x, cube(x))))(x0);
    // ε = 1e-5: truncation ε²/6·|f''''| ≤ 1e-10·30 and rounding ≈ 1e-16·|f'|/ε ≈ 1e-10;
    // 1e-7 absolute leaves a factor of 100 over both.
    const eps = 1e-5;
    const fd = xs.map((_, k) => {
      const e = xs.map((_v, j) => (j === k ? eps : 0));
      const plus = fp(tensor(xs.map((v, j) => v + e[j]!))).data[k]!;
      const minus = fp(tensor(xs.map((v, j) => v - e[j]!))).data[k]!;
      return (plus - minus) / (2 * eps);
    });
    expectAllClose(second, fd, 0, 1e-7);
    // And the closed form: f = x³cos x + x⁴, f'' = 6x cos x - 6x² sin x - x³ cos x + 12x².
    expectAllClose(second, xs.map((v) => 6 * v * Math.cos(v) - 6 * v * v * Math.sin(v) - v ** 3 * Math.cos(v) + 12 * v * v), 1e-13, 1e-13);
  });
});

describe('customOp rules', () => {
  const cube = (rules?: unknown) =>
    Reflect.apply(customOp, undefined, [{
      name: 'cube', inputs: ['x'], forward: (x: Tensor) => mul(x, mul(x, x)),
      vjp: { x: (g: Tensor, { saved: { x } }: { saved: { x: Tensor } }) => mul(g, mul(3, mul(x, x))) },
      ...(rules === undefined ? {} : { rules }),
    }]) as (x: Tensor) => Tensor;

  it('a custom op with rule text shows it in steps(), like a built-in op', () => {
    const op = cube({ x: { text: '∂/∂x x³ = 3x²', tex: '3x^2' } });
    const steps = traceTape((x) => op(x), scalar(2)).steps();
    expect(steps.backward[0]!.inputs[0]!.rule).toEqual({ text: '∂/∂x x³ = 3x²', tex: '3x^2' });
    expect(steps.backward[0]!.inputs[0]!.contribution!.data[0]).toBe(12);
    expect(traceTape((x) => cube()(x), scalar(2)).steps().backward[0]!.inputs[0]!.rule).toBeNull();
  });

  it('bad rules are ArgumentErrors naming the op', () => {
    expect(() => cube({ y: { text: 'a', tex: 'a' } })).toThrow(/customOp 'cube': rules has an entry for 'y', which is not an input/);
    expect(() => cube({ x: { text: 'a' } })).toThrow(/rules.x must be \{ text: string, tex: string \}/);
    expect(() => cube('d/dx')).toThrow(ArgumentError);
  });
});

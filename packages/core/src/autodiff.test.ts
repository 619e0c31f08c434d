import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Tensor, Tensor as TensorClass, add, customOp, exp, grad, log, matmul, mean, mul, noGrad, scalar, sigmoid, sin, square, stopGradient, sub, sum,
  tanh, tensor, valueAndGrad, vjp, zeros, type Tree,
} from './index.js';
import { expectAllClose } from './testing/numeric.js';

describe('grad and valueAndGrad', () => {
  const f = (x: Tensor, y: Tensor): Tensor => sum(mul(mul(x, x), y)); // Σ x²y

  it('differentiate argument 0 by default', () => {
    expect(grad(f)(tensor([1, 2]), tensor([3, 4])).toArray()).toEqual([2 * 1 * 3, 2 * 2 * 4]);
  });

  it('argnums as a number picks one argument; as an array gives a tuple in that order', () => {
    const x = tensor([1, 2]);
    const y = tensor([3, 4]);
    expect(grad(f, 1)(x, y).toArray()).toEqual([1, 4]);
    const [gy, gx] = grad(f, [1, 0])(x, y);
    expect(gy.toArray()).toEqual([1, 4]);
    expect(gx.toArray()).toEqual([6, 16]);
  });

  it('valueAndGrad returns the value too, untraced', () => {
    const [v, g] = valueAndGrad(f, [0, 1])(tensor([1, 2]), tensor([3, 4]));
    expect(v.item()).toBe(3 + 16);
    expect(v.node).toBeNull();
    expect(g[0].node).toBeNull();
    expect(g[1].toArray()).toEqual([1, 4]);
  });

  it('accepts any size-1 output shape as a scalar', () => {
    expect(grad((x: Tensor) => sum(x, 0, true))(tensor([1, 2])).toArray()).toEqual([1, 1]);
  });

  it('non-tensor arguments not being differentiated pass through untouched', () => {
    const g = grad((x: Tensor, k: number, opts: { square: boolean }) => sum(opts.square ? mul(mul(x, x), k) : mul(x, k)))(tensor([3]), 5, { square: true });
    expect(g.toArray()).toEqual([30]);
  });
});

describe('parameter trees', () => {
  it("keeps a key named '__proto__' (as JSON.parse makes it) an own key of the gradient tree, not the tree's prototype", () => {
    const tree = JSON.parse('{"__proto__": 0, "w": 0}') as Record<string, unknown>;
    tree['w'] = tensor([1, 2]);
    Object.defineProperty(tree, '__proto__', { value: tensor([3]), enumerable: true, writable: true, configurable: true });
    const g = grad((p: Tree) => { const r = p as Record<string, Tensor>; return add(sum(square(r["w"]!)), sum(mul(r["__proto__"]!, 5))); })(tree as Tree) as Record<string, Tensor>;
    expect(Object.getPrototypeOf(g)).toBe(Object.prototype);
    expect(Object.keys(g)).toEqual(['__proto__', 'w']);
    expect(Array.from(Object.getOwnPropertyDescriptor(g, '__proto__')!.value.data as Float64Array)).toEqual([5]);
    expect(Array.from(g['w']!.data)).toEqual([2, 4]);
  });

  interface Params {
    readonly layers: readonly { readonly w: Tensor; readonly b: Tensor }[];
    readonly scale: Tensor;
    readonly unused: Tensor;
  }
  const params: Params = {
    layers: [
      { w: tensor([[1, 2], [3, 4]]), b: tensor([0.5, -0.5]) },
      { w: tensor([[1], [-1]]), b: tensor([2]) },
    ],
    scale: scalar(3),
    unused: tensor([[1, 2, 3]]),
  };
  const x = tensor([[1, 1]]);
  const loss = (p: Params, input: Tensor): Tensor => {
    const h = add(matmul(input, p.layers[0]!.w), p.layers[0]!.b); // [1,2]
    const o = add(matmul(h, p.layers[1]!.w), p.layers[1]!.b); // [1,1]
    return mul(sum(o), p.scale);
  };

  it('gradients come back in the same nested structure, unused leaves as zeros of their shape', () => {
    const g = grad(loss)(params, x);
    // h = [1+3+0.5, 2+4-0.5] = [4.5, 5.5]; o = 4.5 - 5.5 + 2 = 1; loss = 3·o.
    expect(g.scale.item()).toBe(1);
    expect(g.layers[1]!.b.toArray()).toEqual([3]);
    expect(g.layers[1]!.w.toArray()).toEqual([[3 * 4.5], [3 * 5.5]]);
    // ∂loss/∂h = 3·[1, -1]; ∂/∂b0 = that; ∂/∂w0 = xᵀ (3·[1, -1]).
    expect(g.layers[0]!.b.toArray()).toEqual([3, -3]);
    expect(g.layers[0]!.w.toArray()).toEqual([[3, -3], [3, -3]]);
    expect(g.unused.toArray()).toEqual([[0, 0, 0]]);
    expect(Object.keys(g)).toEqual(Object.keys(params));
  });

  it('arrays of tensors work as arguments, and vjp takes and returns trees', () => {
    const g = grad((ps: readonly Tensor[]) => sum(mul(ps[0]!, ps[1]!)))([tensor([2, 3]), tensor([5, 7])]);
    expect(g.map((t) => t.toArray())).toEqual([[5, 7], [2, 3]]);
    const [out, pull] = vjp((p: { a: Tensor; b: Tensor }) => ({ s: mul(p.a, p.b), d: sub(p.a, p.b) }), { a: tensor([2]), b: tensor([5]) });
    expect(out.s.toArray()).toEqual([10]);
    const [ct] = pull({ s: tensor([1]), d: tensor([10]) });
    expect(ct.a.toArray()).toEqual([5 + 10]);
    expect(ct.b.toArray()).toEqual([2 - 10]);
  });

  it('for any nested tree, the gradient of Σ_leaves Σ leaf² has the same structure, holding 2·leaf', () => {
    const leaf = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 3 }).map((v) => tensor(v));
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'w', 'bias'), tie('tree'), { minKeys: 1, maxKeys: 3 }),
      ),
    }));
    const leaves = (t: Tree): Tensor[] => (t instanceof TensorClass ? [t] : Array.isArray(t) ? t.flatMap(leaves) : Object.values(t).flatMap(leaves));
    // The same tree with every leaf replaced by f(leaf), built independently of core's pytree code.
    const mapTree = (t: Tree, f: (x: Tensor) => unknown): unknown =>
      t instanceof TensorClass ? f(t) : Array.isArray(t) ? t.map((c) => mapTree(c, f)) : Object.fromEntries(Object.entries(t).map(([k, c]) => [k, mapTree(c, f)]));
    fc.assert(
      fc.property(tree, (p) => {
        const g = grad((q: Tree) => leaves(q).reduce((acc: Tensor, x) => add(acc, sum(mul(x, x))), scalar(0)))(p);
        expect(mapTree(g, (x) => Array.from(x.data))).toEqual(mapTree(p, (x) => Array.from(x.data, (v) => 2 * v)));
      }),
      { numRuns: 50 },
    );
  });

  it('an input f does not use at all gets zeros of its shape', () => {
    const [ga, gb] = grad((a: Tensor, _b: Tensor) => sum(a), [0, 1])(tensor([1, 2]), zeros([2, 3]));
    expect(ga.toArray()).toEqual([1, 1]);
    expect(gb.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(grad((_x: Tensor) => scalar(4))(tensor([9])).toArray()).toEqual([0]);
  });
});

describe('stopGradient and noGrad', () => {
  it('stopGradient treats its input as a constant', () => {
    // f = x · sg(x): f' = sg(x) = x (not 2x).
    expect(grad((x: Tensor) => sum(mul(x, stopGradient(x))))(tensor([3, -2])).toArray()).toEqual([3, -2]);
    const t = tensor([1]);
    expect(stopGradient(t).toArray()).toEqual([1]);
  });

  it('values computed in noGrad are constants to the enclosing grad', () => {
    expect(grad((x: Tensor) => sum(mul(x, noGrad(() => mul(x, x)))))(tensor([3])).toArray()).toEqual([9]);
  });

  it('grad inside noGrad still differentiates its own function', () => {
    const g = noGrad(() => grad((x: Tensor) => sum(mul(x, x)))(tensor([4])));
    expect(g.toArray()).toEqual([8]);
  });
});

describe('customOp', () => {
  // A hand-derived activation: swish(x) = x σ(x), swish' = σ + x σ(1-σ).
  const swish = customOp({
    name: 'swish',
    inputs: ['x'],
    saves: ['x'],
    forward: (x: Tensor) => mul(x, sigmoid(x)),
    vjp: {
      x: (g, { saved: { x } }) => {
        const s = sigmoid(x);
        return mul(g, add(s, mul(x, mul(s, sub(1, s)))));
      },
    },
  });
  const σ = (v: number): number => 1 / (1 + Math.exp(-v));

  it('forward runs the given function', () => {
    expectAllClose(swish(tensor([-1, 0, 2])), [-σ(-1), 0, 2 * σ(2)], 1e-15, 0);
  });

  it('grad uses the hand-written VJP', () => {
    const xs = [-1.5, 0.3, 2];
    const expected = xs.map((v) => σ(v) + v * σ(v) * (1 - σ(v)));
    expectAllClose(grad((x: Tensor) => sum(swish(x)))(tensor(xs)), expected, 1e-14, 0);
  });

  it('grad(grad) differentiates the VJP: swish\'\' = σ(1-σ)(2 + x(1 - 2σ))', () => {
    const xs = [-1.5, 0.3, 2];
    const expected = xs.map((v) => σ(v) * (1 - σ(v)) * (2 + v * (1 - 2 * σ(v))));
    const d2 = grad((y: Tensor) => sum(grad((x: Tensor) => sum(swish(x)))(y)))(tensor(xs));
    expectAllClose(d2, expected, 1e-13, 0);
  });

  it('the VJP, not the forward, defines the gradient (a deliberately different VJP shows through)', () => {
    const straightThrough = customOp({ name: 'roundST', inputs: ['x'], forward: (x: Tensor) => sub(x, mul(0, x)), vjp: { x: (g) => mul(g, 2) } });
    expect(grad((x: Tensor) => sum(straightThrough(x)))(tensor([1, 2])).toArray()).toEqual([2, 2]);
  });

  it('a null VJP means no gradient for that input; ops with several inputs get one VJP each', () => {
    const scaled = customOp({
      name: 'scaled',
      inputs: ['x', 'k'],
      forward: (x: Tensor, k: Tensor) => mul(x, k),
      vjp: { x: (g, { saved: { k } }) => mul(g, k), k: null },
    });
    const [gx, gk] = grad((x: Tensor, k: Tensor) => sum(scaled(x, k)), [0, 1])(tensor([1, 2]), tensor([3, 3]));
    expect(gx.toArray()).toEqual([3, 3]);
    expect(gk.toArray()).toEqual([0, 0]);
  });

  it('a forward that returns a captured constant does not turn that constant into its output', () => {
    // f(x) = Σ op(x) + Σ c·x with op's VJP the identity: f' = 1 + c = 6. Recording the
    // constant c itself as op's output would route c·x's gradient through op as well (7).
    const c = tensor([5]);
    const constOut = customOp({ name: 'constOut', inputs: ['x'], forward: (_x: Tensor) => c, vjp: { x: (g) => g } });
    expect(grad((x: Tensor) => add(sum(constOut(x)), sum(mul(c, x))))(tensor([1])).toArray()).toEqual([6]);
    expect(c.node).toBeNull();
  });

  it('a VJP sees only what saves declares, and every input shape', () => {
    let seen: string[] = [];
    let shapes: (readonly number[])[] = [];
    const scaledBy = customOp({
      name: 'scaledBy',
      inputs: ['x', 'k'],
      saves: ['k'],
      forward: (x: Tensor, k: Tensor) => mul(x, k),
      vjp: {
        x: (g, ctx) => {
          seen = Object.keys(ctx.saved);
          shapes = [...ctx.shapes];
          return mul(g, ctx.saved.k);
        },
        k: null,
      },
    });
    expect(grad((x: Tensor) => sum(scaledBy(x, tensor([2, 3]))))(tensor([1, 1])).toArray()).toEqual([2, 3]);
    expect(seen).toEqual(['k']);
    expect(shapes).toEqual([[2], [2]]);
  });

  it('outside grad the output is a plain tensor', () => {
    const y = swish(tensor([1]));
    expect(y).toBeInstanceOf(TensorClass);
    expect(y.node).toBeNull();
  });
});

describe('composite functions', () => {
  it('log-sigmoid through exp/log/tanh agrees with its closed-form gradient', () => {
    // f = Σ log(1 + e^x) - tanh(x): f' = σ(x) - (1 - tanh² x).
    const xs = [-2, 0.5, 1.5];
    const g = grad((x: Tensor) => sum(sub(log(add(1, exp(x))), tanh(x))))(tensor(xs));
    expectAllClose(g, xs.map((v) => 1 / (1 + Math.exp(-v)) - (1 - Math.tanh(v) ** 2)), 1e-14, 1e-16);
  });

  it('mean of squares: ∂/∂x mean(x²) = 2x/n', () => {
    expectAllClose(grad((x: Tensor) => mean(square(x)))(tensor([1, -2, 3, 4])), [0.5, -1, 1.5, 2], 0, 0);
  });

  it('sin∘sin: (sin(sin x))\' = cos(sin x) cos x', () => {
    expectAllClose(grad((x: Tensor) => sum(sin(sin(x))))(tensor([0.4])), [Math.cos(Math.sin(0.4)) * Math.cos(0.4)], 1e-15, 0);
  });
});

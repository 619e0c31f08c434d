import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, CompileError, type Tensor, add, compile, concat, customOp, detectAnomaly, div, exp, grad, matmul, mean, mul, normal, reshape, Rng,
  scalar, sigmoid, slice, softmax, square, sub, sum, tanh, tensor, tensorView, transpose, traceTape, valueAndGrad, where, greater, relu, logSoftmax,
  maximum, broadcastTo, logSumExp,
} from './index.js';

/** Bitwise equality of two results (NaN equal to NaN, 0 and -0 told apart): the contract of compile. */
function expectSameBits(got: Tensor, want: Tensor): void {
  expect(got.shape).toEqual(want.shape);
  for (let i = 0; i < want.size; i++) expect(Object.is(got.data[i], want.data[i])).toBe(true);
}

function leavesOf(v: unknown): Tensor[] {
  if (Array.isArray(v)) return v.flatMap(leavesOf);
  if (v !== null && typeof v === 'object' && !('data' in v)) return Object.values(v).flatMap(leavesOf);
  return [v as Tensor];
}

type Layer = { W: Tensor; b: Tensor };
const activations = [tanh, sigmoid, relu, (z: Tensor) => mul(z, sigmoid(z))] as const;

/** A random MLP cost: layers of matmul (transB), bias add and an activation; softmax cross-entropy or squares. */
function mlpCost(acts: readonly number[], ce: boolean) {
  return (ps: Layer[], X: Tensor, Y: Tensor): Tensor => {
    let a = X;
    ps.forEach((p, l) => {
      const z = add(matmul(a, p.W, { transB: true }), p.b);
      a = l === ps.length - 1 ? z : activations[acts[l]!]!(z);
    });
    return ce ? mean(mul(-1, sum(mul(logSoftmax(a, -1), Y), -1))) : mul(0.5, sum(square(sub(a, Y))));
  };
}

describe('compile: the eager numbers, bit for bit', () => {
  it('on random networks, over calls with new data and parameters (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: activations.length - 1 }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (sizes, batch, acts, ce, reuseOutputs, seed) => {
          const rng = new Rng(seed);
          const params = (): Layer[] => sizes.slice(1).map((n, l) => ({ W: normal([n, sizes[l]!], { rng }), b: normal([n], { rng }) }));
          const data = (): [Tensor, Tensor] => [normal([batch, sizes[0]!], { rng }), normal([batch, sizes[sizes.length - 1]!], { rng })];
          const eager = valueAndGrad(mlpCost(acts, ce));
          const compiled = compile(eager, { reuseOutputs });
          for (let call = 0; call < 4; call++) {
            const ps = params();
            const [X, Y] = data();
            const want = leavesOf(eager(ps, X, Y));
            const got = leavesOf(compiled(ps, X, Y));
            want.forEach((w, i) => expectSameBits(got[i]!, w));
          }
          expect(compiled.traces).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('on random compositions with shared values, reshapes and broadcasts (buffer reuse and in-place writes stay correct)', () => {
    const unary: ((x: Tensor) => Tensor)[] = [(x) => tanh(x), (x) => square(x), (x) => exp(mul(0.1, x)), (x) => sigmoid(x), (x) => relu(x)];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.nat(), fc.nat()), { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 1e6 }), (prog, seed) => {
        // Values are [2,3]; each step combines earlier values (so some are read many times, some once).
        const f = (x: Tensor, v: Tensor): Tensor => {
          const vals: Tensor[] = [x, broadcastTo(v, [2, 3])];
          for (const [kind, i, j] of prog) {
            const a = vals[i % vals.length]!;
            const b = vals[j % vals.length]!;
            const next =
              kind < 5 ? unary[kind]!(a)
              : kind === 5 ? add(a, b)
              : kind === 6 ? mul(a, b)
              : kind === 7 ? sub(a, reshape(transpose(reshape(b, [3, 2])), [2, 3]))
              : kind === 8 ? add(a, sum(b, 0))
              : kind === 9 ? mul(a, a)
              : kind === 10 ? where(greater(a, b), a, b)
              : div(a, add(1, square(b)));
            vals.push(next);
          }
          return sum(mul(vals[vals.length - 1]!, add(vals[vals.length - 2 < 0 ? 0 : vals.length - 2]!, 1)));
        };
        const rng = new Rng(seed);
        const eager = valueAndGrad(f, [0, 1]);
        const compiled = compile(eager);
        for (let call = 0; call < 3; call++) {
          const x = normal([2, 3], { rng });
          const v = normal([3], { rng });
          const want = leavesOf(eager(x, v));
          leavesOf(compiled(x, v)).forEach((g, i) => expectSameBits(g, want[i]!));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('covers concat, slice, softmax, logSumExp, maximum and second derivatives', () => {
    const f = (x: Tensor): Tensor => {
      const c = concat([x, softmax(x, -1)], 1);
      const s = slice(c, [null, [1, 5, 2]]);
      return add(sum(maximum(s, 0.1)), logSumExp(x));
    };
    const g2 = grad((x: Tensor) => sum(grad(f)(x)));
    const compiled = compile(g2);
    const rng = new Rng(3);
    for (let i = 0; i < 3; i++) {
      const x = normal([3, 3], { rng });
      expectSameBits(compiled(x), g2(x));
    }
  });
});

describe('compile: signatures and outputs', () => {
  const f = (x: Tensor): Tensor => mul(x, x);

  it('retraces once per new shape and structure, and reuses the program after', () => {
    const c = compile((p: { a: Tensor; b: Tensor[] }) => add(p.a, sum(p.b[0]!)));
    c({ a: tensor([1, 2]), b: [tensor([1])] });
    c({ a: tensor([3, 4]), b: [tensor([2])] });
    expect(c.traces).toBe(1);
    expect(c({ a: tensor([1, 2, 3]), b: [tensor([1])] }).toArray()).toEqual([2, 3, 4]);
    expect(c.traces).toBe(2);
    expect(c({ a: tensor([1, 2]), b: [tensor([1, 1])] }).toArray()).toEqual([3, 4]);
    expect(c.traces).toBe(3);
    expect(c({ a: tensor([5, 6]), b: [tensor([1])] }).toArray()).toEqual([6, 7]);
    expect(c.traces).toBe(3);
  });

  it('returns fresh tensors by default, and its own overwritten buffers with reuseOutputs', () => {
    const fresh = compile(f);
    const outs = [1, 2, 3, 4].map((v) => fresh(tensor([v])));
    expect(outs.map((t) => t.item())).toEqual([1, 4, 9, 16]);
    const reused = compile(f, { reuseOutputs: true });
    reused(tensor([1]));
    reused(tensor([2]));
    const a = reused(tensor([3]));
    const b = reused(tensor([4]));
    expect(a).toBe(b);
    expect(a.item()).toBe(16);
  });

  it('reads tensors from outside its arguments live (a parameter view updated in place)', () => {
    const buf = new Float64Array([1, 2]);
    const w = tensorView(buf, [2]);
    const c = compile((x: Tensor) => sum(mul(x, w)));
    const x = tensor([3, 4]);
    expect(c(x).item()).toBe(11);
    expect(c(x).item()).toBe(11);
    buf[0] = 10;
    expect(c(x).item()).toBe(38);
  });

  it('an output that is an argument or a constant comes back as it is', () => {
    const k = tensor([7]);
    const c = compile((x: Tensor) => [x, k, mul(x, 2)]);
    c(tensor([1]));
    c(tensor([1]));
    const x = tensor([5]);
    const [a, b, d] = c(x);
    expect(a).toBe(x);
    expect(b).toBe(k);
    expect(d!.item()).toBe(10);
  });
});

describe('compile: where it does not replay', () => {
  it('a call of the same compiled function from inside itself runs eagerly (its buffers belong to the outer call)', () => {
    let depth = 0;
    const c: (x: Tensor) => Tensor = compile((x: Tensor): Tensor => {
      depth++;
      const inner = depth % 2 === 1 ? c(mul(x, 2)) : x;
      depth--;
      return add(x, inner);
    });
    // Traced: x + (2x + 2x); eager on the first replay (checked); then replayed.
    for (const v of [1, 2, 3]) expect(c(scalar(v)).item()).toBe(5 * v);
  });

  it('under grad the function runs eagerly, so the gradient flows through it', () => {
    const inner = compile((x: Tensor) => mul(x, mul(x, x)));
    inner(scalar(2));
    inner(scalar(2));
    expect(grad((x: Tensor) => inner(x))(scalar(2)).item()).toBe(12);
  });

  it('under traceTape and detectAnomaly too', () => {
    const inner = compile((x: Tensor) => tanh(x));
    inner(scalar(1));
    inner(scalar(1));
    expect(traceTape((x: Tensor) => inner(x), scalar(0.5)).entries.some((e) => e.op === 'tanh')).toBe(true);
    expect(() => detectAnomaly(() => inner(scalar(Infinity)))).not.toThrow();
    expect(() => detectAnomaly(() => compile((x: Tensor) => div(x, 0))(scalar(0)))).toThrow(/NaN|Infinity/);
  });

  it('a custom op makes the signature run eagerly, and lower says why', () => {
    const cube = customOp({ name: 'cube', inputs: ['x'], forward: (x: Tensor) => tensor(Array.from(x.data, (v) => v ** 3), x.shape as number[]), vjp: { x: (g: Tensor, { saved: { x } }) => mul(g, mul(3, square(x))) } });
    const c = compile((x: Tensor) => grad((y: Tensor) => sum(cube(y)))(x));
    expect(c(tensor([1, 2])).toArray()).toEqual([3, 12]);
    expect(c(tensor([2, 3])).toArray()).toEqual([12, 27]);
    expect(c.lower(tensor([1, 2])).eager).toMatch(/custom op 'cube'/);
  });

  it('a function that reads values outside ops is caught on its first replay with other values', () => {
    const c = compile((x: Tensor) => mul(x, scalar(x.data[0]!)));
    expect(c(tensor([2, 3])).toArray()).toEqual([4, 6]);
    expect(c(tensor([2, 3])).toArray()).toEqual([4, 6]); // same values: nothing to see
    const d = compile((x: Tensor) => mul(x, scalar(x.data[0]!)));
    d(tensor([2, 3]));
    expect(() => d(tensor([5, 1]))).toThrow(CompileError);
    expect(() => compile((x: Tensor) => mul(x, scalar(x.item())))(scalar(1)) && undefined).not.toThrow();
  });

  it('with check: false the first replay is not compared (the documented risk)', () => {
    const c = compile((x: Tensor) => mul(x, scalar(x.data[0]!)), { check: false });
    c(tensor([2, 3]));
    expect(c(tensor([5, 1])).toArray()).toEqual([10, 2]); // 2·x: the traced value, replayed
  });
});

describe('compile: the program', () => {
  it('drops unused instructions, shares buffers and writes elementwise chains in place', () => {
    const c = compile((x: Tensor, W: Tensor, b: Tensor) => {
      exp(x); // unused
      return tanh(add(matmul(x, W), b));
    });
    const p = c.lower(tensor([[1, 2]]), tensor([[1], [2]]), tensor([1]));
    expect(p.stats.recorded).toBe(4);
    expect(p.stats.instructions).toBe(3);
    expect(p.lines.map((l) => l.op)).toEqual(['matmul', 'add', 'tanh']);
    expect(p.lines[1]!.inPlaceOf).toBe(p.lines[0]!.value);
    expect(p.lines[2]!.inPlaceOf).toBe(p.lines[1]!.value);
    expect(p.stats.buffers).toBe(1);
    const text = p.toString();
    expect(text).toMatch(/3 instructions from 4 recorded ops \(1 unused dropped\)/);
    expect(text).toMatch(/tanh +%5 +\[1,1\] +b0 \(over %5\)/);
  });
});

describe('traceTape(...).compiled()', () => {
  it('shows the program of valueAndGrad(f) at the traced point: forward and backward in one list', () => {
    const rec = traceTape((x: Tensor, w: Tensor) => sum(tanh(mul(x, w))), tensor([1, 2]), tensor([0.5, -1]));
    const p = rec.compiled();
    expect(p.args.map((a) => a.shape)).toEqual([[2], [2]]);
    expect(p.lines.map((l) => l.op)).toEqual(['mul', 'tanh', 'sum', 'broadcastTo', 'tanhGrad', 'mul', 'mul']);
    expect(p.outputs).toHaveLength(3); // the value and two gradients
    expect(rec.compiled()).toBe(p);
    const named = traceTape.named(({ w }) => sum(square(w)), { w: tensor([3]) }).compiled();
    expect(named.args[0]!.name).toBe('[0].w');
    expect(traceTape((x: Tensor) => mul(x, 2), tensor([1, 2])).compiled().lines.map((l) => l.op)).toEqual(['mul']);
  });
});

describe('compile: bad input', () => {
  it('names the rule broken', () => {
    expect(() => compile(5 as never)).toThrow(ArgumentError);
    expect(() => compile((x: Tensor) => x, { reuse: true } as never)).toThrow(/unknown option|reuse/);
    expect(() => compile((x: Tensor) => x, { check: 1 } as never)).toThrow(/check must be true or false/);
    expect(() => compile((x: Tensor) => x)(3 as never)).toThrow(/not a Tensor/);
    expect(() => compile((x: Tensor) => x.item() as never)(scalar(1))).toThrow(/f must return a Tensor/);
  });
});

describe('compile: review of issue 13 (aliasing, signatures, the check)', () => {
  it('an output that is a reshape of an argument keeps its own shape on every replay', () => {
    const f = (x: Tensor) => [reshape(x, [3, 2]), reshape(x, [6])];
    const c = compile(f);
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    for (let call = 0; call < 3; call++) {
      const got = c(x);
      const want = f(x);
      got.forEach((t, i) => expectSameBits(t, want[i]!));
    }
  });

  it('with reuseOutputs, an output passed back as the next argument is read before it is overwritten', () => {
    // A recurrence (state = step(state)): the replay writes the output buffers while the
    // argument, one of them, is still being read.
    const step = (s: Tensor) => [add(s, 1), mul(s, 2)];
    const c = compile(step, { reuseOutputs: true });
    let got = [tensor([1, 2, 3]), tensor([0, 0, 0])];
    let want = got;
    for (let call = 0; call < 5; call++) {
      got = c(got[0]!);
      want = step(want[0]!);
      got.forEach((t, i) => expectSameBits(t, want[i]!));
    }
    // An output that is the argument itself, beside one written over it.
    const keep = (s: Tensor) => [s, add(s, 1)];
    const k = compile(keep, { reuseOutputs: true });
    let kg = [tensor([1]), tensor([1])];
    let kw = kg;
    for (let call = 0; call < 5; call++) {
      kg = k(kg[1]!);
      kw = keep(kw[1]!);
      kg.forEach((t, i) => expectSameBits(t, kw[i]!));
    }
  });

  it('objects with the same keys in another order are another signature (f may read them in order)', () => {
    const f = (o: Record<string, Tensor>) => concat(Object.values(o), 0);
    const c = compile(f);
    const a = tensor([1]);
    const b = tensor([2]);
    c({ a, b });
    c({ a, b });
    expectSameBits(c({ b, a }), f({ b, a }));
    expectSameBits(c({ b, a }), f({ b, a }));
    expectSameBits(c({ a, b }), f({ a, b }));
    expect(c.traces).toBe(2);
  });

  it('the first replay also checks the structure and shapes of the output, not only its values', () => {
    let n = 1;
    const more = compile((x: Tensor) => (n === 1 ? [add(x, 1)] : [add(x, 1), add(x, 2)]));
    more(tensor([1]));
    n = 2;
    expect(() => more(tensor([1]))).toThrow(CompileError);
    let flat = true;
    const shaped = compile((x: Tensor) => reshape(add(x, 1), flat ? [4] : [2, 2]));
    shaped(tensor([1, 2, 3, 4]));
    flat = false;
    expect(() => shaped(tensor([1, 2, 3, 4]))).toThrow(/output.*(shape|structure)/);
  });
});

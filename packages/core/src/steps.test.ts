import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GradError, type Tensor, add, concat, customOp, grad, log, matmul, maximum, mul, named, neg, reshape, scalar, sigmoid, sin, square, sub, sum, tanh, tensor, traceTape,
} from './index.js';
import { type BackwardStep, type Steps, tensorJSON } from './steps.js';
import { tapeLength } from './tape.js';

/** Element-for-element identity, NaN and the sign of zero included: "the same operations give the same bits". */
function sameBits(a: Tensor, b: Tensor): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]) && a.data.every((v, i) => Object.is(v, b.data[i]));
}

const values = (t: Tensor | null): number[] | null => (t === null ? null : Array.from(t.data));

describe('steps(): fan-out, by hand', () => {
  // f(x) = x·x + sin(x) at x = 3: x feeds mul twice and sin once, so its gradient arrives in
  // three contributions: cos 3 (from sin, visited first: it is the later entry), then 3 and 3 from mul.
  const rec = traceTape((x) => add(mul(x, x), sin(x)), scalar(3));
  const s = rec.steps();

  it('lists every entry forward, with its inputs\' values', () => {
    expect(s.forward.map((f) => [f.entry, f.op, f.inputs.map((i) => [i.input, i.from, i.value.item()]), f.value.item()])).toEqual([
      [0, 'variable', [['x', null, 3]], 3],
      [1, 'mul', [['a', 0, 3], ['b', 0, 3]], 9],
      [2, 'sin', [['x', 0, 3]], Math.sin(3)],
      [3, 'add', [['a', 1, 9], ['b', 2, Math.sin(3)]], 9 + Math.sin(3)],
    ]);
  });

  it('has one backward step per op entry, in backward order, with the running total at the fan-out', () => {
    const rows = s.backward.map((b) => [b.step, b.entry, b.op, b.g.item(), b.inputs.map((i) => [i.input, i.from, values(i.contribution), values(i.total)])]);
    expect(rows).toEqual([
      [0, 3, 'add', 1, [['a', 1, [1], [1]], ['b', 2, [1], [1]]]],
      [1, 2, 'sin', 1, [['x', 0, [Math.cos(3)], [Math.cos(3)]]]],
      // The two contributions of mul: x's total goes cos 3 → cos 3 + 3 → cos 3 + 6 = f'(3).
      [2, 1, 'mul', 1, [['a', 0, [3], [Math.cos(3) + 3]], ['b', 0, [3], [Math.cos(3) + 3 + 3]]]],
    ]);
    expect(s.backward[2]!.inputs[1]!.total!.item()).toBe(rec.entries[0]!.grad!.item());
    expect(grad((x: Tensor) => add(mul(x, x), sin(x)))(scalar(3)).item()).toBe(Math.cos(3) + 3 + 3);
    expect(s.backward[1]!.inputs[0]!.rule?.text).toBe('∂/∂x sin(x) = cos(x)');
  });

  it('reads as a listing: forward chain, backward steps with rule and numbers, the gradients', () => {
    expect(s.toString()).toBe(
      [
        'forward:',
        '  #0: argument = 3',
        '  #1: mul(#0, #0) = 9',
        '  #2: sin(#0) = 0.14112',
        '  #3: add(#1, #2) = 9.14112',
        'backward (g = ∂out/∂value):',
        '  step 0: #3 add, g = 1',
        '    a ← #1: ∂/∂a (a + b) = 1, summed over broadcast axes',
        '      contribution 1, total 1',
        '    b ← #2: ∂/∂b (a + b) = 1, summed over broadcast axes',
        '      contribution 1, total 1',
        '  step 1: #2 sin, g = 1',
        '    x ← #0: ∂/∂x sin(x) = cos(x)',
        '      contribution -0.989992, total -0.989992',
        '  step 2: #1 mul, g = 1',
        '    a ← #0: ∂/∂a (a·b) = b, summed over broadcast axes',
        '      contribution 3, total 2.01001',
        '    b ← #0: ∂/∂b (a·b) = a, summed over broadcast axes',
        '      contribution 3, total 5.01001',
        'gradients:',
        '  #0: 5.01001',
      ].join('\n'),
    );
    expect(rec.steps()).toBe(s); // computed once
    expect(tapeLength()).toBe(0);
  });
});

describe('steps(): names, constants, masks, variadic ops', () => {
  it('shows named values and argument paths, constants as constants, and a null VJP as no gradient', () => {
    // σ(named(w·2, 'wx') + b) at w = 0.5, b = -1: σ'(0) = 1/4 flows to wx and b, and 2·(1/4) to w.
    const rec = traceTape.named(({ w, b }) => sigmoid(add(named(mul(w, 2), 'wx'), b)), { w: scalar(0.5), b: scalar(-1) });
    const s = rec.steps();
    expect(s.backward.map((b) => [b.op, b.name, b.g.item()])).toEqual([['sigmoid', null, 1], ['add', null, 0.25], ['named', 'wx', 0.25], ['mul', null, 0.25]]);
    expect(s.backward[3]!.inputs[1]).toEqual({ input: 'b', from: null, rule: { text: '∂/∂b (a·b) = a, summed over broadcast axes', tex: expect.any(String) }, contribution: null, total: null });
    const text = s.toString();
    expect(text).toContain('  #3 wx: named(#2) = 1');
    expect(text).toContain('  step 2: #3 wx named, g = 0.25');
    expect(text).toContain('    a ← #3 wx: ∂/∂a (a + b) = 1, summed over broadcast axes');
    expect(text).toContain('    b ← a constant: no gradient (a constant)');
    expect(text.split('\n').slice(-3)).toEqual(['gradients:', '  #0 w: 0.5', '  #1 b: 0.25']);
    expect(rec.grad('wx').item()).toBe(0.25);
  });

  it('an input whose VJP is null gets a step entry with its rule and no contribution', () => {
    const rec = traceTape((x) => sum(maximum(x, 0)), tensor([1, -2]));
    const s = rec.steps();
    const m = s.backward.find((b) => b.op === 'maximum')!;
    expect(m.inputs.map((i) => [i.input, i.from, values(i.contribution)])).toEqual([['a', 0, [1, 0]], ['b', null, null]]);
    const w = traceTape((x) => sum(named(x, 'x')), tensor([1]));
    expect(w.steps().backward.map((b) => b.op)).toEqual(['sum', 'named']);
  });

  it('names the inputs of a variadic op by position', () => {
    const rec = traceTape((a, b) => sum(mul(concat([a, b, a]), tensor([1, 2, 3]))), tensor([1]), tensor([1]));
    const c = rec.steps().backward.find((b) => b.op === 'concat')!;
    expect(c.inputs.map((i) => [i.input, i.from, values(i.contribution)])).toEqual([['xs[0]', 0, [1]], ['xs[1]', 1, [2]], ['xs[2]', 0, [3]]]);
    expect(c.inputs[2]!.total!.item()).toBe(4);
    expect(c.inputs[0]!.rule?.text).toMatch(/^∂\/∂xs/);
  });

  it('a custom op without rule text has rule null, and the listing says so', () => {
    const cube = customOp({ name: 'cube', inputs: ['x'], forward: (x: Tensor) => mul(x, mul(x, x)), vjp: { x: (g, { saved: { x } }) => mul(g, mul(3, mul(x, x))) } });
    const s = traceTape((x) => cube(x), scalar(2)).steps();
    expect(s.backward.map((b) => [b.op, b.inputs[0]!.rule, values(b.inputs[0]!.contribution)])).toEqual([['cube', null, [12]]]);
    expect(s.toString()).toContain('    x ← #0: (no rule text)\n      contribution 12, total 12');
  });

  it('an output that does not depend on the arguments has forward steps and no backward step', () => {
    const s = traceTape(() => scalar(7), tensor([1])).steps();
    expect(s.forward.map((f) => f.op)).toEqual(['variable']);
    expect(s.backward).toEqual([]);
    expect(s.toString()).toContain('(no step: the output does not depend on the arguments)');
  });

  it('refuses a non-scalar output, saying why and what to do', () => {
    const rec = traceTape((x) => tanh(x), tensor([1, 2]));
    expect(() => rec.steps()).toThrow(GradError);
    expect(() => rec.steps()).toThrow('TapeRecord.steps: the output has shape [2], not a scalar, so the backward pass has no single seed ∂out/∂out = 1; reduce the output with sum() or mean()');
  });

  it('inside an enclosing grad, building the steps records nothing on the outer tape', () => {
    let inner: Steps | null = null;
    const g = grad((x: Tensor) => {
      const rec = traceTape((y) => mul(y, y), x);
      inner = rec.steps();
      return mul(x, 3);
    })(scalar(2));
    expect(g.item()).toBe(3);
    expect(inner!.backward[0]!.inputs.map((i) => i.total?.item())).toEqual([2, 4]);
    expect(inner!.backward[0]!.g.node).toBeNull();
  });
});

describe('steps().toJSON()', () => {
  it('is plain data that survives JSON, non-finite values and -0 as strings Number() reads back', () => {
    // log at 0, -1, 2: values -∞, NaN, ln 2; gradients 1/x: ∞, -1, 0.5.
    const rec = traceTape((x) => sum(log(x)), tensor([0, -1, 2]));
    const j = rec.steps().toJSON();
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j.forward[1]).toEqual({
      step: 1, entry: 1, op: 'log', name: null,
      inputs: [{ input: 'x', from: 0, value: { shape: [3], data: [0, -1, 2] } }],
      value: { shape: [3], data: ['-Infinity', 'NaN', Math.log(2)] },
    });
    expect(j.backward[1]!.inputs[0]!.contribution).toEqual({ shape: [3], data: ['Infinity', -1, 0.5] });
    expect(j.backward[1]!.inputs[0]!.rule).toEqual({ text: '∂/∂x ln x = 1/x', tex: String.raw`\frac{\partial}{\partial x}\ln x = \frac{1}{x}` });
    expect(j.output).toEqual({ shape: [], data: ['NaN'] });
    const z = tensorJSON(neg(tensor([0, 1.5])));
    expect(z).toEqual({ shape: [2], data: ['-0', -1.5] });
    expect(z.data.map((v) => Number(v)).map((v, i) => Object.is(v, [-0, -1.5][i]))).toEqual([true, true]);
  });
});

// ---------------------------------------------------------------- property

/** A random program: each line applies an op to earlier values (so values fan out), all broadcastable to [2,3]. */
type Line = { op: 'add' | 'sub' | 'mul' | 'max'; a: number; b: number } | { op: 'tanh' | 'sin' | 'sigmoid' | 'square' | 'named'; a: number };
const lineArb: fc.Arbitrary<Line> = fc.oneof(
  fc.record({ op: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const, 'max' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constantFrom('tanh' as const, 'sin' as const, 'sigmoid' as const, 'square' as const, 'named' as const), a: fc.nat() }),
);
const valuesArb = (n: number): fc.Arbitrary<number[]> => fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });

function program(lines: readonly Line[]): (x: Tensor, row: Tensor, s: Tensor) => Tensor {
  return (x, row, s) => {
    const vs: Tensor[] = [x, row, s];
    lines.forEach((l, k) => {
      const a = vs[l.a % vs.length]!;
      if (l.op === 'named') vs.push(named(a, `v${k}`));
      else if (!('b' in l)) vs.push({ tanh, sin, sigmoid, square }[l.op](a));
      else {
        const b = vs[l.b % vs.length]!;
        vs.push(l.op === 'max' ? maximum(a, b) : { add, sub, mul }[l.op](a, b));
      }
    });
    // Every value reaches the output, so every entry has a gradient.
    return vs.reduce((acc, v) => add(acc, sum(v)), scalar(0));
  };
}

/** A dense 3-4-1 network's squared error: matmul, broadcast bias, tanh, fan-out of W1 through a weight tie. */
function network(x: Tensor, W1: Tensor, b1: Tensor): Tensor {
  const h = tanh(add(matmul(x, W1), b1));
  return sum(square(sub(matmul(h, W1, { transB: true }), x)));
}

/** The property of the issue: every running total ends at the entry's gradient, bit for bit; forward values are the entries'. */
function checkSteps(rec: ReturnType<typeof traceTape>, direct: readonly Tensor[]): void {
  const s = rec.steps();
  s.forward.forEach((f, i) => expect(sameBits(f.value, rec.entries[i]!.value)).toBe(true));
  const last = new Map<number, Tensor>();
  const seenIn: BackwardStep[] = [];
  for (const b of s.backward) {
    // Backward order, and each entry's g is its whole gradient: all of its contributions arrived before it ran.
    if (seenIn.length > 0) expect(b.entry).toBeLessThan(seenIn[seenIn.length - 1]!.entry);
    seenIn.push(b);
    expect(sameBits(b.g, rec.entries[b.entry]!.grad!)).toBe(true);
    for (const i of b.inputs) {
      if (i.from === null || i.contribution === null) continue;
      // An independent witness of the accumulation: total = previous total + contribution, elementwise in float64.
      const prev = last.get(i.from);
      const expected = prev === undefined ? Array.from(i.contribution.data) : Array.from(prev.data, (v, k) => v + i.contribution!.data[k]!);
      expect(i.total!.data.every((v, k) => Object.is(v, expected[k]))).toBe(true);
      last.set(i.from, i.total!);
    }
  }
  for (const e of rec.entries) {
    if (e.index === rec.outputEntry) continue;
    const total = last.get(e.index);
    if (e.grad === null) expect(total).toBeUndefined();
    else expect(sameBits(total!, e.grad)).toBe(true);
  }
  // And the arguments' totals are what grad returns.
  direct.forEach((g, k) => expect(sameBits(last.get(k)!, g)).toBe(true));
  // The JSON form survives JSON and gives back every number exactly.
  const j = s.toJSON();
  expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  j.backward.forEach((b, n) =>
    b.inputs.forEach((i, k) => {
      const t = s.backward[n]!.inputs[k]!.total;
      if (t === null) expect(i.total).toBeNull();
      else expect(i.total!.data.every((v, m) => Object.is(Number(v), t.data[m]))).toBe(true);
    }),
  );
}

describe('steps() property', () => {
  it('random expressions: last totals equal the gradients bitwise, forward values equal the entries', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 12 }), valuesArb(6), valuesArb(3), valuesArb(1), (lines, xv, rv, sv) => {
        const f = program(lines);
        const args = [reshape(tensor(xv), [2, 3]), tensor(rv), scalar(sv[0]!)] as const;
        const rec = traceTape(f, ...args);
        checkSteps(rec, grad(f, [0, 1, 2])(...args));
      }),
      { numRuns: 150 },
    );
  });

  it('random small networks: the same, through matmul, broadcasting and a tied weight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 }), (batch, hidden, seed) => {
        let k = seed;
        const next = (): number => ((k = (k * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1; // a small LCG in [-1, 1)
        const mk = (shape: number[]): Tensor => reshape(tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, next)), shape);
        const args = [mk([batch, 3]), mk([3, hidden]), mk([hidden])] as const;
        const rec = traceTape(network, ...args);
        checkSteps(rec, grad(network, [0, 1, 2])(...args));
      }),
      { numRuns: 60 },
    );
  });
});

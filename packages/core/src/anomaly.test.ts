import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnomalyError, ArgumentError, type Tensor, add, customOp, detectAnomaly, div, exp, grad, greater, log, matmul, mul, named, pow, sigmoid, sqrt, sum,
  tanh, tensor, traceTape, valueAndGrad, vjp, where,
} from './index.js';
import { isDetectingAnomaly } from './anomaly.js';
import { callWith } from './testing/untyped.js';

/** Runs `fn` and returns the AnomalyError it throws (fails the test when it throws nothing or something else). */
function anomalyOf(fn: () => unknown): AnomalyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnomalyError) return e;
    throw e;
  }
  throw new Error('expected an AnomalyError, got none');
}

/** The trap of the issue: sqrt at 0 behind the untaken branch of a where. */
const sqrtWhere = (p: { x: Tensor }): Tensor => sum(where(greater(p.x, 0), sqrt(p.x), 0));
/** The fix: the inner where feeds sqrt a safe 1 where the branch is not taken. */
const doubleWhere = (p: { x: Tensor }): Tensor => sum(where(greater(p.x, 0), sqrt(where(greater(p.x, 0), p.x, 1)), 0));

describe('detectAnomaly: the known traps', () => {
  it('log at 0: the forward of log, with the input entry named by its argument path', () => {
    const e = anomalyOf(() => detectAnomaly(() => grad((p: { x: Tensor }) => sum(log(p.x)))({ x: tensor([0, 1]) })));
    expect(e).toBeInstanceOf(AnomalyError);
    expect([e.op, e.phase, e.input, e.entry?.op]).toEqual(['log', 'forward', null, 'log']);
    expect(e.inputs).toHaveLength(1);
    expect(e.inputs[0]!.entry).toMatchObject({ op: 'variable', name: 'x' });
    // log([0, 1]) = [-Inf, 0]: one -Inf, the finite rest is 0; the input has one zero in [0, 1].
    expect(e.value).toEqual({ shape: [2], min: 0, max: 0, nan: 0, posInf: 0, negInf: 1, zeros: 1 });
    expect(e.inputs[0]!.range).toEqual({ shape: [2], min: 0, max: 1, nan: 0, posInf: 0, negInf: 0, zeros: 1 });
    expect(e.hint).toContain('log(0) = −Inf');
    expect(e.message).toMatch(/^detectAnomaly: the forward pass of log \(tape entry #\d+\) made a non-finite value: 1 -Inf among 2 values of its output\n/);
    expect(e.message).toContain("from #");
    expect(e.message).toContain("variable 'x'");
  });

  it('sqrt behind an untaken where: the backward of sqrt (0·Inf), and the double where is finite', () => {
    const x = tensor([0, 4, 9]);
    const e = anomalyOf(() => detectAnomaly(() => grad(sqrtWhere)({ x })));
    expect([e.op, e.phase, e.input, e.entry?.op, e.inside]).toEqual(['sqrt', 'backward', 'x', 'sqrt', 'div']);
    // g from where's VJP is [0, 1, 1]; sqrt's VJP g/(2√x) = [0/0, 1/4, 1/6].
    expect(e.g).toEqual({ shape: [3], min: 0, max: 1, nan: 0, posInf: 0, negInf: 0, zeros: 1 });
    expect(e.value).toEqual({ shape: [3], min: 1 / 6, max: 0.25, nan: 1, posInf: 0, negInf: 0, zeros: 0 });
    expect(e.output).toEqual({ shape: [3], min: 0, max: 3, nan: 0, posInf: 0, negInf: 0, zeros: 1 });
    expect(e.inputs[0]).toMatchObject({ name: 'x', range: null, entry: { op: 'variable', name: 'x' } });
    expect(e.hint).toContain('0·Inf');
    expect(e.hint).toContain('where(x > 0, sqrt(where(x > 0, x, 1)), 0)');
    expect(e.message).toMatch(/^detectAnomaly: the backward pass of sqrt \(tape entry #\d+\) made a non-finite value: the VJP for its input 'x' returned 1 NaN among 3 values\n/);
    // The fix, under anomaly mode: no error, d/dx √x = 1/(2√x) where x > 0, and 0 at x = 0.
    const fixed = detectAnomaly(() => grad(doubleWhere)({ x }));
    expect(Array.from(fixed.x.data)).toEqual([0, 1 / (2 * 2), 1 / (2 * 3)]);
  });

  it('the local rule of the op is in the report (and read from the op, not made up)', () => {
    const e = anomalyOf(() => detectAnomaly(() => grad(sqrtWhere)({ x: tensor([0]) })));
    const rule = e.rule;
    expect(rule).not.toBeNull();
    expect(e.message).toContain(`rule       ${rule}`);
  });

  it('exp overflow: the forward of exp, naming 709.78 and the input reaching 800', () => {
    const e = anomalyOf(() => detectAnomaly(() => grad((x: Tensor) => sum(exp(x)))(tensor([1, 800]))));
    expect([e.op, e.phase]).toEqual(['exp', 'forward']);
    expect(e.inputs[0]!.range).toMatchObject({ min: 1, max: 800 });
    expect(e.value).toMatchObject({ posInf: 1, nan: 0 });
    expect(e.hint).toContain('709.78');
    expect(e.hint).toContain('logSumExp');
  });

  it("division by zero inside a VJP is the backward of the op whose rule ran, not a forward of div", () => {
    // log's VJP is g/x: at the subnormal x = 5e-324 the forward log(x) ≈ -744.4 is finite, 1/x = +Inf.
    const e = anomalyOf(() => detectAnomaly(() => grad((x: Tensor) => sum(log(x)))(tensor([5e-324, 1]))));
    expect([e.op, e.phase, e.input, e.inside]).toEqual(['log', 'backward', 'x', 'div']);
    expect(e.value).toMatchObject({ posInf: 1, min: 1, max: 1 });
    // A custom cube root: forward finite at 0, its VJP g / (3·out²) divides by 0 there.
    const cbrt = customOp({
      name: 'cbrt',
      inputs: ['x'],
      saves: ['out'],
      forward: (x: Tensor) => tensor(Array.from(x.data, Math.cbrt), x.shape),
      vjp: { x: (g, { saved: { out } }) => div(g, mul(3, mul(out, out))) },
    });
    const c = anomalyOf(() => detectAnomaly(() => grad((x: Tensor) => sum(cbrt(x)))(tensor([0, 8]))));
    expect([c.op, c.phase, c.input, c.inside, c.rule]).toEqual(['cbrt', 'backward', 'x', 'div', null]);
    expect(c.hint).toContain('divides by 0');
    expect(c.message).toContain('(cbrt has no rule text)');
    // sqrt at 0 itself (not behind a where): g = 1, so 1/(2·0) = +Inf, and the hint is not the where trap.
    const s = anomalyOf(() => detectAnomaly(() => grad((x: Tensor) => sum(sqrt(x)))(tensor([0, 1]))));
    expect([s.op, s.phase, s.value.posInf, s.value.nan]).toEqual(['sqrt', 'backward', 1, 0]);
    expect(s.hint).not.toContain('0·Inf');
  });

  it('an input already NaN is reported at the first op whose output is non-finite, saying it came in so', () => {
    const e = anomalyOf(() => detectAnomaly(() => grad((x: Tensor) => sum(mul(tanh(x), 2)))(tensor([Number.NaN, 1]))));
    expect([e.op, e.phase]).toEqual(['tanh', 'forward']);
    expect(e.inputs[0]!.range).toMatchObject({ nan: 1 });
    expect(e.hint).toContain("the input 'x' already holds 1 NaN");
    // A where that masks the NaN makes nothing non-finite: no anomaly.
    const masked = detectAnomaly(() => grad((x: Tensor) => sum(mul(where(greater(x, 0), x, 0), 2)))(tensor([Number.NaN, 1])));
    expect(Array.from(masked.data)).toEqual([0, 2]);
  });

  it('0·Inf in mul with an infinite constant names both factors', () => {
    const e = anomalyOf(() => detectAnomaly(() => mul(tensor([0, 1]), tensor([Infinity, 1]))));
    expect([e.op, e.phase, e.entry]).toEqual(['mul', 'forward', null]);
    expect(e.hint).toMatch(/^0·Inf = NaN: 'b' holds ±Inf and 'a' holds 0/);
  });

  it('pow with a negative base and a fractional exponent', () => {
    const e = anomalyOf(() => detectAnomaly(() => pow(tensor([-8, 4]), 0.5)));
    expect([e.op, e.phase]).toEqual(['pow', 'forward']);
    expect(e.hint).toContain('negative base');
  });

  it('a named() value is named in the report', () => {
    const e = anomalyOf(() => detectAnomaly(() => grad((w: Tensor) => sum(log(named(mul(w, 2), 'z'))))(tensor([0, 1]))));
    expect(e.inputs[0]!.entry).toMatchObject({ op: 'named', name: 'z' });
    expect(e.message).toContain("named 'z'");
    // traceTape.named labels arguments as well.
    const t = anomalyOf(() => detectAnomaly(() => traceTape.named(({ w }: { w: Tensor }) => sum(log(w)), { w: tensor([0]) })));
    expect(t.inputs[0]!.entry).toMatchObject({ op: 'variable', name: 'w' });
  });

  it('entries are numbered as traceTape numbers them, forward and backward', () => {
    const f = (x: Tensor, y: Tensor): Tensor => sum(mul(log(x), sqrt(y)));
    const [x, y] = [tensor([1, 2]), tensor([0, 4])];
    const rec = traceTape(f, x, y);
    const at = (op: string): number => rec.entries.find((e) => e.op === op)!.index;
    // Forward at x = 0: log's entry; backward at y = 0: sqrt's (g = log(x) = [0, ln 2], so 0·Inf at y = 0 too).
    const fwd = anomalyOf(() => detectAnomaly(() => traceTape(f, tensor([0, 2]), y)));
    expect([fwd.phase, fwd.entry?.index, fwd.inputs[0]!.entry?.index]).toEqual(['forward', at('log'), 0]);
    const bwd = anomalyOf(() => detectAnomaly(() => traceTape(f, x, y)));
    expect([bwd.phase, bwd.op, bwd.entry?.index, bwd.inputs[0]!.entry?.index]).toEqual(['backward', 'sqrt', at('sqrt'), 1]);
    expect(bwd.message).toContain(`the backward pass of sqrt (tape entry #${at('sqrt')})`);
    // grad's tape starts with its arguments too, so the numbers are the same there.
    expect(anomalyOf(() => detectAnomaly(() => grad(f, [0, 1])(x, y))).entry?.index).toBe(at('sqrt'));
  });

  it('a non-finite cotangent seeded into a pullback is reported at the first VJP, as seeded', () => {
    const [, pull] = vjp((x: Tensor) => mul(x, 2), tensor([1]));
    const e = anomalyOf(() => detectAnomaly(() => pull(tensor([Number.NaN]))));
    expect([e.op, e.phase, e.input]).toEqual(['mul', 'backward', 'a']);
    expect(e.hint).toContain('the upstream g already holds 1 NaN');
  });

  it('two finite contributions that overflow when added at a fan-out', () => {
    // Each mul's VJP for x is 1e308 (finite); their sum at x is +Inf. The forward values are 1e298.
    const f = (x: Tensor): Tensor => add(sum(mul(x, 1e308)), sum(mul(x, 1e308)));
    const e = anomalyOf(() => detectAnomaly(() => grad(f)(tensor([1e-10]))));
    expect([e.op, e.phase, e.input, e.inside]).toEqual(['mul', 'backward', 'a', 'add']);
    expect(e.message).toContain("adding up the gradient contributions to its input 'a' (a fan-out) gave 1 +Inf");
  });

  it('a non-finite value that a VJP computes and then masks is not an anomaly (pow at a = b = 0)', () => {
    // pow's VJP in a computes b·a^(b-1) = 0·0^-1 = 0·Inf and replaces it by 0 where a = b = 0.
    const g = detectAnomaly(() => grad((x: Tensor) => sum(pow(x, 0)))(tensor([0, 2])));
    expect(Array.from(g.data)).toEqual([0, 0]);
  });

  it('outside a trace, the forward is checked too (entry null), and without anomaly mode nothing is', () => {
    expect(log(tensor([0])).data[0]).toBe(-Infinity);
    const e = anomalyOf(() => detectAnomaly(() => log(tensor([0]))));
    expect([e.op, e.phase, e.entry]).toEqual(['log', 'forward', null]);
    expect(e.message).toMatch(/^detectAnomaly: the forward pass of log made/);
  });
});

describe('detectAnomaly: no cost in numbers', () => {
  const net = (p: { W: Tensor; b: Tensor }, x: Tensor): Tensor => sum(sigmoid(add(matmul(tanh(x), p.W), p.b)));
  const values = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 });

  it('grad and valueAndGrad are bitwise equal with anomaly mode on and off (fast-check)', () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        const p = { W: tensor(a.slice(0, 6), [3, 2]), b: tensor(b.slice(0, 2)) };
        const x = tensor(b.slice(2, 8), [2, 3]);
        const off = valueAndGrad(net)(p, x);
        const on = detectAnomaly(() => valueAndGrad(net)(p, x));
        const opt = valueAndGrad(net, 0, { detectAnomaly: true })(p, x);
        for (const r of [on, opt]) {
          expect(Array.from(r[0].data)).toEqual(Array.from(off[0].data));
          expect(Array.from(r[1].W.data)).toEqual(Array.from(off[1].W.data));
          expect(Array.from(r[1].b.data)).toEqual(Array.from(off[1].b.data));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('grad of grad under anomaly mode gives the same second derivative', () => {
    const f = (x: Tensor): Tensor => sum(mul(tanh(x), x));
    const x = tensor([0.3, -1.2]);
    const off = grad((y: Tensor) => sum(grad(f)(y)))(x);
    const on = detectAnomaly(() => grad((y: Tensor) => sum(grad(f)(y)))(x));
    expect(Array.from(on.data)).toEqual(Array.from(off.data));
  });
});

describe('detectAnomaly: the mode is scoped', () => {
  it('is restored after fn returns, after fn throws, and after a nested call', () => {
    expect(isDetectingAnomaly()).toBe(false);
    expect(detectAnomaly(() => 42)).toBe(42);
    expect(isDetectingAnomaly()).toBe(false);
    expect(() => detectAnomaly(() => { throw new RangeError('boom'); })).toThrow(RangeError);
    expect(isDetectingAnomaly()).toBe(false);
    const seen = detectAnomaly(() => {
      const inner = detectAnomaly(() => isDetectingAnomaly());
      // The inner call's end does not switch off the outer one, nor does an anomaly caught inside it.
      anomalyOf(() => detectAnomaly(() => log(tensor([0]))));
      return [inner, isDetectingAnomaly()];
    });
    expect(seen).toEqual([true, true]);
    expect(isDetectingAnomaly()).toBe(false);
    anomalyOf(() => grad((x: Tensor) => sum(log(x)), 0, { detectAnomaly: true })(tensor([0])));
    expect(isDetectingAnomaly()).toBe(false);
    // After a backward anomaly, the next computation is not attributed to a stale VJP.
    anomalyOf(() => detectAnomaly(() => grad(sqrtWhere)({ x: tensor([0]) })));
    expect(anomalyOf(() => detectAnomaly(() => log(tensor([0])))).phase).toBe('forward');
  });

  it('refuses a non-function, and junk options of grad and valueAndGrad', () => {
    expect(() => callWith(detectAnomaly, 3)).toThrow(ArgumentError);
    expect(() => callWith(detectAnomaly, 3)).toThrow('detectAnomaly: fn must be a function, got number');
    const f = (x: Tensor): Tensor => sum(x);
    expect(() => callWith(grad, f, 0, { detectAnomaly: 1 })).toThrow('grad: option detectAnomaly must be true or false, got 1');
    expect(() => callWith(valueAndGrad, f, 0, { detectAnomaly: 'yes' })).toThrow(ArgumentError);
    expect(() => callWith(grad, f, 0, { detectAnomally: true })).toThrow("grad: unknown option 'detectAnomally'; valid options are 'detectAnomaly'");
    expect(() => callWith(grad, f, 0, 5)).toThrow('grad: options must be an object, got number');
    expect(grad(f, 0, { detectAnomaly: false })(tensor([1, 2])).toArray()).toEqual([1, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { ArgumentError, ExprError, Rng, normal, tensor, type Tensor } from '@tapegrad/core';
import { activations, backpropClosedForm, backpropTape, checkActivation, checkLoss, compareGradients, createMLP, losses, type GradResult, type MLP } from '@tapegrad/nn';
import { CustomExprError, customActivation, customLoss, customPartError } from './custom.js';

/** A 3-5-4-2 network with the given hidden activation (same seed, so the same weights whatever the activation). */
const net = (act: Parameters<typeof createMLP>[0]['activations']): MLP => createMLP({ sizes: [3, 5, 4, 2], activations: act, output: 'identity', seed: 7 });
const rng = new Rng(11);
const X = normal([6, 3], { rng });
const Y = normal([6, 2], { rng });

/** Every gradient entry of two results, as [a, b] pairs, layer by layer, W then b. */
function pairs(a: GradResult, b: GradResult): [number, number][] {
  const out: [number, number][] = [];
  a.grads.forEach((g, l) => {
    const h = b.grads[l]!;
    for (const [p, q] of [[g.W, h.W], [g.b, h.b]] as [Tensor, Tensor][]) p.data.forEach((v, i) => out.push([v, q.data[i]!]));
  });
  return out;
}

/** max |a − b| / max(|a|, |b|, 1e-300) over all entries. */
function maxRel(a: GradResult, b: GradResult): number {
  return Math.max(...pairs(a, b).map(([p, q]) => Math.abs(p - q) / Math.max(Math.abs(p), Math.abs(q), 1e-300)));
}

const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (err) {
    return err;
  }
  return null;
};

describe('customActivation', () => {
  it('a correct tanh (f = tanh(z), df = 1 - a^2) gives the built-in tanh’s gradients, tape and closed form', () => {
    const mine = customActivation('tanh(z)', '1 - a^2', 'my tanh');
    const theirs = activations.tanh;
    // Same ops in the same order on the tape (core's tanh), so the tape gradients are the same floats;
    // the closed form computes 1 − a² as 1 − pow(a, 2) instead of 1 − a·a, each correctly rounded, and
    // the rest (matmuls, sums) is identical: at most a few ulps apart, so 1e-14 relative is a tight
    // bound that a wrong formula (off by O(1) relative) cannot pass. (Measured: 0, bitwise equal, both paths.)
    const tape = maxRel(backpropTape(net(mine), X, Y, 'halfSumSquares'), backpropTape(net(theirs), X, Y, 'halfSumSquares'));
    const closed = maxRel(backpropClosedForm(net(mine), X, Y, 'halfSumSquares'), backpropClosedForm(net(theirs), X, Y, 'halfSumSquares'));
    expect(tape).toBeLessThanOrEqual(1e-14);
    expect(closed).toBeLessThanOrEqual(1e-14);
    // And tape vs closed form agree for the custom one, as they do for the built-in.
    expect(compareGradients(backpropTape(net(mine), X, Y, 'mse'), backpropClosedForm(net(mine), X, Y, 'mse')).ok).toBe(true);
    expect(checkActivation(mine).ok).toBe(true);
    expect(mine.name).toBe('my tanh');
  });

  it('a wrong df (1 - a) makes the tape and the closed form disagree', () => {
    const wrong = customActivation('tanh(z)', '1 - a');
    const cmp = compareGradients(backpropTape(net(wrong), X, Y, 'halfSumSquares'), backpropClosedForm(net(wrong), X, Y, 'halfSumSquares'));
    expect(cmp.ok).toBe(false);
    expect(cmp.maxRelError).toBeGreaterThan(1e-3);
    // The tape differentiates the user's f, not the df: its gradients are tanh's.
    expect(maxRel(backpropTape(net(wrong), X, Y, 'halfSumSquares'), backpropTape(net(activations.tanh), X, Y, 'halfSumSquares'))).toBe(0);
  });

  it('checkActivation flags a df that is wrong only for z > 1, at those z', () => {
    const act = customActivation('softplus(z)', 'sigmoid(z) + relu(z - 1)');
    const r = checkActivation(act);
    expect(r.ok).toBe(false);
    expect(r.ranges).toHaveLength(1);
    const [range] = r.ranges;
    // The default probe points step by 0.0994 from -7.95: the first failing one is the first above 1.
    expect(range!.from).toBeGreaterThan(1);
    expect(range!.from).toBeLessThan(1.1);
    expect(range!.to).toBeGreaterThan(7.9);
    expect(r.worst.z).toBeGreaterThan(1);
    expect(r.worst.df - r.worst.tape).toBeCloseTo(r.worst.z - 1, 12);
  });

  it('evaluates df once per call on the whole array, constant expressions broadcast', () => {
    const act = customActivation('2*z + 1', '2');
    const z = new Float64Array([-1, 0, 3, 4]);
    const a = new Float64Array(4);
    act.forward(z, a, 2);
    expect([...a]).toEqual([-1, 1, 7, 9]);
    const g = new Float64Array([1, -2, 0.5, 3]);
    act.backward(z, a, g, g, 2); // out may alias g
    expect([...g]).toEqual([2, -4, 1, 6]);
    const constant = customActivation('3', '0');
    const out = new Float64Array(4);
    constant.forward(z, out, 4);
    expect([...out]).toEqual([3, 3, 3, 3]);
    expect(constant.tape(tensor([[1, 2]])).shape).toEqual([1, 2]);
  });

  it('bad expressions throw typed errors with the part and the column', () => {
    const syntax = caught(() => customActivation('tanh(z', '1 - a^2'));
    expect(syntax).toBeInstanceOf(CustomExprError);
    expect(syntax).toBeInstanceOf(ExprError);
    expect(syntax).toMatchObject({ part: 'f', column: 7, source: 'tanh(z' });
    expect(String((syntax as Error).message)).toBe("expression: expected ')' closing tanh(, got the end of the expression at column 7\n  tanh(z\n        ^");
    expect(caught(() => customActivation('tanh(x)', '1 - a^2'))).toMatchObject({ part: 'f', column: 6, rule: "f(z) may use only the variable z; 'x' is not one of them" });
    expect(caught(() => customActivation('tanh(z)', '1 - a^2 + b'))).toMatchObject({ part: 'df', column: 11, rule: "f′ may use only z and a (= f(z)); 'b' is not one of them" });
    expect(caught(() => customActivation('a', '1'))).toMatchObject({ part: 'f', column: 1 });
    expect(caught(() => customActivation('z / sum(z)', '1'))).toMatchObject({ part: 'f', column: 5, rule: 'f(z) must work entry by entry; sum() mixes entries (use elementwise functions such as exp, tanh, maximum)' });
    expect(caught(() => customActivation('z', 'z @ z'))).toMatchObject({ part: 'df', column: 3 });
    expect(caught(() => customActivation('z', '  '))).toMatchObject({ part: 'df', column: 1, rule: 'f′ is empty; write it in z and a (= f(z)), e.g. 1 - a^2' });
    expect(caught(() => customActivation('foo(z)', '1'))).toMatchObject({ part: 'f', column: 1 });
    expect(() => Reflect.apply(customActivation, undefined, [3, '1'])).toThrow(new ArgumentError('custom f: the expression must be a string, got number'));
    expect(() => customActivation('z', '1', '')).toThrow(ArgumentError);
  });

  it('customPartError checks each text on its own, so a page can show both messages at once', () => {
    expect(customPartError('f', 'tanh(z')).toMatchObject({ part: 'f', column: 7 });
    expect(customPartError('df', 'x + 1')).toMatchObject({ part: 'df', column: 1, rule: "f′ may use only z and a (= f(z)); 'x' is not one of them" });
    expect(customPartError('df', '1 - a^2')).toBeNull();
    expect(customPartError('grad', 'a - y')).toBeNull();
    expect(() => Reflect.apply(customPartError, undefined, ['g', 'z'])).toThrow(new ArgumentError('customPartError: part must be one of f, df, loss, grad, got the string "g"'));
  });
});

describe('customLoss', () => {
  const A = normal([4, 3], { seed: 3 });
  const T = normal([4, 3], { seed: 4 });

  it('a correct half squared error matches the built-in one, tape and closed form', () => {
    const mine = customLoss('(a - y)^2 / 2', 'a - y', 'half squares');
    const m = net('tanh');
    expect(maxRel(backpropTape(m, X, Y, mine), backpropTape(m, X, Y, losses.halfSumSquares))).toBeLessThanOrEqual(1e-14);
    expect(maxRel(backpropClosedForm(m, X, Y, mine), backpropClosedForm(m, X, Y, losses.halfSumSquares))).toBeLessThanOrEqual(1e-14);
    expect(checkLoss(mine, A, T).ok).toBe(true);
  });

  it('a wrong gradient is flagged by checkLoss and by tape vs closed form', () => {
    const wrong = customLoss('(a - y)^2', 'a - y');
    expect(checkLoss(wrong, A, T).ok).toBe(false);
    const m = net('tanh');
    expect(compareGradients(backpropTape(m, X, Y, wrong), backpropClosedForm(m, X, Y, wrong)).ok).toBe(false);
  });

  it('bad expressions name the part and the column', () => {
    expect(caught(() => customLoss('(a - t)^2', 'a - y'))).toMatchObject({ part: 'loss', column: 6 });
    expect(caught(() => customLoss('(a - y)^2', 'softmax(a) - y'))).toMatchObject({ part: 'grad', column: 1 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, GradError, Rng, grad, scalar, type Tensor, add, div, leakyRelu, matmul, mul, named, normal, relu, sigmoid, square, sub, sum, tanh, tensor, traceTape } from './index.js';
import { compareAt } from './compare-at.js';
import { tapeLength } from './tape.js';
import { callWith } from './testing/untyped.js';

type Act = 'tanh' | 'sigmoid' | 'relu';
const ACT: Readonly<Record<Act, (z: Tensor) => Tensor>> = { tanh, sigmoid, relu };
// A type alias, not an interface: an object type alias is assignable to Tree's index signature.
type Params = { readonly params: { readonly W1: Tensor; readonly b1: Tensor; readonly W2: Tensor; readonly b2: Tensor } };

/** A two-layer network: hpreact = X·W1 + b1, h = act(hpreact), out = h·W2 + b2, L = Σ (out − Y)² / N. */
function network(X: Tensor, Y: Tensor, act: Act): (p: Params) => Tensor {
  return ({ params: { W1, b1, W2, b2 } }) => {
    const hpreact = named(add(matmul(X, W1), b1), 'hpreact');
    const h = named(ACT[act](hpreact), 'h');
    const out = named(add(matmul(h, W2), b2), 'out');
    return div(sum(square(sub(out, Y))), X.shape[0]!);
  };
}

// ---------------------------------------------------------------- the hand derivation, on plain arrays (no tape)

type M = number[][];
const rows = (t: Tensor): M => {
  const [r, c] = [t.shape[0]!, t.shape[1] ?? 1];
  return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, i * c + c)));
};
const mm = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const T = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const colSum = (a: M): number[] => a[0]!.map((_, j) => a.reduce((s, row) => s + row[j]!, 0));
const ew = (a: M, f: (v: number, i: number, j: number) => number): M => a.map((row, i) => row.map((v, j) => f(v, i, j)));
const t2 = (a: M): Tensor => tensor(a);

/** Which mistake to plant in the derivation. */
type Plant = 'none' | 'missing-1/N' | 'transpose-dW1' | 'missing-fprime';

/** Backprop by hand (the chain rule written out), optionally with one planted mistake. */
function handGrads(X: Tensor, Y: Tensor, p: Params['params'], act: Act, plant: Plant): Record<string, Tensor> {
  const x = rows(X);
  const y = rows(Y);
  const N = x.length;
  const b1 = Array.from(p.b1.data);
  const b2 = Array.from(p.b2.data);
  const hpre = ew(mm(x, rows(p.W1)), (v, _i, j) => v + b1[j]!);
  const f = act === 'tanh' ? Math.tanh : act === 'sigmoid' ? (v: number) => 1 / (1 + Math.exp(-v)) : (v: number) => Math.max(v, 0);
  const h = ew(hpre, f);
  const out = ew(mm(h, rows(p.W2)), (v, _i, j) => v + b2[j]!);
  // ∂L/∂out = 2(out − Y)/N; the planted mistake forgets the 1/N of the mean.
  const dout = ew(out, (v, i, j) => (2 * (v - y[i]![j]!)) / (plant === 'missing-1/N' ? 1 : N));
  const dh = mm(dout, T(rows(p.W2)));
  // ∂L/∂hpreact = ∂L/∂h ⊙ f'(hpreact); the planted mistake leaves f' out.
  const fprime = (i: number, j: number): number => {
    const hv = h[i]![j]!;
    return act === 'tanh' ? 1 - hv * hv : act === 'sigmoid' ? hv * (1 - hv) : hpre[i]![j]! > 0 ? 1 : 0;
  };
  const dhpre = plant === 'missing-fprime' ? dh : ew(dh, (v, i, j) => v * fprime(i, j));
  const dW1 = mm(T(x), dhpre);
  return {
    out: t2(dout),
    h: t2(dh),
    hpreact: t2(dhpre),
    'params.W2': t2(mm(T(h), dout)),
    'params.b2': tensor(colSum(dout)),
    'params.W1': t2(plant === 'transpose-dW1' ? T(dW1) : dW1),
    'params.b1': tensor(colSum(dhpre)),
  };
}

function setup(seed: number, N: number, D: number, H: number, C: number): { X: Tensor; Y: Tensor; p: Params } {
  const rng = new Rng(seed);
  const p = { W1: normal([D, H], { rng }), b1: normal([H], { rng }), W2: normal([H, C], { rng }), b2: normal([C], { rng }) };
  return { X: normal([N, D], { rng }), Y: normal([N, C], { rng }), p: { params: p } };
}

// A parameter comes right after the op that first reads it, where its gradient is complete.
const BACKWARD = ['out', 'params.b2', 'params.W2', 'h', 'hpreact', 'params.b1', 'params.W1'];

describe('compareAt on a two-layer network (N = 8, D = 3, H = 5, C = 2)', () => {
  const { X, Y, p } = setup(7, 8, 3, 5, 2);
  const f = network(X, Y, 'tanh');
  const compare = (plant: Plant) => compareAt(f, p, handGrads(X, Y, p.params, 'tanh', plant));

  it('passes a correct hand derivation: every row exact or close, in backward order', () => {
    const r = compare('none');
    expect(r.rows.map((row) => row.name)).toEqual(BACKWARD);
    const inner = r.rows.filter((row) => !row.name.startsWith('params.')).map((row) => row.entry);
    expect(inner).toEqual([...inner].sort((a, b) => b - a));
    for (const row of r.rows) {
      expect(['exact', 'close']).toContain(row.status);
      // Both sides are float64 computations of one formula: rounding leaves ~1e-15, far inside 1e-9.
      expect(row.maxAbsDiff).toBeLessThan(1e-12);
      expect(row.diagnosis).toBe(null);
    }
    expect(r.ok).toBe(true);
    expect(r.firstMismatch).toBe(null);
    expect(r.batch).toBe(8);
    expect(r.toString().split('\n').at(-1)).toBe('all 7 gradients agree with the tape (|mine - tape| <= 1e-9 + 1e-6·|tape|)');
  });

  it('calls the tape\'s own gradient exact', () => {
    const grads = Object.fromEntries(compare('none').rows.map((row) => [row.name, row.reference]));
    expect(compareAt(f, p, grads).rows.every((row) => row.status === 'exact' && row.maxAbsDiff === 0)).toBe(true);
  });

  it('finds a missing 1/N at the first row going backward, and every row after it inherits it', () => {
    const r = compare('missing-1/N');
    expect(r.firstMismatch).toBe('out');
    expect(r.rows.map((row) => row.status)).toEqual(BACKWARD.map(() => 'WRONG'));
    expect(r.rows[0]!.diagnosis).toEqual({ kind: 'factor', factor: expect.closeTo(8, 12), message: 'missing factor 1/N (N = 8, the batch size): divide by N' });
    // Linear all the way back, the factor carries into every row.
    expect(r.rows.every((row) => row.diagnosis?.message === 'missing factor 1/N (N = 8, the batch size): divide by N')).toBe(true);
    expect(r.toString().split('\n').at(-1)).toBe("the first mismatch going backward is at 'out': missing factor 1/N (N = 8, the batch size): divide by N; everything after it may inherit it (6 more WRONG rows): fix it first and compare again");
  });

  it('finds a transposed dW1 at params.W1 only', () => {
    const r = compare('transpose-dW1');
    expect(r.firstMismatch).toBe('params.W1');
    expect(r.rows.filter((row) => row.status === 'WRONG').map((row) => row.name)).toEqual(['params.W1']);
    const row = r.rows.at(-1)!;
    expect(row.mineShape).toEqual([5, 3]);
    expect(row.maxAbsDiff).toBe(null);
    expect(row.diagnosis?.kind).toBe('transpose');
    expect(r.toTable().split('\n').at(-1)).toMatch(/^params\.W1 +\[3,5\] \(mine \[5,3\]\) +WRONG +- +transposed \(mine has shape \[5,3\], the reference \[3,5\]/);
  });

  it('finds a missing tanh\' at hpreact, labelled with the value', () => {
    const r = compare('missing-fprime');
    expect(r.firstMismatch).toBe('hpreact');
    // out, h and the second layer's parameters are upstream of the mistake (or beside it): they pass.
    expect(r.rows.map((row) => (row.status === 'WRONG' ? 'WRONG' : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok', 'WRONG', 'WRONG', 'WRONG']);
    expect(r.rows[4]!.diagnosis).toEqual({ kind: 'missing-derivative', derivative: "tanh'(hpreact)", message: "missing tanh'(hpreact): multiply by tanh'(hpreact) (mine × tanh'(hpreact) matches the reference)" });
    expect(r.toString()).toContain("the first mismatch going backward is at 'hpreact': missing tanh'(hpreact)");
    // dW1 and db1 mix the mistake with X: no pattern left, and the table says where to look.
    expect(r.rows.slice(5).map((row) => row.diagnosis)).toEqual([null, null]);
    expect(r.toTable().split('\n').at(-1)).toMatch(/^params\.W1 +\[3,5\] +WRONG +[\d.]+ +no known mistake fits: may inherit the mismatch at 'hpreact'$/);
    expect(r.toJSON()).toMatchObject({ ok: false, firstMismatch: 'hpreact', batch: 8, rtol: 1e-6, atol: 1e-9 });
    expect(JSON.parse(JSON.stringify(r)).rows[4]).toEqual({
      name: 'hpreact', entry: r.rows[4]!.entry, shape: [8, 5], mineShape: [8, 5], status: 'WRONG', maxAbsDiff: r.rows[4]!.maxAbsDiff,
      diagnosis: { kind: 'missing-derivative', derivative: "tanh'(hpreact)", message: "missing tanh'(hpreact): multiply by tanh'(hpreact) (mine × tanh'(hpreact) matches the reference)" },
    });
  });

  it('finds a transposed dW1 of a square W1 (same shape) too', () => {
    const s = setup(11, 6, 4, 4, 3);
    const r = compareAt(network(s.X, s.Y, 'tanh'), s.p, handGrads(s.X, s.Y, s.p.params, 'tanh', 'transpose-dW1'));
    expect(r.firstMismatch).toBe('params.W1');
    expect(r.rows.at(-1)!.diagnosis?.kind).toBe('transpose');
  });
});

describe('compareAt: random networks', () => {
  it('passes every correct derivation and finds a missing f\' at hpreact (N, D, H, C in 1..6; tanh, sigmoid, relu)', () => {
    const dims = fc.integer({ min: 1, max: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), dims, dims, dims, dims, fc.constantFrom<Act>('tanh', 'sigmoid', 'relu'), (seed, N, D, H, C, act) => {
        const { X, Y, p } = setup(seed, N, D, H, C);
        const f = network(X, Y, act);
        const good = compareAt(f, p, handGrads(X, Y, p.params, act, 'none'));
        expect(good.ok).toBe(true);
        const bad = compareAt(f, p, handGrads(X, Y, p.params, act, 'missing-fprime'));
        const hpre = traceTape.named(f, p).entries.find((e) => e.name === 'hpreact')!.value.data;
        // relu' is 0 or 1: with every unit active it is all 1, and leaving it out is no mistake.
        if (act === 'relu' && hpre.every((v) => v > 0)) return void expect(bad.ok).toBe(true);
        expect(bad.firstMismatch).toBe('hpreact');
        const d = bad.rows.find((r) => r.name === 'hpreact')!.diagnosis;
        // With no unit active, relu' is 0 wherever it would be tested, so it explains nothing (and nothing else fits).
        if (act === 'relu' && hpre.every((v) => v <= 0)) expect(d).toBe(null);
        else expect(d).toMatchObject({ kind: 'missing-derivative', derivative: `${act}'(hpreact)` });
      }),
      { numRuns: 60 },
    );
  });
});

describe('compareAt: derivatives, batch and errors', () => {
  const x = tensor([[1, -2], [3, 0.5], [-1, 1]]);
  const w = tensor([[0.5, -1], [0.2, 2]]);
  const f = ({ w }: { w: Tensor }): Tensor => sum(leakyRelu(named(matmul(x, w), 'z'), 0.1));

  it("reads the op's attributes from the tape: a missing leakyRelu' with slope 0.1", () => {
    const ref = compareAt(f, { w }, { z: w }, { batch: 3 });
    // w is [2,2], z is [3,2]: no transpose, no broadcast, another size: a 'shape' row.
    expect(ref.rows[0]).toMatchObject({ status: 'WRONG', maxAbsDiff: null, diagnosis: { kind: 'shape' } });
    const dz = ref.rows[0]!.reference;
    // z = x·w (by hand; no entry at the kink 0); leakyRelu'(z) = 1 where z > 0, else 0.1.
    const z = [[0.1, -5], [1.6, -2], [-0.3, 3]];
    expect(Array.from(dz.data)).toEqual(z.flat().map((v) => (v > 0 ? 1 : 0.1)));
    const r = compareAt(f, { w }, { z: tensor([[1, 1], [1, 1], [1, 1]]) });
    expect(r.rows[0]!.diagnosis?.derivative).toBe("leakyRelu'(z)");
    expect(r.batch).toBe(3);
  });

  it('does what its TSDoc example says', () => {
    const w = tensor([0.5, -1]);
    const dz = sub(1, square(tanh(mul(w, 2))));
    const report = compareAt(({ w }) => sum(tanh(named(mul(w, 2), 'z'))), { w }, { z: dz, w: dz });
    expect(report.firstMismatch).toBe('w');
    expect(report.rows[1]!.diagnosis?.message).toBe('missing factor 2 (mine = reference / 2): multiply by 2');
  });

  it('gives the same report inside an enclosing grad, and leaves the tape empty', () => {
    const mine = { z: tensor([[1, 1], [1, 1], [1, 1]]) };
    const outside = compareAt(f, { w }, mine).toJSON();
    let inside: unknown = null;
    grad((v: Tensor) => {
      inside = compareAt(f, { w }, mine).toJSON();
      return sum(mul(v, v));
    })(scalar(3));
    expect(inside).toEqual(outside);
    expect(tapeLength()).toBe(0);
  });

  it('uses opts.batch over the first matmul', () => {
    const r = compareAt(f, { w }, { z: mul(compareAt(f, { w }, { z: w }).rows[0]!.reference, 4) }, { batch: 4 });
    expect(r.batch).toBe(4);
    expect(r.rows[0]!.diagnosis?.message).toBe('missing factor 1/N (N = 4, the batch size): divide by N');
  });

  it('refuses a name that is not on the tape, listing those that are', () => {
    expect(() => compareAt(f, { w }, { hpreact: w })).toThrow(ArgumentError);
    expect(() => compareAt(f, { w }, { hpreact: w })).toThrow("compareAt: no value is named 'hpreact'; the names on this tape are 'w', 'z'");
    expect(() => compareAt(f, { w }, {})).toThrow('compareAt: expected is empty');
    expect(() => callWith(compareAt, f, { w }, { z: [1, 2] })).toThrow("compareAt: expected['z'] must be a Tensor");
    expect(() => callWith(compareAt, f, { w }, null)).toThrow('compareAt: expected must be an object');
  });

  it('refuses a name used twice, a non-scalar f and bad options', () => {
    expect(() => compareAt(({ w }: { w: Tensor }) => sum(add(named(w, 'a'), named(w, 'a'))), { w }, { a: w })).toThrow("compareAt: 2 values are named 'a'");
    expect(() => compareAt(({ w }: { w: Tensor }) => mul(w, 2), { w }, { w })).toThrow(GradError);
    expect(() => callWith(compareAt, f, { w }, { w }, { tol: 1 })).toThrow("compareAt: unknown option 'tol'");
    expect(() => compareAt(f, { w }, { w }, { rtol: -1 })).toThrow('compareAt: rtol must be a finite number >= 0, got -1');
    expect(() => compareAt(f, { w }, { w }, { batch: 0 })).toThrow(ArgumentError);
    expect(() => callWith(compareAt, 'f', { w }, { w })).toThrow(ArgumentError);
    expect(() => callWith(compareAt, f, { w: [1] }, { w })).toThrow('compareAt: args.w[0] is the number 1, not a Tensor');
    expect(() => callWith(compareAt, () => 3, { w }, { w })).toThrow('compareAt: f must return a Tensor (the loss), got number');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, type Tensor, mul, neg, normal, tensor, zeros } from './index.js';
import { type DiagnosisKind, diagnose } from './diagnose.js';
import { callWith } from './testing/untyped.js';

const g = tensor([[0.5, -1.25, 2], [3, 0.75, -4]]);
const scale = (t: Tensor, c: number): Tensor => tensor(Array.from(t.data, (v) => v * c), t.shape);
const kindOf = (mine: Tensor, ref: Tensor, ctx?: Parameters<typeof diagnose>[2]): DiagnosisKind | null => diagnose(mine, ref, ctx)?.kind ?? null;

describe('diagnose: hand cases', () => {
  it('names a missing and an extra 1/N by the batch size', () => {
    const d = diagnose(scale(g, 32), g, { batch: 32 });
    expect(d).toEqual({ kind: 'factor', factor: 32, message: 'missing factor 1/N (N = 32, the batch size): divide by N' });
    expect(diagnose(scale(g, 1 / 32), g, { batch: 32 })?.message).toBe('extra factor 1/N (N = 32, the batch size): multiply by N');
    // Without the batch size, 32 is still named as an integer factor.
    expect(diagnose(scale(g, 32), g)?.message).toBe('a factor 32 too many (mine = 32 × reference): divide by 32');
    expect(diagnose(scale(g, -32), g, { batch: 32 })?.message).toBe('missing factor 1/N (N = 32, the batch size), with the sign flipped: divide by N and negate it');
  });

  it('names a sign flip, 2, 1/2, an integer, a reciprocal and any other constant', () => {
    expect(diagnose(neg(g), g)).toEqual({ kind: 'sign', factor: -1, message: 'sign flipped (mine = −reference): negate it' });
    expect(diagnose(scale(g, 2), g)?.message).toBe('a factor 2 too many (mine = 2 × reference): divide by 2');
    expect(diagnose(scale(g, 0.5), g)?.message).toBe('missing factor 2 (mine = reference / 2): multiply by 2');
    expect(diagnose(scale(g, 3), g)?.message).toBe('a factor 3 too many (mine = 3 × reference): divide by 3');
    expect(diagnose(scale(g, 1 / 7), g)?.message).toBe('missing factor 7 (mine = reference / 7): multiply by 7');
    const d = diagnose(scale(g, 0.73), g);
    expect(d?.kind).toBe('factor');
    expect(d?.factor).toBeCloseTo(0.73, 14);
    expect(d?.message).toBe('off by the constant factor 0.73 (mine = 0.73 × reference): divide by 0.73');
  });

  it('finds a transpose, square or not', () => {
    const sq = tensor([[1, 2], [3, 4]]);
    expect(diagnose(tensor([[1, 3], [2, 4]]), sq)?.kind).toBe('transpose');
    const d = diagnose(tensor([[0.5, 3], [-1.25, 0.75], [2, -4]]), g);
    expect(d?.kind).toBe('transpose');
    expect(d?.message).toBe('transposed (mine has shape [3,2], the reference [2,3], and transpose(mine) matches it): transpose it, or swap the operands of the matmul that made it (A·B → Bᵀ·Aᵀ)');
  });

  it('finds a broadcast left unsummed and says which axes to sum', () => {
    // db for b: [3] added to a [2,3] batch is the column sum of g: [3.5, -0.5, -2].
    const d = diagnose(g, tensor([3.5, -0.5, -2]), { batch: 2 });
    expect(d).toEqual({
      kind: 'unsummed-broadcast',
      axes: [0],
      message: 'a broadcast left unsummed (mine has shape [2,3], the reference [3]): sum over axis 0 (the batch axis, size N = 2): sum(mine, 0); a value broadcast in the forward pass collects the gradient of every copy',
    });
    const kept = diagnose(g, tensor([[3.5, -0.5, -2]]));
    expect(kept?.axes).toEqual([0]);
    expect(kept?.message).toContain('sumTo(mine, [1,3])');
    expect(diagnose(g, tensor([[1.25], [-0.25]]))?.axes).toEqual([1]);
  });

  it('finds a missing and a doubled activation derivative, and names which', () => {
    const z = tensor([[-2, -0.5, 0.1], [0.3, 1.5, 3]]);
    // tanh'(z) = 1 - tanh(z)^2, computed here with Math.tanh (an independent witness of the op).
    const dt = tensor(Array.from(z.data, (v) => 1 - Math.tanh(v) ** 2), z.shape);
    const ds = tensor(Array.from(z.data, (v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2), z.shape);
    const ref = mul(g, dt);
    const derivatives = [{ label: "sigmoid'(z)", values: ds }, { label: "tanh'(z)", values: dt }];
    expect(diagnose(g, ref, { derivatives })).toEqual({ kind: 'missing-derivative', derivative: "tanh'(z)", message: "missing tanh'(z): multiply by tanh'(z) (mine × tanh'(z) matches the reference)" });
    expect(diagnose(mul(ref, dt), ref, { derivatives })).toEqual({ kind: 'doubled-derivative', derivative: "tanh'(z)", message: "tanh'(z) applied twice: divide by tanh'(z) once (mine / tanh'(z) matches the reference)" });
    // A relu mask forgotten: mine has values where the reference is 0.
    const mask = tensor(Array.from(z.data, (v) => (v > 0 ? 1 : 0)), z.shape);
    expect(diagnose(g, mul(g, mask), { derivatives: [{ label: "relu'(z)", values: mask }] })?.kind).toBe('missing-derivative');
    // A derivative that is 0 wherever the reference is non-zero tests nothing, so it explains nothing.
    expect(diagnose(g, mul(g, mask), { derivatives: [{ label: "relu'(-z)", values: tensor(Array.from(mask.data, (v) => 1 - v), z.shape) }] })).toBe(null);
  });

  it('finds zeros: all of mine, or a block where the reference is not zero', () => {
    expect(diagnose(zeros([2, 3]), g)?.message).toBe('all zero where the reference is not (its largest entry is 4): a term of the derivation is missing, or the gradient was never filled in');
    const d = diagnose(tensor([[0.5, -1.25, 2], [0, 0, -4]]), g);
    expect(d?.kind).toBe('zeros');
    expect(d?.message).toContain('zero at 2 of 6 entries where the reference is not (within the block [1, 0:2])');
    // Zero entries that disagree, beside non-zero ones that disagree too: not this pattern.
    expect(kindOf(tensor([[0.5, -1.25, 2], [0, 0, -5]]), g)).toBe(null);
  });

  it('says what is wrong with any other shape, and when a reshape fixes it', () => {
    expect(diagnose(tensor([1, 2, 3, 4, 5]), g)).toEqual({
      kind: 'shape',
      message: 'mine has shape [5], the reference [2,3], and no known mistake explains the difference (not a transpose, nor a broadcast to sum): check the shapes of the derivation step by step',
    });
    expect(diagnose(tensor([0.5, -1.25, 2, 3, 0.75, -4]), g)?.message).toBe('mine has shape [6], the reference [2,3], with the same values in order: reshape it to [2,3]');
    expect(kindOf(tensor([[1, 0], [0, 1], [0, 0]]), g)).toBe('shape');
  });

  it('gives no diagnosis for a gradient equal up to rounding, zero against zero, or no pattern', () => {
    expect(diagnose(g, g, { batch: 2 })).toBe(null);
    expect(diagnose(zeros([2, 3]), zeros([2, 3]))).toBe(null);
    expect(diagnose(tensor(Array.from(g.data, (v) => v * (1 + 1e-12) + 1e-14), g.shape), g)).toBe(null);
    expect(diagnose(tensor([[1, 2, 3], [4, 5, 6]]), g)).toBe(null);
    expect(diagnose(tensor([[NaN, 2, 3], [4, 5, 6]]), g)).toBe(null);
    // A ratio within 1e-6 of 1 is rounding, never "a factor 1.0000001".
    expect(diagnose(scale(g, 1 + 1e-7), g)).toBe(null);
  });

  it('refuses bad arguments with typed errors', () => {
    expect(() => callWith(diagnose, [1], g)).toThrow(ArgumentError);
    expect(() => callWith(diagnose, g, 'g')).toThrow('diagnose: reference must be a Tensor');
    expect(() => callWith(diagnose, g, g, { batchSize: 2 })).toThrow("diagnose: unknown option 'batchSize'; valid options are 'batch', 'derivatives'");
    expect(() => callWith(diagnose, g, g, { batch: 0.5 })).toThrow(ArgumentError);
    expect(() => callWith(diagnose, g, g, { derivatives: {} })).toThrow('diagnose: derivatives must be an array');
    expect(() => callWith(diagnose, g, g, { derivatives: [{ label: 1, values: g }] })).toThrow('derivatives[0].label must be a string');
    expect(() => callWith(diagnose, g, g, { derivatives: [Object.create({ label: 'x', values: g })] })).toThrow('derivatives[0] must be an object { label, values }');
    expect(() => diagnose(g, g, { derivatives: [{ label: "tanh'(z)", values: zeros([3]) }] })).toThrow(ShapeError);
    expect(() => diagnose(g, g, { derivatives: [{ label: "tanh'(z)", values: zeros([3]) }] })).toThrow("diagnose: derivatives[0] ('tanh'(z)') has shape [3] but the reference gradient has shape [2,3]");
  });
});

// ---------------------------------------------------------------- properties

/** Random shapes (rank 0-3, dims 1-5) and a seed for normal values: no structured corner values (an antisymmetric matrix is a transpose and a sign flip at once). */
const caseArb = fc.record({ shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 3 }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) });
const randn = (shape: readonly number[], rng: Rng): Tensor => normal(shape, { rng });
const RUNS = 200;

describe('diagnose: properties over random gradients', () => {
  it('never diagnoses a gradient equal to the reference up to rounding (relative 1e-10, absolute 1e-12 of the max)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 100 }), ({ shape, seed }, batch) => {
        const rng = new Rng(seed);
        const ref = randn(shape, rng);
        const big = Math.max(...Array.from(ref.data, Math.abs));
        const mine = tensor(Array.from(ref.data, (v) => v * (1 + 1e-10 * (2 * rng.next() - 1)) + 1e-12 * big * (2 * rng.next() - 1)), shape);
        const d = { label: "tanh'(z)", values: tensor(Array.from(randn(shape, rng).data, (v) => 1 - Math.tanh(v) ** 2), shape) };
        expect(diagnose(mine, ref, { batch, derivatives: [d] })).toBe(null);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds a planted constant factor, naming N, 2, 1/2 and -1', () => {
    const factors = fc.oneof(fc.constantFrom<number | 'N' | '1/N'>(-1, 2, 0.5, 'N', '1/N'), fc.double({ min: -10, max: 10, noNaN: true }).filter((c) => Math.abs(c - 1) > 1e-3 && Math.abs(c) > 1e-3));
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 3, max: 256 }), factors, ({ shape, seed }, batch, f) => {
        const ref = randn(shape, new Rng(seed));
        const c = f === 'N' ? batch : f === '1/N' ? 1 / batch : f;
        const d = diagnose(scale(ref, c), ref, { batch });
        expect(d?.kind).toBe(c === -1 ? 'sign' : 'factor');
        expect(d?.factor).toBeCloseTo(c, 9);
        if (f === 'N') expect(d?.message).toBe(`missing factor 1/N (N = ${batch}, the batch size): divide by N`);
        if (f === '1/N') expect(d?.message).toBe(`extra factor 1/N (N = ${batch}, the batch size): multiply by N`);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds a planted transpose (any rank >= 2: axes reversed)', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, seed }) => {
        fc.pre(shape.length >= 2);
        const ref = randn(shape, new Rng(seed));
        const reversed = [...shape].reverse();
        // mine[j, i] = ref[i, j] (all axes reversed), built by index arithmetic, not by transpose().
        const mine = new Float64Array(ref.size);
        const strides = (s: readonly number[]): number[] => s.map((_, i) => s.slice(i + 1).reduce((a, b) => a * b, 1));
        const rs = strides(shape);
        const ms = strides(reversed);
        for (let k = 0; k < ref.size; k++) {
          const idx = shape.map((_, d) => Math.floor(k / rs[d]!) % shape[d]!);
          mine[idx.reverse().reduce((acc, v, d) => acc + v * ms[d]!, 0)] = ref.data[k]!;
        }
        const symmetric = shape.every((d, i) => d === reversed[i]) && mine.every((v, k) => v === ref.data[k]);
        expect(kindOf(tensor(mine, reversed), ref)).toBe(symmetric ? null : 'transpose');
      }),
      { numRuns: RUNS },
    );
  });

  it('finds a planted unsummed broadcast and the axes to sum', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 2 }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), ({ shape, seed }, extra, toOne) => {
        // mine has `extra` leading axes more than ref, and ref has 1 where toOne says (a bias's keep-dim axes).
        const big = [...Array.from({ length: extra }, (_, i) => 2 + i), ...shape];
        const refShape = shape.map((d, i) => (toOne[i] === true ? 1 : d));
        const axes = big.map((_, i) => i).filter((i) => i < extra || (refShape[i - extra] === 1 && big[i] !== 1));
        fc.pre(axes.length > 0);
        const mine = randn(big, new Rng(seed));
        // The reference: mine summed over those axes, by a loop over mine's entries.
        const ref = new Float64Array(refShape.reduce((a, b) => a * b, 1));
        for (let k = 0; k < mine.size; k++) {
          let rest = k;
          let flat = 0;
          let stride = 1;
          for (let d = big.length - 1; d >= extra; d--) {
            const i = rest % big[d]!;
            rest = Math.floor(rest / big[d]!);
            flat += (refShape[d - extra] === 1 ? 0 : i) * stride;
            stride *= refShape[d - extra]!;
          }
          ref[flat] = ref[flat]! + mine.data[k]!;
        }
        const d = diagnose(mine, tensor(ref, refShape));
        expect(d?.kind).toBe('unsummed-broadcast');
        expect(d?.axes).toEqual(axes);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds a planted missing or doubled derivative among decoys, and names the right one', () => {
    const activations: readonly (readonly [string, (z: number) => number])[] = [
      ['tanh', (z) => 1 - Math.tanh(z) ** 2],
      ['sigmoid', (z) => Math.exp(-z) / (1 + Math.exp(-z)) ** 2],
      ['softplus', (z) => 1 / (1 + Math.exp(-z))],
      ['exp', (z) => Math.exp(z)],
      ['sin', (z) => Math.cos(z)],
      ['relu', (z) => (z > 0 ? 1 : 0)],
    ];
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: activations.length - 1 }), fc.boolean(), ({ shape, seed }, which, doubled) => {
        const size = shape.reduce((a, b) => a * b, 1);
        // One value alone is any constant ratio, and two of them are needed to test a relu mask both ways.
        fc.pre(size >= 3);
        const rng = new Rng(seed);
        const z = Array.from(randn(shape, rng).data, (v) => 2 * v);
        z[0] = Math.abs(z[0]!) + 0.1; // relu: one active entry and one inactive, so its mask is neither all 1 nor all 0
        z[1] = -Math.abs(z[1]!) - 0.1;
        const upstream = randn(shape, rng);
        const [name, fprime] = activations[which]!;
        const derivs = activations.map(([n, fp]) => ({ label: `${n}'(z)`, values: tensor(z.map(fp), shape) }));
        const dz = derivs[which]!.values;
        const ref = mul(upstream, dz);
        if (name === 'relu' && doubled) return; // relu'² = relu': doubling it is no mistake
        const mine = doubled ? mul(ref, dz) : upstream;
        const d = diagnose(mine, ref, { derivatives: derivs });
        expect(d?.kind).toBe(doubled ? 'doubled-derivative' : 'missing-derivative');
        expect(d?.derivative).toBe(`${name}'(z)`);
        expect(fprime(z[0]!)).toBe(dz.data[0]);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds planted zeros: all of mine, or any subset of entries', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.boolean(), { minLength: 125, maxLength: 125 }), ({ shape, seed }, zeroed) => {
        const ref = randn(shape, new Rng(seed));
        fc.pre(zeroed.slice(0, ref.size).some((z) => z));
        const mine = tensor(Array.from(ref.data, (v, i) => (zeroed[i] === true ? 0 : v)), shape);
        expect(kindOf(mine, ref)).toBe('zeros');
      }),
      { numRuns: RUNS },
    );
  });
});

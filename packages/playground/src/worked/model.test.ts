import { describe, expect, it } from 'vitest';
import { memoryIo, run } from '@tapegrad/cli';
import { computeWorked } from './model.js';
import { givens, maxRelativeDifference, quantities } from './quantities.js';

interface ExplainCheck {
  readonly quantity: string;
  readonly closedForm: number;
  readonly tape: number;
}
interface ExplainJson {
  readonly ok: boolean;
  readonly x: number[];
  readonly y: number[];
  readonly params: { W: number[]; b: number[] }[];
  readonly forward: { z: number[]; a: number[] }[];
  readonly C0: number;
  readonly delta: { delta: number[] }[];
  readonly grads: { W: number[]; b: number[] }[];
  readonly checks: ExplainCheck[];
}

function explain(json: boolean): string {
  const io = memoryIo();
  expect(run(json ? ['explain', '--json'] : ['explain'], io)).toBe(0);
  return io.out();
}

const ex = JSON.parse(explain(true)) as ExplainJson;
const qs = quantities(computeWorked());
const relDiff = (u: number, v: number): number => Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v));

describe('the worked 2-3-2 network', () => {
  it('starts from the numbers tapegrad explain uses', () => {
    const g = new Map(givens(computeWorked()).map((x) => [x.id, x.value]));
    expect([g.get('a0_0'), g.get('a0_1')]).toEqual(ex.x);
    expect([g.get('y_0'), g.get('y_1')]).toEqual(ex.y);
    expect(['w1_00', 'w1_01', 'w1_10', 'w1_11', 'w1_20', 'w1_21'].map((id) => g.get(id))).toEqual(ex.params[0]?.W);
    expect(['w2_00', 'w2_01', 'w2_02', 'w2_10', 'w2_11', 'w2_12'].map((id) => g.get(id))).toEqual(ex.params[1]?.W);
    expect(['b1_0', 'b1_1', 'b1_2', 'b2_0', 'b2_1'].map((id) => g.get(id))).toEqual([...(ex.params[0]?.b ?? []), ...(ex.params[1]?.b ?? [])]);
  });

  it('computes the same 33 numbers as tapegrad explain --json, in its order and under its names', () => {
    expect(qs.map((q) => q.name)).toEqual(ex.checks.map((c) => c.quantity));
    // explain's tape column is the same arithmetic as this page's closed form: nn's dense
    // kernels call core's gemmInto, the kernel the tape's matmul runs, with b added after the
    // products, and the same sigmoid and squared-error loops. So: exactly equal.
    for (const [i, q] of qs.entries()) expect(q.value, q.name).toBe(ex.checks[i]?.tape);
  });

  it("agrees with explain's closed-form column to rounding, and says where the rounding comes from", () => {
    const closed = [
      ...ex.forward.flatMap((f) => [...f.z, ...f.a]),
      ex.C0,
      ...[...ex.delta].reverse().flatMap((d) => d.delta),
      // per layer, output first: neuron j's weight gradients, then its bias gradient
      ...[...ex.grads].reverse().flatMap((g) => g.b.flatMap((bj, j, bs) => [...g.W.slice((j * g.W.length) / bs.length, ((j + 1) * g.W.length) / bs.length), bj])),
    ];
    expect(closed).toEqual(ex.checks.map((c) => c.closedForm));
    // explain's own closed form sums z_j = b_j + Σ_k w_jk a_k starting from b_j; nn adds b_j
    // last. Of the 33 numbers only z₁⁽²⁾ comes out different, by one ulp:
    const differ = qs.filter((q, i) => q.value !== closed[i]).map((q) => q.name);
    const z12 = qs.find((q) => q.id === 'z2_1')?.value ?? NaN;
    expect(Math.abs(z12 - (closed[7] ?? NaN))).toBe(2 ** -52); // one ulp at 1.67
    expect(differ[0]).toBe('z₁⁽²⁾'); // every number before it is exactly explain's
    // Everything downstream of z₁⁽²⁾ inherits it. Each agrees to 1e-15 relative except those
    // through a₁⁽²⁾ − y₁ = 0.842 − 0.99: that subtraction cancels, multiplying the relative
    // difference by |a₁⁽²⁾| / |a₁⁽²⁾ − y₁| ≈ 5.7, so those (δ₁⁽²⁾ and the gradients it makes)
    // get 1e-15 times that factor. A wrong formula would be off by 1e-3 or more.
    const a12 = qs.find((q) => q.id === 'a2_1')?.value ?? NaN;
    const cancel = Math.abs(a12) / Math.abs(a12 - (ex.y[1] ?? NaN));
    const throughCancel = new Set(['δ₁⁽²⁾', '∂C₀/∂w₁₀⁽²⁾', '∂C₀/∂w₁₁⁽²⁾', '∂C₀/∂w₁₂⁽²⁾', '∂C₀/∂b₁⁽²⁾']);
    for (const [i, q] of qs.entries()) {
      const tol = throughCancel.has(q.name) ? 1e-15 * cancel : 1e-15;
      expect(relDiff(q.value, closed[i] ?? NaN), q.name).toBeLessThanOrEqual(tol);
    }
    expect(cancel).toBeGreaterThan(5);
    expect(cancel).toBeLessThan(6);
  });

  it("takes the tape's numbers from nn's own tape: explain's tape column exactly", () => {
    // Both are reverse mode through nn's tapeForward and sumSquares; explain reads δ off
    // ∂C₀/∂z, this page off ∂C₀/∂b (= δ by the bias rule, the same adjoint): the same arithmetic.
    for (const [i, q] of qs.entries()) if (q.tape !== undefined) expect(q.tape, q.name).toBe(ex.checks[i]?.tape);
    expect(qs.filter((q) => q.tape === undefined).map((q) => q.kind)).toEqual(['z', 'z', 'z', 'z', 'z']);
    expect(maxRelativeDifference(qs)).toBe(0);
  });

  it("prints each number's line as tapegrad explain prints it", () => {
    const lines = explain(false)
      .split('\n')
      .filter((l) => l.endsWith('✓') && l.startsWith('  '))
      .map((l) => l.replace(/\s+✓$/, '').trim());
    expect(qs.map((q) => q.line)).toEqual(lines);
  });

  it('lists what each number is made of, by ids that exist', () => {
    const ids = new Set([...qs.map((q) => q.id), ...givens(computeWorked()).map((g) => g.id)]);
    expect(ids.size).toBe(33 + 2 + 2 + 12 + 5);
    for (const q of qs) for (const u of q.uses) expect(ids.has(u), `${q.id} uses ${u}`).toBe(true);
    expect(qs.find((q) => q.id === 'd1_0')?.uses).toEqual(['d2_0', 'w2_00', 'd2_1', 'w2_10', 'a1_0']);
  });
});

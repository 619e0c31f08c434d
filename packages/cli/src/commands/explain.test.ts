import { describe, expect, it } from 'vitest';
import { mul, sigmoid } from '@tapegrad/core';
import { defineActivation, getActivation } from '@tapegrad/nn';
import { EXIT, explainReport, memoryIo, WORKED_EXAMPLE_NET } from '../index.js';
import { runIo } from '../testing/run-io.js';

describe('tapegrad explain', () => {
  it("walks the worked 2-3-2 example's network with its formulas and checks every number", () => {
    const { code, out } = runIo(['explain']);
    expect(code).toBe(0);
    expect(out).toMatch(/z₀⁽¹⁾ = 0\.15·0\.05 \+ 0\.2·0\.1 \+ 0\.35 = 0\.3775 +✓/);
    // Independent arithmetic for a few printed numbers (the worked example's equations by hand).
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    const a1 = [0.3775, 0.3925, 0.4075].map(s);
    const z2 = [0.4 * a1[0]! + 0.45 * a1[1]! + 0.5 * a1[2]! + 0.6, 0.55 * a1[0]! + 0.6 * a1[1]! + 0.65 * a1[2]! + 0.6];
    const a2 = z2.map(s);
    const C = (a2[0]! - 0.01) ** 2 + (a2[1]! - 0.99) ** 2;
    const d20 = 2 * (a2[0]! - 0.01) * a2[0]! * (1 - a2[0]!);
    const p6 = (v: number): string => String(Number(v.toPrecision(6)));
    expect(out).toContain(`C₀ = (${p6(a2[0]!)} − 0.01)² + (${p6(a2[1]!)} − 0.99)² = ${p6(C)}`);
    expect(out).toContain(`δ₀⁽²⁾ = 2(${p6(a2[0]!)} − 0.01) · ${p6(a2[0]!)}(1 − ${p6(a2[0]!)}) = ${p6(d20)}`);
    expect(out).toContain(`∂C₀/∂w₀₁⁽²⁾ = δ₀⁽²⁾ · a₁⁽¹⁾ = ${p6(d20)} · ${p6(a1[1]!)} = ${p6(d20 * a1[1]!)}`);
    // 2·3 + 2·2 forward, the cost, 2 + 3 deltas, 6 + 3 + 6 + 2 gradients.
    expect(out.match(/✓$/gm)?.length).toBe(33);
    expect(out).toContain('33 numbers checked against the tape: all agree ✓');
  });

  it('--json holds the numbers and the checks', () => {
    const { out } = runIo(['explain', '--json']);
    const r = JSON.parse(out) as { ok: boolean; forward: { z: number[] }[]; checks: { ok: boolean }[] };
    expect(r.ok).toBe(true);
    expect(r.forward[0]!.z.map((v) => Number(v.toFixed(12)))).toEqual([0.3775, 0.3925, 0.4075]);
    expect(r.checks).toHaveLength(33);
  });

  it('takes other sizes and activations, and --x/--y lengths are checked', () => {
    expect(runIo(['explain', '--sizes', '3,4,4,2', '--activation', 'tanh', '--seed', '5']).out).toContain('· (1 − a_k⁽²⁾²)');
    const leaky = runIo(['explain', '--activation', 'leakyRelu']);
    expect(leaky.code).toBe(0);
    expect(leaky.out).toContain("2(a_j⁽²⁾ − y_j) · leakyRelu'(z_j⁽²⁾)");
    expect(runIo(['explain', '--x', '1,2,3']).err).toBe('tapegrad explain --x: got 3 values for an input layer of width 2; give one per input\n');
  });

  it('marks a number ✗ and exits 1 when a derivative is wrong', () => {
    // σ' written as σ(1+σ): the forward pass still agrees, every δ and gradient must not.
    const wrong = defineActivation({ name: 'sigmoid', f: (z) => sigmoid(mul(z, 1)), df: (_z, a) => a * (1 + a) });
    const io = memoryIo();
    const net = { ...WORKED_EXAMPLE_NET, sizes: [...WORKED_EXAMPLE_NET.sizes], W: [...WORKED_EXAMPLE_NET.W], b: [...WORKED_EXAMPLE_NET.b], x: [...WORKED_EXAMPLE_NET.x], y: [...WORKED_EXAMPLE_NET.y], activation: wrong };
    expect(explainReport(net, io, { json: false, title: 'wrong derivative' })).toBe(EXIT.checkFailed);
    expect(io.out()).toMatch(/z₀⁽¹⁾ = .* ✓/);
    expect(io.out()).toMatch(/δ₀⁽²⁾ = .* ✗ tape says 0\.25078\d+/);
    expect(io.out()).toContain('22 of 33 numbers DISAGREE with the tape ✗');
    expect(io.err()).toMatch(/^tapegrad explain: δ₀⁽²⁾ is [\d.]+ by the formula but 0\.25078\d+ by the tape\n$/);
    expect(explainReport({ ...net, activation: getActivation('sigmoid') }, memoryIo(), { json: false, title: 'right' })).toBe(EXIT.ok);
  });
});

import { describe, expect, it } from 'vitest';
import { EXIT } from './index.js';
import { runIo } from './testing/run-io.js';

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

describe('tapegrad explain --expr', () => {
  it("walks the issue's example forward and backward with the rule, g × local and the numbers", () => {
    const { code, out } = runIo(['explain', '--expr', 'sigmoid(w*x + b)', '--var', 'w=0.5', '--var', 'x=2', '--var', 'b=-1']);
    expect(code).toBe(EXIT.ok);
    // z = 0.5·2 − 1 = 0, out = σ(0) = 0.5, σ'(0) = 0.25: ∂out/∂w = 0.25·x = 0.5, ∂out/∂x = 0.25·w = 0.125, ∂out/∂b = 0.25.
    expect(out).toContain('#3       = mul(w, x) = 1');
    expect(out).toContain('#4       = add(#3, b) = 0');
    expect(out).toContain('#5       = sigmoid(#4) = 0.5   ← out');
    expect(out).toContain('step 1: #5 = sigmoid(#4), g = ∂out/∂#5 = 1');
    expect(out).toContain('→ #4: ∂/∂x σ(x) = σ(x)·(1 − σ(x))');
    expect(out).toContain('contribution g × 0.25 = 0.25;  ∂out/∂#4 = 0.25');
    expect(out).toContain('∂out/∂w = 0.5\n  ∂out/∂x = 0.125\n  ∂out/∂b = 0.25');
    expect(out).toMatch(/checked: 3 values recomputed without the tape \(equal\) and 6 gradients by central differences .*all agree ✓/);
  });

  it('shows the adding-up at fan-out: x·x + sin(x) gets three contributions to ∂out/∂x', () => {
    const { code, out } = runIo(['explain', '--expr', 'x*x + sin(x)', '--var', 'x=3', '--json']);
    expect(code).toBe(EXIT.ok);
    const r = JSON.parse(out) as {
      ok: boolean;
      gradients: Record<string, number[]>;
      steps: { backward: { inputs: { from: number | null; contribution: { data: number[] } | null; total: { data: number[] } | null }[] }[] };
      checks: { kind: string; ok: boolean }[];
    };
    expect(r.ok).toBe(true);
    expect(r.gradients['x']).toEqual([6 + Math.cos(3)]);
    // Every contribution to x (entry 0), in backward order, and the running totals.
    const toX = r.steps.backward.flatMap((s) => s.inputs.filter((i) => i.from === 0));
    expect(toX.map((i) => i.contribution!.data[0])).toEqual(expect.arrayContaining([3, 3, Math.cos(3)]));
    expect(toX.length).toBe(3);
    expect(toX[2]!.total!.data[0]).toBe(r.gradients['x']![0]);
    expect(r.checks.every((c) => c.ok)).toBe(true);
    const text = runIo(['explain', '--expr', 'x*x + sin(x)', '--var', 'x=3']).out;
    expect(text).toContain('(contribution 3 of 3 to x: they add up)');
  });

  it('checks every gradient independently of the tape: where the rule and the slope differ, it says so, exit 1', () => {
    // The tape takes relu'(0) = 0 (its rule), so ∂out/∂x = 0 + 1 = 1; central differences see the mean
    // of the two one-sided slopes, (0 + 1)/2 + 1 = 1.5. A check that read the tape's own gradient would agree.
    const { code, out, err } = runIo(['explain', '--expr', 'relu(x) + x', '--var', 'x=0']);
    expect(code).toBe(EXIT.checkFailed);
    expect(out).toContain('∂out/∂x = 1\n');
    expect(out).toMatch(/DISAGREE ✗: gradient of x \(off by 0\.5/);
    expect(out).toContain('at a kink');
    expect(err).toContain('the gradient of x disagrees with its check');
    // Off the kink the same expression agrees, so the disagreement is the point, not the check.
    const off = runIo(['explain', '--expr', 'relu(x) + x', '--var', 'x=0.25']);
    expect(off.code).toBe(EXIT.ok);
    expect(off.out).toContain('∂out/∂x = 2\n');
    expect(off.out).toContain('all agree ✓');
  });

  it('graph and explain read --var the same way (one shared check): repeated, unused, undefined', () => {
    const cases: [string, string[], string][] = [
      ['x + 1', ['x=1', 'x=2'], "--var: 'x' is given twice; pass each variable once"],
      ['x + 1', ['x=1', 'y=2'], "--var: 'y' not used by the expression 'x + 1'; remove it or fix the expression"],
      ['x + z', ['x=1'], 'z'],
    ];
    for (const [expr, vars, message] of cases) {
      const specs = vars.flatMap((v) => ['--var', v]);
      const graph = runIo(['graph', '--expr', expr, ...specs]);
      const explain = runIo(['explain', '--expr', expr, ...specs]);
      expect(graph.code, `graph ${expr}`).toBe(EXIT.usage);
      expect(explain.code, `explain ${expr}`).toBe(EXIT.usage);
      expect(graph.err).toContain(message);
      expect(explain.err.replaceAll('explain', 'graph')).toBe(graph.err);
    }
  });

  it('works on vectors and broadcasting, with a scalar output', () => {
    const { code, out } = runIo(['explain', '--expr', 'sum(sigmoid(x*w))', '--var', 'x=1,2', '--var', 'w=0.5', '--json']);
    expect(code).toBe(EXIT.ok);
    const r = JSON.parse(out) as { gradients: Record<string, number[]> };
    const s = [0.5, 1].map((z) => sig(z) * (1 - sig(z)));
    expect(r.gradients['x']![0]).toBeCloseTo(0.5 * s[0]!, 15);
    expect(r.gradients['w']![0]).toBeCloseTo(1 * s[0]! + 2 * s[1]!, 15);
  });

  it('refuses a non-scalar expression, network options, and --var without --expr (exit 2)', () => {
    expect(runIo(['explain', '--expr', 'x*2', '--var', 'x=1,2']).err).toContain('wrap it in sum(...)');
    expect(runIo(['explain', '--expr', 'x*2', '--var', 'x=1,2']).code).toBe(EXIT.usage);
    expect(runIo(['explain', '--expr', 'x', '--var', 'x=1', '--layers', '2,2']).err).toContain('--layers: only applies to the network walk-through');
    expect(runIo(['explain', '--var', 'x=1']).code).toBe(EXIT.usage);
    expect(runIo(['explain', '--expr', 'x', '--var', 'x=1', '--var', 'y=2']).err).toContain("explain --var: 'y' not used");
  });
});

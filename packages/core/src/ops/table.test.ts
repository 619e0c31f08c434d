/**
 * One property over the whole op table: for every op, random shapes (broadcasting
 * included) and values from the op's declared domain (testing/op-specs.ts), then
 *   first order:  <u, J v> = <Jᵀ u, v>, Jᵀu from the tape's pullback (`vjp`), J v by
 *                 central differences in float64 (autograd's check_vjp);
 *   second order: the same test one level up, on the gradient of s(x) = ½ Σ u ⊙ f(x)²,
 *                 so the recorded VJPs themselves are differentiated (grad of grad).
 *
 * Tolerance. Central differences with step eps in float64 have truncation error
 * eps²/6·|f'''|·|v|³ and rounding error about ε_mach·|f|/eps (ε_mach ≈ 1.1e-16). With
 * eps = 1e-6, |v| <= 1 and the domains below (|f'''| <= ~800, the worst being pow at
 * base 0.5, exponent -2), each entry of J v is off by at most ~1.3e-10 + 1.1e-10·|f|, so
 * the inner product is off by about 2e-10·(1 + Σ|u_k|(|y_k| + |(Jv)_k|)). We accept
 * 1e-8 times that scale (50x the predicted bound; the worst seen in 600 runs per op was
 * 1.6e-10), while a wrong VJP (a missing factor, a sign, a dropped broadcast sum) is off
 * by O(1) times the scale, and even a VJP evaluated at x·(1 + 1e-4) fails.
 * Second order uses eps = 1e-5 on the gradient: truncation eps²/6·|s''''| (up to ~1e4
 * for pow at base 0.5) and rounding ~1e-11·|∇s|; we accept 1e-7 times the scale (the
 * worst seen in 300 runs per op was 2.6e-9, for log near 0.2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpDef, type RuleText, type Tensor, Rng, add, grad, mul, opTable, square, sum, traceTape, zeros } from '../index.js';
import { type OpSpec, opSpecs } from '../testing/op-specs.js';
import { absDot, centralDiff, dot, dotProductTest, randomLike } from '../testing/numeric.js';

const TOL = 1e-8;
const TOL2 = 1e-7;
const lookup: Readonly<Record<string, OpSpec | undefined>> = opSpecs;

function specOf(name: string): OpSpec {
  const s = lookup[name];
  if (s === undefined) throw new Error(`op '${name}' is in opTable but has no spec in testing/op-specs.ts; add one (domain, arity, attributes, call)`);
  return s;
}

describe('op table', () => {
  it('has a test spec for every op and none for ops that do not exist', () => {
    expect(Object.keys(opSpecs).sort()).toEqual(Object.keys(opTable).sort());
  });

  it('gives every op its local rule as text and TeX for each input, named by that input', () => {
    const ops: readonly OpDef[] = Object.values(opTable);
    const lacking: string[] = [];
    for (const op of ops) {
      const rules: Readonly<Record<string, RuleText | undefined>> = op.rules ?? {};
      const vjps: Readonly<Record<string, unknown>> = op.vjp;
      for (const input of op.inputs) {
        const r = Object.hasOwn(rules, input) ? rules[input] : undefined;
        if (r === undefined || typeof r.text !== 'string' || r.text.trim() === '' || typeof r.tex !== 'string' || r.tex.trim() === '') {
          lacking.push(`${op.name}.${input}: no text or no TeX`);
          continue;
        }
        // The text reads like a textbook line about this very input: it starts with ∂/∂<input>.
        if (!r.text.startsWith(`∂/∂${input}`)) lacking.push(`${op.name}.${input}: text does not start with ∂/∂${input}`);
        // A VJP declared null says so in words, so a reader is not left guessing.
        if (vjps[input] === null && !r.text.includes(': none')) lacking.push(`${op.name}.${input}: null VJP, but the text does not say ': none'`);
      }
      for (const key of Object.keys(rules)) if (!op.inputs.includes(key)) lacking.push(`${op.name}.${key}: a rule for something that is not an input`);
    }
    expect(lacking).toEqual([]);
    expect(ops.length).toBe(43);
    expect(opTable.tanh.rules?.x?.text).toBe('∂/∂x tanh(x) = 1 − tanh²(x)');
    expect(opTable.where.rules?.cond?.text).toBe('∂/∂cond: none (a mask)');
    expect(opTable.div.rules?.b?.tex).toBe(String.raw`\frac{\partial}{\partial b}\frac{a}{b} = -\frac{a}{b^2}\quad\text{(summed over broadcast axes)}`);
  });

  describe.each(Object.keys(opTable))('%s', (name) => {
    it('the generated cases exercise this op and match its arity', () => {
      const spec = specOf(name);
      const op = opTable[name as keyof typeof opTable];
      if (spec.arity === 'variadic') expect(op.variadic).toBe(true);
      else expect(op.inputs.length).toBe(spec.arity);
      fc.assert(
        fc.property(spec.cases, (c) => {
          if (spec.arity !== 'variadic') expect(c.inputs.length).toBe(spec.arity);
          const rec = traceTape((...xs: Tensor[]) => c.call(xs), ...c.inputs);
          expect(rec.entries.map((e) => e.op)).toContain(name);
        }),
        { numRuns: 10 },
      );
    });

    it('VJP passes the dot-product test against central differences', () => {
      const spec = specOf(name);
      fc.assert(
        fc.property(spec.cases, fc.nat(), (c, seed) => {
          const r = dotProductTest(c.call, c.inputs, c.diff, seed, 1e-6);
          expect(Math.abs(r.numeric - r.autodiff)).toBeLessThanOrEqual(TOL * (1 + r.scale));
          if (spec.gradient === 'none') {
            // Piecewise constant: no gradient at all, and finite differences agree.
            for (const ct of r.cotangents) expect(ct.data.every((v) => v === 0)).toBe(true);
            expect(r.numeric).toBe(0);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('grad of grad agrees with central differences of the gradient', () => {
      const spec = specOf(name);
      fc.assert(
        fc.property(spec.cases, fc.nat(), (c, seed) => {
          const rng = new Rng(seed);
          const argnums = c.inputs.map((_, i) => i);
          const y = c.call(c.inputs);
          const u = randomLike(y.shape, rng);
          const s = (...xs: Tensor[]): Tensor => mul(0.5, sum(mul(u, square(c.call(xs)))));
          const gradS = (xs: readonly Tensor[]): Tensor[] => grad(s, argnums)(...xs);
          const vs = c.inputs.map((x, i) => (c.diff[i] ? randomLike(x.shape, rng) : zeros(x.shape)));
          const ws = c.inputs.map((x) => randomLike(x.shape, rng));
          // H v by reverse over reverse: the gradient of <∇s(x), v>.
          const hv = grad((...xs: Tensor[]) => {
            const g = gradS(xs);
            let acc = sum(mul(g[0]!, vs[0]!));
            for (let i = 1; i < g.length; i++) acc = add(acc, sum(mul(g[i]!, vs[i]!)));
            return acc;
          }, argnums)(...c.inputs);
          const g0 = gradS(c.inputs);
          let autodiff = 0;
          let numeric = 0;
          let scale = 0;
          c.inputs.forEach((_, i) => {
            const fd = centralDiff((xs) => gradS(xs)[i]!, c.inputs, vs, 1e-5);
            expect(hv[i]!.shape).toEqual(c.inputs[i]!.shape);
            autodiff += dot(ws[i]!, hv[i]!);
            numeric += dot(ws[i]!, fd);
            scale += absDot(ws[i]!, g0[i]!) + absDot(ws[i]!, fd);
          });
          expect(Math.abs(numeric - autodiff)).toBeLessThanOrEqual(TOL2 * (1 + scale));
        }),
        { numRuns: 15 },
      );
    });
  });
});

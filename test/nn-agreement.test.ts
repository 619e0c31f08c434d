/**
 * The product's central claim, as properties over random networks: the tape and the
 * hand-derived closed form give the same gradients, and both match central finite differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backpropClosedForm, backpropTape, compareGradients, finiteDifferenceGradients, type GradResult } from '@tapegrad/nn';
import { caseArb, kinkAmbiguous, kinkDistance } from './nn-random-network.js';

/** max(1, |C|, largest |gradient entry|): the magnitude finite-difference rounding scales with. */
function fdScale(exact: GradResult): number {
  let s = Math.max(1, Math.abs(exact.loss));
  for (const g of exact.grads) for (const t of [g.W, g.b]) for (const v of t.data) s = Math.max(s, Math.abs(v));
  return s;
}

describe('tape vs closed form on random networks', () => {
  // Tolerance: rtol 1e-10 with the floor 1e-13·max(1, |g|_∞) (see compareGradients). Both sides
  // evaluate the same chain rule in float64 in different orders (blocked GEMM vs row loops, tape
  // VJPs vs fused closed forms), so they differ by rounding only: ~1e-16 per operation, grown by
  // the summation lengths (≤ 16·8) and depth (≤ 5). Measured over 4892 cases: at most 11% of
  // this tolerance used; relative error ≤ 5.0e-13 on entries above 1e-3 of the gradient's scale;
  // |difference| ≤ 1.7e-14 of the gradient's largest entry.
  // Cases where a relu/leakyRelu pre-activation is zero up to rounding are discarded (see
  // kinkAmbiguous): there each side may legitimately take a different one-sided derivative.
  it('gradients and loss agree to 1e-10 relative for every activation, loss and reduction', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(!kinkAmbiguous(c));
        const tape = backpropTape(c.model, c.X, c.Y, c.loss, { reduction: c.reduction });
        const closed = backpropClosedForm(c.model, c.X, c.Y, c.loss, { reduction: c.reduction });
        const cmp = compareGradients(tape, closed, { rtol: 1e-10, atol: 1e-13, labels: ['tape', 'closed form'] });
        if (!cmp.ok) throw new Error(`${c.describe}\n${cmp.toString()}`);
        expect(Math.abs(tape.loss - closed.loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(tape.loss)));
      }),
      { numRuns: 300, seed: 20261123, maxSkipsPerRun: 100 },
    );
  });
});

describe('both against central finite differences', () => {
  // Central differences with ε = 1e-6 err by ε²|C'''|/6 ≈ 1e-13 (truncation) plus u|C|/ε ≈ 1.1e-10·|C|
  // (rounding), so: rtol 1e-6 and an absolute floor 1e-8·max(1, |C|, |g|_∞), 100x the rounding
  // term. Cases where a relu/leakyRelu/softsign/elu pre-activation or a huber residual lies
  // within 1e-3 of its kink are discarded (fc.pre): a step of ε = 1e-6 can then straddle the
  // kink and the difference quotient stops being a derivative. Measured over 2265 cases: at most
  // 5.7% of this tolerance used; relative error ≤ 3.5e-7 on entries above 1e-3 of the gradient's
  // scale; |difference| ≤ 9.0e-10 of max(1, |C|, |g|_∞).
  it('tape and closed form both match finite differences', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(kinkDistance(c) > 1e-3);
        const opts = { reduction: c.reduction };
        const tape = backpropTape(c.model, c.X, c.Y, c.loss, opts);
        const closed = backpropClosedForm(c.model, c.X, c.Y, c.loss, opts);
        const fd = finiteDifferenceGradients(c.model, c.X, c.Y, c.loss, { ...opts, eps: 1e-6 });
        const scale = fdScale(closed);
        for (const [name, g] of [['tape', tape], ['closed form', closed]] as const) {
          const cmp = compareGradients(g, fd, { rtol: 1e-6, atol: 1e-8, scale, labels: [name, 'finite diff'] });
          if (!cmp.ok) throw new Error(`${c.describe}\n${cmp.toString()}`);
        }
        expect(Math.abs(fd.loss - closed.loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(closed.loss)));
      }),
      { numRuns: 120, seed: 7, maxSkipsPerRun: 1000 },
    );
  });
});

/**
 * Central finite differences of the cost, the third witness beside the tape and the closed
 * form. It uses only forward evaluations (closed-form forward loops and `Loss.value`).
 */
import { type Tensor, checkOptions, checkSize, tensorView } from '@tapegrad/core';
import { checkNumber } from './args.js';
import type { GradResult, LayerGrads } from './grads.js';
import { type LossOrName, type Reduction, batchCost } from './losses.js';
import { type MLP, forwardInto } from './model.js';
import { prepare } from './validate.js';

/**
 * Numerical gradients `(C(θ + ε) - C(θ - ε)) / 2ε` for every parameter, perturbing one at a time
 * in place (each is restored exactly). Truncation error is O(ε²·C''') and rounding O(u·|C|/ε),
 * u ≈ 1.1e-16; the default ε = 1e-6 keeps both near 1e-10 for costs and curvatures of order one.
 * Not differentiable through kinks (relu at 0): a step that crosses one gives a one-sided mix.
 * @param X `[batch, in]` @param Y `[batch, out]`
 * @returns `{ loss, grads }` in the same shapes as `backpropTape`
 * @throws ArgumentError for eps ≤ 0 or an unknown option (and the data errors of the backprops); LayerShapeError / LossCompatibilityError as the backprops do.
 * @example finiteDifferenceGradients(model, X, Y, 'halfSumSquares', { eps: 1e-5 })
 * @group Checking
 */
export function finiteDifferenceGradients(
  model: MLP,
  X: Tensor,
  Y: Tensor,
  loss: LossOrName,
  opts: { reduction?: Reduction; eps?: number } = {},
): GradResult {
  const where = 'finiteDifferenceGradients';
  checkOptions(where, opts, ['reduction', 'eps']);
  const eps = opts.eps === undefined ? 1e-6 : checkNumber(opts.eps, 'eps', where, { lo: 0, loOpen: true });
  const { x, y, loss: lossFn, reduction } = prepare(model, X, Y, loss, opts.reduction, where);
  model.layers.forEach((l, i) => checkSize([x.batch, l.outputSize], `${where}: layer ${i + 1}'s buffers`));
  const alloc = (): Float64Array[] => [x.data, ...model.layers.map((l) => new Float64Array(x.batch * l.outputSize))];
  const zs = alloc();
  const as = alloc();
  const per = new Float64Array(x.batch);
  // The cost C at the model's current parameters (no gradient).
  const c = (): number => batchCost(lossFn, reduction, forwardInto(model, x.data, x.batch, zs, as), y.data, x.batch, y.cols, per);
  const diff = (p: Float64Array): Float64Array => {
    const g = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!;
      const hi = keep + eps;
      const lo = keep - eps;
      p[i] = hi;
      const up = c();
      p[i] = lo;
      const down = c();
      p[i] = keep;
      // Divide by the step actually taken (hi - lo), not 2ε: keep ± ε is rounded.
      g[i] = (up - down) / (hi - lo);
    }
    return g;
  };
  const c0 = c();
  const grads: LayerGrads[] = model.layers.map((l) => ({
    W: tensorView(diff(l.W), [l.outputSize, l.inputSize]),
    b: tensorView(diff(l.b), [l.outputSize]),
  }));
  return { loss: c0, grads };
}

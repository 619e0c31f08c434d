/**
 * `graph --sizes`: one loss evaluation of a small MLP through nn's own tape forward
 * (`tapeCost`: `Z_l = A_(l-1) W_lᵀ + b_l`, `A_l = f(Z_l)`, `C = mean_i C_i(A_L, Y)`), so the
 * graph shows the computation the library differentiates, not a copy of it.
 */
import { traceTape, type TapeRecord, type Tensor } from '@tapegrad/core';
import { parameterViews, tapeCost } from '@tapegrad/nn';
import { randomProblem } from './problem.js';

/**
 * Traces the loss of a seeded random MLP on a random batch.
 * @returns the tape; its arguments are named X, Y, then W1, b1, W2, b2, ...
 * @throws UsageError for an unknown activation or loss name.
 * @example modelTrace({ sizes: [2, 3, 2], sizesOption: '--sizes', activation: 'sigmoid', activationGiven: false, loss: 'sum-squares', batch: 1, seed: 1 }).toTable()
 */
export function modelTrace(spec: Parameters<typeof randomProblem>[1]): TapeRecord {
  const p = randomProblem('tapegrad graph', spec);
  const views = parameterViews(p.model);
  // A flat tree, so the labels are the names the seeds and `compare` use: W1, b1, ...
  const params: Record<string, Tensor> = { X: p.X, Y: p.Y };
  views.forEach(({ W, b }, l) => {
    params[`W${l + 1}`] = W;
    params[`b${l + 1}`] = b;
  });
  const layerParams = (t: Record<string, Tensor>): { W: Tensor; b: Tensor }[] => views.map((_, l) => ({ W: t[`W${l + 1}`]!, b: t[`b${l + 1}`]! }));
  return traceTape.named((t) => tapeCost(p.model, layerParams(t), t['X']!, t['Y']!, p.loss, 'mean'), params);
}

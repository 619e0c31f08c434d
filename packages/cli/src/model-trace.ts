/**
 * `graph --model`: one loss evaluation of a small MLP, written with core ops so the tape
 * records every layer: `Z_l = A_(l-1) W_lᵀ + b_l`, `A_l = f(Z_l)`, `C = mean_i C_i(A_L, Y)`.
 */
import { add, matmul, mean, tensorView, traceTape, type TapeRecord, type Tensor } from '@tapegrad/core';
import { randomProblem } from './problem.js';
import { type ArgLabel } from './tape-render.js';

/**
 * Traces the loss of a seeded random MLP on a random batch.
 * @returns the tape; arguments are X, Y, then W1, b1, W2, b2, ...
 */
export function modelTrace(spec: { sizes: readonly number[]; activation: string; loss: string; batch: number; seed: number }): { rec: TapeRecord; labels: ArgLabel[] } {
  const p = randomProblem('tapegrad graph', spec);
  const params = p.model.layers.flatMap((l) => [tensorView(l.W, [l.outputSize, l.inputSize]), tensorView(l.b, [l.outputSize])]);
  const labels: ArgLabel[] = [
    { name: 'X', kind: 'variable' },
    { name: 'Y', kind: 'variable' },
    ...p.model.layers.flatMap((_, l) => [
      { name: `W${l + 1}`, kind: 'variable' as const },
      { name: `b${l + 1}`, kind: 'variable' as const },
    ]),
  ];
  const f = (X: Tensor, Y: Tensor, ...ps: Tensor[]): Tensor => {
    let A = X;
    p.model.layers.forEach((layer, l) => {
      A = layer.activation.tape(add(matmul(A, ps[2 * l]!, { transB: true }), ps[2 * l + 1]!));
    });
    return mean(p.loss.tape(A, Y));
  };
  const rec = traceTape((...ts: Tensor[]) => f(ts[0]!, ts[1]!, ...ts.slice(2)), p.X, p.Y, ...params);
  return { rec, labels };
}

/**
 * Every number of the worked 2-3-2 network, computed with nn alone: the closed-form forward
 * pass (`forward`), the hand-derived delta recurrence (`ClosedFormBackprop`, which also hands
 * out the error terms δ), and the tape (`backpropTape` for the cost and the gradients,
 * `tapeForward` for the activations) as the second witness. Pure: no DOM.
 */
import { tensor } from '@tapegrad/core';
import { backpropTape, ClosedFormBackprop, dense, forward, mlp, parameterViews, tapeForward, type MLP } from '@tapegrad/nn';
import { BIASES, INPUT, SIZES, TARGET, WEIGHTS } from './net.js';

/** The numbers per layer; index l = 1..L (index 0 is the input for `a`, empty otherwise). */
export interface WorkedNumbers {
  readonly sizes: readonly number[];
  /** `W[l]`: `[n_l, n_(l-1)]` row-major; `b[l]`: `[n_l]`. */
  readonly W: readonly Float64Array[];
  readonly b: readonly Float64Array[];
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** `z[l]`, `a[l]`: `[n_l]`; `a[0]` = x. */
  readonly z: readonly Float64Array[];
  readonly a: readonly Float64Array[];
  /** C₀ = Σ_j (a_j⁽ᴸ⁾ − y_j)². */
  readonly cost: number;
  /** `delta[l]`: δ⁽ˡ⁾ = ∂C₀/∂z⁽ˡ⁾, `[n_l]`. */
  readonly delta: readonly Float64Array[];
  /** `dW[l]`: ∂C₀/∂W⁽ˡ⁾ `[n_l, n_(l-1)]`; `db[l]`: ∂C₀/∂b⁽ˡ⁾ `[n_l]`. */
  readonly dW: readonly Float64Array[];
  readonly db: readonly Float64Array[];
  /** The same numbers by the tape: `a` (tapeForward), the cost and the gradients (backpropTape). */
  readonly tape: {
    readonly a: readonly Float64Array[];
    readonly cost: number;
    readonly dW: readonly Float64Array[];
    readonly db: readonly Float64Array[];
  };
}

/**
 * The network of the worked example as an nn MLP (sigmoid in both layers).
 * @returns layers `[dense(2→3), dense(3→2)]`, `W⁽ˡ⁾: [n_l, n_(l-1)]`
 */
export function workedNetwork(): MLP {
  return mlp(WEIGHTS.map((W, i) => dense(SIZES[i] ?? 0, SIZES[i + 1] ?? 0, 'sigmoid', { W: Float64Array.from(W), b: Float64Array.from(BIASES[i] ?? []) })));
}

const EMPTY = new Float64Array(0);

/**
 * Runs the worked example: forward pass, cost, δ per layer and every gradient, by the closed
 * form and by the tape, for the one sample x, y with nn's `sumSquares` loss summed (C₀).
 * @returns the numbers, layer-indexed 1..L (see {@link WorkedNumbers})
 * @example computeWorked().delta[2] // δ⁽²⁾, [2]
 */
export function computeWorked(): WorkedNumbers {
  const model = workedNetwork();
  const L = model.layers.length;
  const X = tensor([...INPUT], [1, INPUT.length]);
  const Y = tensor([...TARGET], [1, TARGET.length]);
  const fwd = forward(model, X);
  const bp = new ClosedFormBackprop(model, 'sumSquares', 'sum');
  const cost = bp.run(X.data, Y.data, 1);
  const delta = [EMPTY, ...model.layers.map((_, i) => Float64Array.from(bp.delta(i + 1, 1)))];
  const tape = backpropTape(model, X, Y, 'sumSquares', { reduction: 'sum' });
  const params = parameterViews(model);
  const tapeA = [Float64Array.from(INPUT), ...model.layers.map((_, i) => Float64Array.from(tapeForward(mlp(model.layers.slice(0, i + 1)), params.slice(0, i + 1), X).data))];
  return {
    sizes: [...SIZES],
    W: [EMPTY, ...model.layers.map((l) => l.W)],
    b: [EMPTY, ...model.layers.map((l) => l.b)],
    x: Float64Array.from(INPUT),
    y: Float64Array.from(TARGET),
    z: [EMPTY, ...fwd.zs.slice(1, L + 1).map((z) => Float64Array.from(z))],
    a: [Float64Array.from(INPUT), ...fwd.as.slice(1, L + 1).map((a) => Float64Array.from(a))],
    cost,
    delta,
    dW: [EMPTY, ...bp.gW.map((g) => Float64Array.from(g))],
    db: [EMPTY, ...bp.gb.map((g) => Float64Array.from(g))],
    tape: {
      a: tapeA,
      cost: tape.loss,
      dW: [EMPTY, ...tape.grads.map((g) => Float64Array.from(g.W.data))],
      db: [EMPTY, ...tape.grads.map((g) => Float64Array.from(g.b.data))],
    },
  };
}

/**
 * Random dense networks for the agreement properties: depth, widths, per-layer activations
 * (built-in and user-defined), a loss with a compatible output activation, a reduction,
 * batch size, weights, inputs and targets, all drawn by fast-check.
 */
import fc from 'fast-check';
import { type Tensor, abs, add, cos, div, mul, sin, sum, tensor } from '@tapegrad/core';
import { type Activation, type Loss, type MLP, type Reduction, activations, defineActivation, defineLoss, dense, losses, mlp, forward } from '@tapegrad/nn';

/** User activations with correct hand derivatives, so the closed form runs user code too. */
export const userActivations: readonly Activation[] = [
  defineActivation({ name: 'sine', f: (z) => sin(z), df: (z) => Math.cos(z) }),
  // softsign z/(1+|z|), derivative 1/(1+|z|)²
  defineActivation({ name: 'softsign', f: (z) => div(z, add(1, abs(z))), df: (z) => 1 / ((1 + Math.abs(z)) * (1 + Math.abs(z))) }),
  // z·cos(z): derivative cos z - z sin z
  defineActivation({ name: 'zcos', f: (z) => mul(z, cos(z)), df: (z) => Math.cos(z) - z * Math.sin(z) }),
];

/** A user loss: Σ_j (a_j - y_j)⁴ / 4 per sample, ∇_a = (a - y)³. */
export const quarticLoss: Loss = defineLoss({
  name: 'quartic',
  value: (a: Tensor, y: Tensor) => {
    const d = add(a, mul(-1, y));
    const d2 = mul(d, d);
    return mul(0.25, sumRows(mul(d2, d2)));
  },
  grad: (a, y, _batch, _n, out) => {
    for (let i = 0; i < out.length; i++) {
      const d = a[i]! - y[i]!;
      out[i] = d * d * d;
    }
  },
});

function sumRows(t: Tensor): Tensor {
  return sum(t, 1);
}

// softmax is meant for output layers, but the recurrence must hold anywhere, so hidden layers may draw it too.
const hiddenPool: readonly Activation[] = [
  activations.identity,
  activations.sigmoid,
  activations.tanh,
  activations.relu,
  activations.leakyRelu,
  activations.softplus,
  activations.elu,
  activations.gelu,
  activations.swish,
  activations.softmax,
  ...userActivations,
];
const outputPool: readonly Activation[] = hiddenPool;
const lossPool: readonly Loss[] = [...Object.values(losses), quarticLoss];

/** One random case. */
export interface Case {
  readonly model: MLP;
  readonly X: Tensor;
  readonly Y: Tensor;
  readonly loss: Loss;
  readonly reduction: Reduction;
  readonly describe: string;
}

const float = (lo: number, hi: number): fc.Arbitrary<number> => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });

/** Random networks: depth 1-5, widths 1-16, batch 1-8, weights ~ U(±1.5/√n_in), inputs U(-2, 2). */
export const caseArb: fc.Arbitrary<Case> = fc
  .record({
    widths: fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 2, maxLength: 6 }),
    hidden: fc.array(fc.constantFrom(...hiddenPool), { minLength: 5, maxLength: 5 }),
    output: fc.constantFrom(...outputPool),
    loss: fc.constantFrom(...lossPool),
    reduction: fc.constantFrom<Reduction>('sum', 'mean'),
    batch: fc.integer({ min: 1, max: 8 }),
  })
  .chain((r) => {
    const sizes = r.widths;
    const L = sizes.length - 1;
    const nParams = sizes.slice(1).reduce((acc, n, l) => acc + n * sizes[l]! + n, 0);
    const nOut = sizes[L]!;
    return fc.record({
      r: fc.constant(r),
      params: fc.array(float(-1, 1), { minLength: nParams, maxLength: nParams }),
      x: fc.array(float(-2, 2), { minLength: r.batch * sizes[0]!, maxLength: r.batch * sizes[0]! }),
      y: fc.array(float(0, 1), { minLength: r.batch * nOut, maxLength: r.batch * nOut }),
    });
  })
  .map(({ r, params, x, y }) => {
    const sizes = r.widths;
    const L = sizes.length - 1;
    const out = r.loss.fromLogits ? activations.identity : r.output;
    let k = 0;
    const layers = sizes.slice(1).map((nOut, l) => {
      const nIn = sizes[l]!;
      const s = 1.5 / Math.sqrt(nIn);
      const W = new Float64Array(nOut * nIn);
      for (let i = 0; i < W.length; i++) W[i] = s * params[k++]!;
      const b = new Float64Array(nOut);
      for (let i = 0; i < nOut; i++) b[i] = 0.5 * params[k++]!;
      return dense(nIn, nOut, l === L - 1 ? out : r.hidden[l]!, { W, b });
    });
    const nOut = sizes[L]!;
    const yv = Float64Array.from(y);
    if (r.loss.name === 'softmaxCrossEntropy') {
      // probability rows (each sums to 1), the targets cross-entropy is defined for
      for (let b = 0; b < r.batch; b++) {
        let s = 1e-3 * nOut;
        for (let j = 0; j < nOut; j++) s += yv[b * nOut + j]!;
        for (let j = 0; j < nOut; j++) yv[b * nOut + j] = (yv[b * nOut + j]! + 1e-3) / s;
      }
    } else if (r.loss.name !== 'binaryCrossEntropy') {
      for (let i = 0; i < yv.length; i++) yv[i] = 4 * yv[i]! - 2;
    }
    const model = mlp(layers);
    const describe = `sizes [${sizes.join(',')}] activations [${model.layers.map((l) => l.activation.name).join(',')}] loss ${r.loss.name} (${r.reduction}) batch ${r.batch}`;
    return {
      // fast-check prints counterexamples with this, instead of dumping every closure.
      [fc.toStringMethod]: () => describe,
      model,
      X: tensor(Float64Array.from(x), [r.batch, sizes[0]!]),
      Y: tensor(yv, [r.batch, nOut]),
      loss: r.loss,
      reduction: r.reduction,
      describe,
    };
  });

/**
 * Distance of the nearest non-smooth point the network meets: a relu/leakyRelu pre-activation
 * (or elu, whose second derivative jumps there) near 0, or a huber residual near ±δ. Finite differences are only valid away from these.
 */
export function kinkDistance(c: Case): number {
  const t = forward(c.model, c.X);
  let d = Infinity;
  c.model.layers.forEach((l, i) => {
    if (['relu', 'leakyRelu', 'elu', 'softsign'].includes(l.activation.name)) {
      for (const z of t.zs[i + 1]!) d = Math.min(d, Math.abs(z));
    }
  });
  if (c.loss.name === 'huber') {
    const a = t.as[t.as.length - 1]!;
    for (let i = 0; i < a.length; i++) d = Math.min(d, Math.abs(Math.abs(a[i]! - c.Y.data[i]!) - 1));
  }
  return d;
}

/**
 * True when some relu/leakyRelu unit's pre-activation is zero up to rounding: |z| ≤ 1e-12·M with
 * M = |b_j| + Σ_k |a_k W_jk| (M > 0), the magnitude of its summands. There the derivative jumps
 * (1 vs 0, or 1 vs α) and the sign of z depends on summation order (float64 bounds its error by
 * about n·u·M ≈ 2e-15·M), so the tape and the closed form may each pick a different, equally valid
 * one-sided derivative. fast-check's doubles reach this with subnormal weights and inputs.
 */
export function kinkAmbiguous(c: Case): boolean {
  const t = forward(c.model, c.X);
  const batch = c.X.shape[0]!;
  return c.model.layers.some((l, i) => {
    if (l.activation.name !== 'relu' && l.activation.name !== 'leakyRelu') return false;
    const A = t.as[i]!;
    const Z = t.zs[i + 1]!;
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < l.outputSize; j++) {
        let M = Math.abs(l.b[j]!);
        for (let k = 0; k < l.inputSize; k++) M += Math.abs(A[r * l.inputSize + k]! * l.W[j * l.inputSize + k]!);
        if (M > 0 && Math.abs(Z[r * l.outputSize + j]!) <= 1e-12 * M) return true;
      }
    }
    return false;
  });
}

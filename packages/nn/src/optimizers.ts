/**
 * Optimizers: update a model's Float64Array parameters in place from a gradient result.
 * Gradient descent is seed 003's θ_j := θ_j - α ∂J/∂θ_j and seed 001's w_(t+1) = w_t - η dC/dw.
 */
import { ArgumentError, fmtShape } from '@tapegrad/core';
import type { LayerGrads } from './grads.js';
import type { MLP } from './model.js';

/** Applies one update `θ ← step(θ, ∂C/∂θ)` to every layer's W and b. */
export interface Optimizer {
  readonly name: string;
  /**
   * @param grads one `{ W: [n_l, n_(l-1)], b: [n_l] }` per layer, as the backprops return
   * @throws ArgumentError when the gradients do not match the model's layers.
   */
  step(model: MLP, grads: readonly LayerGrads[]): void;
}

function checkRate(v: unknown, what: string, where: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new ArgumentError(`${where}: ${what} must be a number in [${lo}, ${hi === Infinity ? '∞' : hi}], got ${String(v)}`);
  }
  return v;
}

/** The gradients' shapes against the model's layers (not core's `checkGrads`, which checks values by finite differences). */
function checkGradShapes(model: MLP, grads: readonly LayerGrads[], where: string): void {
  if (grads.length !== model.layers.length) {
    throw new ArgumentError(`${where}.step: got gradients for ${grads.length} layers but the model has ${model.layers.length}`);
  }
  model.layers.forEach((l, i) => {
    const g = grads[i]!;
    if (g.W.size !== l.W.length || g.b.size !== l.b.length) {
      throw new ArgumentError(
        `${where}.step: layer ${i + 1} has W [${l.outputSize},${l.inputSize}] and b [${l.outputSize}] but the gradients are ${fmtShape(g.W.shape)} and ${fmtShape(g.b.shape)}`,
      );
    }
  });
}

/** Per-parameter state (momentum, Adam moments), allocated at the first step for each model. */
function stateFor(cache: WeakMap<MLP, Float64Array[]>, model: MLP): Float64Array[] {
  let s = cache.get(model);
  if (s === undefined) {
    s = model.layers.flatMap((l) => [new Float64Array(l.W.length), new Float64Array(l.b.length)]);
    cache.set(model, s);
  }
  return s;
}

function eachParam(model: MLP, grads: readonly LayerGrads[], fn: (p: Float64Array, g: Float64Array, k: number) => void): void {
  model.layers.forEach((l, i) => {
    fn(l.W, grads[i]!.W.data, 2 * i);
    fn(l.b, grads[i]!.b.data, 2 * i + 1);
  });
}

/**
 * Plain gradient descent: `θ ← θ - lr·g`.
 * @param opts `{ lr }`, lr > 0
 * @throws ArgumentError for a non-positive or non-finite lr.
 * @example sgd({ lr: 0.1 }).step(model, backpropClosedForm(model, X, Y, 'mse').grads)
 */
export function sgd(opts: { lr: number }): Optimizer {
  const lr = checkRate(opts?.lr, 'lr', 'sgd', 0, Infinity);
  return {
    name: 'sgd',
    step(model, grads) {
      checkGradShapes(model, grads, 'sgd');
      eachParam(model, grads, (p, g) => {
        for (let i = 0; i < p.length; i++) p[i]! -= lr * g[i]!;
      });
    },
  };
}

/**
 * Gradient descent with momentum: `v ← β v + g`, `θ ← θ - lr·v` (PyTorch's form).
 * @param opts `{ lr, beta = 0.9 }`, 0 ≤ β < 1
 * @throws ArgumentError for out-of-range options.
 * @example momentum({ lr: 0.05, beta: 0.9 })
 */
export function momentum(opts: { lr: number; beta?: number }): Optimizer {
  const lr = checkRate(opts?.lr, 'lr', 'momentum', 0, Infinity);
  const beta = checkRate(opts.beta ?? 0.9, 'beta', 'momentum', 0, 0.999999);
  const cache = new WeakMap<MLP, Float64Array[]>();
  return {
    name: 'momentum',
    step(model, grads) {
      checkGradShapes(model, grads, 'momentum');
      const vel = stateFor(cache, model);
      eachParam(model, grads, (p, g, k) => {
        const v = vel[k]!;
        for (let i = 0; i < p.length; i++) {
          const vi = beta * v[i]! + g[i]!;
          v[i] = vi;
          p[i]! -= lr * vi;
        }
      });
    },
  };
}

/**
 * Adam (Kingma & Ba): `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`,
 * `θ ← θ - lr·m̂/(√v̂ + ε)` with bias-corrected m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ).
 * @param opts `{ lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }`
 * @throws ArgumentError for out-of-range options.
 * @example adam({ lr: 0.01 })
 */
export function adam(opts: { lr: number; beta1?: number; beta2?: number; eps?: number }): Optimizer {
  const lr = checkRate(opts?.lr, 'lr', 'adam', 0, Infinity);
  const b1 = checkRate(opts.beta1 ?? 0.9, 'beta1', 'adam', 0, 0.999999);
  const b2 = checkRate(opts.beta2 ?? 0.999, 'beta2', 'adam', 0, 0.99999999);
  const eps = checkRate(opts.eps ?? 1e-8, 'eps', 'adam', 0, Infinity);
  const ms = new WeakMap<MLP, Float64Array[]>();
  const vs = new WeakMap<MLP, Float64Array[]>();
  const steps = new WeakMap<MLP, number>();
  return {
    name: 'adam',
    step(model, grads) {
      checkGradShapes(model, grads, 'adam');
      const m = stateFor(ms, model);
      const v = stateFor(vs, model);
      const t = (steps.get(model) ?? 0) + 1;
      steps.set(model, t);
      const c1 = 1 / (1 - b1 ** t);
      const c2 = 1 / (1 - b2 ** t);
      eachParam(model, grads, (p, g, k) => {
        const mk = m[k]!;
        const vk = v[k]!;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]!;
          const mi = b1 * mk[i]! + (1 - b1) * gi;
          const vi = b2 * vk[i]! + (1 - b2) * gi * gi;
          mk[i] = mi;
          vk[i] = vi;
          p[i]! -= (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
        }
      });
    },
  };
}

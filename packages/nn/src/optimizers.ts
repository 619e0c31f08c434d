/**
 * Optimizers: update a model's Float64Array parameters in place from a gradient result.
 * Gradient descent is the worked 2-3-2 example's θ_j := θ_j - α ∂J/∂θ_j and the matrix-form derivation's w_(t+1) = w_t - η dC/dw.
 *
 * Each follows torch.optim's update exactly, option for option: `weightDecay` λ is the L2 penalty
 * of torch's `weight_decay`, added to the gradient (g ← g + λθ) before momentum or Adam's moments;
 * `adamw` decays the weights separately (θ ← θ - lr·λ·θ, then the Adam step), as torch's `AdamW`.
 *
 * Ranges (the same in code, TSDoc and messages): lr a finite number >= 0 (0 is allowed, as in
 * PyTorch: the step is then a no-op), beta/beta1/beta2 in [0, 1), eps > 0, weightDecay >= 0.
 */
import { ArgumentError, checkOptions, describeValue, fmtShape, isTensor } from '@tapegrad/core';
import { type Range, checkModel, checkNumber, isObject } from './args.js';
import type { LayerGrads } from './grads.js';
import type { MLP } from './model.js';

/**
 * Applies one update `θ ← step(θ, ∂C/∂θ)` to every layer's W and b.
 * @group Optimizers
 */
export interface Optimizer {
  readonly name: string;
  /**
   * @param grads one `{ W: [n_l, n_(l-1)], b: [n_l] }` per layer, as the backprops return
   * @throws ArgumentError when the gradients do not match the model's layers.
   */
  step(model: MLP, grads: readonly LayerGrads[]): void;
}

const RATE: Range = { lo: 0 };
const BETA: Range = { lo: 0, hi: 1, hiOpen: true };
const EPS: Range = { lo: 0, loOpen: true };
const DECAY: Range = { lo: 0 };

/** The options object, its keys, and `lr` (required). */
function readOptions(where: string, opts: unknown, keys: readonly string[]): { o: Record<string, unknown>; lr: number } {
  if (!isObject(opts)) throw new ArgumentError(`${where}: pass the options object { lr${keys.length > 1 ? ', ...' : ''} }, got ${describeValue(opts)}`);
  checkOptions(where, opts, keys);
  if (opts['lr'] === undefined) throw new ArgumentError(`${where}: lr is required (a finite number >= 0), e.g. ${where}({ lr: 0.01 })`);
  return { o: opts, lr: checkNumber(opts['lr'], 'lr', where, RATE) };
}

function option(o: Record<string, unknown>, key: string, fallback: number, where: string, range: Range): number {
  const v = o[key];
  return v === undefined ? fallback : checkNumber(v, key, where, range);
}

/** The model and the gradients' shapes against its layers (not core's `checkGrads`, which checks values by finite differences). */
function checkGradShapes(model: MLP, grads: readonly LayerGrads[], where: string): void {
  checkModel(model, where);
  if (!Array.isArray(grads)) throw new ArgumentError(`${where}: grads must be an array of { W, b } per layer (a backprop's .grads), got ${describeValue(grads)}`);
  if (grads.length !== model.layers.length) {
    throw new ArgumentError(`${where}: got gradients for ${grads.length} layers but the model has ${model.layers.length}`);
  }
  // A loop, not forEach: a step is called every batch, and a closure per call is garbage (train's compiled step allocates nothing else).
  for (let i = 0; i < model.layers.length; i++) {
    const l = model.layers[i]!;
    const g: unknown = grads[i];
    if (!isObject(g) || !isTensor(g['W']) || !isTensor(g['b'])) {
      throw new ArgumentError(`${where}: gradient ${i + 1} must be { W: Tensor, b: Tensor }, got ${describeValue(g)}`);
    }
    if (g['W'].size !== l.W.length || g['b'].size !== l.b.length) {
      throw new ArgumentError(
        `${where}: layer ${i + 1} has W [${l.outputSize},${l.inputSize}] and b [${l.outputSize}] but the gradients are ${fmtShape(g['W'].shape)} and ${fmtShape(g['b'].shape)}`,
      );
    }
  }
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
  for (let i = 0; i < model.layers.length; i++) {
    const l = model.layers[i]!;
    fn(l.W, grads[i]!.W.data, 2 * i);
    fn(l.b, grads[i]!.b.data, 2 * i + 1);
  }
}

/**
 * Options of `sgd`.
 * @group Optimizers
 */
export interface SgdOptions {
  /** Learning rate, a finite number >= 0. */
  readonly lr: number;
  /** L2 penalty λ >= 0 added to the gradient, g + λθ (torch's `weight_decay`); default 0. */
  readonly weightDecay?: number;
}

/**
 * Plain gradient descent: `θ ← θ - lr·(g + λθ)` (λ = weightDecay, default 0), as torch.optim.SGD without momentum.
 * @param opts `{ lr, weightDecay? }`, lr >= 0, weightDecay >= 0
 * @throws ArgumentError for an out-of-range, non-number or unknown option.
 * @example sgd({ lr: 0.1 }).step(model, backpropClosedForm(model, X, Y, 'mse').grads)
 * @group Optimizers
 */
export function sgd(opts: SgdOptions): Optimizer {
  const { o, lr } = readOptions('sgd', opts, ['lr', 'weightDecay']);
  const wd = option(o, 'weightDecay', 0, 'sgd', DECAY);
  // Made once, not per step: the update reads nothing that changes between steps.
  const update = (p: Float64Array, g: Float64Array): void => {
    for (let i = 0; i < p.length; i++) p[i]! -= lr * (g[i]! + wd * p[i]!);
  };
  return {
    name: 'sgd',
    step(model, grads) {
      checkGradShapes(model, grads, 'sgd.step');
      eachParam(model, grads, update);
    },
  };
}

/**
 * Options of `momentum`.
 * @group Optimizers
 */
export interface MomentumOptions {
  /** Learning rate, a finite number >= 0. */
  readonly lr: number;
  /** Momentum factor β in [0, 1) (torch's `momentum`); default 0.9. */
  readonly beta?: number;
  /** L2 penalty λ >= 0 added to the gradient before the velocity update; default 0. */
  readonly weightDecay?: number;
}

/**
 * Gradient descent with momentum, torch.optim.SGD's form with dampening 0: `d = g + λθ`,
 * `v ← βv + d` (v starts at 0, so v₁ = d₁ as torch's first-step copy), `θ ← θ - lr·v`.
 * @param opts `{ lr, beta = 0.9, weightDecay = 0 }`, lr >= 0, 0 <= β < 1, weightDecay >= 0
 * @throws ArgumentError for an out-of-range, non-number or unknown option.
 * @example momentum({ lr: 0.05, beta: 0.9 })
 * @group Optimizers
 */
export function momentum(opts: MomentumOptions): Optimizer {
  const { o, lr } = readOptions('momentum', opts, ['lr', 'beta', 'weightDecay']);
  const beta = option(o, 'beta', 0.9, 'momentum', BETA);
  const wd = option(o, 'weightDecay', 0, 'momentum', DECAY);
  const cache = new WeakMap<MLP, Float64Array[]>();
  return {
    name: 'momentum',
    step(model, grads) {
      checkGradShapes(model, grads, 'momentum.step');
      const vel = stateFor(cache, model);
      eachParam(model, grads, (p, g, k) => {
        const v = vel[k]!;
        for (let i = 0; i < p.length; i++) {
          const vi = beta * v[i]! + (g[i]! + wd * p[i]!);
          v[i] = vi;
          p[i]! -= lr * vi;
        }
      });
    },
  };
}

/**
 * Options of `adam` and `adamw`.
 * @group Optimizers
 */
export interface AdamOptions {
  /** Learning rate, a finite number >= 0. */
  readonly lr: number;
  /** First-moment decay β₁ in [0, 1); default 0.9. */
  readonly beta1?: number;
  /** Second-moment decay β₂ in [0, 1); default 0.999. */
  readonly beta2?: number;
  /** ε > 0 added to √v̂; default 1e-8. */
  readonly eps?: number;
  /** λ >= 0: `adam` adds λθ to the gradient (default 0); `adamw` decays θ ← θ - lr·λ·θ (default 0.01). */
  readonly weightDecay?: number;
}

const ADAM_KEYS = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const;

/** Adam's moments and step, shared by `adam` (coupled L2) and `adamw` (decoupled decay). */
function adamFamily(where: 'adam' | 'adamw', opts: AdamOptions, decoupled: boolean): Optimizer {
  const { o, lr } = readOptions(where, opts, ADAM_KEYS);
  const b1 = option(o, 'beta1', 0.9, where, BETA);
  const b2 = option(o, 'beta2', 0.999, where, BETA);
  const eps = option(o, 'eps', 1e-8, where, EPS);
  const wd = option(o, 'weightDecay', decoupled ? 0.01 : 0, where, DECAY);
  const l2 = decoupled ? 0 : wd;
  const shrink = decoupled ? 1 - lr * wd : 1;
  const ms = new WeakMap<MLP, Float64Array[]>();
  const vs = new WeakMap<MLP, Float64Array[]>();
  const steps = new WeakMap<MLP, number>();
  const stepWhere = `${where}.step`;
  return {
    name: where,
    step(model, grads) {
      checkGradShapes(model, grads, stepWhere);
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
          const gi = g[i]! + l2 * p[i]!;
          const mi = b1 * mk[i]! + (1 - b1) * gi;
          const vi = b2 * vk[i]! + (1 - b2) * gi * gi;
          mk[i] = mi;
          vk[i] = vi;
          // AdamW: θ·(1 - lr·λ) first, then the Adam step (torch.optim.AdamW's order).
          p[i] = p[i]! * shrink - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
        }
      });
    },
  };
}

/**
 * Adam (Kingma & Ba), as torch.optim.Adam: `g ← g + λθ` (weightDecay λ, default 0),
 * `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`, `θ ← θ - lr·m̂/(√v̂ + ε)` with bias-corrected
 * m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ).
 * @param opts `{ lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 }`; lr >= 0, betas in [0, 1), eps > 0, weightDecay >= 0
 * @throws ArgumentError for an out-of-range, non-number or unknown option.
 * @example adam({ lr: 0.01 })
 * @group Optimizers
 */
export function adam(opts: AdamOptions): Optimizer {
  return adamFamily('adam', opts, false);
}

/**
 * AdamW (Loshchilov & Hutter), as torch.optim.AdamW: decoupled weight decay `θ ← θ - lr·λ·θ`,
 * then the Adam step on the raw gradient (the decay never enters m or v). Defaults are torch's:
 * weightDecay 0.01, beta1 0.9, beta2 0.999, eps 1e-8.
 * @param opts `{ lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 }`; ranges as `adam`
 * @throws ArgumentError for an out-of-range, non-number or unknown option.
 * @example adamw({ lr: 0.001, weightDecay: 0.05 })
 * @group Optimizers
 */
export function adamw(opts: AdamOptions): Optimizer {
  return adamFamily('adamw', opts, true);
}

/**
 * Activation functions, each in two forms side by side:
 * - `tape(z)`: built from core ops, so the tape differentiates it;
 * - `forward` / `backward`: closed-form loops on typed arrays, used by the hand-derived
 *   backprop. `backward` is the only place an activation states f': it multiplies the
 *   cotangent by the `f'(z_l)` factor of the delta recurrence (the worked 2-3-2 example's
 *   ∂a_j/∂z_j, the matrix-form derivation's σ_i'(p_i), the diagonal-Jacobian derivation's
 *   diag(f'(z^l)), the sigmoid lecture notes' σ'(z^[k]); docs/sources.md names them).
 *
 * Notation: z is the pre-activation and a = f(z) the activation (the diagonal-Jacobian
 * derivation, the worked 2-3-2 example); the matrix-form derivation writes p_i (pre) and q_i
 * (post), the unrolled-recursion notes p^(k) and x^(k), the sigmoid lecture notes z^[k] and
 * a^[k] (v^[k] for a layer's values).
 */
import {
  type Tensor,
  add,
  exp,
  greater,
  leakyRelu as leakyReluOp,
  minimum,
  mul,
  relu as reluOp,
  sigmoid as sigmoidOp,
  softmax as softmaxOp,
  softplus as softplusOp,
  sub,
  tanh as tanhOp,
  where,
  ArgumentError,
  describeValue,
  showValue,
} from '@tapegrad/core';
import { isActivation } from './args.js';
import { UnknownNameError } from './errors.js';
import { ACTIVATION_ALIASES, type ActivationAlias, type ActivationName, type ParameterisedActivationName } from './names.js';
import { sigmoidOf, softplusOf } from './stable.js';

/**
 * An activation `a = f(z)` applied to a layer's pre-activations `z: [batch, n]`.
 * Every method but `tape` works on row-major typed arrays and allocates nothing.
 * @group Activations
 */
export interface Activation {
  readonly name: string;
  /** Tape form, built from core ops (the tape differentiates it). z: [batch, n] → [batch, n]. */
  tape(z: Tensor): Tensor;
  /** Closed-form forward: `out[i] = f(z[i])` (softmax: row-wise over rows of `cols` values). */
  forward(z: Float64Array, out: Float64Array, cols: number): void;
  /**
   * Closed-form vector-Jacobian product `out = (∂a/∂z)ᵀ g` per row, given z and a = f(z) (via a
   * where cheaper: σ' = σ(1-σ), tanh' = 1-a²): `f'(z) ⊙ g` for elementwise activations,
   * `a ⊙ (g - Σ_j a_j g_j)` for softmax. `out` may alias `g`. For an elementwise activation,
   * g = 1 gives f'(z) itself (that is how `checkActivation` probes it).
   */
  backward(z: Float64Array, a: Float64Array, g: Float64Array, out: Float64Array, cols: number): void;
  /** False only for softmax, whose Jacobian is not diagonal. */
  readonly elementwise: boolean;
  /**
   * Optional closed-form second derivative of an elementwise activation: `out[i] = f''(z[i])`,
   * given z and a = f(z). `checkActivation` compares it with the tape's grad of grad of `tape`.
   */
  readonly d2f?: (z: Float64Array, a: Float64Array, out: Float64Array) => void;
}

/**
 * An activation as the API takes it: a built-in name, an alias, a parameterised name, or an
 * Activation object (`activations.tanh`, `leakyReluActivation(0.2)`, `defineActivation(...)`).
 * A string from elsewhere (a command line, a file) goes through `getActivation` first.
 * @group Activations
 */
export type ActivationOrName = ActivationName | ActivationAlias | ParameterisedActivationName | Activation;

interface ElementwiseSpec {
  name: string;
  tape: (z: Tensor) => Tensor;
  forward: (z: Float64Array, out: Float64Array) => void;
  backward: (z: Float64Array, a: Float64Array, g: Float64Array, out: Float64Array) => void;
  d2f: (z: Float64Array, a: Float64Array, out: Float64Array) => void;
}

// Each built-in keeps its own monomorphic loops (no per-element closure call).
function elementwise(spec: ElementwiseSpec): Activation {
  return {
    name: spec.name,
    elementwise: true,
    tape: spec.tape,
    forward: (z, out) => spec.forward(z, out),
    backward: (z, a, g, out) => spec.backward(z, a, g, out),
    d2f: spec.d2f,
  };
}

const LEAKY_ALPHA = 0.01;
const ELU_ALPHA = 1;
export const GELU_C = Math.sqrt(2 / Math.PI);
export const GELU_K = 0.044715;

const identity = elementwise({
  name: 'identity',
  tape: (z) => z,
  forward: (z, o) => o.set(z),
  backward: (_z, _a, g, o) => {
    if (o !== g) o.set(g);
  },
  d2f: (_z, _a, o) => o.fill(0),
});

const sigmoid = elementwise({
  name: 'sigmoid',
  tape: (z) => sigmoidOp(z),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = sigmoidOf(z[i]!);
  },
  // σ'(z) = σ(z)(1 - σ(z)) = a(1 - a)  (the worked 2-3-2 example's eq. actWRTZSigmoid; the
  // sigmoid lecture notes' §1.3)
  backward: (_z, a, g, o) => {
    for (let i = 0; i < a.length; i++) o[i] = g[i]! * a[i]! * (1 - a[i]!);
  },
  // σ'' = d/dz σ(1 - σ) = σ'(1 - 2σ) = a(1 - a)(1 - 2a)
  d2f: (_z, a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i]! * (1 - a[i]!) * (1 - 2 * a[i]!);
  },
});

const tanh = elementwise({
  name: 'tanh',
  tape: (z) => tanhOp(z),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = Math.tanh(z[i]!);
  },
  // tanh' = 1 - tanh² = 1 - a²
  backward: (_z, a, g, o) => {
    for (let i = 0; i < a.length; i++) o[i] = g[i]! * (1 - a[i]! * a[i]!);
  },
  // tanh'' = d/dz (1 - tanh²) = -2 tanh · tanh' = -2a(1 - a²)
  d2f: (_z, a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = -2 * a[i]! * (1 - a[i]! * a[i]!);
  },
});

// relu'(0) = 0, the subgradient core's relu (and PyTorch, JAX, TF) uses: both forms agree at the kink.
const relu = elementwise({
  name: 'relu',
  tape: (z) => reluOp(z),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) {
      const v = z[i]!;
      o[i] = v > 0 ? v : v !== v ? v : 0;
    }
  },
  backward: (z, _a, g, o) => {
    for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? g[i]! : 0;
  },
  // Piecewise linear: f'' = 0 away from the kink (and the tape's grad of grad is 0 at it too).
  d2f: (_z, _a, o) => o.fill(0),
});

/**
 * Leaky relu with slope α for z ≤ 0: `z > 0 ? z : α z`, derivative 1 or α (α at the kink, as
 * core's leakyRelu takes it). `activations.leakyRelu` is α = 0.01; other slopes are named
 * `leakyRelu(α)`, which `getActivation` and `loadModel` understand.
 * @param alpha the negative-side slope, finite
 * @throws ArgumentError for a non-finite α.
 * @example createMLP({ sizes: [2, 8, 1], activations: leakyReluActivation(0.2) })
 * @group Activations
 */
export function leakyReluActivation(alpha: number): Activation {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ArgumentError(`leakyReluActivation: alpha must be a finite number, got ${showValue(alpha)}`);
  return elementwise({
    name: alpha === LEAKY_ALPHA ? 'leakyRelu' : `leakyRelu(${alpha})`,
    tape: (z) => leakyReluOp(z, alpha),
    forward: (z, o) => {
      for (let i = 0; i < z.length; i++) {
        const v = z[i]!;
        o[i] = v > 0 ? v : alpha * v;
      }
    },
    backward: (z, _a, g, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? g[i]! : alpha * g[i]!;
    },
    // Piecewise linear: f'' = 0 away from the kink.
    d2f: (_z, _a, o) => o.fill(0),
  });
}
const leakyRelu = leakyReluActivation(LEAKY_ALPHA);

const softplus = elementwise({
  name: 'softplus',
  tape: (z) => softplusOp(z),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = softplusOf(z[i]!);
  },
  // softplus' = σ(z)
  backward: (z, _a, g, o) => {
    for (let i = 0; i < z.length; i++) o[i] = g[i]! * sigmoidOf(z[i]!);
  },
  // softplus'' = σ'(z) = σ(z)(1 - σ(z))
  d2f: (z, _a, o) => {
    for (let i = 0; i < z.length; i++) {
      const s = sigmoidOf(z[i]!);
      o[i] = s * (1 - s);
    }
  },
});

/**
 * ELU with scale α: `z > 0 ? z : α(e^z - 1)`, derivative 1 or α e^z = a + α. `activations.elu`
 * is α = 1 (then the derivative is continuous at 0); others are named `elu(α)`.
 * @param alpha α > 0
 * @throws ArgumentError for α ≤ 0 or non-finite.
 * @example eluActivation(0.5).name // 'elu(0.5)'
 * @group Activations
 */
export function eluActivation(alpha: number): Activation {
  if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) throw new ArgumentError(`eluActivation: alpha must be a finite number > 0, got ${showValue(alpha)}`);
  return elementwise({
    name: alpha === ELU_ALPHA ? 'elu' : `elu(${alpha})`,
    // exp(min(z, 0)): the untaken branch never overflows, so its zero cotangent never meets an Infinity.
    tape: (z) => where(greater(z, 0), z, mul(alpha, sub(exp(minimum(z, 0)), 1))),
    forward: (z, o) => {
      for (let i = 0; i < z.length; i++) {
        const v = z[i]!;
        o[i] = v > 0 ? v : alpha * (Math.exp(v) - 1);
      }
    },
    backward: (z, a, g, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? g[i]! : g[i]! * (a[i]! + alpha);
    },
    // f'' = 0 for z > 0, α e^z = a + α below.
    d2f: (z, a, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? 0 : a[i]! + alpha;
    },
  });
}
const elu = eluActivation(ELU_ALPHA);

// gelu(z) ≈ ½ z (1 + tanh(c (z + k z³))), c = √(2/π), k = 0.044715 (the tanh form)
function geluDeriv(v: number): number {
  const u = GELU_C * (v + GELU_K * v * v * v);
  const t = Math.tanh(u);
  return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * v * v);
}
// With u' = c(1 + 3k z²), t' = (1 - t²)u', u'' = 6ckz, differentiating geluDeriv term by term:
// gelu'' = (1 - t²)u' + ½ z (1 - t²)(u'' - 2t u'²).
function geluDeriv2(v: number): number {
  const t = Math.tanh(GELU_C * (v + GELU_K * v * v * v));
  const du = GELU_C * (1 + 3 * GELU_K * v * v);
  const s = 1 - t * t;
  return s * du + 0.5 * v * s * (6 * GELU_C * GELU_K * v - 2 * t * du * du);
}
const gelu = elementwise({
  name: 'gelu',
  tape: (z) => mul(mul(0.5, z), add(1, tanhOp(mul(GELU_C, add(z, mul(GELU_K, mul(z, mul(z, z)))))))),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) {
      const v = z[i]!;
      o[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + GELU_K * v * v * v)));
    }
  },
  backward: (z, _a, g, o) => {
    for (let i = 0; i < z.length; i++) o[i] = g[i]! * geluDeriv(z[i]!);
  },
  d2f: (z, _a, o) => {
    for (let i = 0; i < z.length; i++) o[i] = geluDeriv2(z[i]!);
  },
});

// swish(z) = z σ(z); swish' = σ + z σ(1-σ) = σ + a(1-σ)
const swish = elementwise({
  name: 'swish',
  tape: (z) => mul(z, sigmoidOp(z)),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = z[i]! * sigmoidOf(z[i]!);
  },
  backward: (z, a, g, o) => {
    for (let i = 0; i < z.length; i++) {
      const s = sigmoidOf(z[i]!);
      o[i] = g[i]! * (s + a[i]! * (1 - s));
    }
  },
  // swish'' = d/dz (σ + z σ(1-σ)) = 2σ(1-σ) + z σ(1-σ)(1-2σ) = σ(1-σ)(2 + z(1-2σ))
  d2f: (z, _a, o) => {
    for (let i = 0; i < z.length; i++) {
      const s = sigmoidOf(z[i]!);
      o[i] = s * (1 - s) * (2 + z[i]! * (1 - 2 * s));
    }
  },
});

const softmax: Activation = {
  name: 'softmax',
  elementwise: false,
  tape: (z) => softmaxOp(z, -1),
  // Row-wise e^(z - max) / Σ e^(z - max): never overflows.
  forward: (z, o, cols) => {
    for (let r = 0; r < z.length; r += cols) {
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, z[r + j]!);
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(z[r + j]! - m);
        o[r + j] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let j = 0; j < cols; j++) o[r + j]! *= inv;
    }
  },
  // ∂a_i/∂z_j = a_i(δ_ij - a_j), so (∂a/∂z)ᵀ g = a ⊙ (g - <a, g>) per row.
  backward: (_z, a, g, o, cols) => {
    for (let r = 0; r < a.length; r += cols) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += a[r + j]! * g[r + j]!;
      for (let j = 0; j < cols; j++) o[r + j] = a[r + j]! * (g[r + j]! - dot);
    }
  },
};

/**
 * The built-in activations by name.
 * @group Activations
 */
export const activations: Readonly<Record<ActivationName, Activation>> = Object.freeze({
  identity,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  softplus,
  elu,
  gelu,
  swish,
  softmax,
});

// A Map, not an object literal: a user string such as 'constructor' or '__proto__' must never
// reach Object.prototype (it did, and crashed later with a TypeError).
const builtins: ReadonlyMap<string, Activation> = new Map(Object.entries(activations));
const aliases: ReadonlyMap<string, ActivationName> = new Map(ACTIVATION_ALIASES);
const NAMES = Object.freeze(Object.keys(activations) as ActivationName[]);

/**
 * The built-in activations' names, for a program that lists them in its own words (the CLI's help and errors).
 * @returns `['identity', 'sigmoid', ..., 'softmax']`; the parameterised forms `leakyRelu(α)`, `elu(α)` also resolve
 * @example activationNames().includes('tanh') // true
 * @group Activations
 */
export function activationNames(): readonly ActivationName[] {
  return NAMES;
}

function unknownActivation(name: string, where: string): UnknownNameError {
  const shown = `'${name.length > 40 ? `${name.slice(0, 40)}…` : name}'`;
  return new UnknownNameError(`${where}: unknown activation ${shown}; use one of ${NAMES.join(', ')} (or leakyRelu(α), elu(α)), or defineActivation() for your own`, {
    kind: 'activation',
    given: name,
    known: NAMES,
  });
}

/**
 * Looks up a built-in activation by name (also `linear`, `leaky-relu`, `silu`, `logistic`, and the
 * parameterised `leakyRelu(α)`, `elu(α)`). Only these names resolve: a name such as `'constructor'`
 * is unknown, never an `Object.prototype` member.
 * @param name e.g. `'sigmoid'`
 * @returns the activation
 * @throws UnknownNameError (an ArgumentError) for an unknown name, listing the valid ones; ArgumentError
 *   for a parameterised name with a bad parameter (`elu(0)`).
 * @example getActivation('tanh').name // 'tanh'
 * @group Activations
 */
export function getActivation(name: string): Activation {
  return lookupActivation(name, 'getActivation');
}

function lookupActivation(name: unknown, where: string): Activation {
  if (typeof name !== 'string') throw new ArgumentError(`${where}: an activation name must be a string, got ${describeValue(name)}`);
  const direct = builtins.get(name);
  if (direct !== undefined) return direct;
  const alias = aliases.get(name) ?? aliases.get(name.toLowerCase());
  if (alias !== undefined) return activations[alias];
  // Parameterised forms, as their activations name themselves: leakyRelu(0.2), elu(0.5).
  const m = /^(leakyRelu|elu)\((.+)\)$/.exec(name);
  if (m !== null) {
    const p = Number(m[2]);
    const ok = m[1] === 'leakyRelu' ? Number.isFinite(p) : Number.isFinite(p) && p > 0;
    if (!ok) throw new ArgumentError(`${where}: activation '${name}' needs ${m[1] === 'leakyRelu' ? 'a finite slope' : 'a finite α > 0'} in the parentheses, like ${m[1]}(0.2)`);
    return m[1] === 'leakyRelu' ? leakyReluActivation(p) : eluActivation(p);
  }
  throw unknownActivation(name, where);
}

/** An activation given by name or as an object (a string from a JS caller is checked here too). */
export function resolveActivation(act: ActivationOrName | string, where: string): Activation {
  if (typeof act === 'string') return lookupActivation(act, where);
  if (isActivation(act)) return act;
  throw new ArgumentError(`${where}: an activation must be a name or an Activation object (name, tape, forward, backward), got ${describeValue(act)}`);
}

/**
 * Activation functions, each in two forms side by side:
 * - `tape(z)`: built from core ops, so the tape differentiates it;
 * - `forward` / `derivative` / `backward`: closed-form loops on typed arrays, used by the
 *   hand-derived backprop (the `f'(z_l)` factor of the delta recurrence, seed 003's
 *   ∂a_j/∂z_j, seed 001's σ_i'(p_i), seed 002's diag(f'(z^l)), seed 004's σ'(z^[k])).
 *
 * Notation: z is the pre-activation and a = f(z) the activation (seeds 000, 002, 003);
 * seed 001 writes p_i (pre) and q_i (post); seed 004 writes z^[k] and a^[k] (v^[k] for a layer's values).
 */
import {
  type Tensor,
  add,
  exp,
  greater,
  leakyRelu as leakyReluOp,
  minimum,
  mul,
  noGrad,
  relu as reluOp,
  sigmoid as sigmoidOp,
  softmax as softmaxOp,
  softplus as softplusOp,
  sub,
  tanh as tanhOp,
  tensorView,
  where,
  ArgumentError,
  fmtShape,
} from '@tapegrad/core';

/**
 * An activation `a = f(z)` applied to a layer's pre-activations `z: [batch, n]`.
 * Every method but `tape` works on row-major typed arrays and allocates nothing.
 */
export interface Activation {
  readonly name: string;
  /** Tape form, built from core ops (the tape differentiates it). z: [batch, n] → [batch, n]. */
  tape(z: Tensor): Tensor;
  /** Closed-form forward: `out[i] = f(z[i])` (softmax: row-wise over rows of `cols` values). */
  forward(z: Float64Array, out: Float64Array, cols: number): void;
  /**
   * Closed-form elementwise derivative `out[i] = f'(z[i])` given z and a = f(z) (via a where cheaper:
   * σ' = σ(1-σ), tanh' = 1-a²). For softmax, the Jacobian's diagonal a(1-a).
   */
  derivative(z: Float64Array, a: Float64Array, out: Float64Array): void;
  /**
   * Closed-form vector-Jacobian product `out = (∂a/∂z)ᵀ g` per row: `f'(z) ⊙ g` for elementwise
   * activations, `a ⊙ (g - Σ_j a_j g_j)` for softmax. `out` may alias `g`.
   */
  backward(z: Float64Array, a: Float64Array, g: Float64Array, out: Float64Array, cols: number): void;
  /** False only for softmax, whose Jacobian is not diagonal. */
  readonly elementwise: boolean;
}

/** Names of the built-in activations. */
export type ActivationName = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softplus' | 'elu' | 'gelu' | 'swish' | 'softmax';

interface ElementwiseSpec {
  name: string;
  tape: (z: Tensor) => Tensor;
  forward: (z: Float64Array, out: Float64Array) => void;
  derivative: (z: Float64Array, a: Float64Array, out: Float64Array) => void;
  backward: (z: Float64Array, a: Float64Array, g: Float64Array, out: Float64Array) => void;
}

// Each built-in keeps its own monomorphic loops (no per-element closure call).
function elementwise(spec: ElementwiseSpec): Activation {
  return {
    name: spec.name,
    elementwise: true,
    tape: spec.tape,
    forward: (z, out) => spec.forward(z, out),
    derivative: spec.derivative,
    backward: (z, a, g, out) => spec.backward(z, a, g, out),
  };
}

/** Stable logistic: neither branch overflows. */
function sigm(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

const LEAKY_ALPHA = 0.01;
const ELU_ALPHA = 1;
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

const identity = elementwise({
  name: 'identity',
  tape: (z) => z,
  forward: (z, o) => o.set(z),
  derivative: (_z, _a, o) => o.fill(1),
  backward: (_z, _a, g, o) => {
    if (o !== g) o.set(g);
  },
});

const sigmoid = elementwise({
  name: 'sigmoid',
  tape: (z) => sigmoidOp(z),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = sigm(z[i]!);
  },
  // σ'(z) = σ(z)(1 - σ(z)) = a(1 - a)  (seed 003 eq. actWRTZSigmoid; seed 004 §1.3)
  derivative: (_z, a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i]! * (1 - a[i]!);
  },
  backward: (_z, a, g, o) => {
    for (let i = 0; i < a.length; i++) o[i] = g[i]! * a[i]! * (1 - a[i]!);
  },
});

const tanh = elementwise({
  name: 'tanh',
  tape: (z) => tanhOp(z),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = Math.tanh(z[i]!);
  },
  // tanh' = 1 - tanh² = 1 - a²
  derivative: (_z, a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = 1 - a[i]! * a[i]!;
  },
  backward: (_z, a, g, o) => {
    for (let i = 0; i < a.length; i++) o[i] = g[i]! * (1 - a[i]! * a[i]!);
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
  derivative: (z, _a, o) => {
    for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? 1 : 0;
  },
  backward: (z, _a, g, o) => {
    for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? g[i]! : 0;
  },
});

/**
 * Leaky relu with slope α for z ≤ 0: `z > 0 ? z : α z`, derivative 1 or α (α at the kink, as
 * core's leakyRelu takes it). `activations.leakyRelu` is α = 0.01; other slopes are named
 * `leakyRelu(α)`, which `getActivation` and `loadModel` understand.
 * @param alpha the negative-side slope, finite
 * @throws ArgumentError for a non-finite α.
 * @example createMLP({ sizes: [2, 8, 1], activations: leakyReluActivation(0.2) })
 */
export function leakyReluActivation(alpha: number): Activation {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ArgumentError(`leakyReluActivation: alpha must be a finite number, got ${String(alpha)}`);
  return elementwise({
    name: alpha === LEAKY_ALPHA ? 'leakyRelu' : `leakyRelu(${alpha})`,
    tape: (z) => leakyReluOp(z, alpha),
    forward: (z, o) => {
      for (let i = 0; i < z.length; i++) {
        const v = z[i]!;
        o[i] = v > 0 ? v : alpha * v;
      }
    },
    derivative: (z, _a, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? 1 : alpha;
    },
    backward: (z, _a, g, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? g[i]! : alpha * g[i]!;
    },
  });
}
const leakyRelu = leakyReluActivation(LEAKY_ALPHA);

const softplus = elementwise({
  name: 'softplus',
  tape: (z) => softplusOp(z),
  // ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|): no overflow.
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) {
      const v = z[i]!;
      o[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
  },
  // softplus' = σ(z)
  derivative: (z, _a, o) => {
    for (let i = 0; i < z.length; i++) o[i] = sigm(z[i]!);
  },
  backward: (z, _a, g, o) => {
    for (let i = 0; i < z.length; i++) o[i] = g[i]! * sigm(z[i]!);
  },
});

/**
 * ELU with scale α: `z > 0 ? z : α(e^z - 1)`, derivative 1 or α e^z = a + α. `activations.elu`
 * is α = 1 (then the derivative is continuous at 0); others are named `elu(α)`.
 * @param alpha α > 0
 * @throws ArgumentError for α ≤ 0 or non-finite.
 * @example eluActivation(0.5).name // 'elu(0.5)'
 */
export function eluActivation(alpha: number): Activation {
  if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) throw new ArgumentError(`eluActivation: alpha must be a finite number > 0, got ${String(alpha)}`);
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
    derivative: (z, a, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? 1 : a[i]! + alpha;
    },
    backward: (z, a, g, o) => {
      for (let i = 0; i < z.length; i++) o[i] = z[i]! > 0 ? g[i]! : g[i]! * (a[i]! + alpha);
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
const gelu = elementwise({
  name: 'gelu',
  tape: (z) => mul(mul(0.5, z), add(1, tanhOp(mul(GELU_C, add(z, mul(GELU_K, mul(z, mul(z, z)))))))),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) {
      const v = z[i]!;
      o[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + GELU_K * v * v * v)));
    }
  },
  derivative: (z, _a, o) => {
    for (let i = 0; i < z.length; i++) o[i] = geluDeriv(z[i]!);
  },
  backward: (z, _a, g, o) => {
    for (let i = 0; i < z.length; i++) o[i] = g[i]! * geluDeriv(z[i]!);
  },
});

// swish(z) = z σ(z); swish' = σ + z σ(1-σ) = σ + a(1-σ)
const swish = elementwise({
  name: 'swish',
  tape: (z) => mul(z, sigmoidOp(z)),
  forward: (z, o) => {
    for (let i = 0; i < z.length; i++) o[i] = z[i]! * sigm(z[i]!);
  },
  derivative: (z, a, o) => {
    for (let i = 0; i < z.length; i++) {
      const s = sigm(z[i]!);
      o[i] = s + a[i]! * (1 - s);
    }
  },
  backward: (z, a, g, o) => {
    for (let i = 0; i < z.length; i++) {
      const s = sigm(z[i]!);
      o[i] = g[i]! * (s + a[i]! * (1 - s));
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
  derivative: (_z, a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i]! * (1 - a[i]!);
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

/** The built-in activations by name. */
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

const aliases: Readonly<Record<string, ActivationName>> = {
  linear: 'identity',
  none: 'identity',
  'leaky-relu': 'leakyRelu',
  leakyrelu: 'leakyRelu',
  leaky_relu: 'leakyRelu',
  logistic: 'sigmoid',
  silu: 'swish',
};

function isBuiltin(name: string): name is ActivationName {
  return Object.prototype.hasOwnProperty.call(activations, name);
}

/**
 * Looks up a built-in activation by name (also `linear`, `leaky-relu`, `silu`, `logistic`, and the
 * parameterised `leakyRelu(α)`, `elu(α)`).
 * @param name e.g. `'sigmoid'`
 * @returns the activation
 * @throws ArgumentError for an unknown name, listing the valid ones.
 * @example getActivation('tanh').name // 'tanh'
 */
export function getActivation(name: string): Activation {
  if (typeof name === 'string') {
    if (isBuiltin(name)) return activations[name];
    const alias = aliases[name] ?? aliases[name.toLowerCase()];
    if (alias !== undefined) return activations[alias];
    // Parameterised forms, as their activations name themselves: leakyRelu(0.2), elu(0.5).
    const m = /^(leakyRelu|elu)\((.+)\)$/.exec(name);
    if (m !== null) {
      const p = Number(m[2]);
      return m[1] === 'leakyRelu' ? leakyReluActivation(p) : eluActivation(p);
    }
  }
  throw new ArgumentError(
    `getActivation: unknown activation '${String(name)}'; use one of ${Object.keys(activations).join(', ')} (or leakyRelu(α), elu(α)), or defineActivation() for your own`,
  );
}

/** An activation given by name or as an object. */
export function resolveActivation(act: Activation | string, where: string): Activation {
  if (typeof act === 'string') return getActivation(act);
  if (act !== null && typeof act === 'object' && typeof act.tape === 'function' && typeof act.backward === 'function') return act;
  throw new ArgumentError(`${where}: an activation must be a name or an Activation object, got ${act === null ? 'null' : typeof act}`);
}

/** What `defineActivation` needs: the function as core ops, and your hand-derived derivative. */
export interface ActivationSpec {
  readonly name: string;
  /** f built from core ops (elementwise). The tape differentiates this. */
  readonly f: (z: Tensor) => Tensor;
  /** Your derivative f'(z), given z and a = f(z). The closed form uses this. */
  readonly df: (z: number, a: number) => number;
}

/**
 * A user activation: the tape differentiates `f`, the closed-form backprop uses your `df`.
 * Run `checkActivation` to see whether `df` really is f's derivative (and where it is not).
 * @param spec `{ name, f, df }`; f must be elementwise ([batch, n] → [batch, n])
 * @returns an Activation usable in `createMLP`
 * @throws ArgumentError for a missing name or non-function f/df.
 * @example
 * const cube = defineActivation({ name: 'cube', f: (z) => mul(z, mul(z, z)), df: (z) => 3 * z * z });
 */
export function defineActivation(spec: ActivationSpec): Activation {
  if (spec === null || typeof spec !== 'object') throw new ArgumentError('defineActivation: pass { name, f, df }');
  const { name, f, df } = spec;
  if (typeof name !== 'string' || name === '') throw new ArgumentError('defineActivation: name must be a non-empty string');
  if (typeof f !== 'function') throw new ArgumentError(`defineActivation '${name}': f must be a function (z: Tensor) => Tensor built from core ops`);
  if (typeof df !== 'function') throw new ArgumentError(`defineActivation '${name}': df must be a function (z: number, a: number) => number`);
  const apply = (z: Float64Array, out: Float64Array, cols: number): void => {
    const rows = cols > 0 ? z.length / cols : 0;
    const a = noGrad(() => f(tensorView(z, [rows, cols])));
    if (a.size !== z.length) {
      throw new ArgumentError(`activation '${name}': f must be elementwise, but it maps [${rows},${cols}] to ${fmtShape(a.shape)}`);
    }
    out.set(a.data);
  };
  return {
    name,
    elementwise: true,
    tape: f,
    forward: apply,
    derivative: (z, a, out) => {
      for (let i = 0; i < z.length; i++) out[i] = df(z[i]!, a[i]!);
    },
    backward: (z, a, g, out) => {
      for (let i = 0; i < z.length; i++) out[i] = g[i]! * df(z[i]!, a[i]!);
    },
  };
}

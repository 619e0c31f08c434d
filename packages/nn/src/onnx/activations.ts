/**
 * Each built-in activation as standard ONNX ops (opset 13), written to compute what its
 * closed-form `forward` computes, operation for operation where ONNX has the operation:
 * the exported model then differs from `model.forward` only by the rounding of the runtime's
 * own kernels (summation order in Gemm, its tanh/exp/log), not by a different formula.
 *
 * Every op used here has a double kernel in onnxruntime's CPU provider (Gemm, Add, Sub, Mul,
 * Div, Min, Greater, Equal, Where, Relu, Tanh, Exp, Log, Abs, Neg, Softmax); ONNX's own
 * LeakyRelu, Elu and Softplus have float kernels only there, so those three are composed.
 * Sigmoid is composed too: onnxruntime's kernel computes σ(z) for z < 0 as 1 - σ(-z), which
 * loses the relative precision of the small value (σ(-20) 4e-8 off, σ(-40) = 0 instead of 4.2e-18).
 */
import { type Activation, activations, GELU_C, GELU_K, getActivation } from '../activations.js';
import { OnnxExportError } from './errors.js';
import { type GraphBuilder, intAttr } from './graph.js';

/** A built-in activation's family and, for leakyRelu and elu, its α. */
export interface BuiltinActivation {
  readonly family: 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softplus' | 'elu' | 'gelu' | 'swish' | 'softmax';
  readonly alpha: number;
}

// Probe points for telling a built-in from a user activation that took its name: both signs,
// the kinks, the saturated ranges, and values with long mantissas.
const PROBES = Float64Array.of(-40, -12.5, -3, -1, -0.7071067811865476, -0.1, -1e-8, 0, 1e-8, 0.1, 0.3183098861837907, 1, 2.718281828459045, 7, 40);

function outputs(act: Activation, z: Float64Array): Float64Array {
  const out = new Float64Array(z.length);
  act.forward(z, out, z.length);
  return out;
}

/** The first probe at which `a` and `b` differ (`Object.is`, so NaN = NaN and 0 ≠ -0), or undefined. */
function firstDifference(a: Activation, b: Activation): number | undefined {
  const x = outputs(a, PROBES);
  const y = outputs(b, PROBES);
  const i = x.findIndex((v, k) => !Object.is(v, y[k]));
  return i < 0 ? undefined : PROBES[i];
}

/**
 * Which built-in activation `act` is. Looked up by its name, as `loadModel` does, then checked
 * by value: an activation named 'tanh' that does not compute tanh is not exported as Tanh.
 * @param act the layer's activation @param layer 1-based, for messages
 * @throws OnnxExportError when the name is not a built-in one (a `defineActivation` activation),
 *   or when the activation computes something other than the built-in of that name.
 */
export function identifyActivation(act: Activation, layer: number): BuiltinActivation {
  const supported = `${Object.keys(activations).join(', ')}, leakyRelu(α) and elu(α)`;
  let ref: Activation;
  try {
    ref = getActivation(act.name);
  } catch {
    throw new OnnxExportError(
      `saveOnnx: layer ${layer} uses the activation '${act.name}', which is not built in (a defineActivation activation has no ONNX form); ONNX export supports ${supported}: train the model with one of them`,
      { layer, activation: act.name },
    );
  }
  const differs = act === ref ? undefined : firstDifference(act, ref);
  if (differs !== undefined) {
    throw new OnnxExportError(
      `saveOnnx: layer ${layer}'s activation is named '${act.name}' but does not compute the built-in ${ref.name} (they differ at z = ${differs}); rename your activation, since only the built-ins (${supported}) have an ONNX form`,
      { layer, activation: act.name },
    );
  }
  // A parameterised activation names itself leakyRelu(α) / elu(α); its α is read off its own
  // values, exactly: leakyRelu(-1) = α·(-1) and elu(-∞) = α(e^-∞ - 1) = -α.
  if (ref.name === 'leakyRelu' || ref.name.startsWith('leakyRelu(')) return { family: 'leakyRelu', alpha: -outputs(ref, Float64Array.of(-1))[0]! };
  if (ref.name === 'elu' || ref.name.startsWith('elu(')) return { family: 'elu', alpha: -outputs(ref, Float64Array.of(-Infinity))[0]! };
  const family = (Object.keys(activations) as BuiltinActivation['family'][]).find((k) => activations[k] === ref);
  if (family === undefined) throw new OnnxExportError(`saveOnnx: layer ${layer}'s activation '${act.name}' has no ONNX form`, { layer, activation: act.name });
  return { family, alpha: 0 };
}

/**
 * log1p(x) for x ≥ 0 without a Log1p op (ONNX has none): Goldberg's `x · log(u) / (u - 1)`,
 * u = 1 + x (and x itself when u rounds to 1), accurate to a few ulps where log(1 + x) alone
 * loses every digit of a tiny x (Goldberg 1991, "What every computer scientist should know
 * about floating-point arithmetic", Theorem 4). When u = 1 the untaken branch is 0/0 = NaN;
 * Where does not propagate it.
 */
function log1p(g: GraphBuilder, x: string, tag: string): string {
  const one = g.constant(1);
  const u = g.op('Add', `${tag}/u`, [x, one]);
  const ratio = g.op('Div', `${tag}/ratio`, [g.op('Log', `${tag}/log`, [u]), g.op('Sub', `${tag}/u_minus_1`, [u, one])]);
  const general = g.op('Mul', `${tag}/log1p`, [x, ratio]);
  return g.op('Where', `${tag}/log1p_or_x`, [g.op('Equal', `${tag}/u_is_1`, [u, one]), x, general]);
}

/**
 * σ(z) as stable.ts's sigmoidOf computes it: with e = e^-|z|, 1 / (1 + e) for z > 0 and
 * e / (1 + e) otherwise (at z = 0 both are ½), so neither branch overflows and a tiny σ(z) keeps
 * its digits.
 */
function sigmoid(g: GraphBuilder, z: string, tag: string): string {
  const one = g.constant(1);
  const e = g.op('Exp', `${tag}/exp_neg_abs`, [g.op('Neg', `${tag}/neg_abs`, [g.op('Abs', `${tag}/abs`, [z])])]);
  const numerator = g.op('Where', `${tag}/one_or_exp`, [g.op('Greater', `${tag}/positive`, [z, g.constant(0)]), one, e]);
  return g.op('Div', `${tag}/sigmoid`, [numerator, g.op('Add', `${tag}/one_plus_exp`, [one, e])]);
}

/**
 * Appends the activation's ops after the pre-activation `z` ([batch, n]) and returns the
 * activation's value name. The formulas follow ../activations.ts.
 */
export function emitActivation(g: GraphBuilder, act: BuiltinActivation, z: string, tag: string): string {
  const zero = (): string => g.constant(0);
  switch (act.family) {
    case 'identity':
      return z;
    case 'sigmoid':
      return sigmoid(g, z, tag);
    case 'tanh':
      return g.op('Tanh', `${tag}/tanh`, [z]);
    case 'relu':
      return g.op('Relu', `${tag}/relu`, [z]);
    case 'leakyRelu': {
      // z > 0 ? z : α z
      const neg = g.op('Mul', `${tag}/alpha_z`, [z, g.constant(act.alpha)]);
      return g.op('Where', `${tag}/leaky_relu`, [g.op('Greater', `${tag}/positive`, [z, zero()]), z, neg]);
    }
    case 'elu': {
      // z > 0 ? z : α(e^z - 1), with e^min(z, 0) so the untaken branch never overflows
      const em1 = g.op('Sub', `${tag}/exp_minus_1`, [g.op('Exp', `${tag}/exp`, [g.op('Min', `${tag}/min0`, [z, zero()])]), g.constant(1)]);
      const neg = g.op('Mul', `${tag}/alpha_exp`, [g.constant(act.alpha), em1]);
      return g.op('Where', `${tag}/elu`, [g.op('Greater', `${tag}/positive`, [z, zero()]), z, neg]);
    }
    case 'softplus': {
      // max(z, 0) + log1p(e^-|z|): no overflow, full precision for z ≪ 0 (stable.ts's softplusOf)
      const e = g.op('Exp', `${tag}/exp_neg_abs`, [g.op('Neg', `${tag}/neg_abs`, [g.op('Abs', `${tag}/abs`, [z])])]);
      return g.op('Add', `${tag}/softplus`, [g.op('Relu', `${tag}/relu`, [z]), log1p(g, e, tag)]);
    }
    case 'gelu': {
      // ½z (1 + tanh(c (z + k z³))), c = √(2/π), k = 0.044715, in the closed form's order: ((k z) z) z
      const kz3 = g.op('Mul', `${tag}/kz3`, [g.op('Mul', `${tag}/kz2`, [g.op('Mul', `${tag}/kz`, [g.constant(GELU_K), z]), z]), z]);
      const u = g.op('Mul', `${tag}/u`, [g.constant(GELU_C), g.op('Add', `${tag}/z_plus_kz3`, [z, kz3])]);
      const onePlusT = g.op('Add', `${tag}/one_plus_tanh`, [g.constant(1), g.op('Tanh', `${tag}/tanh`, [u])]);
      return g.op('Mul', `${tag}/gelu`, [g.op('Mul', `${tag}/half_z`, [g.constant(0.5), z]), onePlusT]);
    }
    case 'swish': {
      // z σ(z), σ composed as above (never onnxruntime's Sigmoid: its optimizer fuses
      // Mul(z, Sigmoid(z)) into com.microsoft.QuickGelu, which has a float kernel only, so a
      // double model would not load). Like the closed form, a tiny σ(z) keeps its digits.
      return g.op('Mul', `${tag}/swish`, [z, sigmoid(g, z, tag)]);
    }
    case 'softmax':
      // Softmax-13 normalises along one axis: the last, one row per sample.
      return g.op('Softmax', `${tag}/softmax`, [z], [intAttr('axis', -1)]);
  }
}

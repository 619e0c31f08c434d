/**
 * The built-in loss and activation names and the other spellings the resolvers accept. Each
 * alias list is the one source of both its union type (`LossAlias`, `ActivationAlias`) and the
 * lookup table in losses.ts / activations.ts, so the types editors complete and the names that
 * resolve cannot drift. This module imports nothing.
 */

/** Names of the built-in activations (the keys of `activations`). */
export type ActivationName = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softplus' | 'elu' | 'gelu' | 'swish' | 'softmax';

/**
 * Other spellings the resolver accepts, each with the activation it means: the one list the
 * `ActivationAlias` type and the lookup table are both made from, so they cannot drift.
 */
export const ACTIVATION_ALIASES = [
  ['linear', 'identity'],
  ['none', 'identity'],
  ['leaky-relu', 'leakyRelu'],
  ['leakyrelu', 'leakyRelu'],
  ['leaky_relu', 'leakyRelu'],
  ['logistic', 'sigmoid'],
  ['silu', 'swish'],
] as const satisfies readonly (readonly [string, ActivationName])[];

/** Other accepted spellings of built-in activations: `linear`, `leaky-relu`, `silu`, `logistic`, ... */
export type ActivationAlias = (typeof ACTIVATION_ALIASES)[number][0];

/** A parameterised built-in, as its activation names itself: `leakyRelu(0.2)` (any finite slope), `elu(0.5)` (α > 0). */
export type ParameterisedActivationName = `leakyRelu(${number})` | `elu(${number})`;

/** Names of the built-in losses (the keys of `losses`). */
export type LossName = 'halfSumSquares' | 'sumSquares' | 'meanSquared' | 'softmaxCrossEntropy' | 'binaryCrossEntropy' | 'huber';

/** Other spellings the loss resolver accepts (the CLI's), each with the loss it means. */
export const LOSS_ALIASES = [
  ['half-sum-squares', 'halfSumSquares'],
  ['halfsumsquares', 'halfSumSquares'],
  ['half_sum_squares', 'halfSumSquares'],
  ['sum-squares', 'sumSquares'],
  ['sumsquares', 'sumSquares'],
  ['sse', 'sumSquares'],
  ['mse', 'meanSquared'],
  ['mean-squared', 'meanSquared'],
  ['meansquared', 'meanSquared'],
  ['softmax-ce', 'softmaxCrossEntropy'],
  ['softmax-cross-entropy', 'softmaxCrossEntropy'],
  ['softmaxcrossentropy', 'softmaxCrossEntropy'],
  ['cross-entropy', 'softmaxCrossEntropy'],
  ['ce', 'softmaxCrossEntropy'],
  ['bce', 'binaryCrossEntropy'],
  ['binary-cross-entropy', 'binaryCrossEntropy'],
  ['binarycrossentropy', 'binaryCrossEntropy'],
] as const satisfies readonly (readonly [string, LossName])[];

/** Other accepted spellings of built-in losses: `mse`, `half-sum-squares`, `softmax-ce`, `bce`, ... */
export type LossAlias = (typeof LOSS_ALIASES)[number][0];

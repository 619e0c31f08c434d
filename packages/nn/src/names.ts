/**
 * The built-in loss and activation names and the other spellings the resolvers accept. Each
 * alias list is the one source of both its union type (`LossAlias`, `ActivationAlias`) and the
 * lookup table in losses.ts / activations.ts, so the types editors complete and the names that
 * resolve cannot drift. This module imports nothing.
 */

/** Freezes a list of pairs and each pair, keeping their literal types. */
function frozen<const T extends readonly (readonly [string, string])[]>(list: T): T {
  for (const pair of list) Object.freeze(pair);
  return Object.freeze(list);
}

/**
 * Names of the built-in activations (the keys of `activations`).
 * @group Activations
 */
export type ActivationName = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softplus' | 'elu' | 'gelu' | 'swish' | 'softmax';

/**
 * Other spellings `getActivation` (and every activation parameter) accepts, each with the
 * built-in it means, `[alias, name]`: the one list the `ActivationAlias` type and the lookup
 * table are both made from. Frozen. Lookups also try the lower-cased string.
 * @group Activations
 */
export const ACTIVATION_ALIASES = frozen([
  ['linear', 'identity'],
  ['none', 'identity'],
  ['leaky-relu', 'leakyRelu'],
  ['leakyrelu', 'leakyRelu'],
  ['leaky_relu', 'leakyRelu'],
  ['logistic', 'sigmoid'],
  ['silu', 'swish'],
] as const satisfies readonly (readonly [string, ActivationName])[]);

/**
 * Other accepted spellings of built-in activations: `linear`, `leaky-relu`, `silu`, `logistic`, ...
 * @group Activations
 */
export type ActivationAlias = (typeof ACTIVATION_ALIASES)[number][0];

/**
 * A parameterised built-in, as its activation names itself: `leakyRelu(0.2)` (any finite slope), `elu(0.5)` (α > 0).
 * @group Activations
 */
export type ParameterisedActivationName = `leakyRelu(${number})` | `elu(${number})`;

/**
 * Names of the built-in losses (the keys of `losses`).
 * @group Losses
 */
export type LossName = 'halfSumSquares' | 'sumSquares' | 'meanSquared' | 'softmaxCrossEntropy' | 'binaryCrossEntropy' | 'huber';

/**
 * Other spellings `getLoss` (and every loss parameter) accepts, the CLI's among them, each with
 * the built-in it means, `[alias, name]`: the one list the `LossAlias` type and the lookup table
 * are both made from. Frozen. Lookups also try the lower-cased string.
 * @group Losses
 */
export const LOSS_ALIASES = frozen([
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
] as const satisfies readonly (readonly [string, LossName])[]);

/**
 * Other accepted spellings of built-in losses: `mse`, `half-sum-squares`, `softmax-ce`, `bce`, ...
 * @group Losses
 */
export type LossAlias = (typeof LOSS_ALIASES)[number][0];

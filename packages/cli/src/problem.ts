/**
 * A seeded random problem for `compare` and `graph --sizes`: an MLP and a batch of
 * inputs with targets that suit the loss (one-hot for softmax cross-entropy, 0/1 for
 * binary cross-entropy, values in [0, 1) otherwise).
 */
import { checkSize, Rng, TapegradError, tensor, type Tensor } from '@tapegrad/core';
import { activations, createMLP, getActivation, getLoss, UnknownNameError, type Activation, type Loss, type LossName, type MLP } from '@tapegrad/nn';
import { derivedSeed } from './args.js';
import { UsageError } from './errors.js';

/** An MLP, its loss, and one batch: X: [batch, sizes[0]], Y: [batch, sizes.at(-1)]. */
export interface Problem {
  readonly model: MLP;
  readonly loss: Loss;
  readonly activation: Activation;
  readonly X: Tensor;
  readonly Y: Tensor;
}

/**
 * The activations a hidden layer can use, as the CLI lists them: nn's built-ins that work
 * elementwise (softmax is an output, reached through `--loss softmax-ce`).
 */
export const HIDDEN_ACTIVATIONS: readonly string[] = Object.values(activations)
  .filter((a) => a.elementwise)
  .map((a) => a.name);

/**
 * The loss names the CLI documents, one per nn built-in (nn also accepts its own names,
 * such as `meanSquared`, and a few more aliases).
 */
export const CLI_LOSS_NAMES: Readonly<Record<LossName, string>> = {
  softmaxCrossEntropy: 'softmax-ce',
  meanSquared: 'mse',
  halfSumSquares: 'half-sum-squares',
  sumSquares: 'sum-squares',
  binaryCrossEntropy: 'bce',
  huber: 'huber',
};

/** `--activation`'s names for help texts: `identity, sigmoid, ...`. */
export const HIDDEN_ACTIVATION_HELP = HIDDEN_ACTIVATIONS.join(', ');

/**
 * Looks up an activation by its CLI name (nn's `getActivation`, which looks names up as own
 * entries, so `constructor` is unknown); an unknown name is a usage error (exit 2) worded for
 * the command line: the names to choose from, not nn's `defineActivation()`, which a command
 * line cannot call.
 */
export function activationOption(command: string, name: string): Activation {
  return asUsage(`${command} --activation`, () => getActivation(name), (e) =>
    isUnknownName(e, 'activation') ? `unknown activation ${shown(name)}; use one of ${HIDDEN_ACTIVATION_HELP} (leakyRelu(0.2) and elu(0.5) take their parameter in parentheses)` : null,
  );
}

/** Looks up a loss by its CLI name (nn's `getLoss`); an unknown name is a usage error (exit 2) listing the CLI's names. */
export function lossOption(command: string, name: string): Loss {
  return asUsage(`${command} --loss`, () => getLoss(name), (e) => (isUnknownName(e, 'loss') ? `unknown loss ${shown(name)}; use one of ${Object.values(CLI_LOSS_NAMES).join(', ')}` : null));
}

/** nn's error for a name it does not know (as opposed to, say, a bad leakyRelu(α) parameter). */
function isUnknownName(e: unknown, kind: 'activation' | 'loss'): boolean {
  return e instanceof UnknownNameError && e.kind === kind;
}

/** A user's name as a message quotes it, cut past 40 characters. */
function shown(name: string): string {
  return `'${name.length > 40 ? `${name.slice(0, 40)}…` : name}'`;
}

/**
 * Runs `f`; an error nn or core raise on purpose becomes a UsageError prefixed with the command
 * and option it came from, in the CLI's words when `reword` has them.
 */
function asUsage<T>(where: string, f: () => T, reword: (e: unknown) => string | null = () => null): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TapegradError) throw new UsageError(`${where}: ${reword(e) ?? e.message}`);
    throw e;
  }
}

/**
 * The output activation for a loss: identity for losses on logits (softmax-ce, bce),
 * otherwise the hidden activation, as in the worked 2-3-2 example's all-sigmoid network.
 */
function outputActivationFor(loss: Loss, hidden: Activation): Activation {
  return loss.fromLogits ? getActivation('identity') : hidden;
}

/**
 * Builds the random problem.
 * @param spec sizes `[in, ..., out]` (and the option they came from, for messages), activation and loss names, batch size, seed;
 *   `activationGiven` says the user chose the activation (so it must be used somewhere)
 * @throws UsageError for unknown names, a softmax activation in a hidden layer, or an
 *   activation the network would not use (no hidden layer, and the loss works on logits).
 */
export function randomProblem(
  command: string,
  spec: { sizes: readonly number[]; sizesOption: '--hidden' | '--sizes'; activation: string; activationGiven: boolean; loss: string; batch: number; seed: number },
): Problem {
  const activation = activationOption(command, spec.activation);
  const loss = lossOption(command, spec.loss);
  if (!activation.elementwise) throw new UsageError(`${command} --activation: '${activation.name}' is not elementwise, so it cannot be a hidden activation; use softmax-ce as the loss for a softmax output`);
  if (spec.activationGiven && spec.sizes.length === 2 && loss.fromLogits) {
    throw new UsageError(
      `${command} --activation: the network ${spec.sizes.join(',')} has no hidden layer and the loss '${loss.name}' works on logits (identity output), so '${spec.activation}' would not be used; add a hidden layer (e.g. --sizes ${spec.sizes[0]},8,${spec.sizes[1]}) or drop --activation`,
    );
  }
  const nIn = spec.sizes[0]!;
  const nOut = spec.sizes[spec.sizes.length - 1]!;
  asUsage(`${command} --batch-size`, () => (checkSize([spec.batch, nIn], 'the batch X'), checkSize([spec.batch, nOut], 'the batch Y')));
  const model = asUsage(`${command} ${spec.sizesOption}`, () => createMLP({ sizes: [...spec.sizes], activations: activation, output: outputActivationFor(loss, activation), seed: spec.seed }));
  const rng = new Rng(derivedSeed(spec.seed, 1));
  const x = new Float64Array(spec.batch * nIn);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float64Array(spec.batch * nOut);
  for (let i = 0; i < spec.batch; i++) {
    if (loss.name === 'softmaxCrossEntropy') y[i * nOut + rng.int(nOut)] = 1;
    else for (let j = 0; j < nOut; j++) y[i * nOut + j] = loss.name === 'binaryCrossEntropy' ? rng.int(2) : rng.next();
  }
  return { model, loss, activation, X: tensor(x, [spec.batch, nIn]), Y: tensor(y, [spec.batch, nOut]) };
}

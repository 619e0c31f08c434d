/**
 * Typed errors of `@tapegrad/nn`. Each extends one of core's error classes, so
 * `instanceof ShapeError` / `ArgumentError` / `TapegradError` still catches them; the
 * message names the function, the layer (or epoch), the shapes or values involved and the fix.
 */
import { ArgumentError, ShapeError, TapegradError } from '@tapegrad/core';

/**
 * An input or label whose shape does not fit the network (carries the offending layer, 1-based; 0 for the input).
 * @group Errors
 */
export class LayerShapeError extends ShapeError {
  readonly layer: number;
  constructor(message: string, layer: number) {
    super(message);
    this.layer = layer;
  }
}

/**
 * A loss or activation name that is not built in. The message is the library's (it points to
 * `defineLoss()` / `defineActivation()`); a program that words its own, such as the CLI, reads
 * `kind`, `given` and `known` (the built-in names, as `lossNames()` / `activationNames()` list them).
 * (`name` is the error class's name, as on every Error, so the unknown string is `given`.)
 * @group Errors
 */
export class UnknownNameError extends ArgumentError {
  /** What was looked up. */
  readonly kind: 'loss' | 'activation';
  /** The string that matched nothing. */
  readonly given: string;
  /** The built-in names. */
  readonly known: readonly string[];
  constructor(message: string, info: { readonly kind: 'loss' | 'activation'; readonly given: string; readonly known: readonly string[] }) {
    super(message);
    this.kind = info.kind;
    this.given = info.given;
    this.known = Object.freeze([...info.known]);
  }
}

/**
 * A loss that cannot follow the network's output activation (e.g. softmaxCrossEntropy after sigmoid).
 * @group Errors
 */
export class LossCompatibilityError extends ArgumentError {}

/**
 * A saved model that is not valid JSON, has the wrong format, or does not describe a consistent network.
 * @group Errors
 */
export class ModelFormatError extends TapegradError {}

/**
 * Training stopped because the loss, a gradient, or (after a step) a parameter was no longer a
 * finite number: the step size is too large for the data, or the data are so large that sums
 * overflow (NaN and ±Infinity in the data are rejected earlier, as an `ArgumentError`). The
 * options were valid, so this is not an `ArgumentError`. The model keeps finite parameters: those
 * at which the loss or gradient first diverged (no step is taken from them), or those before the
 * step that overflowed a parameter (the step is undone; the optimizer's state is not).
 * @group Errors
 */
export class TrainingDivergedError extends TapegradError {
  /** The epoch of the step that diverged, 1-based. */
  readonly epoch: number;
  /** The optimizer step that diverged, counted from 1 over the whole run. */
  readonly step: number;
  /** The batch loss at that step: NaN or ±Infinity when the loss diverged, finite when a gradient or parameter did. */
  readonly loss: number;
  constructor(message: string, at: { readonly epoch: number; readonly step: number; readonly loss: number }) {
    super(message);
    this.epoch = at.epoch;
    this.step = at.step;
    this.loss = at.loss;
  }
}

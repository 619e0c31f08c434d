/**
 * Typed errors of `@tapegrad/nn`. Each extends one of core's error classes, so
 * `instanceof ShapeError` / `ArgumentError` / `TapegradError` still catches them; the
 * message names the function, the layer, the shapes involved and the fix.
 */
import { ArgumentError, ShapeError, TapegradError } from '@tapegrad/core';

/** An input or label whose shape does not fit the network (carries the offending layer, 1-based; 0 for the input). */
export class LayerShapeError extends ShapeError {
  readonly layer: number;
  constructor(message: string, layer: number) {
    super(message);
    this.layer = layer;
  }
}

/** A loss that cannot follow the network's output activation (e.g. softmaxCrossEntropy after sigmoid). */
export class LossCompatibilityError extends ArgumentError {}

/** A saved model that is not valid JSON, has the wrong format, or does not describe a consistent network. */
export class ModelFormatError extends TapegradError {}

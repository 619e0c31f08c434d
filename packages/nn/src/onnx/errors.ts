/** The error `saveOnnx` raises for a model it cannot express in ONNX. */
import { ArgumentError } from '@tapegrad/core';

/**
 * A model that has no ONNX form: a layer's activation is not a built-in one (a `defineActivation`
 * activation, or an activation that took a built-in's name but computes something else).
 * An `ArgumentError`, since the model is the caller's argument.
 * @group Serialization
 */
export class OnnxExportError extends ArgumentError {
  /** The layer that cannot be exported, 1-based. */
  readonly layer: number;
  /** Its activation's name. */
  readonly activation: string;
  constructor(message: string, at: { readonly layer: number; readonly activation: string }) {
    super(message);
    this.layer = at.layer;
    this.activation = at.activation;
  }
}

/** The result shape both backprops (and finite differences) share. */
import type { Tensor } from '@tapegrad/core';

/**
 * Gradients of one layer: `W: [n_l, n_(l-1)]`, `b: [n_l]`.
 * @group Backprop
 */
export interface LayerGrads {
  readonly W: Tensor;
  readonly b: Tensor;
}

/**
 * The cost and its gradient with respect to every layer's parameters (layer 1 first).
 * @group Backprop
 */
export interface GradResult {
  readonly loss: number;
  readonly grads: readonly LayerGrads[];
}

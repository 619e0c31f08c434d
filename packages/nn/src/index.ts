/**
 * @tapegrad/nn: dense networks differentiated twice, through the tape (`backpropTape`) and by
 * the hand-derived delta recurrence of the derivations in docs/sources.md (`backpropClosedForm`), with
 * finite differences as a third witness and `compareGradients` to put them side by side.
 *
 * Conventions: layer l computes `z = W a_prev + b`, `a = f(z)`, `W: [n_l, n_(l-1)]`, `b: [n_l]`;
 * a batch is one sample per row, `Z = A_prev Wᵀ + b`.
 * @packageDocumentation
 */
export { LayerShapeError, LossCompatibilityError, ModelFormatError, TrainingDivergedError, UnknownNameError } from './errors.js';
export {
  activations,
  activationNames,
  getActivation,
  leakyReluActivation,
  eluActivation,
  type Activation,
  type ActivationOrName,
} from './activations.js';
export {
  ACTIVATION_ALIASES,
  LOSS_ALIASES,
  type ActivationName,
  type ActivationAlias,
  type ParameterisedActivationName,
  type LossName,
  type LossAlias,
} from './names.js';
export { defineActivation, type ActivationSpec } from './define-activation.js';
export { losses, lossNames, getLoss, defineLoss, huberLoss, type Loss, type LossOrName, type LossSpec, type Reduction } from './losses.js';
export { checkActivation, checkLoss, type ActivationCheck, type LossCheck, type SecondDerivativeCheck } from './check.js';
export { type ZRange } from './tolerance.js';
export {
  createMLP,
  dense,
  mlp,
  paramCount,
  forward,
  predict,
  parameters,
  cloneModel,
  type DenseLayer,
  type MLP,
  type MLPSpec,
  type Init,
  type ForwardTrace,
} from './model.js';
export { type LayerGrads, type GradResult } from './grads.js';
export { backpropTape, tapeForward, tapeCost, parameterViews, type Params } from './backprop-tape.js';
export { backpropClosedForm, ClosedFormBackprop } from './backprop-closed-form.js';
export { finiteDifferenceGradients } from './finite-diff.js';
export { compareGradients, type GradientComparison, type ParamComparison, type CompareOptions } from './compare.js';
export { sgd, momentum, adam, adamw, type Optimizer, type SgdOptions, type MomentumOptions, type AdamOptions } from './optimizers.js';
export { train, evaluate, accuracy, MAX_EPOCHS, type TrainOptions, type EpochInfo } from './train.js';
export { saveModel, loadModel, readModelFile, type SaveModelOptions, type LoadModelOptions, type ModelFile } from './serialize.js';
export { type ModelMetadata } from './model-metadata.js';
export { saveOnnx, ONNX_OPSET, ONNX_IR_VERSION, type SaveOnnxOptions, type OnnxDtype } from './onnx/save-onnx.js';
export { OnnxExportError } from './onnx/errors.js';

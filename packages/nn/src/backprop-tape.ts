/**
 * Backpropagation by the tape: the network and loss are written with core ops and
 * `valueAndGrad` replays their VJPs. The graph per layer is minimal: one matmul (with
 * transB, so Wᵀ is never materialised), one add for the bias, the activation; then the loss.
 */
import { type Tensor, ArgumentError, add, checkOptions, describeValue, fmtShape, isTensor, matmul, mean, sum, tensorView, valueAndGrad } from '@tapegrad/core';
import { checkModel, checkTensor, isLoss, isObject } from './args.js';
import { LayerShapeError } from './errors.js';
import type { GradResult } from './grads.js';
import type { Loss, LossOrName, Reduction } from './losses.js';
import type { MLP } from './model.js';
import { prepare } from './validate.js';

/**
 * The tape's view of a model: one `{ W: [out, in], b: [out] }` per layer.
 * @group Backprop
 */
export type Params = { W: Tensor; b: Tensor }[];

/**
 * Zero-copy tensor views of a model's parameters (they see in-place updates; do not update during a traced call).
 * @returns `[{ W: [n_l, n_(l-1)], b: [n_l] }, ...]`
 * @example valueAndGrad((ps) => tapeCost(model, ps, X, Y, losses.halfSumSquares, 'mean'))(parameterViews(model))
 * @group Backprop
 */
export function parameterViews(model: MLP): Params {
  checkModel(model, 'parameterViews');
  return model.layers.map((l) => ({ W: tensorView(l.W, [l.outputSize, l.inputSize]), b: tensorView(l.b, [l.outputSize]) }));
}

/** `params` against the model: one `{ W: [n_l, n_(l-1)], b: [n_l] }` of Tensors per layer. */
function checkParams(model: MLP, params: Params, where: string): void {
  checkModel(model, where);
  if (!Array.isArray(params) || params.length !== model.layers.length) {
    throw new ArgumentError(`${where}: params must be one { W, b } per layer (${model.layers.length}; see parameterViews), got ${Array.isArray(params) ? `${params.length} entries` : describeValue(params)}`);
  }
  model.layers.forEach((l, i) => {
    const p: unknown = params[i];
    if (!isObject(p) || !isTensor(p['W']) || !isTensor(p['b'])) throw new ArgumentError(`${where}: params[${i}] must be { W: Tensor, b: Tensor }, got ${describeValue(p)}`);
    const W = p['W'];
    const b = p['b'];
    if (W.shape.length !== 2 || W.shape[0] !== l.outputSize || W.shape[1] !== l.inputSize || b.shape.length !== 1 || b.shape[0] !== l.outputSize) {
      throw new ArgumentError(`${where}: params[${i}] has W ${fmtShape(W.shape)} and b ${fmtShape(b.shape)} but layer ${i + 1} needs W [${l.outputSize},${l.inputSize}] and b [${l.outputSize}]`);
    }
  });
}

/**
 * The network's output as a traced function of its parameters: `Z_l = A_(l-1) W_lᵀ + b_l`, `A_l = f_l(Z_l)`.
 * @param params one `{ W: [n_l, n_(l-1)], b: [n_l] }` per layer (traced or not)
 * @param X `[batch, in]` @returns `[batch, out]`
 * @example tapeForward(model, parameterViews(model), X)
 * @group Backprop
 */
export function tapeForward(model: MLP, params: Params, X: Tensor): Tensor {
  checkParams(model, params, 'tapeForward');
  checkTensor(X, 'X', 'tapeForward');
  let a = X;
  for (let l = 0; l < params.length; l++) {
    const p = params[l]!;
    a = model.layers[l]!.activation.tape(add(matmul(a, p.W, { transB: true }), p.b));
  }
  return a;
}

/**
 * The cost as core ops: `sum` or `mean` over the batch of the per-sample loss.
 * @param X `[batch, in]` @param Y `[batch, out]` (not validated here: `backpropTape` validates)
 * @returns a scalar tensor C
 * @throws LayerShapeError when a (user) loss does not return one value per sample.
 * @example traceTape((W, b) => tapeCost(model, [{ W, b }], X, Y, losses.sumSquares, 'sum'), W, b).toTable()
 * @group Backprop
 */
export function tapeCost(model: MLP, params: Params, X: Tensor, Y: Tensor, loss: Loss, reduction: Reduction): Tensor {
  if (!isLoss(loss)) throw new ArgumentError(`tapeCost: loss must be a Loss object (see losses, getLoss), got ${describeValue(loss)}`);
  if (reduction !== 'sum' && reduction !== 'mean') throw new ArgumentError(`tapeCost: reduction must be 'sum' or 'mean', got ${describeValue(reduction)}`);
  checkTensor(Y, 'Y', 'tapeCost');
  const per = loss.tape(tapeForward(model, params, X), Y);
  const batch = X.shape[0]!;
  if (per.shape.length !== 1 || per.shape[0] !== batch) {
    throw new LayerShapeError(
      `backpropTape: loss '${loss.name}' must return one value per sample, shape [${batch}], got ${fmtShape(per.shape)}; reduce over axis 1 only`,
      model.layers.length,
    );
  }
  return reduction === 'sum' ? sum(per) : mean(per);
}

/**
 * Gradients of the cost by reverse-mode autodiff through the tape.
 * @param model the network
 * @param X `[batch, in]` @param Y `[batch, out]`
 * @param loss a Loss or its name; `opts.reduction` `mean` (default) or `sum`
 * @returns `{ loss, grads: [{ W: [n_l, n_(l-1)], b: [n_l] }, ...] }`, layer 1 first
 * @throws LayerShapeError for an X or Y that does not fit; LossCompatibilityError for a logits loss after a non-identity output;
 *   ArgumentError for an empty batch, NaN/±Infinity in X or Y, targets the loss rejects, or an unknown option.
 * @example backpropTape(model, X, Y, 'softmaxCrossEntropy').grads[1].b
 * @group Backprop
 */
export function backpropTape(model: MLP, X: Tensor, Y: Tensor, loss: LossOrName, opts: { reduction?: Reduction } = {}): GradResult {
  checkOptions('backpropTape', opts, ['reduction']);
  const p = prepare(model, X, Y, loss, opts.reduction, 'backpropTape');
  const [c, grads] = valueAndGrad((ps: Params) => tapeCost(model, ps, X, Y, p.loss, p.reduction))(parameterViews(model));
  return { loss: c.item(), grads };
}

/**
 * Dense layers and multilayer perceptrons.
 *
 * Layer l computes `z_l = W_l a_(l-1) + b_l`, `a_l = f_l(z_l)` with `W_l: [n_l, n_(l-1)]`,
 * `b_l: [n_l]`; a batch is a matrix with one sample per row, so `Z_l = A_(l-1) W_lᵀ + b_l`.
 * The derivations of docs/sources.md (columns by their short names) write the same quantities
 * differently; that page gives the details:
 *
 * | here            | unrolled-recursion | matrix-form | diagonal-Jacobian | worked 2-3-2      | sigmoid lecture notes      |
 * |-----------------|--------------------|-------------|-------------------|-------------------|----------------------------|
 * | z_l (pre)       | p^(l)              | p_l         | z^l               | z_j^(l)           | z^[l+1]                    |
 * | a_l (post)      | x^(l) = f(p^(l))   | q_l         | a^l               | a_j^(l)           | a^[l+1] = v^[l+1]          |
 * | W_l, b_l        | W_l, b^(l) (*)     | W_(l-1,l)   | W^l, b^l          | w_jk^(l), b_j^(l) | W^[l+1], b^[l+1] (§1.3)    |
 * | a_0 = x (input) | x^(0) = p^(0)      | p_0 = q_0   | x_i               | a^(L-2) (2-3-2)   | v^[1] = x_i                |
 * | δ_l = ∂C/∂z_l   | (unrolled chain)   | δ_(L-l)     | ∂L/∂b^l           | δ_j^(l)           | ∂L/∂z^[l+1]                |
 *
 * (*) as its diagram draws them; its equations write W_(l-1), b^(l-1). Its first part writes a
 * layer as f(W g(x|Θ) + b), g being the previous layer's output.
 */
import { type Tensor, tensor, tensorView, ArgumentError, MAX_ELEMENTS, ShapeError, checkOptions, checkSize, describeValue, showValue } from '@tapegrad/core';
import { type Activation, type ActivationOrName, resolveActivation } from './activations.js';
import { checkModel, isObject, preview, seededRng } from './args.js';
import { affineForward } from './dense-kernels.js';
import { inputMatrix } from './validate.js';

/**
 * One dense layer: `a = f(W a_prev + b)`. Parameters are plain Float64Arrays, updated in place by optimizers.
 * @group Models
 */
export interface DenseLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Weights `[outputSize, inputSize]`, row-major: row j holds neuron j's incoming weights (the worked 2-3-2 example's w_jk). */
  readonly W: Float64Array;
  /** Biases `[outputSize]`. */
  readonly b: Float64Array;
  readonly activation: Activation;
}

/**
 * A stack of dense layers, input first.
 * @group Models
 */
export interface MLP {
  readonly layers: readonly DenseLayer[];
}

/**
 * Weight initialisation: Glorot/Xavier uniform, He normal, or `auto` (He for the relu family, Glorot otherwise).
 * @group Models
 */
export type Init = 'glorot' | 'he' | 'auto';

/**
 * Options of `createMLP`.
 * @group Models
 */
export interface MLPSpec {
  /** Layer widths `[in, h1, ..., out]` (at least two entries). */
  readonly sizes: readonly number[];
  /** One activation per layer, or one for every hidden layer (then `output` names the last layer's). */
  readonly activations: readonly ActivationOrName[] | ActivationOrName;
  /** Output-layer activation when `activations` is a single one (default `identity`). */
  readonly output?: ActivationOrName;
  /** Default `auto`. */
  readonly init?: Init;
  /** Seed of the initialisation's generator (default 0): the same seed gives the same network. */
  readonly seed?: number;
}

const RELU_FAMILY = new Set(['relu', 'leakyRelu', 'elu', 'gelu', 'swish']);

function checkWidth(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new ArgumentError(`${where}: ${what} must be a positive integer, got ${showValue(v)}`);
  }
  return v;
}

/**
 * A dense layer with the given (or zero) parameters; the arrays are used as they are, not copied.
 * @param inputSize n_(l-1) @param outputSize n_l
 * @param params optional `W: [outputSize·inputSize]`, `b: [outputSize]`
 * @throws ArgumentError for bad sizes, parameter lengths or unknown keys in `params`; ShapeError when W would exceed MAX_ELEMENTS.
 * @example dense(2, 3, 'sigmoid', { W: Float64Array.of(1, 2, 3, 4, 5, 6), b: new Float64Array(3) })
 * @group Models
 */
export function dense(
  inputSize: number,
  outputSize: number,
  activation: ActivationOrName,
  params: { W?: Float64Array; b?: Float64Array } = {},
): DenseLayer {
  checkWidth(inputSize, 'inputSize', 'dense');
  checkWidth(outputSize, 'outputSize', 'dense');
  const act = resolveActivation(activation, 'dense');
  checkOptions('dense', params, ['W', 'b']);
  // Checked before allocating: W is [outputSize, inputSize].
  checkSize([outputSize, inputSize], `dense (${inputSize}→${outputSize}) W`);
  const W = params.W ?? new Float64Array(inputSize * outputSize);
  const b = params.b ?? new Float64Array(outputSize);
  if (!(W instanceof Float64Array) || W.length !== inputSize * outputSize) {
    throw new ArgumentError(`dense: W must be a Float64Array of ${outputSize}·${inputSize} = ${inputSize * outputSize} values ([out, in] row-major), got ${W instanceof Float64Array ? `${W.length} values` : describeValue(W)}`);
  }
  if (!(b instanceof Float64Array) || b.length !== outputSize) {
    throw new ArgumentError(`dense: b must be a Float64Array of ${outputSize} values, got ${b instanceof Float64Array ? `${b.length} values` : describeValue(b)}`);
  }
  return { inputSize, outputSize, W, b, activation: act };
}

/**
 * An MLP from existing layers; consecutive widths must chain.
 * @param layers layer 1 first
 * @returns the MLP (the layers' parameter arrays are shared, not copied)
 * @throws ArgumentError when layer l's inputSize differs from layer l-1's outputSize.
 * @example mlp([dense(2, 3, 'tanh'), dense(3, 1, 'sigmoid')])
 * @group Models
 */
export function mlp(layers: readonly DenseLayer[]): MLP {
  if (!Array.isArray(layers) || layers.length === 0) throw new ArgumentError(`mlp: pass an array of at least one layer, got ${preview(layers)}`);
  for (let l = 1; l < layers.length; l++) {
    const a: unknown = layers[l - 1];
    const b: unknown = layers[l];
    if (isObject(a) && isObject(b) && typeof a['outputSize'] === 'number' && b['inputSize'] !== a['outputSize']) {
      throw new ArgumentError(`mlp: layer ${l + 1} takes ${showValue(b['inputSize'])} inputs but layer ${l} gives ${a['outputSize']} outputs; make them equal`);
    }
  }
  const model = { layers: [...layers] };
  checkModel(model, 'mlp');
  return model;
}

/**
 * Builds an MLP from a list of widths and activations, initialised from a seeded generator:
 * Glorot uniform `U(±√(6/(n_in+n_out)))` or He normal `N(0, 2/n_in)`; biases start at 0.
 * @param spec `{ sizes: [in, ..., out], activations, output?, init?, seed? }`
 * @returns the network; `layers[l].W: [sizes[l+1], sizes[l]]`
 * @throws ArgumentError for fewer than two sizes, a non-positive width, a wrong number of activations, an unknown
 *   option, or more than MAX_ELEMENTS parameters in all; ShapeError (naming the layer) when one layer's W would exceed MAX_ELEMENTS.
 * @example createMLP({ sizes: [2, 3, 2], activations: 'sigmoid', output: 'sigmoid', seed: 1 })
 * @group Models
 */
export function createMLP(spec: MLPSpec): MLP {
  if (!isObject(spec)) throw new ArgumentError(`createMLP: pass { sizes, activations, output?, init?, seed? }, got ${describeValue(spec)}`);
  checkOptions('createMLP', spec, ['sizes', 'activations', 'output', 'init', 'seed']);
  const { sizes } = spec;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ArgumentError(`createMLP: sizes must list at least an input and an output width, like [2, 3, 1], got ${preview(sizes)}`);
  }
  sizes.forEach((s, i) => checkWidth(s, `sizes[${i}]`, 'createMLP'));
  const nLayers = sizes.length - 1;
  // Every layer's W, and the whole model, checked before anything is allocated.
  let total = 0;
  for (let l = 0; l < nLayers; l++) {
    checkSize([sizes[l + 1]!, sizes[l]!], `createMLP: layer ${l + 1} (${sizes[l]}→${sizes[l + 1]}) W`);
    total += sizes[l + 1]! * (sizes[l]! + 1);
  }
  if (total > MAX_ELEMENTS) {
    throw new ShapeError(
      `createMLP: sizes ${preview(sizes)} give ${total.toLocaleString('en-US')} parameters, more than the limit of ${MAX_ELEMENTS.toLocaleString('en-US')} (2^27, 1 GiB of float64); use fewer or narrower layers`,
    );
  }
  let acts: Activation[];
  if (Array.isArray(spec.activations)) {
    const list: ReadonlyArray<Activation | string> = spec.activations;
    if (list.length !== nLayers) {
      throw new ArgumentError(
        `createMLP: got ${list.length} activations for ${nLayers} layers (sizes ${preview(sizes)}); give one per layer, or one for the hidden layers plus 'output'`,
      );
    }
    if (spec.output !== undefined) throw new ArgumentError("createMLP: 'output' is only used with a single hidden activation; with a list, its last entry is the output activation");
    acts = list.map((a) => resolveActivation(a, 'createMLP'));
  } else {
    const hidden = resolveActivation(spec.activations as ActivationOrName, 'createMLP');
    const out = resolveActivation(spec.output ?? 'identity', 'createMLP');
    acts = Array.from({ length: nLayers }, (_, l) => (l === nLayers - 1 ? out : hidden));
  }
  const init = spec.init ?? 'auto';
  if (init !== 'glorot' && init !== 'he' && init !== 'auto') throw new ArgumentError(`createMLP: init must be 'glorot', 'he' or 'auto', got ${typeof init === 'string' ? `'${init}'` : showValue(init)}`);
  const rng = seededRng(spec.seed ?? 0, 'createMLP');
  const layers = acts.map((act, l) => {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    const W = new Float64Array(nIn * nOut);
    const useHe = init === 'he' || (init === 'auto' && RELU_FAMILY.has(act.name));
    if (useHe) {
      const std = Math.sqrt(2 / nIn);
      for (let i = 0; i < W.length; i++) W[i] = std * rng.normal();
    } else {
      const lim = Math.sqrt(6 / (nIn + nOut));
      for (let i = 0; i < W.length; i++) W[i] = lim * (2 * rng.next() - 1);
    }
    return dense(nIn, nOut, act, { W });
  });
  return { layers };
}

/**
 * Number of trainable parameters: Σ_l n_l·n_(l-1) + n_l (the sigmoid lecture notes' D).
 * @example paramCount(createMLP({ sizes: [2, 3, 2], activations: 'sigmoid' })) // 17
 * @group Models
 */
export function paramCount(model: MLP): number {
  checkModel(model, 'paramCount');
  let n = 0;
  for (const l of model.layers) n += l.W.length + l.b.length;
  return n;
}

/**
 * Per-layer values of a forward pass: the derivations' forward chain (docs/sources.md).
 * @group Models
 */
export interface ForwardTrace {
  /** `zs[l]`: layer l's pre-activations `[batch, n_l]` (the matrix-form derivation's p_l), l = 1..L; `zs[0]` is the input (p_0 = x). */
  readonly zs: Float64Array[];
  /** `as[l]`: layer l's activations `[batch, n_l]` (the matrix-form derivation's q_l), l = 1..L; `as[0]` is the input x. */
  readonly as: Float64Array[];
  readonly batch: number;
}

/**
 * Runs the network on a batch and keeps every layer's `z` and `a` (closed-form loops, no tape).
 * @param X `[batch, in]` as a Tensor, or row-major values with `batch` given
 * @returns `{ zs, as, batch }`, each of length L+1, `as[L]` the output `[batch, out]`
 * @throws LayerShapeError when X's width is not the first layer's inputSize.
 * @example forward(model, tensor([[0, 1]])).as[model.layers.length]
 * @group Models
 */
export function forward(model: MLP, X: Float64Array | Tensor, batch?: number): ForwardTrace {
  const x = inputMatrix(model, X, batch, 'forward');
  return traceForward(model, x.data, x.batch);
}

/** `forward` on an X that the caller has validated: fresh buffers, then `forwardInto`. */
export function traceForward(model: MLP, X: Float64Array, batch: number): ForwardTrace {
  const zs: Float64Array[] = [X];
  const as: Float64Array[] = [X];
  model.layers.forEach((layer, l) => checkSize([batch, layer.outputSize], `forward: layer ${l + 1}'s activations`));
  for (const layer of model.layers) {
    zs.push(new Float64Array(batch * layer.outputSize));
    as.push(new Float64Array(batch * layer.outputSize));
  }
  forwardInto(model, X, batch, zs, as);
  return { zs, as, batch };
}

/**
 * The forward chain into caller-owned buffers, allocating nothing: for l = 1..L,
 * `zs[l] = A_(l-1) W_lᵀ + b_l` and `as[l] = f_l(zs[l])`, with A_0 = X (the matrix-form derivation's §II p_i → q_i;
 * the sigmoid lecture notes' eq. 1). `forward`, the closed-form backprop and finite differences all run this one loop.
 * @param X `[batch, in]` row-major (trusted: validate first)
 * @param zs pre-activation buffers `[batch, n_l]` at l = 1..L; index 0 is not touched
 * @param as activation buffers `[batch, n_l]` at l = 1..L; index 0 is not touched
 * @returns `as[L]`, the output `[batch, out]`
 */
export function forwardInto(model: MLP, X: Float64Array, batch: number, zs: readonly Float64Array[], as: readonly Float64Array[]): Float64Array {
  const layers = model.layers;
  let prev = X;
  for (let l = 1; l <= layers.length; l++) {
    const layer = layers[l - 1]!;
    const z = zs[l]!;
    const a = as[l]!;
    affineForward(prev, layer.W, layer.b, z, batch, layer.inputSize, layer.outputSize);
    layer.activation.forward(z, a, layer.outputSize);
    prev = a;
  }
  return prev;
}

/**
 * The network's output for a batch.
 * @param X `[batch, in]` @returns `[batch, out]`
 * @throws LayerShapeError when X's width does not match the first layer.
 * @example predict(model, tensor([[0, 1], [1, 1]])).shape // [2, out]
 * @group Models
 */
export function predict(model: MLP, X: Tensor): Tensor {
  const x = inputMatrix(model, X, undefined, 'predict');
  const t = traceForward(model, x.data, x.batch);
  const out = model.layers[model.layers.length - 1]!.outputSize;
  return tensorView(t.as[t.as.length - 1]!, [t.batch, out]);
}

/**
 * Copies of a model's parameters, as fresh tensors.
 * @returns `[{ W: [n_l, n_(l-1)], b: [n_l] }, ...]`, layer 1 first
 * @example parameters(model)[0].W.shape // [n_1, n_0]
 * @group Models
 */
export function parameters(model: MLP): { W: Tensor; b: Tensor }[] {
  checkModel(model, 'parameters');
  return model.layers.map((l) => ({ W: tensor(l.W, [l.outputSize, l.inputSize]), b: tensor(l.b, [l.outputSize]) }));
}

/**
 * A deep copy of a model (same activations, copied parameters): train one, keep the other.
 * @example const before = cloneModel(model); train(model, data, opts);
 * @group Models
 */
export function cloneModel(model: MLP): MLP {
  checkModel(model, 'cloneModel');
  return { layers: model.layers.map((l) => dense(l.inputSize, l.outputSize, l.activation, { W: Float64Array.from(l.W), b: Float64Array.from(l.b) })) };
}

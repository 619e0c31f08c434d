/**
 * Inspecting one neuron for one sample, DOM-free: its z, a = f(z), f′(z) and δ = ∂C/∂z, and the
 * numbers of the delta recurrence that produce δ:
 *   hidden layer l: δˡⱼ = (Σₖ Wˡ⁺¹ₖⱼ δˡ⁺¹ₖ) · f′(zˡⱼ)
 *   output layer L: δᴸ = ∂C/∂aᴸ · f′(zᴸ)
 * z and a come from nn's forward, δ from nn's ClosedFormBackprop run on that one sample (so C is
 * that sample's loss), f′ from the activation's own backward with g = 1.
 */
import { type Loss, type MLP, ClosedFormBackprop, forward } from '@tapegrad/nn';
import { type Dataset } from './datasets.js';

/** A neuron: layer l in 1..L (1 = first hidden layer, L = output), unit j from 0. */
export interface NeuronRef {
  readonly layer: number;
  readonly unit: number;
}

/** Everything the inspector shows about one neuron and one sample. */
export interface NeuronInspection {
  readonly layer: number;
  readonly unit: number;
  readonly sample: number;
  readonly x: readonly [number, number];
  readonly label: number;
  readonly activation: string;
  readonly z: number;
  readonly a: number;
  readonly fprime: number;
  readonly delta: number;
  /** Hidden layers: W^(l+1)_kj and δ^(l+1)_k for every unit k of the next layer. */
  readonly next: { readonly w: readonly number[]; readonly delta: readonly number[] } | null;
  /** The output layer: ∂C/∂a (∂C/∂z for a loss on logits, whose output layer is identity). */
  readonly dCda: number | null;
  /** The neuron's incoming weights W^l_j·, its bias, and their gradients for this sample. */
  readonly incoming: { readonly w: readonly number[]; readonly dw: readonly number[]; readonly b: number; readonly db: number };
}

/**
 * Inspects neuron `ref` on data sample `sample`.
 * @throws RangeError for a layer, unit or sample out of range.
 */
export function inspectNeuron(model: MLP, loss: Loss, data: Dataset, ref: NeuronRef, sample: number): NeuronInspection {
  const L = model.layers.length;
  const { layer: l, unit: j } = ref;
  const layer = model.layers[l - 1];
  if (layer === undefined || !Number.isInteger(j) || j < 0 || j >= layer.outputSize) throw new RangeError(`no neuron ${j} in layer ${l}`);
  if (!Number.isInteger(sample) || sample < 0 || sample >= data.n) throw new RangeError(`no sample ${sample}: the data has ${data.n}`);
  const x = Float64Array.of(data.X[2 * sample]!, data.X[2 * sample + 1]!);
  const y = Float64Array.of(data.y[sample]!);
  const t = forward(model, x, 1);
  const bp = new ClosedFormBackprop(model, loss, 'mean');
  bp.run(x, y, 1);
  const n = layer.outputSize;
  const zs = t.zs[l]!;
  const as = t.as[l]!;
  const fp = new Float64Array(n);
  layer.activation.backward(zs, as, new Float64Array(n).fill(1), fp, n);
  const delta = bp.delta(l, 1)[j]!;
  let next: NeuronInspection['next'] = null;
  let dCda: number | null = null;
  if (l < L) {
    const above = model.layers[l]!;
    const dNext = bp.delta(l + 1, 1);
    next = {
      w: Array.from({ length: above.outputSize }, (_, k) => above.W[k * above.inputSize + j]!),
      delta: Array.from(dNext),
    };
  } else {
    const g = new Float64Array(n);
    loss.gradient(as, y, 1, n, g);
    dCda = g[j]!;
  }
  const aPrev = t.as[l - 1]!;
  const w = Array.from(layer.W.subarray(j * layer.inputSize, (j + 1) * layer.inputSize));
  return {
    layer: l,
    unit: j,
    sample,
    x: [x[0]!, x[1]!],
    label: y[0]!,
    activation: layer.activation.name,
    z: zs[j]!,
    a: as[j]!,
    fprime: fp[j]!,
    delta,
    next,
    dCda,
    incoming: { w, dw: w.map((_, k) => delta * aPrev[k]!), b: layer.b[j]!, db: delta },
  };
}

/** Σₖ Wˡ⁺¹ₖⱼ δˡ⁺¹ₖ for a hidden neuron (NaN for the output neuron). */
export function weightedSum(ins: NeuronInspection): number {
  const next = ins.next;
  if (next === null) return NaN;
  let s = 0;
  next.w.forEach((w, k) => (s += w * (next.delta[k] ?? NaN)));
  return s;
}

/**
 * δ recomputed from the substituted numbers: (Σₖ wₖ δₖ) · f′ for a hidden neuron, ∂C/∂a · f′ for the output.
 * The page shows it beside nn's δ; the two agree to rounding.
 */
export function recurrence(ins: NeuronInspection): number {
  if (ins.next !== null) return weightedSum(ins) * ins.fprime;
  return (ins.dCda ?? NaN) * ins.fprime;
}

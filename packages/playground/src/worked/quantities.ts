/**
 * The worked example's numbers as the view lays them out: each computed number with its
 * formula in symbols, the same formula with the numbers substituted, the result, the line
 * `tapegrad explain` prints for it, and the ids of the numbers it is made from. Pure: no DOM.
 */
import { type WorkedNumbers } from './model.js';
import { factor, show, sub, sup, texFactor, texNum, texPartial, texSym } from './notation.js';

export type QuantityKind = 'z' | 'a' | 'cost' | 'delta' | 'dW' | 'db';

/** One computed number of the walk-through. */
export interface Quantity {
  /** Address key (`n=` in the URL): `z1_0`, `a2_1`, `C0`, `d1_2`, `dw2_01`, `db1_0`. */
  readonly id: string;
  readonly kind: QuantityKind;
  /** Layer l (1 = hidden, 2 = output); the cost has the output layer's. */
  readonly layer: number;
  /** Neuron j (k for a hidden δ); -1 for the cost. */
  readonly j: number;
  /** The input index k of a weight gradient, else -1. */
  readonly k: number;
  /** Its name as explain prints it: `z₀⁽¹⁾`, `C₀`, `∂C₀/∂w₀₁⁽²⁾`. */
  readonly name: string;
  /** What it is, in words. */
  readonly what: string;
  /** The value (closed form: nn's forward and delta recurrence), full precision. */
  readonly value: number;
  /** The same number by the tape, where the tape gives it (every number but z). */
  readonly tape: number | undefined;
  /** TeX: the derivation's general formula, and this number's left side, symbols, numbers and result. */
  readonly tex: { readonly general: string; readonly lhs: string; readonly symbols: string; readonly numbers: string; readonly result: string };
  /** Why the formula has this shape, one sentence. */
  readonly why: string;
  /** The line explain prints for it (without the check mark). */
  readonly line: string;
  /** Ids of the numbers (computed or given) it is made from. */
  readonly uses: readonly string[];
}

/** A number the example starts from: an input, a target, a weight or a bias. */
export interface Given {
  /** `a0_1` (input), `y_0` (target), `w1_01` (weight), `b2_0` (bias). */
  readonly id: string;
  readonly name: string;
  readonly tex: string;
  readonly value: number;
}

const LAYER_WORD = (l: number, L: number): string => (l === L ? 'output' : 'hidden');
const SIGMA_PRIME = (a: string): string => `${a}(1 - ${a})`;

/**
 * The given numbers: inputs a⁽⁰⁾ = x, targets y, then each layer's weights and biases.
 * @param n the computed example (its x, y, W, b are the given ones)
 */
export function givens(n: WorkedNumbers): Given[] {
  const out: Given[] = [];
  n.x.forEach((v, k) => out.push({ id: `a0_${k}`, name: `a${sub(k)}${sup(0)}`, tex: texSym('a', [k], 0), value: v }));
  n.y.forEach((v, j) => out.push({ id: `y_${j}`, name: `y${sub(j)}`, tex: texSym('y', [j]), value: v }));
  for (let l = 1; l < n.sizes.length; l++) {
    const nIn = n.sizes[l - 1] ?? 0;
    (n.W[l] ?? []).forEach((v, i) => {
      const j = Math.floor(i / nIn);
      const k = i % nIn;
      out.push({ id: `w${l}_${j}${k}`, name: `w${sub(j, k)}${sup(l)}`, tex: texSym('w', [j, k], l), value: v });
    });
    (n.b[l] ?? []).forEach((v, j) => out.push({ id: `b${l}_${j}`, name: `b${sub(j)}${sup(l)}`, tex: texSym('b', [j], l), value: v }));
  }
  return out;
}

/**
 * Every computed number in explain's order: per layer z then a, the cost, δ from the output
 * layer down, then per layer (output first) each neuron's weight gradients and bias gradient.
 * @param n the computed example
 * @returns 33 quantities for the 2-3-2 network
 */
export function quantities(n: WorkedNumbers): Quantity[] {
  const L = n.sizes.length - 1;
  const at = (arr: readonly Float64Array[], l: number, i: number): number => arr[l]?.[i] ?? NaN;
  const out: Quantity[] = [];
  for (let l = 1; l <= L; l++) {
    const nIn = n.sizes[l - 1] ?? 0;
    const width = n.sizes[l] ?? 0;
    const ks = Array.from({ length: nIn }, (_, k) => k);
    for (let j = 0; j < width; j++) {
      const w = (k: number): number => at(n.W, l, j * nIn + k);
      const z = at(n.z, l, j);
      out.push({
        id: `z${l}_${j}`, kind: 'z', layer: l, j, k: -1,
        name: `z${sub(j)}${sup(l)}`,
        what: `the weighted input of neuron ${j} in the ${LAYER_WORD(l, L)} layer`,
        value: z, tape: undefined,
        tex: {
          general: `z_j^{(l)} = \\sum_{k} w_{jk}^{(l)} a_k^{(l-1)} + b_j^{(l)}`,
          lhs: texSym('z', [j], l),
          symbols: `${ks.map((k) => `${texSym('w', [j, k], l)} ${texSym('a', [k], l - 1)}`).join(' + ')} + ${texSym('b', [j], l)}`,
          numbers: `${ks.map((k) => `${texFactor(w(k))} \\cdot ${texFactor(at(n.a, l - 1, k))}`).join(' + ')} + ${texFactor(at(n.b, l, j))}`,
          result: texNum(z),
        },
        why: `Each neuron adds up its inputs a${sup(l - 1)} weighted by its own row of W${sup(l)}, plus its bias.`,
        line: `z${sub(j)}${sup(l)} = ${ks.map((k) => `${factor(w(k))}·${factor(at(n.a, l - 1, k))}`).join(' + ')} + ${factor(at(n.b, l, j))} = ${show(z)}`,
        uses: [...ks.flatMap((k) => [`w${l}_${j}${k}`, l === 1 ? `a0_${k}` : `a${l - 1}_${k}`]), `b${l}_${j}`],
      });
    }
    for (let j = 0; j < width; j++) {
      const z = at(n.z, l, j);
      const a = at(n.a, l, j);
      out.push({
        id: `a${l}_${j}`, kind: 'a', layer: l, j, k: -1,
        name: `a${sub(j)}${sup(l)}`,
        what: `the activation (output) of neuron ${j} in the ${LAYER_WORD(l, L)} layer`,
        value: a, tape: at(n.tape.a, l, j),
        tex: {
          general: `a_j^{(l)} = \\sigma(z_j^{(l)}) = \\frac{1}{1 + e^{-z_j^{(l)}}}`,
          lhs: texSym('a', [j], l),
          symbols: `\\sigma(${texSym('z', [j], l)})`,
          numbers: `\\sigma(${texNum(z)}) = \\frac{1}{1 + e^{${z < 0 ? '' : '-'}${texNum(Math.abs(z))}}}`,
          result: texNum(a),
        },
        why: 'The sigmoid squashes the weighted input into (0, 1).',
        line: `a${sub(j)}${sup(l)} = σ(${show(z)}) = ${show(a)}`,
        uses: [`z${l}_${j}`],
      });
    }
  }
  const nOut = n.sizes[L] ?? 0;
  const js = Array.from({ length: nOut }, (_, j) => j);
  const aL = (j: number): number => at(n.a, L, j);
  const y = (j: number): number => n.y[j] ?? NaN;
  out.push({
    id: 'C0', kind: 'cost', layer: L, j: -1, k: -1,
    name: 'C₀',
    what: 'the cost of this one training sample',
    value: n.cost, tape: n.tape.cost,
    tex: {
      general: `C_0 = \\sum_{j=0}^{n_L - 1} (a_j^{(L)} - y_j)^2`,
      lhs: 'C_0',
      symbols: js.map((j) => `(${texSym('a', [j], L)} - ${texSym('y', [j])})^2`).join(' + '),
      numbers: js.map((j) => `(${texNum(aL(j))} - ${texNum(y(j))})^2`).join(' + '),
      result: texNum(n.cost),
    },
    why: 'The squared distance between what the network outputs and the target, summed over the outputs.',
    line: `C₀ = ${js.map((j) => `(${show(aL(j))} − ${show(y(j))})²`).join(' + ')} = ${show(n.cost)}`,
    uses: js.flatMap((j) => [`a${L}_${j}`, `y_${j}`]),
  });
  for (const j of js) {
    const d = at(n.delta, L, j);
    const a = texNum(aL(j));
    out.push({
      id: `d${L}_${j}`, kind: 'delta', layer: L, j, k: -1,
      name: `δ${sub(j)}${sup(L)}`,
      what: `the error term of output neuron ${j}, ∂C₀/∂z${sub(j)}${sup(L)}`,
      value: d, tape: at(n.tape.db, L, j),
      tex: {
        general: `\\delta_j^{(L)} = \\frac{\\partial C_0}{\\partial a_j^{(L)}} \\frac{\\partial a_j^{(L)}}{\\partial z_j^{(L)}} = 2(a_j^{(L)} - y_j)\\, a_j^{(L)}(1 - a_j^{(L)})`,
        lhs: texSym('\\delta', [j], L),
        symbols: `2(${texSym('a', [j], L)} - ${texSym('y', [j])}) \\cdot ${SIGMA_PRIME(texSym('a', [j], L))}`,
        numbers: `2(${a} - ${texNum(y(j))}) \\cdot ${SIGMA_PRIME(a)}`,
        result: texNum(d),
      },
      why: "How the cost changes with this neuron's weighted input: the cost's slope 2(a − y) times the sigmoid's slope a(1 − a).",
      line: `δ${sub(j)}${sup(L)} = 2(${show(aL(j))} − ${show(y(j))}) · ${show(aL(j))}(1 − ${show(aL(j))}) = ${show(d)}`,
      uses: [`a${L}_${j}`, `y_${j}`],
    });
  }
  for (let l = L - 1; l >= 1; l--) {
    const width = n.sizes[l] ?? 0;
    const next = Array.from({ length: n.sizes[l + 1] ?? 0 }, (_, j) => j);
    for (let k = 0; k < width; k++) {
      const d = at(n.delta, l, k);
      const ak = at(n.a, l, k);
      const w = (j: number): number => at(n.W, l + 1, j * width + k);
      out.push({
        id: `d${l}_${k}`, kind: 'delta', layer: l, j: k, k: -1,
        name: `δ${sub(k)}${sup(l)}`,
        what: `the error term of hidden neuron ${k}, ∂C₀/∂z${sub(k)}${sup(l)}`,
        value: d, tape: at(n.tape.db, l, k),
        tex: {
          general: `\\delta_k^{(L-1)} = \\Big(\\sum_{j=0}^{n_L - 1} \\delta_j^{(L)} w_{jk}^{(L)}\\Big)\\, a_k^{(L-1)}(1 - a_k^{(L-1)})`,
          lhs: texSym('\\delta', [k], l),
          symbols: `\\big(${next.map((j) => `${texSym('\\delta', [j], l + 1)} ${texSym('w', [j, k], l + 1)}`).join(' + ')}\\big) \\cdot ${SIGMA_PRIME(texSym('a', [k], l))}`,
          numbers: `\\big(${next.map((j) => `${texFactor(at(n.delta, l + 1, j))} \\cdot ${texFactor(w(j))}`).join(' + ')}\\big) \\cdot ${SIGMA_PRIME(texNum(ak))}`,
          result: texNum(d),
        },
        why: `This neuron feeds every neuron of layer ${l + 1}, so its error term adds up what comes back along each of those weights, times its own sigmoid slope.`,
        line: `δ${sub(k)}${sup(l)} = (${next.map((j) => `${factor(at(n.delta, l + 1, j))}·${factor(w(j))}`).join(' + ')}) · ${show(ak)}(1 − ${show(ak)}) = ${show(d)}`,
        uses: [...next.flatMap((j) => [`d${l + 1}_${j}`, `w${l + 1}_${j}${k}`]), `a${l}_${k}`],
      });
    }
  }
  for (let l = L; l >= 1; l--) {
    const nIn = n.sizes[l - 1] ?? 0;
    for (let j = 0; j < (n.sizes[l] ?? 0); j++) {
      const d = at(n.delta, l, j);
      for (let k = 0; k < nIn; k++) {
        const g = at(n.dW, l, j * nIn + k);
        const aPrev = at(n.a, l - 1, k);
        out.push({
          id: `dw${l}_${j}${k}`, kind: 'dW', layer: l, j, k,
          name: `∂C₀/∂w${sub(j, k)}${sup(l)}`,
          what: `the gradient of the cost with respect to the weight from ${l === 1 ? 'input' : 'hidden neuron'} ${k} into neuron ${j} of the ${LAYER_WORD(l, L)} layer`,
          value: g, tape: at(n.tape.dW, l, j * nIn + k),
          tex: {
            general: `${texPartial('w_{jk}^{(l)}')} = \\delta_j^{(l)} a_k^{(l-1)}`,
            lhs: texPartial(texSym('w', [j, k], l)),
            symbols: `${texSym('\\delta', [j], l)} \\cdot ${texSym('a', [k], l - 1)}`,
            numbers: `${texFactor(d)} \\cdot ${texFactor(aPrev)}`,
            result: texNum(g),
          },
          why: "A weight scales its input, so the cost's change through it is the neuron's error term times that input.",
          line: `∂C₀/∂w${sub(j, k)}${sup(l)} = δ${sub(j)}${sup(l)} · a${sub(k)}${sup(l - 1)} = ${factor(d)} · ${factor(aPrev)} = ${show(g)}`,
          uses: [`d${l}_${j}`, `a${l - 1}_${k}`],
        });
      }
      const gb = at(n.db, l, j);
      out.push({
        id: `db${l}_${j}`, kind: 'db', layer: l, j, k: -1,
        name: `∂C₀/∂b${sub(j)}${sup(l)}`,
        what: `the gradient of the cost with respect to the bias of neuron ${j} in the ${LAYER_WORD(l, L)} layer`,
        value: gb, tape: at(n.tape.db, l, j),
        tex: {
          general: `${texPartial('b_j^{(l)}')} = \\delta_j^{(l)} \\frac{\\partial z_j^{(l)}}{\\partial b_j^{(l)}} = \\delta_j^{(l)}`,
          lhs: texPartial(texSym('b', [j], l)),
          symbols: texSym('\\delta', [j], l),
          numbers: texNum(d),
          result: texNum(gb),
        },
        why: 'The bias is added to z with a slope of 1, so its gradient is the error term itself.',
        line: `∂C₀/∂b${sub(j)}${sup(l)} = δ${sub(j)}${sup(l)} = ${show(gb)}`,
        uses: [`d${l}_${j}`],
      });
    }
  }
  return out;
}

/**
 * The largest relative difference between the closed form and the tape over every number
 * the tape gives.
 * @returns `max |closed − tape| / max(|tape|, 1e-300)`
 */
export function maxRelativeDifference(qs: readonly Quantity[]): number {
  let worst = 0;
  for (const q of qs) {
    if (q.tape === undefined) continue;
    worst = Math.max(worst, Math.abs(q.value - q.tape) / Math.max(Math.abs(q.tape), 1e-300));
  }
  return worst;
}

/**
 * The worked example behind `tapegrad explain`: the worked 2-3-2 example's derivation
 * (docs/sources.md) carried out with numbers. The closed-form side follows its equations on plain arrays; the tape
 * side is nn's own tape forward and cost (`tapeForward`, `tapeCost`) on the same network,
 * recorded once; every number is compared.
 */
import { tensor, traceTape, type TapeEntry } from '@tapegrad/core';
import { type Activation, dense, losses, mlp, parameterViews, tapeCost, tapeForward } from '@tapegrad/nn';

/**
 * A network with explicit parameters: `W[l]: [sizes[l+1], sizes[l]]` row-major, one activation for every layer.
 * @group Explaining
 */
export interface ExplainNet {
  readonly sizes: readonly number[];
  readonly W: readonly Float64Array[];
  readonly b: readonly Float64Array[];
  readonly activation: Activation;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * One number computed by the derivation's formula and by the tape.
 * @group Explaining
 */
export interface NumberCheck {
  readonly quantity: string;
  readonly closedForm: number;
  readonly tape: number;
  readonly ok: boolean;
}

/** @group Explaining */
export interface Explanation {
  readonly lines: string[];
  readonly checks: NumberCheck[];
  readonly ok: boolean;
  readonly z: Float64Array[];
  readonly a: Float64Array[];
  readonly cost: number;
  readonly delta: Float64Array[];
  readonly dW: Float64Array[];
  readonly db: Float64Array[];
}

// A few dozen float64 operations per number, each rounding by at most u ≈ 1.1e-16, and the
// two sides order them differently: agreement to ~1e-15 relative is expected. 1e-12 keeps a
// wide margin for that while any error in a derivative shows up as 1e-3 or more.
const RTOL = 1e-12;
const ATOL = 1e-14;

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '(': '⁽', ')': '⁾' };
const sub_ = (...idx: number[]): string => {
  const s = idx.map((i) => String(i).replace(/\d/g, (d) => SUB[Number(d)]!));
  return idx.some((i) => i > 9) ? s.join('‚') : s.join('');
};
const sup = (l: number): string => `(${l})`.replace(/./g, (c) => SUP[c] ?? c);
const v = (x: number): string => {
  const s = String(Number(x.toPrecision(6)));
  return x < 0 ? `(${s})` : s;
};
const show = (x: number): string => String(Number(x.toPrecision(6)));

/**
 * How the derivations write f'(z): through a where that is how the derivative is computed
 * (σ' = a(1 − a), tanh' = 1 − a²), otherwise as f'(z). `a` and `z` are the symbols or the
 * numbers to show.
 */
function derivativeText(act: Activation, z: string, a: string): string {
  switch (act.name) {
    case 'sigmoid':
      return `${a}(1 − ${a})`;
    case 'tanh':
      return `(1 − ${a}²)`;
    case 'identity':
      return '1';
    default:
      return `${act.name}'(${z})`;
  }
}

/**
 * Walks through forward pass, cost, deltas and gradients of `net` for one sample with
 * C₀ = Σ_j (a_j⁽ᴸ⁾ − y_j)² (the worked 2-3-2 example, eq. costZero), checking each number against the tape.
 * @param net sizes `[n_0, ..., n_L]`, `W[l-1]: [n_l, n_(l-1)]`, `b[l-1]: [n_l]`, activation, x: [n_0], y: [n_L]
 * @returns the printable lines, every check, and the numbers (z, a, δ per layer, ∂C/∂W, ∂C/∂b)
 * @example explainNetwork({ ...WORKED_EXAMPLE_NET, activation: getActivation('sigmoid') }).ok // true
 * @group Explaining
 */
export function explainNetwork(net: ExplainNet): Explanation {
  const L = net.sizes.length - 1;
  const act = net.activation;
  // ---- closed form, following the worked 2-3-2 example on plain arrays
  const a: Float64Array[] = [Float64Array.from(net.x)];
  const z: Float64Array[] = [new Float64Array(0)];
  const fp: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) {
    const nIn = net.sizes[l - 1]!;
    const n = net.sizes[l]!;
    const W = net.W[l - 1]!;
    const zl = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = net.b[l - 1]![j]!;
      for (let k = 0; k < nIn; k++) s += W[j * nIn + k]! * a[l - 1]![k]!; // eq. zLastLayer
      zl[j] = s;
    }
    const al = new Float64Array(n);
    act.forward(zl, al, n);
    // f'(z) is the activation's VJP applied to g = 1 (it is elementwise: `explain` checks that).
    const d = new Float64Array(n);
    act.backward(zl, al, new Float64Array(n).fill(1), d, n);
    z.push(zl), a.push(al), fp.push(d);
  }
  const aL = a[L]!;
  let cost = 0;
  for (let j = 0; j < aL.length; j++) cost += (aL[j]! - net.y[j]!) ** 2;
  const delta: Float64Array[] = new Array<Float64Array>(L + 1).fill(new Float64Array(0));
  delta[L] = aL.map((aj, j) => 2 * (aj - net.y[j]!) * fp[L]![j]!); // eq. deltaDef
  for (let l = L - 1; l >= 1; l--) {
    const n = net.sizes[l]!;
    const nNext = net.sizes[l + 1]!;
    const W = net.W[l]!;
    const d = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < nNext; j++) s += delta[l + 1]![j]! * W[j * n + k]!; // eq. deltaHiddenLayer
      d[k] = s * fp[l]![k]!;
    }
    delta[l] = d;
  }
  const dW = net.W.map((_, i) => {
    const l = i + 1;
    const nIn = net.sizes[l - 1]!;
    const g = new Float64Array(net.sizes[l]! * nIn);
    for (let j = 0; j < net.sizes[l]!; j++) for (let k = 0; k < nIn; k++) g[j * nIn + k] = delta[l]![j]! * a[l - 1]![k]!; // ∂C/∂w_jk = δ_j a_k
    return g;
  });
  const db = delta.slice(1).map((d) => Float64Array.from(d));

  // ---- the tape: nn's tape forward and cost on the same network
  const { tapeZ, tapeA, tapeCost: tapeC, tapeDelta, tapeW, tapeB } = tapeSide(net);

  // ---- the walk-through, each number beside its check
  const checks: NumberCheck[] = [];
  // A line is plain text, or [text, mark]: marks are aligned in one column at the end.
  const lines: (string | readonly [string, string])[] = [];
  const check = (quantity: string, closed: number, tapeValue: number): string => {
    const ok = Math.abs(closed - tapeValue) <= RTOL * Math.max(Math.abs(closed), Math.abs(tapeValue)) + ATOL;
    checks.push({ quantity, closedForm: closed, tape: tapeValue, ok });
    return ok ? '✓' : `✗ tape says ${tapeValue}`;
  };
  const emit = (text: string, mark: string): void => {
    lines.push([`  ${text}`, mark]);
  };
  const fname = act.name === 'sigmoid' ? 'σ' : act.name;
  const sourceNames = Array.from({ length: L + 1 }, (_, i) => `${sup(L - i)} = (L${i === 0 ? '' : `−${i}`})`);
  lines.push(`Layer numbers here and in the worked 2-3-2 example (docs/sources.md): ${sourceNames.join(', ')}, the input.`, '');
  lines.push(`Forward pass: z_j⁽ˡ⁾ = Σ_k w_jk⁽ˡ⁾ a_k⁽ˡ⁻¹⁾ + b_j⁽ˡ⁾,  a_j⁽ˡ⁾ = ${fname}(z_j⁽ˡ⁾)`);
  for (let l = 1; l <= L; l++) {
    const nIn = net.sizes[l - 1]!;
    for (let j = 0; j < net.sizes[l]!; j++) {
      const terms = Array.from({ length: nIn }, (_, k) => `${v(net.W[l - 1]![j * nIn + k]!)}·${v(a[l - 1]![k]!)}`);
      emit(`z${sub_(j)}${sup(l)} = ${terms.join(' + ')} + ${v(net.b[l - 1]![j]!)} = ${show(z[l]![j]!)}`, check(`z${sub_(j)}${sup(l)}`, z[l]![j]!, tapeZ[l]![j]!));
    }
    for (let j = 0; j < net.sizes[l]!; j++) {
      emit(`a${sub_(j)}${sup(l)} = ${fname}(${show(z[l]![j]!)}) = ${show(a[l]![j]!)}`, check(`a${sub_(j)}${sup(l)}`, a[l]![j]!, tapeA[l]![j]!));
    }
  }
  lines.push('', `Cost: C₀ = Σ_j (a_j${sup(L)} − y_j)²`);
  emit(`C₀ = ${Array.from(aL, (x, j) => `(${show(x)} − ${show(net.y[j]!)})²`).join(' + ')} = ${show(cost)}`, check('C₀', cost, tapeC));

  lines.push('', `Backward pass, output layer: δ_j${sup(L)} = ∂C₀/∂a_j · ∂a_j/∂z_j = 2(a_j${sup(L)} − y_j) · ${derivativeText(act, `z_j${sup(L)}`, `a_j${sup(L)}`)}`);
  for (let j = 0; j < aL.length; j++) {
    const dt = derivativeText(act, show(z[L]![j]!), act.name === 'tanh' ? v(aL[j]!) : show(aL[j]!));
    emit(`δ${sub_(j)}${sup(L)} = 2(${show(aL[j]!)} − ${show(net.y[j]!)}) · ${dt} = ${show(delta[L]![j]!)}`, check(`δ${sub_(j)}${sup(L)}`, delta[L]![j]!, tapeDelta[L]![j]!));
  }
  for (let l = L - 1; l >= 1; l--) {
    lines.push('', `Hidden layer ${l}: δ_k${sup(l)} = (Σ_j δ_j${sup(l + 1)} w_jk${sup(l + 1)}) · ${derivativeText(act, `z_k${sup(l)}`, `a_k${sup(l)}`)}`);
    const n = net.sizes[l]!;
    for (let k = 0; k < n; k++) {
      const terms = Array.from({ length: net.sizes[l + 1]! }, (_, j) => `${v(delta[l + 1]![j]!)}·${v(net.W[l]![j * n + k]!)}`);
      const dt = derivativeText(act, show(z[l]![k]!), act.name === 'tanh' ? v(a[l]![k]!) : show(a[l]![k]!));
      emit(`δ${sub_(k)}${sup(l)} = (${terms.join(' + ')}) · ${dt} = ${show(delta[l]![k]!)}`, check(`δ${sub_(k)}${sup(l)}`, delta[l]![k]!, tapeDelta[l]![k]!));
    }
  }
  lines.push('', 'Gradients: ∂C₀/∂w_jk⁽ˡ⁾ = δ_j⁽ˡ⁾ · a_k⁽ˡ⁻¹⁾,  ∂C₀/∂b_j⁽ˡ⁾ = δ_j⁽ˡ⁾');
  for (let l = L; l >= 1; l--) {
    const nIn = net.sizes[l - 1]!;
    const gW = tapeW[l]!;
    const gb = tapeB[l]!;
    for (let j = 0; j < net.sizes[l]!; j++) {
      for (let k = 0; k < nIn; k++) {
        const q = `∂C₀/∂w${sub_(j, k)}${sup(l)}`;
        emit(`${q} = δ${sub_(j)}${sup(l)} · a${sub_(k)}${sup(l - 1)} = ${v(delta[l]![j]!)} · ${v(a[l - 1]![k]!)} = ${show(dW[l - 1]![j * nIn + k]!)}`, check(q, dW[l - 1]![j * nIn + k]!, gW[j * nIn + k]!));
      }
      const q = `∂C₀/∂b${sub_(j)}${sup(l)}`;
      emit(`${q} = δ${sub_(j)}${sup(l)} = ${show(db[l - 1]![j]!)}`, check(q, db[l - 1]![j]!, gb[j]!));
    }
  }
  const ok = checks.every((c) => c.ok);
  const width = Math.min(96, Math.max(...lines.map((l) => (typeof l === 'string' ? 0 : [...l[0]].length))));
  const text = lines.map((l) => (typeof l === 'string' ? l : `${l[0]}${' '.repeat(Math.max(1, width + 2 - [...l[0]].length))}${l[1]}`));
  return { lines: text, checks, ok, z, a, cost, delta, dW, db };
}

/** The tape's numbers per layer, index l = 1..L (index 0 is the input, or unused). */
interface TapeNumbers {
  readonly tapeZ: Float64Array[];
  readonly tapeA: Float64Array[];
  readonly tapeCost: number;
  readonly tapeDelta: Float64Array[];
  readonly tapeW: Float64Array[];
  readonly tapeB: Float64Array[];
}

/**
 * The network as nn's `MLP`, its cost C₀ = Σ_j (a_j⁽ᴸ⁾ − y_j)² (nn's `sumSquares`) recorded
 * once by `traceTape.named`: z⁽ˡ⁾, δ⁽ˡ⁾, the cost and every parameter gradient are read off
 * that recording; a⁽ˡ⁾ is `tapeForward` through the first l layers.
 */
function tapeSide(net: ExplainNet): TapeNumbers {
  const L = net.sizes.length - 1;
  const model = mlp(net.W.map((W, i) => dense(net.sizes[i]!, net.sizes[i + 1]!, net.activation, { W, b: net.b[i]! })));
  const params = parameterViews(model);
  const X = tensor([...net.x], [1, net.x.length]);
  const Y = tensor([...net.y], [1, net.y.length]);
  const rec = traceTape.named((ps) => tapeCost(model, ps, X, Y, losses.sumSquares, 'sum'), params);
  const find = (what: string, pred: (e: TapeEntry) => boolean): TapeEntry => {
    const e = rec.entries.find(pred);
    if (e === undefined) throw new Error(`explain: the tape of tapeCost has no ${what}; its structure changed`);
    return e;
  };
  const gradOf = (e: TapeEntry): Float64Array => Float64Array.from(e.grad?.data ?? new Float64Array(e.value.size));
  const layers = Array.from({ length: L }, (_, i) => {
    const W = find(`argument [${i}].W`, (e) => e.argument === `[${i}].W`);
    const b = find(`argument [${i}].b`, (e) => e.argument === `[${i}].b`);
    // tapeForward computes Z = A Wᵀ + b, so the op fed by b is z⁽ˡ⁾, and its gradient is
    // ∂C₀/∂z⁽ˡ⁾ = δ⁽ˡ⁾ by definition (the worked example's deltaDef), not by the recurrence.
    const Z = find(`op fed by [${i}].b`, (e) => e.argument === null && e.inputs.some((x) => x.from === b.index));
    const A = tapeForward({ layers: model.layers.slice(0, i + 1) }, params.slice(0, i + 1), X);
    return { z: Float64Array.from(Z.value.data), delta: gradOf(Z), a: Float64Array.from(A.data), dW: gradOf(W), db: gradOf(b) };
  });
  const none = new Float64Array(0);
  return {
    tapeZ: [none, ...layers.map((l) => l.z)],
    tapeA: [Float64Array.from(net.x), ...layers.map((l) => l.a)],
    tapeCost: rec.output.item(),
    tapeDelta: [none, ...layers.map((l) => l.delta)],
    tapeW: [none, ...layers.map((l) => l.dW)],
    tapeB: [none, ...layers.map((l) => l.db)],
  };
}

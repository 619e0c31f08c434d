/**
 * The worked cases of the derivations in docs/sources.md, each computed here by its own
 * formula (scalar loops, no library code) and compared with both backprops. They derive symbols, not
 * numbers: none gives concrete weights, inputs or targets, so the values below are ours
 * (small, irrational-looking, all units active), and the expected gradients come from the
 * derivations' equations.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/core';
import { ClosedFormBackprop, backpropClosedForm, backpropTape, dense, mlp, paramCount, createMLP, type ActivationName, type GradResult } from './index.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Every entry of both backprops within 1e-12 relative (+1e-15 absolute) of the derivation's value: float64 rounding only. */
function expectGrads(r: GradResult, expected: { W: number[][]; b: number[] }[]): void {
  expected.forEach((e, l) => {
    const W = r.grads[l]!.W;
    const flat = e.W.flat();
    expect(W.shape).toEqual([e.W.length, e.W[0]!.length]);
    flat.forEach((v, i) => expect(Math.abs(W.data[i]! - v)).toBeLessThanOrEqual(1e-12 * Math.abs(v) + 1e-15));
    e.b.forEach((v, i) => expect(Math.abs(r.grads[l]!.b.data[i]! - v)).toBeLessThanOrEqual(1e-12 * Math.abs(v) + 1e-15));
  });
}

describe('the unrolled-recursion notes: one hidden layer, E = ½‖f₃(W₂ f₂(W₁x + b₁) + b₂) - y‖²', () => {
  // f₂ = tanh (hidden), f₃ = sigmoid (output); x ∈ R², hidden 3, output 2.
  const W1 = [[0.3, -0.8], [0.5, 0.1], [-0.6, 0.9]];
  const b1 = [0.05, -0.2, 0.1];
  const W2 = [[0.7, -0.4, 0.2], [-0.3, 0.6, 0.8]];
  const b2 = [0.1, -0.05];
  const x = [0.9, -0.4];
  const y = [1, 0];
  const model = mlp([
    dense(2, 3, 'tanh', { W: Float64Array.from(W1.flat()), b: Float64Array.from(b1) }),
    dense(3, 2, 'sigmoid', { W: Float64Array.from(W2.flat()), b: Float64Array.from(b2) }),
  ]);

  it('matches the base case ∂_(W)ij [f(Wg + b)]_k = 1{k=i} f′(·) g_j and its one-layer-back recursion', () => {
    const z1 = W1.map((row, i) => row[0]! * x[0]! + row[1]! * x[1]! + b1[i]!);
    const g = z1.map(Math.tanh); // g(x|Θ): the previous layer's output
    const z2 = W2.map((row, i) => row.reduce((s, w, j) => s + w * g[j]!, b2[i]!));
    const a = z2.map(sigmoid);
    const E = 0.5 * a.reduce((s, ak, k) => s + (ak - y[k]!) ** 2, 0);
    // ∂E/∂a_k = (a_k - y_k); f₃′ = a(1 - a); the indicator keeps only k = i.
    const outErr = a.map((ak, k) => (ak - y[k]!) * ak * (1 - ak));
    const dW2 = W2.map((row, i) => row.map((_, j) => outErr[i]! * g[j]!));
    const db2 = outErr;
    // One layer back: Σ_k outErr_k (W₂)_ki f₂′(z1_i) x_j, f₂′ = 1 - tanh².
    const hidErr = g.map((gi, i) => outErr.reduce((s, e, k) => s + e * W2[k]![i]!, 0) * (1 - gi * gi));
    const dW1 = W1.map((row, i) => row.map((_, j) => hidErr[i]! * x[j]!));
    const expected = [{ W: dW1, b: hidErr }, { W: dW2, b: db2 }];
    for (const bp of [backpropTape, backpropClosedForm]) {
      const r = bp(model, tensor([x]), tensor([y]), 'halfSumSquares', { reduction: 'sum' });
      expect(Math.abs(r.loss - E)).toBeLessThanOrEqual(1e-15);
      expectGrads(r, expected);
    }
  });
});

describe('the matrix-form derivation: single-neuron chains, ∂C/∂w_(i,i+1) = δ_(2-i) q_i', () => {
  // x₀ → x₁ → x₂ → x₃ with one weight per link, no biases, C = (x₃ - y)²/2 (halfSumSquares).
  const [w01, w12, w23] = [0.8, -1.3, 0.6];
  const x0 = 1.7;
  const y = 0.25;
  const chain = (acts: [ActivationName, ActivationName, ActivationName]) =>
    mlp([
      dense(1, 1, acts[0], { W: Float64Array.of(w01) }),
      dense(1, 1, acts[1], { W: Float64Array.of(w12) }),
      dense(1, 1, acts[2], { W: Float64Array.of(w23) }),
    ]);

  it('linear activations (section I): δ₀ = x₃ - y, δ₁ = w₂₃δ₀, δ₂ = w₁₂δ₁', () => {
    const x1 = w01 * x0;
    const x2 = w12 * x1;
    const x3 = w23 * x2;
    const d0 = x3 - y;
    const d1 = w23 * d0;
    const d2 = w12 * d1;
    // The derivation's explicit products, before the δ shorthand:
    expect(d0 * x2).toBeCloseTo((x3 - y) * w12 * w01 * x0, 15);
    const model = chain(['identity', 'identity', 'identity']);
    const expected = [d2 * x0, d1 * x1, d0 * x2];
    for (const bp of [backpropTape, backpropClosedForm]) {
      const r = bp(model, tensor([[x0]]), tensor([[y]]), 'halfSumSquares', { reduction: 'sum' });
      r.grads.forEach((g, i) => expect(Math.abs(g.W.data[0]! - expected[i]!)).toBeLessThanOrEqual(1e-15 * Math.abs(expected[i]!) + 1e-16));
      // No bias in the derivation's chain, but ∂C/∂b_(i+1) = δ_(2-i) is the same δ without the q_i.
      r.grads.forEach((g, i) => expect(Math.abs(g.b.data[0]! - [d2, d1, d0][i]!)).toBeLessThanOrEqual(1e-15));
    }
  });

  it('non-linear activations (section II): δ₀ = (q₃ - y)σ₃′(p₃), δ₁ = δ₀w₂₃σ₂′(p₂), δ₂ = δ₁w₁₂σ₁′(p₁)', () => {
    // σ₀ = identity (our input layer has no activation: p₀ = q₀ = x₀), σ₁ = tanh, σ₂ = sigmoid, σ₃ = softplus.
    const q0 = x0;
    const p1 = w01 * q0;
    const q1 = Math.tanh(p1);
    const p2 = w12 * q1;
    const q2 = sigmoid(p2);
    const p3 = w23 * q2;
    const q3 = Math.log1p(Math.exp(p3));
    const d0 = (q3 - y) * sigmoid(p3); // softplus′ = σ
    const d1 = d0 * w23 * q2 * (1 - q2);
    const d2 = d1 * w12 * (1 - q1 * q1);
    const expected = [d2 * q0, d1 * q1, d0 * q2];
    const model = chain(['tanh', 'sigmoid', 'softplus']);
    for (const bp of [backpropTape, backpropClosedForm]) {
      const r = bp(model, tensor([[x0]]), tensor([[y]]), 'halfSumSquares', { reduction: 'sum' });
      r.grads.forEach((g, i) => expect(Math.abs(g.W.data[0]! - expected[i]!)).toBeLessThanOrEqual(1e-14 * Math.abs(expected[i]!)));
    }
    // The closed form's error terms are the derivation's δ's: layer l holds δ_(3-l).
    const bp = new ClosedFormBackprop(model, 'halfSumSquares', 'sum');
    bp.run(Float64Array.of(x0), Float64Array.of(y), 1);
    [d2, d1, d0].forEach((d, i) => expect(Math.abs(bp.delta(i + 1, 1)[0]! - d)).toBeLessThanOrEqual(1e-15 * Math.abs(d)));
  });
});

describe('the worked 2-3-2 example: the 2-3-2 sigmoid network with C₀ = Σ_j (a_j - y_j)²', () => {
  const W1 = [[0.15, 0.2], [0.25, 0.3], [-0.35, 0.4]];
  const b1 = [0.35, 0.35, -0.1];
  const W2 = [[0.4, 0.45, -0.5], [0.5, -0.55, 0.6]];
  const b2 = [0.6, 0.6];
  const model = mlp([
    dense(2, 3, 'sigmoid', { W: Float64Array.from(W1.flat()), b: Float64Array.from(b1) }),
    dense(3, 2, 'sigmoid', { W: Float64Array.from(W2.flat()), b: Float64Array.from(b2) }),
  ]);
  const samples = [
    { x: [0.05, 0.1], y: [0.01, 0.99] },
    { x: [0.8, -0.3], y: [1, 0] },
    { x: [-0.5, 0.6], y: [0.2, 0.7] },
  ];

  /** The boxed results for one sample: δ_j^(L) = 2(a_j - y_j)a_j(1 - a_j), ∂C₀/∂w_jk^(L) = δ_j a_k^(L-1), δ_k^(L-1) = (Σ_j δ_j w_jk) a_k(1 - a_k). */
  function seed003(x: number[], y: number[]): { W: number[][]; b: number[] }[] {
    const a1 = W1.map((row, k) => sigmoid(row[0]! * x[0]! + row[1]! * x[1]! + b1[k]!));
    const a2 = W2.map((row, j) => sigmoid(row.reduce((s, w, k) => s + w * a1[k]!, b2[j]!)));
    const dL = a2.map((a, j) => 2 * (a - y[j]!) * a * (1 - a));
    const dH = a1.map((a, k) => dL.reduce((s, d, j) => s + d * W2[j]![k]!, 0) * a * (1 - a));
    return [
      { W: W1.map((row, k) => row.map((_, l) => dH[k]! * x[l]!)), b: dH },
      { W: W2.map((row, j) => row.map((_, k) => dL[j]! * a1[k]!)), b: dL },
    ];
  }

  it('one sample: output-layer and hidden-layer boxed equations', () => {
    const { x, y } = samples[0]!;
    for (const bp of [backpropTape, backpropClosedForm]) {
      expectGrads(bp(model, tensor([x]), tensor([y]), 'sumSquares', { reduction: 'sum' }), seed003(x, y));
    }
  });

  it('several samples: C = (1/m) Σ_i C_i, so ∂C/∂w = (1/m) Σ_i ∂C_i/∂w ("Handling multiple samples")', () => {
    const per = samples.map((s) => seed003(s.x, s.y));
    const m = samples.length;
    const avg = per[0]!.map((layer, l) => ({
      W: layer.W.map((row, i) => row.map((_, j) => per.reduce((s, p) => s + p[l]!.W[i]![j]!, 0) / m)),
      b: layer.b.map((_, i) => per.reduce((s, p) => s + p[l]!.b[i]!, 0) / m),
    }));
    const X = tensor(samples.map((s) => s.x));
    const Y = tensor(samples.map((s) => s.y));
    for (const bp of [backpropTape, backpropClosedForm]) expectGrads(bp(model, X, Y, 'sumSquares', { reduction: 'mean' }), avg);
  });
});

describe('the diagonal-Jacobian derivation: averaged loss L = (1/N) Σ_i ½‖a^L(x_i) - y_i‖² and ∂L/∂W^l = ∂L/∂b^l (a^(l-1))ᵀ', () => {
  it('the mean-reduced gradient is the average of per-sample outer products δ_i a_iᵀ', () => {
    const model = createMLP({ sizes: [3, 4, 2], activations: ['tanh', 'identity'], seed: 11 });
    const X = [[0.2, -0.7, 1.1], [0.9, 0.3, -0.4], [-1.2, 0.5, 0.05], [0.4, 0.4, 0.4]];
    const Y = [[0.5, -1], [1, 0.2], [-0.3, 0.8], [0, 0]];
    const N = X.length;
    const expected = model.layers.map((l) => ({ W: new Float64Array(l.W.length), b: new Float64Array(l.b.length) }));
    for (let i = 0; i < N; i++) {
      // Per sample: ∂L_i/∂b^l = δ^l (the error term), ∂L_i/∂W^l = δ^l (a^(l-1))ᵀ.
      const bp = new ClosedFormBackprop(model, 'halfSumSquares', 'sum');
      bp.run(Float64Array.from(X[i]!), Float64Array.from(Y[i]!), 1);
      const as = [Float64Array.from(X[i]!)];
      // a^(l-1) for l = 2 is layer 1's activation: recompute it from the derivation's z = W a + b.
      const l1 = model.layers[0]!;
      as.push(Float64Array.from({ length: l1.outputSize }, (_, j) => Math.tanh(X[i]!.reduce((s, v, k) => s + l1.W[j * 3 + k]! * v, l1.b[j]!))));
      model.layers.forEach((l, li) => {
        const d = bp.delta(li + 1, 1);
        for (let j = 0; j < l.outputSize; j++) {
          expected[li]!.b[j]! += d[j]! / N;
          for (let k = 0; k < l.inputSize; k++) expected[li]!.W[j * l.inputSize + k]! += (d[j]! * as[li]![k]!) / N;
        }
      });
    }
    for (const bp of [backpropTape, backpropClosedForm]) {
      const r = bp(model, tensor(X), tensor(Y), 'halfSumSquares', { reduction: 'mean' });
      r.grads.forEach((g, l) => {
        g.W.data.forEach((v, i) => expect(Math.abs(v - expected[l]!.W[i]!)).toBeLessThanOrEqual(1e-13 * Math.abs(v) + 1e-16));
        g.b.data.forEach((v, i) => expect(Math.abs(v - expected[l]!.b[i]!)).toBeLessThanOrEqual(1e-13 * Math.abs(v) + 1e-16));
      });
    }
  });
});

describe('the sigmoid lecture notes: sigmoid layers, 𝓛 = Σ_i ½‖ŷ_i - y_i‖² and the parameter count D', () => {
  it('∂L/∂z^[M] = (a - y) a(1 - a) at the output, and the sum reduction adds per-sample gradients', () => {
    const model = createMLP({ sizes: [2, 3, 3, 2], activations: 'sigmoid', output: 'sigmoid', init: 'glorot', seed: 4 });
    const X = [[0.3, -0.2], [1, 0.5]];
    const Y = [[1, 0], [0, 1]];
    const total = backpropClosedForm(model, tensor(X), tensor(Y), 'halfSumSquares', { reduction: 'sum' });
    const tapeTotal = backpropTape(model, tensor(X), tensor(Y), 'halfSumSquares', { reduction: 'sum' });
    const parts = X.map((x, i) => backpropClosedForm(model, tensor([x]), tensor([Y[i]!]), 'halfSumSquares', { reduction: 'sum' }));
    total.grads.forEach((g, l) => {
      for (const k of ['W', 'b'] as const) {
        g[k].data.forEach((v, i) => {
          const sum = parts.reduce((s, p) => s + p.grads[l]![k].data[i]!, 0);
          expect(Math.abs(v - sum)).toBeLessThanOrEqual(1e-15 + 1e-13 * Math.abs(v));
          expect(Math.abs(tapeTotal.grads[l]![k].data[i]! - v)).toBeLessThanOrEqual(1e-15 + 1e-13 * Math.abs(v));
        });
      }
    });
    // Output error term, one sample: (a_j - y_j) a_j (1 - a_j).
    const bp = new ClosedFormBackprop(model, 'halfSumSquares', 'sum');
    bp.run(Float64Array.from(X[0]!), Float64Array.from(Y[0]!), 1);
    const out = bp.delta(3, 1);
    const a = [0, 1].map((j) => {
      // a^[M] via the closed form's own output: rebuild from the sigmoid lecture notes' eq. 1.
      let v = X[0]!;
      for (const l of model.layers) v = Array.from({ length: l.outputSize }, (_, r) => sigmoid(v.reduce((s, u, k) => s + l.W[r * l.inputSize + k]! * u, l.b[r]!)));
      return v[j]!;
    });
    a.forEach((aj, j) => expect(Math.abs(out[j]! - (aj - Y[0]![j]!) * aj * (1 - aj))).toBeLessThanOrEqual(1e-15));
  });

  it('D = Σ n_k n_(k+1) + Σ n_(k+1) parameters', () => {
    const sizes = [4, 7, 3, 2];
    const D = sizes.slice(1).reduce((s, n, k) => s + n * sizes[k]! + n, 0);
    expect(paramCount(createMLP({ sizes, activations: 'sigmoid' }))).toBe(D);
    expect(D).toBe(4 * 7 + 7 + 7 * 3 + 3 + 3 * 2 + 2);
  });
});

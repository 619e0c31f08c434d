/**
 * The worked 2-3-2 example (docs/sources.md): its 2-3-2 sigmoid network, worked by hand
 * the way that derivation writes it:
 * the forward chain (z and a per layer), the error terms δ per layer, and every
 * ∂C₀/∂w_jk = δ_j · a_k product, with C₀ = Σ_j (a_j - y_j)². Each number is checked
 * against the tape (`backpropTape`) and against the closed form (`backpropClosedForm`),
 * then one gradient-descent step shows the cost going down.
 *
 * Layers are numbered as in the derivation: (L) the output layer, (L-1) the hidden layer,
 * (L-2) the input; neurons from 0. It gives the structure and formulas but no
 * numbers: the weights, input and target here are ours (`tapegrad explain` uses the same).
 *
 * Run: node --conditions=@tapegrad/source --import tsx examples/worked-2-3-2-network.ts
 */
import { tensor, fmtNumber } from '@tapegrad/core';
import { createMLP, forward, backpropTape, backpropClosedForm, compareGradients, sgd, evaluate } from '@tapegrad/nn';

const x = [0.05, 0.1];
const y = [0.01, 0.99];
const W1 = [[0.15, 0.2], [0.25, 0.3], [0.35, 0.4]]; // w_kl(L-1): hidden neuron k, input l
const b1 = [0.35, 0.35, 0.35];
const W2 = [[0.4, 0.45, 0.5], [0.55, 0.6, 0.65]]; // w_jk(L): output neuron j, hidden neuron k
const b2 = [0.6, 0.6];

// By hand, in plain numbers: the worked 2-3-2 example's formulas, nothing from the library.
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
const layer = (W: number[][], b: number[], a: number[]): number[] => W.map((row, j) => row.reduce((s, w, k) => s + w * a[k]!, b[j]!));
const z1 = layer(W1, b1, x);
const a1 = z1.map(sigma);
const z2 = layer(W2, b2, a1);
const a2 = z2.map(sigma);
const C0 = a2.reduce((s, a, j) => s + (a - y[j]!) ** 2, 0);
const d2 = a2.map((a, j) => 2 * (a - y[j]!) * a * (1 - a)); // δ_j(L) = 2(a_j - y_j) a_j(1 - a_j)
const d1 = a1.map((a, k) => d2.reduce((s, d, j) => s + d * W2[j]![k]!, 0) * a * (1 - a)); // δ_k(L-1) = (Σ_j δ_j w_jk) a_k(1 - a_k)

// The library: the same network as an MLP, differentiated by the tape and by the closed form.
const model = createMLP({ sizes: [2, 3, 2], activations: 'sigmoid', output: 'sigmoid' });
model.layers[0]!.W.set(W1.flat());
model.layers[0]!.b.set(b1);
model.layers[1]!.W.set(W2.flat());
model.layers[1]!.b.set(b2);
const X = tensor([x]);
const Y = tensor([y]);
const trace = forward(model, X);
const taped = backpropTape(model, X, Y, 'sumSquares');
const closed = backpropClosedForm(model, X, Y, 'sumSquares');

// Float64 rounding: each hand value and its library twin are a handful of operations
// apart, so they agree to ~1e-16 relative; 1e-12 leaves room and still catches any slip.
const TOL = 1e-12;
let checked = 0;
let failed = 0;
const f = (v: number): string => fmtNumber(v).padStart(11);
/** Prints `label = expr = value` and marks it against the library's value. */
function show(label: string, expr: string, mine: number, lib: number, libName: string): void {
  const ok = Math.abs(mine - lib) <= TOL * Math.max(1, Math.abs(lib));
  checked++;
  if (!ok) failed++;
  console.log(`  ${label.padEnd(16)} = ${expr.padEnd(33)} = ${f(mine)}   ${libName.padEnd(7)} ${f(lib)} ${ok ? 'ok' : 'MISMATCH'}`);
}

console.log('Forward chain (the worked 2-3-2 example: 2 inputs, 3 hidden, 2 outputs, sigmoid)');
console.log(`  x = [${x.join(', ')}]   y = [${y.join(', ')}]`);
z1.forEach((z, k) => show(`z_${k}(L-1)`, `Σ_l w_${k}l x_l + b_${k}`, z, trace.zs[1]![k]!, 'forward'));
a1.forEach((a, k) => show(`a_${k}(L-1)`, `σ(z_${k}(L-1))`, a, trace.as[1]![k]!, 'forward'));
z2.forEach((z, j) => show(`z_${j}(L)`, `Σ_k w_${j}k a_k(L-1) + b_${j}`, z, trace.zs[2]![j]!, 'forward'));
a2.forEach((a, j) => show(`a_${j}(L)`, `σ(z_${j}(L))`, a, trace.as[2]![j]!, 'forward'));
show('C₀', 'Σ_j (a_j(L) - y_j)²', C0, taped.loss, 'tape');

console.log('\nBackward chain: error terms δ = ∂C₀/∂z (the bias gradients, since ∂z/∂b = 1)');
d2.forEach((d, j) => show(`δ_${j}(L)`, `2(a_${j} - y_${j}) a_${j}(1 - a_${j})`, d, taped.grads[1]!.b.data[j]!, 'tape'));
d1.forEach((d, k) => show(`δ_${k}(L-1)`, `(Σ_j δ_j(L) w_j${k}) a_${k}(1 - a_${k})`, d, taped.grads[0]!.b.data[k]!, 'tape'));

console.log('\nWeight gradients: ∂C₀/∂w_jk = δ_j · a_k (for the hidden layer, a(L-2) is the input x)');
d2.forEach((d, j) =>
  a1.forEach((a, k) => show(`∂C₀/∂w_${j}${k}(L)`, `${fmtNumber(d)} × ${fmtNumber(a)}`, d * a, taped.grads[1]!.W.data[j * 3 + k]!, 'tape')),
);
d1.forEach((d, k) =>
  x.forEach((xl, l) => show(`∂C₀/∂w_${k}${l}(L-1)`, `${fmtNumber(d)} × ${fmtNumber(xl)}`, d * xl, taped.grads[0]!.W.data[k * 2 + l]!, 'tape')),
);

console.log('\nThe closed form (backpropClosedForm) against the tape, per parameter:');
const cmp = compareGradients(taped, closed);
console.log(cmp.toTable());
if (!cmp.ok) failed++;

// One step of gradient descent, θ ← θ - α ∂C₀/∂θ (as in the worked 2-3-2 example), must lower the cost.
const alpha = 0.5;
sgd({ lr: alpha }).step(model, closed.grads);
const after = evaluate(model, X, Y, 'sumSquares');
console.log(`\nOne gradient-descent step with α = ${alpha}: C₀ ${fmtNumber(C0)} → ${fmtNumber(after)}`);
if (!(after < C0)) failed++;

console.log(failed === 0 ? `\nall ${checked} hand-computed numbers agree with the tape` : `\n${failed} check(s) FAILED`);
if (failed > 0) process.exitCode = 1;

/**
 * A user-defined loss: Huber, written by hand with `defineLoss` (the per-sample value as
 * core ops for the tape, and your gradient ∇_a C_i for the closed form), checked with
 * `checkLoss`, a wrong gradient caught, and then used where Huber shines: fitting a line
 * through data with outliers, beside the mean squared error that the outliers drag away.
 *
 * Run: node --conditions=@tapegrad/source --import tsx examples/custom-loss.ts
 */
import { type Tensor, tensor, abs, mul, sub, sum, where, lessEqual, square, linspace, normal, fmtNumber } from '@tapegrad/core';
import { defineLoss, checkLoss, huberLoss, createMLP, train, adam, backpropTape, backpropClosedForm, compareGradients } from '@tapegrad/nn';

const DELTA = 1;
let failures = 0;

// C_i = Σ_j h(a_ij - y_ij) with h(d) = ½d² for |d| <= δ and δ(|d| - ½δ) beyond;
// h'(d) = d inside, δ·sign(d) outside: the gradient is d clamped to [-δ, δ].
const huberValue = (a: Tensor, y: Tensor): Tensor => {
  const d = sub(a, y);
  const ad = abs(d);
  return sum(where(lessEqual(ad, DELTA), mul(0.5, square(d)), mul(DELTA, sub(ad, 0.5 * DELTA))), 1);
};
const huber = defineLoss({
  name: 'my-huber',
  value: huberValue,
  grad: (a, y, _batch, _n, out) => {
    for (let i = 0; i < out.length; i++) out[i] = Math.max(-DELTA, Math.min(DELTA, a[i]! - y[i]!));
  },
});
// The slip: differentiating only the quadratic piece, so large errors are not clamped.
const huberWrong = defineLoss({
  name: 'my-huber (unclamped grad)',
  value: huberValue,
  grad: (a, y, _batch, _n, out) => {
    for (let i = 0; i < out.length; i++) out[i] = a[i]! - y[i]!;
  },
});

// Outputs and targets chosen so that some errors fall inside [-δ, δ] and some outside.
const A = tensor([[0.2, -0.4], [2.5, 0.1], [-3, 0.9], [0.7, 1.8]]);
const Yt = tensor([[0, 0], [0, 0.3], [0, 0.5], [-0.2, 0]]);

// Same value as the library's built-in Huber (δ = 1), sample by sample.
const mine = new Float64Array(4);
const builtIn = new Float64Array(4);
huber.value(A.data, Yt.data, 4, 2, mine);
huberLoss(DELTA).value(A.data, Yt.data, 4, 2, builtIn);
console.log(`per-sample loss, mine:     ${Array.from(mine, fmtNumber).join(', ')}`);
console.log(`per-sample loss, built-in: ${Array.from(builtIn, fmtNumber).join(', ')}`);
if (mine.some((v, i) => Math.abs(v - builtIn[i]!) > 1e-15)) failures++;

const good = checkLoss(huber, A, Yt);
console.log('\ncheckLoss(my-huber):', good.toString());
if (!good.ok) failures++;
const bad = checkLoss(huberWrong, A, Yt);
console.log('checkLoss(unclamped):', bad.toString());
if (bad.ok) failures++;
else {
  const w = bad.worst;
  console.log(`  caught: sample ${w.sample}, output ${w.index} (a = ${fmtNumber(w.a)}, y = ${fmtNumber(w.y)}, error ${fmtNumber(w.a - w.y)} outside ±${DELTA}): grad ${fmtNumber(w.grad)}, tape ${fmtNumber(w.tape)}`);
}

// Robust regression: y = 2x + 1 plus small noise, with three gross outliers.
const N = 24;
const xs = linspace(-1, 1, N).toFlatArray();
const noise = normal([N], { seed: 7, std: 0.05 }).toFlatArray();
const ys = xs.map((x, i) => 2 * x + 1 + noise[i]!);
for (const i of [3, 11, 19]) ys[i] = ys[i]! + 6;
const X = tensor(xs, [N, 1]);
const Y = tensor(ys, [N, 1]);

const line = createMLP({ sizes: [1, 1], activations: 'identity', seed: 0 });
const cmp = compareGradients(backpropTape(line, X, Y, huber), backpropClosedForm(line, X, Y, huber));
console.log(`\nline fit with my-huber: tape vs closed form max abs error ${fmtNumber(cmp.maxAbsError)} (${cmp.ok ? 'agree' : 'DISAGREE'})`);
if (!cmp.ok) failures++;

console.log('\nfitting y = w·x + b to 24 points of y = 2x + 1 (+ noise), 3 of them shifted up by 6:');
const fits: Record<string, [number, number]> = {};
for (const loss of ['meanSquared', huber] as const) {
  const model = createMLP({ sizes: [1, 1], activations: 'identity', seed: 0 });
  train(model, { X, Y }, { epochs: 1500, loss, optimizer: adam({ lr: 0.05 }), shuffle: false, batchSize: N });
  const name = typeof loss === 'string' ? loss : loss.name;
  const w = model.layers[0]!.W[0]!;
  const b = model.layers[0]!.b[0]!;
  fits[name] = [w, b];
  console.log(`  ${name.padEnd(12)} w = ${w.toFixed(3)}   b = ${b.toFixed(3)}`);
}
// Huber's bounded gradient limits each outlier's pull; MSE's grows with the error.
const [hw, hb] = fits['my-huber']!;
const [mw, mb] = fits['meanSquared']!;
const errHuber = Math.hypot(hw - 2, hb - 1);
const errMse = Math.hypot(mw - 2, mb - 1);
console.log(`  distance from the true (2, 1): my-huber ${errHuber.toFixed(3)}, meanSquared ${errMse.toFixed(3)}`);
if (!(errHuber < errMse)) failures++;

console.log(failures === 0 ? '\ncustom loss checks: all as expected' : `\n${failures} check(s) did not go as expected`);
if (failures > 0) process.exitCode = 1;

/**
 * Regression of a noisy curve: a 1-16-16-1 tanh network learns y = sin(2x) + x/2 from
 * 80 noisy samples, and the data with the fitted curve are drawn as an SVG file.
 *
 * Run: node --conditions=@tapegrad/source --import tsx examples/regression.ts [out.svg]
 * Without an argument the plot goes to <system temp dir>/tapegrad-examples/regression.svg.
 * TAPEGRAD_QUICK=1 trains for fewer epochs (used by the smoke test).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { tensor, linspace, normal, fmtNumber } from '@tapegrad/core';
import { createMLP, train, adam, predict, evaluate, backpropTape, backpropClosedForm, compareGradients } from '@tapegrad/nn';

const quick = process.env['TAPEGRAD_QUICK'] === '1';
const out = resolve(process.argv[2] ?? join(tmpdir(), 'tapegrad-examples', 'regression.svg'));
const EPOCHS = quick ? 300 : 1000;

const truth = (x: number): number => Math.sin(2 * x) + x / 2;
const N = 80;
const xs = linspace(-3, 3, N).toFlatArray();
const noise = normal([N], { seed: 11, std: 0.15 }).toFlatArray();
const ys = xs.map((x, i) => truth(x) + noise[i]!);
const X = tensor(xs, [N, 1]);
const Y = tensor(ys, [N, 1]);

const model = createMLP({ sizes: [1, 16, 16, 1], activations: 'tanh', output: 'identity', seed: 4 });
const start = compareGradients(backpropTape(model, X, Y, 'meanSquared'), backpropClosedForm(model, X, Y, 'meanSquared'));
console.log(`gradients at the start, tape vs closed form: max abs error ${fmtNumber(start.maxAbsError)} (${start.ok ? 'agree' : 'DISAGREE'})`);

const { history } = train(model, { X, Y }, {
  epochs: EPOCHS,
  batchSize: 16,
  loss: 'meanSquared',
  optimizer: adam({ lr: 0.01 }),
  seed: 1,
  onEpoch: ({ epoch, loss }) => {
    if (epoch % Math.round(EPOCHS / 5) === 0) console.log(`epoch ${String(epoch).padStart(4)}  mean squared error ${fmtNumber(loss)}`);
  },
});
const finalMse = evaluate(model, X, Y, 'meanSquared');
// The noise alone has variance 0.15² = 0.0225: a fit cannot do much better than that.
const noiseVar = noise.reduce((s, e) => s + e * e, 0) / N;
console.log(`final mean squared error ${fmtNumber(finalMse)} (the noise alone: ${fmtNumber(noiseVar)}; first epoch: ${fmtNumber(history[0]!)})`);

// ---- the plot
const grid = linspace(-3, 3, 200).toFlatArray();
const fit = predict(model, tensor(grid, [grid.length, 1])).toFlatArray();
const W = 640;
const H = 400;
const PAD = 40;
const yMin = Math.min(...ys, ...fit) - 0.2;
const yMax = Math.max(...ys, ...fit) + 0.2;
const px = (x: number): string => (PAD + ((x + 3) / 6) * (W - 2 * PAD)).toFixed(2);
const py = (y: number): string => (H - PAD - ((y - yMin) / (yMax - yMin)) * (H - 2 * PAD)).toFixed(2);
const path = (gx: number[], gy: number[]): string => gx.map((x, i) => `${i === 0 ? 'M' : 'L'}${px(x)},${py(gy[i]!)}`).join(' ');
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
  `  <title>tapegrad regression: noisy samples of sin(2x) + x/2 and the fitted network</title>`,
  `  <rect width="${W}" height="${H}" fill="white"/>`,
  `  <line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#888"/>`,
  `  <line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#888"/>`,
  `  <path d="${path(grid, grid.map(truth))}" fill="none" stroke="#999" stroke-dasharray="4 3"/>`,
  ...xs.map((x, i) => `  <circle cx="${px(x)}" cy="${py(ys[i]!)}" r="3" fill="#3b6fb6" fill-opacity="0.7"/>`),
  `  <path d="${path(grid, fit)}" fill="none" stroke="#d9480f" stroke-width="2.5"/>`,
  `  <text x="${PAD}" y="${H - 14}" font-family="sans-serif" font-size="13">data (dots), truth (dashed), network fit (orange), MSE ${fmtNumber(finalMse)}</text>`,
  `</svg>`,
  '',
].join('\n');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, svg);
console.log(`wrote the plot to ${out}`);

// With 300 epochs (quick) the fit already explains most of the variance of y; 0.1 is a
// loose bar that a network failing to learn (MSE ≈ var(y) ≈ 0.8) does not pass.
if (!start.ok || !(finalMse < (quick ? 0.1 : 0.05))) process.exitCode = 1;

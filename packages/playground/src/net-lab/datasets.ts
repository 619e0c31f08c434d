/**
 * The network lab's 2-D data sets: points (x1, x2) with a label 0 or 1, drawn from a seeded
 * generator so that the same address gives the same points. DOM-free.
 */
import { Rng } from '@tapegrad/core';

/** A labelled 2-D data set: `X: [n, 2]` row-major, `y: [n]` with entries 0 or 1. */
export interface Dataset {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
}

/** The generated data sets, in the order the page lists them. */
export const DATASET_NAMES = ['circle', 'xor', 'spiral', 'gauss'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Each generated set's label in the page. */
export const DATASET_TITLES: ReadonlyMap<DatasetName, string> = new Map([
  ['circle', 'Circle'],
  ['xor', 'XOR'],
  ['spiral', 'Two spirals'],
  ['gauss', 'Gaussian clusters'],
]);

/** Points per set and noise: the ranges the page (and the URL) accept. */
export const POINTS = { min: 10, max: 2000, default: 200 } as const;
/** Noise is kept to NOISE.step (the slider's step), so an address's value survives the next edit. */
export const NOISE = { min: 0, max: 1, default: 0.1, step: 0.01 } as const;

type Sampler = (rng: Rng, i: number, n: number) => [number, number, number];

/**
 * Turns of each spiral arm. One turn is learnable by a 2-16-16-1 tanh network on inputs in [-1, 1]
 * within ~1000 Adam steps; 1.5 turns sat on a plateau (loss 0.656, 66% accuracy) for 3000.
 */
const TURNS = 1;
const samplers: ReadonlyMap<DatasetName, Sampler> = new Map<DatasetName, Sampler>([
  // Class 1 inside r < 0.5, class 0 on the ring 0.7 ≤ r ≤ 1.
  [
    'circle',
    (rng, i) => {
      const inner = i % 2 === 0;
      const r = inner ? 0.5 * Math.sqrt(rng.next()) : 0.7 + 0.3 * rng.next();
      const t = 2 * Math.PI * rng.next();
      return [r * Math.cos(t), r * Math.sin(t), inner ? 1 : 0];
    },
  ],
  // Class 1 where x1 and x2 have the same sign; a small gap keeps the quadrants apart.
  [
    'xor',
    (rng) => {
      const pick = (): number => {
        const v = 0.05 + 0.95 * rng.next();
        return rng.next() < 0.5 ? -v : v;
      };
      const x1 = pick();
      const x2 = pick();
      return [x1, x2, x1 * x2 > 0 ? 1 : 0];
    },
  ],
  // Two interleaved arms of TURNS turns each, the second the first turned by π.
  [
    'spiral',
    (rng, i, n) => {
      const arm = i % 2;
      const t = Math.floor(i / 2) / Math.max(1, Math.ceil(n / 2) - 1);
      const r = 0.1 + 0.9 * t;
      const angle = TURNS * 2 * Math.PI * t + arm * Math.PI;
      return [r * Math.cos(angle), r * Math.sin(angle), arm === 0 ? 1 : 0];
    },
  ],
  // Class 1 around (0.5, 0.5), class 0 around (-0.5, -0.5), standard deviation 0.25.
  [
    'gauss',
    (rng, i) => {
      const c = i % 2 === 0 ? 0.5 : -0.5;
      return [c + 0.25 * rng.normal(), c + 0.25 * rng.normal(), i % 2 === 0 ? 1 : 0];
    },
  ],
]);

/**
 * Generates a data set: half the points of each class (alternating), each coordinate then moved
 * by Gaussian noise of standard deviation `noise` (in units where the set spans about [-1, 1]).
 * @param name one of DATASET_NAMES @param n points, an integer in [POINTS.min, POINTS.max]
 * @param noise in [0, 1] @param seed an integer in [0, 2^53)
 * @returns `X: [n, 2]`, `y: [n]` in {0, 1}
 * @example makeDataset('xor', 200, 0.1, 1).X.length // 400
 */
export function makeDataset(name: DatasetName, n: number, noise: number, seed: number): Dataset {
  const sampler = samplers.get(name);
  if (sampler === undefined) throw new RangeError(`unknown data set ${name}`);
  const rng = new Rng(seed);
  const X = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [x1, x2, label] = sampler(rng, i, n);
    X[2 * i] = x1 + noise * rng.normal();
    X[2 * i + 1] = x2 + noise * rng.normal();
    y[i] = label;
  }
  return { X, y, n };
}

/** The square region a data set is drawn in: `[lo, hi]` on both axes. */
export interface Extent {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The data's bounding square with a 10% margin (the heatmap's grid covers it), never narrower than 0.2.
 * @example extentOf(makeDataset('xor', 200, 0, 1)) // about { lo: -1.1, hi: 1.1 }
 */
export function extentOf(data: Dataset): Extent {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data.X) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return { lo: -1, hi: 1 };
  const mid = (lo + hi) / 2;
  const half = Math.max(0.1, ((hi - lo) / 2) * 1.1);
  return { lo: mid - half, hi: mid + half };
}

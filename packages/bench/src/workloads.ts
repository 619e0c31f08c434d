/**
 * The workloads and their data. Every contender starts from the same numbers (generated
 * here in float64 from a fixed seed; float32 peers round them once at setup).
 */
import { Rng } from '@tapegrad/core';

export type WorkloadId = 'mlp-train-step' | 'mlp-grad' | 'tiny-mlp-step' | 'matmul-128' | 'matmul-256' | 'matmul-512';

export interface Workload {
  readonly id: WorkloadId;
  /** One line for the table's first column. */
  readonly title: string;
  /** Floating-point operations per step when the table should also show GFLOP/s. */
  readonly flops?: number;
}

export const workloads: readonly Workload[] = [
  { id: 'mlp-train-step', title: 'MLP 784-256-128-10 tanh, softmax CE, batch 64: forward + gradients + SGD' },
  { id: 'mlp-grad', title: 'same MLP, forward + gradients only' },
  { id: 'tiny-mlp-step', title: 'MLP 2-3-2 sigmoid, half sum of squares, batch 1: forward + gradients + SGD' },
  { id: 'matmul-128', title: 'matmul 128x128 @ 128x128', flops: 2 * 128 ** 3 },
  { id: 'matmul-256', title: 'matmul 256x256 @ 256x256', flops: 2 * 256 ** 3 },
  { id: 'matmul-512', title: 'matmul 512x512 @ 512x512', flops: 2 * 512 ** 3 },
];

export const workloadIds: readonly WorkloadId[] = workloads.map((w) => w.id);

/** A dense network's starting point: per layer `W: [out, in]` and `b: [out]`, row-major. */
export interface MlpData {
  readonly sizes: readonly number[];
  /** 'tanh' hidden layers with identity logits (softmax CE), or sigmoid everywhere (half sum of squares). */
  readonly kind: 'tanh-softmax' | 'sigmoid-squares';
  readonly W: readonly Float64Array[];
  readonly b: readonly Float64Array[];
  readonly batch: number;
  /** `[batch, in]` */
  readonly X: Float64Array;
  /** `[batch, out]`: one-hot classes (softmax CE) or real targets (squares) */
  readonly Y: Float64Array;
  readonly lr: number;
}

export interface MatmulData {
  readonly n: number;
  /** `[n, n]` each */
  readonly A: Float64Array;
  readonly B: Float64Array;
}

export type WorkloadData = { readonly kind: 'mlp'; readonly mlp: MlpData } | { readonly kind: 'matmul'; readonly matmul: MatmulData };

function uniformArray(rng: Rng, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * scale;
  return out;
}

function mlpData(sizes: readonly number[], kind: MlpData['kind'], batch: number, seed: number): MlpData {
  const rng = new Rng(seed);
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    // Glorot uniform, as createMLP initialises: keeps tanh away from saturation.
    W.push(uniformArray(rng, nIn * nOut, Math.sqrt(6 / (nIn + nOut))));
    b.push(uniformArray(rng, nOut, 0.1));
  }
  const nIn = sizes[0]!;
  const nOut = sizes[sizes.length - 1]!;
  const X = uniformArray(rng, batch * nIn, 1);
  const Y = new Float64Array(batch * nOut);
  for (let r = 0; r < batch; r++) {
    if (kind === 'tanh-softmax') Y[r * nOut + rng.int(nOut)] = 1;
    else for (let j = 0; j < nOut; j++) Y[r * nOut + j] = rng.next();
  }
  return { sizes, kind, W, b, batch, X, Y, lr: 0.01 };
}

/** The data of one workload (deterministic: the same on every call). */
export function workloadData(id: WorkloadId): WorkloadData {
  switch (id) {
    case 'mlp-train-step':
    case 'mlp-grad':
      return { kind: 'mlp', mlp: mlpData([784, 256, 128, 10], 'tanh-softmax', 64, 1) };
    case 'tiny-mlp-step':
      return { kind: 'mlp', mlp: mlpData([2, 3, 2], 'sigmoid-squares', 1, 2) };
    case 'matmul-128':
    case 'matmul-256':
    case 'matmul-512': {
      const n = Number(id.slice('matmul-'.length));
      const rng = new Rng(3);
      return { kind: 'matmul', matmul: { n, A: uniformArray(rng, n * n, 1), B: uniformArray(rng, n * n, 1) } };
    }
  }
}

/** Whether the step also applies SGD (the train steps) or stops at the gradients. */
export function updatesParameters(id: WorkloadId): boolean {
  return id === 'mlp-train-step' || id === 'tiny-mlp-step';
}

/**
 * tapegrad's two ways to the gradient: the tape (`backpropTape`, reverse mode through
 * recorded core ops) and the closed form (`ClosedFormBackprop`, the hand-derived delta
 * recurrence on typed arrays). For matmul the two columns are the same `matmul` op,
 * once recorded on a tape and once outside any trace. A third column is the tape's step
 * in anomaly mode (`detectAnomaly`), to show what checking every value costs, and that
 * the tape pays nothing for it when it is off.
 */
import { availableParallelism } from 'node:os';
import { type Tensor, compile, detectAnomaly, matmul, matmulKernel, setMatmulKernel, setThreads, tensor, tensorView, threads, valueAndGrad, vjp } from '@tapegrad/core';
import { type MLP, ClosedFormBackprop, backpropTape, createMLP, getLoss, parameterViews, sgd, tapeCost, type LayerGrads, type LossName, type Params } from '@tapegrad/nn';
import { type Contender, type Instance } from '../harness.js';
import { type MlpData, type WorkloadData, type WorkloadId, updatesParameters } from '../workloads.js';
import { BenchError } from '../errors.js';

/** A model holding copies of the shared starting parameters (steps update them in place). */
function buildModel(d: MlpData): MLP {
  const sigmoid = d.kind === 'sigmoid-squares';
  const model = createMLP({ sizes: [...d.sizes], activations: sigmoid ? 'sigmoid' : 'tanh', output: sigmoid ? 'sigmoid' : 'identity', seed: 1 });
  model.layers.forEach((l, i) => {
    l.W.set(d.W[i]!);
    l.b.set(d.b[i]!);
  });
  return model;
}

function lossName(d: MlpData): LossName {
  return d.kind === 'sigmoid-squares' ? 'halfSumSquares' : 'softmaxCrossEntropy';
}

/** Sum of a result, so a benchmark step returns something that depends on all of it. */
function checksum(t: Tensor): number {
  let s = 0;
  const v = t.data;
  for (let i = 0; i < v.length; i += 97) s += v[i]!;
  return s;
}

/** How a contender runs: the tape, the tape compiled (`compile`), the tape with every value checked (anomaly mode), or the closed form. */
type Mode = 'tape' | 'compiled' | 'anomaly' | 'closed';

/** The step itself, or the step in anomaly mode. */
function maybeAnomaly(mode: Mode, step: () => number): () => number {
  return mode === 'anomaly' ? () => detectAnomaly(step) : step;
}

function matmulInstance(data: WorkloadData, mode: Mode): Instance {
  if (data.kind !== 'matmul') throw new BenchError('matmul workload: expected matmul data, got MLP data; pass workloadData(id) for this workload');
  const { n, A, B } = data.matmul;
  const a = tensor(A, [n, n]);
  const b = tensor(B, [n, n]);
  if (mode === 'compiled') {
    // The product as a compiled program: the replay writes into its own output buffer.
    const product = compile((x: Tensor) => matmul(x, b), { reuseOutputs: true });
    return { step: () => checksum(product(a)), dispose: () => undefined };
  }
  return {
    // vjp records the product on the tape (and returns it); the pullback is never called.
    step: mode !== 'closed' ? maybeAnomaly(mode, () => checksum(vjp((x: Tensor) => matmul(x, b), a)[0])) : () => checksum(matmul(a, b)),
    dispose: () => undefined,
  };
}

function mlpInstance(id: WorkloadId, data: WorkloadData, mode: Mode): Instance {
  if (data.kind !== 'mlp') throw new BenchError(`${id}: expected MLP data, got matmul data; pass workloadData(id) for this workload`);
  const d = data.mlp;
  const model = buildModel(d);
  const X = tensor(d.X, [d.batch, d.sizes[0]!]);
  const Y = tensor(d.Y, [d.batch, d.sizes[d.sizes.length - 1]!]);
  const loss = lossName(d);
  const opt = sgd({ lr: d.lr });
  const update = updatesParameters(id);
  if (mode === 'compiled') {
    // The tape's cost function under valueAndGrad, compiled once for these shapes and replayed;
    // the gradients are read (and stepped on) before the next call, so they can be the program's buffers.
    const params = parameterViews(model);
    const lossObj = getLoss(loss);
    const program = compile(valueAndGrad((ps: Params, x: Tensor, y: Tensor) => tapeCost(model, ps, x, y, lossObj, 'mean')), { reuseOutputs: true });
    return {
      step: () => {
        // Indexed, not destructured: an array pattern allocates an iterator, and this loop is measured for allocation.
        const r = program(params, X, Y);
        if (update) opt.step(model, r[1]);
        return r[0].item();
      },
      dispose: () => undefined,
    };
  }
  if (mode !== 'closed') {
    return {
      // In anomaly mode the optimizer's update is checked too: the whole step, as --check-nan runs it.
      step: maybeAnomaly(mode, () => {
        const r = backpropTape(model, X, Y, loss);
        if (update) opt.step(model, r.grads);
        return r.loss;
      }),
      dispose: () => undefined,
    };
  }
  // The reusable closed form: buffers allocated once, gradients overwritten per run.
  const bp = new ClosedFormBackprop(model, loss, 'mean');
  const grads: LayerGrads[] = model.layers.map((l, i) => ({
    W: tensorView(bp.gW[i]!, [l.outputSize, l.inputSize]),
    b: tensorView(bp.gb[i]!, [l.outputSize]),
  }));
  return {
    step: () => {
      const c = bp.run(X.data, Y.data, d.batch);
      if (update) opt.step(model, grads);
      return c;
    },
    dispose: () => undefined,
  };
}

/** Core's default thread count (setThreads' documentation: the core count, at most 4). */
const DEFAULT_THREADS = Math.min(4, availableParallelism());

/** Sets core's thread count and waits (up to 2 s) for its workers to start, so no sample runs on fewer. */
async function useThreads(n: number): Promise<void> {
  setThreads(n);
  const until = Date.now() + 2000;
  while (threads() < n && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

function tapegrad(mode: Mode, kernels: 'auto' | 'typescript', oneThread = false): Contender {
  const pureTs = kernels === 'typescript';
  const want = oneThread ? 1 : DEFAULT_THREADS;
  return {
    id: `tapegrad-${mode}${pureTs ? '-ts' : ''}${oneThread ? '-1thread' : ''}`,
    label: `tapegrad ${mode === 'tape' ? 'tape' : mode === 'compiled' ? 'compiled tape' : mode === 'anomaly' ? 'tape, anomaly mode' : 'closed form'}${pureTs ? ', TS kernels' : ''}${oneThread ? ', 1 thread' : ''}`,
    precision: 'f64',
    ours: true,
    setup: async () => undefined,
    // The kernel choice and thread count are global in core: every tapegrad contender sets its own before each sample.
    activate: async () => {
      setMatmulKernel(kernels);
      await useThreads(want);
    },
    describe: () => {
      const what =
        mode === 'tape'
          ? 'backpropTape (core ops recorded, VJPs replayed)'
          : mode === 'compiled'
            ? 'compile(valueAndGrad(tapeCost)) (the recorded forward and backward replayed as a fixed program over preallocated buffers)'
            : mode === 'anomaly'
            ? 'backpropTape inside detectAnomaly (every forward and VJP output checked for NaN/Inf)'
            : 'ClosedFormBackprop (delta recurrence on Float64Arrays, products through core\'s gemmInto)';
      setMatmulKernel(kernels);
      const k = matmulKernel();
      setMatmulKernel('auto');
      return `${what}; core matmul kernel: ${k === 'wasm' ? `WebAssembly SIMD f64x2, ${want === 1 ? '1 thread' : `up to ${want} threads`}` : 'TypeScript'}`;
    },
    create: (id, data) => (data.kind === 'matmul' ? matmulInstance(data, mode) : mlpInstance(id, data, mode)),
  };
}

/** tapegrad through the tape (WebAssembly SIMD matmul where available). */
export const tapegradTape = tapegrad('tape', 'auto');
/** The tape compiled: traced once per shape, then replayed as a fixed program. */
export const tapegradCompiled = tapegrad('compiled', 'auto');
/** tapegrad's hand-derived closed form. */
export const tapegradClosed = tapegrad('closed', 'auto');
/** The tape's step in anomaly mode: its ratio to tapegrad-tape is what checking every value costs. */
export const tapegradAnomaly = tapegrad('anomaly', 'auto');
/** The tape with core's pure TypeScript matmul kernel: the fallback, and the "pure TypeScript" targets. */
export const tapegradTapeTs = tapegrad('tape', 'typescript');
/** The tape with core's WebAssembly matmul on the calling thread only (`setThreads(1)`): its ratio to tapegrad-tape is what the worker threads bring. */
export const tapegradTape1Thread = tapegrad('tape', 'auto', true);

/**
 * Tape inspection: what a call recorded, as data, as a table and as Graphviz DOT or
 * Mermaid. This is what the teaching tools are built on; the CLI's `graph` prints these.
 */
import { ArgumentError, GradError, describeValue } from './errors.js';
import { functionArg } from './args.js';
import { type GraphOptions, type TapeEntry, type TapeInput, type TapeTableOptions, brief, renderDot, renderMermaid, renderTable } from './inspect-render.js';
import { type Tree, flattenTreeWithPaths, unflattenTree } from './pytree.js';
import { type Node, type Recorded, backward, beginTrace, endTrace, variable, withListener } from './tape.js';
import { Tensor, ones, zeros } from './tensor.js';
import { add } from './ops/elementwise.js';
import { namedOp } from './ops/structural.js';
import { type Steps, buildSteps } from './steps.js';
import { type CompiledProgram, compile } from './compile.js';
import { valueAndGrad } from './autodiff.js';

export type { GraphOptions, TapeEntry, TapeInput, TapeTableOptions } from './inspect-render.js';

/**
 * The recording of one call: entries in execution order, the output, renderers.
 * @group Inspection
 */
export interface TapeRecord {
  readonly entries: readonly TapeEntry[];
  readonly output: Tensor;
  /** Entry index of the output, or null if the output did not depend on the inputs. */
  readonly outputEntry: number | null;
  /**
   * ∂output/∂(the value called `name`): a `named()` label or an argument's path (`params.W1`).
   * Zeros when the output does not depend on it.
   * @throws ArgumentError when no value, or more than one, has that name; GradError when the output is not a scalar.
   */
  grad(name: string): Tensor;
  /**
   * The backward pass as data: the forward steps (every entry with its inputs' values), then
   * one backward step per entry whose VJPs run, in backward order, with the upstream `g`,
   * each input's local rule, its contribution and the running total of its gradient (so an
   * entry used twice shows two contributions; its last total is its `grad`, bit for bit).
   * `toJSON()` serialises it, `toString()` lists it. Computed on first call, then kept.
   * @throws GradError when the output is not a scalar.
   * @example traceTape((x) => mul(x, x), scalar(3)).steps().toString()
   */
  steps(): Steps;
  /**
   * What `compile` makes of this call: the program for `valueAndGrad(f)` at the traced point
   * (for a scalar output; the forward alone otherwise), with the forward and backward pass as
   * one list of instructions, unused ones dropped, buffers shared and elementwise chains
   * written in place. `toString()` lists it. Computed on first call, then kept.
   * @example traceTape((x) => tanh(mul(x, x)), scalar(0.5)).compiled().toString()
   */
  compiled(): CompiledProgram;
  /** A fixed-width table: `#  op  inputs  output  saved`, plus `value  grad` with `values`. */
  toTable(opts?: TapeTableOptions): string;
  /** Graphviz DOT; with `values`, node labels carry values and gradients. */
  toDot(opts?: GraphOptions): string;
  /** A Mermaid flowchart of the same graph. */
  toMermaid(opts?: GraphOptions): string;
}

/** Runs `call` inside a trace and turns what the tape saw into a record; `lower` compiles the same call. */
function recordCall(where: string, call: () => unknown, lower: (scalarOutput: boolean) => CompiledProgram): TapeRecord {
  const seen: Recorded[] = [];
  const trace = beginTrace();
  let result: unknown;
  let nodes: Node[];
  try {
    result = withListener((r) => seen.push(r), call);
  } finally {
    nodes = endTrace(trace);
  }
  if (!(result instanceof Tensor)) throw new ArgumentError(`${where}: f must return a Tensor, got ${describeValue(result)}`);
  const out = result;
  const index = new Map<Node, number>();
  seen.forEach((r, i) => index.set(r.node, i));
  let grads: (Tensor | null)[] = seen.map(() => null);
  if (out.size === 1 && out.node !== null) {
    grads = backward(nodes, [out], [ones(out.shape)], seen.map((r) => r.out), add);
  }
  const entries: TapeEntry[] = seen.map((r, i) => ({
    index: i,
    op: r.node.op.name,
    argument: r.node.argument,
    name: nameOf(r.node),
    inputs: r.inputs.map((t): TapeInput => {
      const from = t.node === null ? undefined : index.get(t.node);
      // A tensor made outside this record (untraced, or traced by an enclosing grad) is a constant here.
      return from === undefined ? { from: null, shape: [...t.shape], value: new Tensor(t.data, t.shape) } : { from, shape: [...t.shape] };
    }),
    outputShape: [...r.out.shape],
    saved: [...r.node.op.saves],
    value: new Tensor(r.out.data, r.out.shape),
    grad: grads[i] ?? null,
  }));
  const outputEntry = out.node !== null ? (index.get(out.node) ?? null) : null;
  let steps: Steps | null = null;
  let program: CompiledProgram | null = null;
  return {
    entries,
    output: new Tensor(out.data, out.shape),
    outputEntry,
    grad: (name) => namedGrad(entries, out, name),
    steps: () => (steps ??= buildSteps({ nodes, index, entryNodes: seen.map((r) => r.node), entries, output: out })),
    compiled: () => (program ??= lower(out.size === 1)),
    toTable: (o) => renderTable(entries, o),
    toDot: (o) => renderDot(entries, outputEntry, o),
    toMermaid: (o) => renderMermaid(entries, outputEntry, o),
  };
}

/** The label of a node's value: an argument's path, or the name given with `named()`. */
function nameOf(node: Node): string | null {
  if (node.argument !== null) return node.argument === '' ? null : node.argument;
  if (node.op === namedOp) return (node.attrs as { name: string }).name;
  return null;
}

function namedGrad(entries: readonly TapeEntry[], out: Tensor, name: unknown): Tensor {
  if (typeof name !== 'string') throw new ArgumentError(`TapeRecord.grad: name must be a string, got ${describeValue(name)}`);
  const hits = entries.filter((e) => e.name === name);
  if (hits.length === 0) {
    const names = [...new Set(entries.map((e) => e.name).filter((n): n is string => n !== null))];
    throw new ArgumentError(`TapeRecord.grad: no value is named '${name}'; ${names.length === 0 ? 'this tape has no names: label values with named(x, name) or trace a parameter tree with traceTape.named' : `the names on this tape are ${names.map((n) => `'${n}'`).join(', ')}`}`);
  }
  if (hits.length > 1) throw new ArgumentError(`TapeRecord.grad: ${hits.length} values are named '${name}' (entries ${hits.map((e) => `#${e.index}`).join(', ')}); give each its own name`);
  if (out.size !== 1) throw new GradError(`TapeRecord.grad: the output has shape [${out.shape.join(',')}], not a scalar, so there is no gradient ∂output/∂'${name}'; reduce the output with sum() or mean()`);
  const hit = hits[0]!;
  return hit.grad ?? zeros(hit.outputShape);
}

function tracePositional(f: (...args: Tensor[]) => Tensor, ...args: Tensor[]): TapeRecord {
  functionArg('traceTape', 'f', f);
  args.forEach((a: unknown, i) => {
    if (!(a instanceof Tensor)) {
      throw new ArgumentError(`traceTape: argument ${i} must be a Tensor, got ${describeValue(a)}; wrap numbers with tensor() or scalar(), or pass a parameter tree to traceTape.named`);
    }
  });
  const lower = (scalarOutput: boolean): CompiledProgram => {
    const target = scalarOutput && args.length > 0 ? valueAndGrad(f, args.map((_, i) => i)) : f;
    return compile(target).lower(...args);
  };
  return recordCall('traceTape', () => f(...args.map((t) => variable(t))), lower);
}

function traceNamed<P extends Tree>(f: (params: P) => Tensor, params: P): TapeRecord {
  functionArg('traceTape.named', 'f', f);
  const { leaves, paths } = flattenTreeWithPaths(params, 'traceTape.named', 'params');
  // unflattenTree rebuilds exactly the structure of `params`, so the result is a P.
  const lower = (scalarOutput: boolean): CompiledProgram => compile(scalarOutput ? valueAndGrad(f) : f).lower(params);
  return recordCall('traceTape.named', () => f(unflattenTree(params, leaves.map((t, k) => variable(t, paths[k]))) as P), lower);
}

/**
 * The type of {@link traceTape}: a function of positional arguments, and `named` for a parameter tree.
 * @group Inspection
 */
export interface TraceTape {
  /**
   * Runs `f(...args)` with every argument traced and returns what the tape recorded.
   * Arguments appear as unnamed `variable` entries (use `traceTape.named` to name them);
   * tensors that are not arguments are constants, shown with their value when small. When
   * the output is a scalar, each entry also carries its gradient.
   * @param f `(...args: Tensor[]) => Tensor` @param args the point to trace at, any shapes
   * @returns the entries, the output and the table / DOT / Mermaid renderers
   * @throws ArgumentError when an argument is not a Tensor or f does not return one.
   * @example traceTape((x, y) => mul(add(x, y), y), scalar(2), scalar(3)).toTable()
   */
  (f: (...args: Tensor[]) => Tensor, ...args: Tensor[]): TapeRecord;
  /**
   * Like `traceTape`, for a function of one parameter tree (as `grad` takes one): every leaf
   * is traced and labelled with its path, as PyTorch's `named_parameters` or JAX's key
   * paths name them. `{ W1, b1 }` gives `W1` and `b1`; `{ layers: [{ W, b }] }` gives
   * `layers[0].W` and `layers[0].b`; the labels appear in `argument` and in every rendering.
   * @param f `(params) => Tensor`, called with `params`' structure holding traced leaves
   * @param params a Tensor, or arrays / plain objects of Tensors
   * @throws ArgumentError naming the path of a leaf that is not a Tensor, or when f does not return a Tensor.
   * @example traceTape.named(({ w, b }) => sigmoid(add(mul(w, 2), b)), { w: scalar(0.5), b: scalar(-1) }).toDot()
   */
  named<P extends Tree>(f: (params: P) => Tensor, params: P): TapeRecord;
}

/**
 * What the tape records for one call, as data and as a table, Graphviz DOT or Mermaid:
 * `traceTape(f, ...args)` for positional arguments, `traceTape.named(f, params)` for a
 * parameter tree whose paths label the arguments.
 * @example traceTape.named(({ w }) => sum(mul(w, w)), { w: tensor([1, 2]) }).toTable()
 * @group Inspection
 */
export const traceTape: TraceTape = Object.assign(tracePositional, { named: traceNamed });

/**
 * A value in a few characters, as the tape's table, graphs and `steps()` print it: a number,
 * up to 4 numbers in full, else the shape and the largest magnitude.
 * @param t any shape @returns e.g. `0.25`, `[1, 2]`, `[8,4] (|max| 0.92)`
 * @throws ArgumentError when t is not a Tensor.
 * @example fmtValue(tensor([1, 2])) // '[1, 2]'
 * @group Formatting
 */
export function fmtValue(t: Tensor): string {
  if (!(t instanceof Tensor)) throw new ArgumentError(`fmtValue: t must be a Tensor, got ${describeValue(t)}`);
  return brief(t);
}

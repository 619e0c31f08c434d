import { GradError, ShapeError, ArgumentError, fmtShape } from './errors.js';
import { type Shape, sameShape } from './shape.js';
import { Tensor } from './tensor.js';

/** What a VJP sees: the op's inputs (positional), its output and its attributes. */
export interface VjpContext<I extends readonly Tensor[] = readonly Tensor[], A = unknown> {
  readonly inputs: I;
  readonly out: Tensor;
  readonly attrs: A;
}

/**
 * A vector-Jacobian product for one input: given the cotangent `g` of the output
 * (shape of the output), return the cotangent of input `index` (shape of that input),
 * or `null` for "no gradient". Written with differentiable tensor ops, so it can itself
 * be recorded and differentiated.
 */
export type Vjp<I extends readonly Tensor[] = readonly Tensor[], A = unknown> = {
  // Method syntax makes the parameters bivariant, so an op with concrete input and
  // attribute types can sit in the generic op table without a cast.
  rule(g: Tensor, ctx: VjpContext<I, A>, index: number): Tensor | null;
}['rule'];

/**
 * What every differentiable op has: a name, input names and a VJP per input. `vjp` is
 * keyed by input name; a variadic op (concat) names one input and receives every
 * position through `index`.
 */
export interface OpDef<I extends readonly Tensor[] = readonly Tensor[], A = unknown> {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly variadic?: boolean;
  /** What the VJPs read besides `g`: input names and/or `'out'`. Shown by tape inspection. */
  readonly saves: readonly string[];
  readonly vjp: Readonly<Record<string, Vjp<I, A> | null>>;
}

/** A primitive with its own kernel: the op table's entries. */
export interface KernelOp<I extends readonly Tensor[] = readonly Tensor[], A = unknown> extends OpDef<I, A> {
  /** Output shape from input shapes; throws `ShapeError` naming the op. */
  shape(shapes: readonly Shape[], attrs: A): Shape;
  /** Computes the output values. May return an input's `data` when values are unchanged (reshape). */
  forward(inputs: I, attrs: A, outShape: Shape): Float64Array;
}

/** A recorded application of an op: one entry of the tape. */
export interface Node {
  /** Global creation order; inputs always have smaller ids than the nodes using them. */
  readonly id: number;
  readonly op: OpDef<readonly Tensor[], unknown>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly out: Tensor;
  /**
   * For a traced argument (a grad target or a traceTape argument), its label: the
   * parameter-tree path or name given by the caller (`''` when it has none); `null` for an
   * op application. This, not the op's name, is how a renderer tells arguments apart.
   */
  readonly argument: string | null;
}

interface TapeState {
  /** Active traces (grad / vjp calls under way). Recording happens only when > 0. */
  depth: number;
  /** False inside `noGrad`. */
  enabled: boolean;
  /** The Wengert list: nodes in creation order, `nodes[i].id === base + i`. */
  nodes: Node[];
  base: number;
  /** Listeners for tape inspection (`traceTape`). */
  listeners: ((node: Node) => void)[];
}

const state: TapeState = { depth: 0, enabled: true, nodes: [], base: 0, listeners: [] };

function record(op: OpDef<readonly Tensor[], unknown>, inputs: readonly Tensor[], attrs: unknown, out: Tensor, argument: string | null = null): void {
  const node: Node = { id: state.base + state.nodes.length, op, inputs, attrs, out, argument };
  state.nodes.push(node);
  out.node = node;
  for (const l of state.listeners) l(node);
}

function isTraced(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) {
    const n = inputs[i]!.node;
    if (n !== null && n.id >= state.base) return true;
  }
  return false;
}

function checkInputs(op: OpDef<readonly Tensor[], unknown>, inputs: readonly unknown[]): void {
  if (!op.variadic && inputs.length !== op.inputs.length) {
    throw new ArgumentError(`${op.name}: expects ${op.inputs.length} input(s) (${op.inputs.join(', ')}), got ${inputs.length}`);
  }
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i] instanceof Tensor)) {
      const name = op.variadic ? `${op.inputs[0]}[${i}]` : op.inputs[i];
      throw new ArgumentError(`${op.name}: input '${name}' must be a Tensor, got ${describe(inputs[i])}; wrap numbers with tensor() or scalar()`);
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Runs a primitive: shape rule, kernel, and a tape entry when an input is traced. */
export function apply<I extends readonly Tensor[], A>(op: KernelOp<I, A>, inputs: I, attrs: A): Tensor {
  const generic: OpDef<readonly Tensor[], unknown> = op;
  checkInputs(generic, inputs);
  const shapes: Shape[] = new Array<Shape>(inputs.length);
  for (let i = 0; i < inputs.length; i++) shapes[i] = inputs[i]!.shape;
  const shape = op.shape(shapes, attrs);
  const data = op.forward(inputs, attrs, shape);
  const out = new Tensor(data, shape);
  if (state.depth > 0 && state.enabled && isTraced(inputs)) record(generic, inputs, attrs, out);
  return out;
}

/** @internal Records an already-computed output (custom ops compute theirs under `noGrad`). */
export function recordCustom(op: OpDef<readonly Tensor[], unknown>, inputs: readonly Tensor[], out: Tensor): Tensor {
  if (state.depth > 0 && state.enabled && isTraced(inputs)) record(op, inputs, undefined, out);
  return out;
}

/**
 * Runs `fn` without recording: nothing computed inside is differentiated.
 * @example const y = noGrad(() => mul(x, x)); // y is a constant to any enclosing grad
 */
export function noGrad<T>(fn: () => T): T {
  const prev = state.enabled;
  state.enabled = false;
  try {
    return fn();
  } finally {
    state.enabled = prev;
  }
}

/** True while ops are being recorded (inside grad/vjp and not inside noGrad). */
export function isRecording(): boolean {
  return state.depth > 0 && state.enabled;
}

/** A traced region: the nodes recorded between `beginTrace` and `endTrace`. */
export interface Trace {
  readonly start: number;
  readonly wasEnabled: boolean;
}

/** @internal Opens a trace; every `beginTrace` is paired with `endTrace`. */
export function beginTrace(): Trace {
  state.depth++;
  const wasEnabled = state.enabled;
  state.enabled = true; // grad inside noGrad still differentiates its own function
  return { start: state.base + state.nodes.length, wasEnabled };
}

/** @internal Closes a trace and returns the nodes it recorded. The outermost trace frees the tape. */
export function endTrace(trace: Trace): Node[] {
  state.depth--;
  state.enabled = trace.wasEnabled;
  const nodes = state.nodes.slice(trace.start - state.base);
  if (state.depth === 0) {
    state.base += state.nodes.length;
    state.nodes = [];
  }
  return nodes;
}

/** @internal Number of nodes currently held by the tape (for memory tests). */
export function tapeLength(): number {
  return state.nodes.length;
}

/** @internal The op of a grad target: an identity whose input is the user's argument. */
export const variableOp: OpDef<readonly [Tensor], undefined> = {
  name: 'variable',
  inputs: ['x'],
  saves: [],
  vjp: { x: (g) => g },
};

/** @internal Makes a traced stand-in for a grad target (call inside a trace), labelled for renderers. */
export function variable(x: Tensor, label = ''): Tensor {
  const out = new Tensor(x.data, x.shape);
  record(variableOp, [x], undefined, out, label);
  return out;
}

/** @internal Adds two cotangents of the same shape (differentiable, for higher order). */
export type Accumulate = (a: Tensor, b: Tensor) => Tensor;

/**
 * Walks `nodes` (a trace's recording, in creation order) backwards from `outputs` with
 * cotangents `seeds`, and returns the cotangent of each of `targets` (null: no path).
 * Iterative: node ids are a topological order, so there is no recursion and no sort.
 */
export function backward(
  nodes: readonly Node[],
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  targets: readonly Tensor[],
  accumulate: Accumulate,
): (Tensor | null)[] {
  const result: (Tensor | null)[] = targets.map(() => null);
  if (nodes.length === 0) return result;
  const lo = nodes[0]!.id;
  const inRegion = (n: Node | null): n is Node => n !== null && n.id >= lo && n.id < lo + nodes.length && nodes[n.id - lo] === n;
  const cts: (Tensor | null)[] = new Array<Tensor | null>(nodes.length).fill(null);
  let hi = -1;
  for (let o = 0; o < outputs.length; o++) {
    const n = outputs[o]!.node;
    if (!inRegion(n)) continue;
    const k = n.id - lo;
    const prev = cts[k];
    cts[k] = prev === null || prev === undefined ? seeds[o]! : accumulate(prev, seeds[o]!);
    hi = Math.max(hi, n.id);
  }
  // Targets keep their cotangents; every other one is dropped once passed on.
  const keep = new Set<number>();
  for (const t of targets) if (inRegion(t.node)) keep.add(t.node.id);
  for (let id = hi; id >= lo; id--) {
    const g = cts[id - lo];
    if (g === null || g === undefined) continue;
    const node = nodes[id - lo]!;
    const { op, inputs } = node;
    let ctx: VjpContext | null = null;
    for (let i = 0; i < inputs.length; i++) {
      const inNode = inputs[i]!.node;
      if (!inRegion(inNode) || inNode.id >= id) continue;
      const name = op.variadic ? op.inputs[0]! : op.inputs[i]!;
      const rule = op.vjp[name];
      if (rule === null || rule === undefined) continue;
      ctx ??= { inputs, out: node.out, attrs: node.attrs };
      const gi = rule(g, ctx, i);
      if (gi === null) continue;
      checkCotangentOf(op.name, name, gi, inputs[i]!);
      const k = inNode.id - lo;
      const prev = cts[k];
      cts[k] = prev === null || prev === undefined ? gi : accumulate(prev, gi);
    }
    if (!keep.has(id)) cts[id - lo] = null;
  }
  for (let t = 0; t < targets.length; t++) {
    const n = targets[t]!.node;
    if (inRegion(n)) result[t] = cts[n.id - lo] ?? null;
  }
  return result;
}

function checkCotangentOf(op: string, input: string, gi: unknown, x: Tensor): void {
  if (!(gi instanceof Tensor)) {
    throw new GradError(`${op}: the VJP for input '${input}' returned ${describe(gi)}; a VJP must return a Tensor, or null for no gradient`);
  }
  if (!sameShape(gi.shape, x.shape)) {
    throw new ShapeError(
      `${op}: the VJP for input '${input}' returned shape ${fmtShape(gi.shape)} but the input has shape ` +
        `${fmtShape(x.shape)}; a VJP must return a cotangent shaped like its input (undo broadcasting with sumTo)`,
    );
  }
}

/** @internal Checks that `seed` fits `output` for a pullback. */
export function checkCotangent(where: string, output: Tensor, seed: Tensor): void {
  if (!sameShape(output.shape, seed.shape)) {
    throw new GradError(
      `${where}: cotangent has shape ${fmtShape(seed.shape)} but the output has shape ${fmtShape(output.shape)}; ` +
        `pass a cotangent shaped like the output`,
    );
  }
}

/** @internal Listens to every node recorded while `fn` runs (tape inspection). */
export function withListener<T>(listener: (node: Node) => void, fn: () => T): T {
  state.listeners.push(listener);
  try {
    return fn();
  } finally {
    state.listeners.splice(state.listeners.indexOf(listener), 1);
  }
}


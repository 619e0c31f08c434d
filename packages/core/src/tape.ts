import { GradError, ShapeError, ArgumentError, describeValue, fmtShape } from './errors.js';
import { type Shape, sameShape } from './shape.js';
import { Tensor } from './tensor.js';
import type { AnomalyHook } from './anomaly.js';

export { type VjpContext, type Vjp, type RuleText, type OpDef, type KernelOp, defineOp, checkOpNames } from './op-def.js';
import type { KernelOp, OpDef } from './op-def.js';

/** A recorded application of an op: one entry of the tape. @group Custom ops */
export interface Node {
  /** Global creation order; inputs always have smaller ids than the nodes using them. */
  readonly id: number;
  readonly op: OpDef;
  readonly attrs: unknown;
  /** Per input, the node that made it, or `null` for a constant (an untraced tensor). */
  readonly parents: readonly (Node | null)[];
  /** Per input, its shape. */
  readonly shapes: readonly Shape[];
  readonly outShape: Shape;
  /** What the op's VJPs read, by name (its `saves`), as own properties; nothing else is kept. */
  readonly saved: Readonly<Record<string, Tensor>>;
  /**
   * For a traced argument (a grad target or a traceTape argument), its label: the
   * parameter-tree path or name given by the caller (`''` when it has none); `null` for an
   * op application. This, not the op's name, is how a renderer tells arguments apart.
   */
  readonly argument: string | null;
}

/** What a tape listener is told of each recorded node: the node and the tensors it was applied to. @group Custom ops */
export interface Recorded {
  readonly node: Node;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
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
  listeners: ((rec: Recorded) => void)[];
}

const state: TapeState = { depth: 0, enabled: true, nodes: [], base: 0, listeners: [] };

/** @internal What `compile` is told while it traces a function: every primitive applied, and every custom op. */
export interface CompileRecorder {
  op(op: KernelOp, inputs: readonly Tensor[], attrs: unknown, out: Tensor): void;
  custom(name: string): void;
}
/** @internal compile's recorder while it traces, null otherwise: one more null test in apply. */
export const compileHook: { rec: CompileRecorder | null } = { rec: null };
/** @internal anomaly.ts's checks while `detectAnomaly` runs, null when off: the one test apply, recordCustom and backward pay. */
export const anomalyMode: { hook: AnomalyHook | null } = { hook: null };

const nothingSaved: Readonly<Record<string, Tensor>> = Object.freeze({});

function shapesOf(inputs: readonly Tensor[]): Shape[] {
  const shapes = new Array<Shape>(inputs.length);
  for (let i = 0; i < inputs.length; i++) shapes[i] = inputs[i]!.shape;
  return shapes;
}

/** Appends a node. `shapes` are the inputs' shapes (apply has them already, so they are not gathered twice). */
function record(op: OpDef, inputs: readonly Tensor[], shapes: readonly Shape[], attrs: unknown, out: Tensor, argument: string | null = null): void {
  const n = inputs.length;
  const parents = new Array<Node | null>(n);
  for (let i = 0; i < n; i++) parents[i] = inputs[i]!.node;
  // Keep only what the VJPs declared they read: every other input and the output can be
  // released as soon as the caller drops them (tfjs's saveTensors does the same).
  const saves = op.saves;
  let saved = nothingSaved;
  if (saves.length > 0) {
    // A plain literal keeps V8's fast properties (a null-prototype object starts in
    // dictionary mode, measurably slower on tiny steps). The names are safe keys: kernel
    // ops' are checked by the compiler, customOp rejects '__proto__'; every declared name
    // is an own property, so a VJP never reads a declared value from Object.prototype.
    const byName: Record<string, Tensor> = {};
    for (let k = 0; k < saves.length; k++) {
      const name = saves[k]!;
      byName[name] = name === 'out' ? out : inputs[op.inputs.indexOf(name)]!;
    }
    saved = byName;
  }
  const node: Node = { id: state.base + state.nodes.length, op, attrs, parents, shapes, outShape: out.shape, saved, argument };
  state.nodes.push(node);
  out.node = node;
  for (const l of state.listeners) l({ node, inputs, out });
}

function isTraced(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) {
    const n = inputs[i]!.node;
    if (n !== null && n.id >= state.base) return true;
  }
  return false;
}

function checkInputs(op: OpDef, inputs: readonly unknown[]): void {
  if (!op.variadic && inputs.length !== op.inputs.length) {
    throw new ArgumentError(`${op.name}: expects ${op.inputs.length} input(s) (${op.inputs.join(', ')}), got ${inputs.length}`);
  }
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i] instanceof Tensor)) {
      const name = op.variadic ? `${op.inputs[0]}[${i}]` : op.inputs[i];
      throw new ArgumentError(`${op.name}: input '${name}' must be a Tensor, got ${describeValue(inputs[i])}; wrap numbers with tensor() or scalar()`);
    }
  }
}

/** Runs a primitive: shape rule, kernel, and a tape entry when an input is traced. */
export function apply<I extends readonly Tensor[], A, N extends string, S extends string>(op: KernelOp<I, A, N, S>, inputs: I, attrs: A): Tensor {
  const generic: OpDef = op;
  checkInputs(generic, inputs);
  const shapes = shapesOf(inputs);
  const shape = op.shape(shapes, attrs);
  const data = op.forward(inputs, attrs, shape);
  const out = new Tensor(data, shape);
  if (compileHook.rec !== null) compileHook.rec.op(op, inputs, attrs, out);
  if (state.depth > 0 && state.enabled && isTraced(inputs)) record(generic, inputs, shapes, attrs, out);
  if (anomalyMode.hook !== null) anomalyMode.hook.forward(generic, inputs, out);
  return out;
}

/** @internal Records an already-computed output (custom ops compute theirs under `noGrad`). */
export function recordCustom(op: OpDef, inputs: readonly Tensor[], out: Tensor): Tensor {
  if (compileHook.rec !== null) compileHook.rec.custom(op.name);
  if (state.depth > 0 && state.enabled && isTraced(inputs)) record(op, inputs, shapesOf(inputs), undefined, out);
  if (anomalyMode.hook !== null) anomalyMode.hook.forward(op, inputs, out);
  return out;
}

/**
 * Runs `fn` without recording: nothing computed inside is differentiated. @group Autodiff
 * @example const y = noGrad(() => mul(x, x)); // y is a constant to any enclosing grad
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`noGrad: fn must be a function, got ${describeValue(fn)}; wrap the computation: noGrad(() => ...)`);
  const prev = state.enabled;
  state.enabled = false;
  try {
    return fn();
  } finally {
    state.enabled = prev;
  }
}

/** True while ops are being recorded (inside grad/vjp and not inside noGrad). @group Autodiff */
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

/** The op of a grad target: an identity whose input is the user's argument. */
const variableOp: OpDef<undefined, 'x', never> = {
  name: 'variable',
  inputs: ['x'],
  saves: [],
  vjp: { x: (g) => g },
};

/** @internal Makes a traced stand-in for a grad target (call inside a trace), labelled for renderers. */
export function variable(x: Tensor, label = ''): Tensor {
  const out = new Tensor(x.data, x.shape);
  record(variableOp, [x], [x.shape], undefined, out, label);
  return out;
}

/** @internal Adds two cotangents of the same shape (differentiable, for higher order). */
export type Accumulate = (a: Tensor, b: Tensor) => Tensor;

/**
 * Told of every VJP application of a backward walk, in backward order: the node, its
 * upstream cotangent `g`, the input position, that input's contribution (null: no
 * gradient) and the running total of the input's cotangent after adding it (`steps()`).
 */
export type BackwardObserver = (node: Node, g: Tensor, input: number, contribution: Tensor | null, total: Tensor | null) => void;

/**
 * Walks `nodes` (a trace's recording, in creation order) backwards from `outputs` with
 * cotangents `seeds`, and returns the cotangent of each of `targets` (null: no path).
 * Iterative: node ids are a topological order, so there is no recursion and no sort.
 * `observe`, when given, is told of each VJP application.
 */
export function backward(
  nodes: readonly Node[],
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  targets: readonly Tensor[],
  accumulate: Accumulate,
  observe?: BackwardObserver,
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
    const { op, parents } = node;
    for (let i = 0; i < parents.length; i++) {
      const inNode = parents[i]!;
      if (!inRegion(inNode)) continue;
      const name = op.variadic ? op.inputs[0]! : op.inputs[i]!;
      // Every op was checked by checkOpNames (defineOp, customOp), so each input has an own rule.
      const rule = op.vjp[name];
      if (rule === null) {
        if (observe !== undefined) observe(node, g, i, null, cts[inNode.id - lo] ?? null);
        continue;
      }
      // A missing key is not "no gradient": say so rather than drop the gradient silently.
      if (rule === undefined) throw new GradError(`${op.name}: no VJP rule for input '${name}'; give a function, or null to declare that it has no gradient`);
      // The node is the context: it holds exactly saved, shapes and attrs.
      const gi = anomalyMode.hook === null ? rule(g, node, i) : anomalyMode.hook.vjp(node, i, g, rule, lo);
      const k = inNode.id - lo;
      if (gi === null) {
        if (observe !== undefined) observe(node, g, i, null, cts[k] ?? null);
        continue;
      }
      checkCotangentOf(op.name, name, gi, node.shapes[i]!);
      const prev = cts[k];
      cts[k] = prev === null || prev === undefined ? gi : anomalyMode.hook === null ? accumulate(prev, gi) : anomalyMode.hook.accumulate(node, i, prev, gi, accumulate, lo);
      if (observe !== undefined) observe(node, g, i, gi, cts[k]);
    }
    if (!keep.has(id)) cts[id - lo] = null;
  }
  for (let t = 0; t < targets.length; t++) {
    const n = targets[t]!.node;
    if (inRegion(n)) result[t] = cts[n.id - lo] ?? null;
  }
  return result;
}

function checkCotangentOf(op: string, input: string, gi: unknown, shape: Shape): void {
  if (!(gi instanceof Tensor)) {
    throw new GradError(`${op}: the VJP for input '${input}' returned ${describeValue(gi)}; a VJP must return a Tensor, or null for no gradient`);
  }
  if (!sameShape(gi.shape, shape)) {
    throw new ShapeError(
      `${op}: the VJP for input '${input}' returned shape ${fmtShape(gi.shape)} but the input has shape ` +
        `${fmtShape(shape)}; a VJP must return a cotangent shaped like its input (undo broadcasting with sumTo)`,
    );
  }
}

/** @internal Checks that `seed` fits `output` for a pullback. */
export function checkCotangent(where: string, output: Tensor, seed: Tensor): void {
  if (!sameShape(output.shape, seed.shape)) {
    throw new GradError(`${where} has shape ${fmtShape(seed.shape)} but the output has shape ${fmtShape(output.shape)}; pass a cotangent shaped like the output`);
  }
}

/** @internal True while a tape listener is attached (`traceTape` is running): labels are then worth building. */
export function isInspected(): boolean {
  return state.listeners.length > 0;
}

/** @internal Listens to every node recorded while `fn` runs (tape inspection). */
export function withListener<T>(listener: (rec: Recorded) => void, fn: () => T): T {
  state.listeners.push(listener);
  try {
    return fn();
  } finally {
    state.listeners.splice(state.listeners.indexOf(listener), 1);
  }
}


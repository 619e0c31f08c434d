/**
 * `compile(f)`, tapegrad's `jit`: trace `f` once per argument signature (the shapes and tree
 * structure of its arguments), then replay the recorded primitives, forward and backward,
 * as a fixed program over preallocated buffers. Same kernels in the same order on the same
 * values, so the numbers are the eager ones bit for bit.
 */
import { ArgumentError, CompileError, checkOptions, describeValue } from './errors.js';
import { boolArg, functionArg } from './args.js';
import { type Shape } from './shape.js';
import { flattenTree, flattenTreeWithPaths, unflattenTree } from './pytree.js';
import { anomalyMode, isInspected, isRecording } from './tape.js';
import { Tensor } from './tensor.js';
import { Recorder, isCompiling, recording, standIn } from './compile/record.js';
import { Program } from './compile/program.js';
import { type CompiledProgram, describeEager, describeProgram } from './compile/listing.js';

export type { CompiledProgram } from './compile/listing.js';
export type { ProgramLine, ProgramStats } from './compile/program.js';

/**
 * Options of `compile`.
 * @group Compilation
 */
export interface CompileOptions {
  /**
   * Return tensors over the program's own buffers, overwritten by the next call, instead of
   * fresh copies (default false). Saves copying the outputs each call, as a training loop
   * that reads its gradients before the next step can afford; keep a result past the next
   * call only by copying it. Passing a result back as the next call's argument is safe
   * (`state = step(state)`): that argument is copied before the buffers are overwritten.
   */
  readonly reuseOutputs?: boolean;
  /**
   * Check the first replay of each signature against an eager call, bit for bit (default
   * true): a function that reads tensor values outside ops (`.data`, `item()`) or draws
   * random numbers would otherwise replay its first call's values silently.
   */
  readonly check?: boolean;
}

/**
 * A compiled function: called like `f`, plus `lower` to see the program for some arguments.
 * @group Compilation
 */
export type Compiled<F extends (...args: never[]) => unknown> = ((...args: Parameters<F>) => ReturnType<F>) & {
  /** The program `f` compiles to for these arguments' signature (tracing it if needed). */
  lower(...args: Parameters<F>): CompiledProgram;
  /** How many times `f` was traced: once per new signature. */
  readonly traces: number;
};

/** Structure and shapes of the arguments: a cache key, and a template to match later calls against without allocating. */
type Template = { readonly shape: Shape } | { readonly items: readonly Template[] } | { readonly keys: readonly string[]; readonly values: readonly Template[] };

interface Entry {
  readonly template: Template;
  readonly argShapes: readonly Shape[];
  readonly argNames: readonly string[];
  readonly program: Program | null;
  readonly eager: string | null;
  readonly outTree: unknown;
  readonly outputNames: readonly string[];
  checked: boolean;
  /** The output tree over the program's buffers, built once, when outputs are reused and none is an argument. */
  fixedOut: unknown;
}

const MAX_SIGNATURES = 32;

function isPlain(v: unknown): v is Readonly<Record<string, unknown>> {
  if (v === null || typeof v !== 'object') return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function templateOf(v: unknown): Template {
  if (v instanceof Tensor) return { shape: v.shape };
  if (Array.isArray(v)) return { items: v.map(templateOf) };
  if (isPlain(v)) {
    const keys = Object.keys(v);
    return { keys, values: keys.map((k) => templateOf(v[k])) };
  }
  return { items: [] }; // unreachable: flattenTree has refused any other leaf
}

function keyOf(t: Template): string {
  if ('shape' in t) return `[${t.shape.join(',')}]`;
  if ('items' in t) return `(${t.items.map(keyOf).join(' ')})`;
  return `{${t.keys.map((k, i) => `${JSON.stringify(k)}:${keyOf(t.values[i]!)}`).join(' ')}}`;
}

/** Writes `v`'s leaves into `out` from `at` when `v` fits `t`; returns the next index, or -1 on a mismatch. */
function match(t: Template, v: unknown, out: Tensor[], at: number): number {
  if ('shape' in t) {
    if (!(v instanceof Tensor)) return -1;
    const s = v.shape;
    if (s.length !== t.shape.length) return -1;
    for (let i = 0; i < s.length; i++) if (s[i] !== t.shape[i]) return -1;
    out[at] = v;
    return at + 1;
  }
  if ('items' in t) {
    if (!Array.isArray(v) || v.length !== t.items.length) return -1;
    for (let i = 0; i < t.items.length && at >= 0; i++) at = match(t.items[i]!, v[i], out, at);
    return at;
  }
  if (!isPlain(v)) return -1;
  // The same keys in the same order: f may read them in order (Object.values, a loop), and
  // flattenTree orders a tree's leaves by it, so { b, a } is another signature than { a, b }.
  const keys = t.keys;
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (n === keys.length || k !== keys[n]) return -1;
    n++;
  }
  if (n !== keys.length) return -1;
  for (let i = 0; i < keys.length && at >= 0; i++) at = match(t.values[i]!, v[keys[i]!], out, at);
  return at;
}

function sameBits(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y ? x === 0 && 1 / x !== 1 / y : !(x !== x && y !== y)) return i;
  }
  return -1;
}

/**
 * Compiles `f` (JAX's `jit`): the first call with a new argument signature (tree structure,
 * object keys in their order, and shapes) runs `f` once and records every primitive it
 * applies, including the VJPs a `grad` inside it runs; later calls replay that program over
 * preallocated buffers, with unused instructions dropped and elementwise ops written in place
 * over inputs that die there. Results equal the eager ones bit for bit. Tensors `f` reads from outside its
 * arguments are read live each call (a `tensorView` of parameters updated in place stays
 * current). A new signature retraces; under `grad`, `traceTape` or `detectAnomaly`, and
 * for functions using `customOp`, `f` runs eagerly instead.
 * @param f a function of Tensors (or arrays/objects of Tensors) returning the same
 * @throws CompileError when the first replay differs from an eager call (see `CompileOptions.check`).
 * @example const step = compile((W: Tensor, x: Tensor) => grad((w: Tensor) => sum(square(matmul(x, w))))(W));
 * @group Compilation
 */
export function compile<F extends (...args: never[]) => unknown>(f: F, opts: CompileOptions = {}): Compiled<F> {
  functionArg('compile', 'f', f);
  checkOptions('compile', opts, ['reuseOutputs', 'check']);
  const reuse = boolArg('compile', 'reuseOutputs', opts.reuseOutputs, false);
  const check = boolArg('compile', 'check', opts.check, true);
  // f is called with the arguments it was given, held here as unknown[] (the call's own values).
  const fn = (...args: unknown[]): ReturnType<F> => (f as (...a: Parameters<F>) => ReturnType<F>)(...(args as Parameters<F>));
  const cache = new Map<string, Entry>();
  let last: Entry | null = null;
  let traces = 0;
  /** The current call's argument leaves (reused across calls). */
  const leaves: Tensor[] = [];

  const trace = (args: unknown[]): { entry: Entry; out: ReturnType<F> } => {
    const { leaves: argLeaves, paths } = flattenTreeWithPaths(args, 'compile', 'arguments');
    const template = templateOf(args);
    const stand = argLeaves.map(standIn);
    const rec = new Recorder(stand);
    const callArgs = unflattenTree(args, stand) as unknown[];
    const out = recording(rec, () => fn(...callArgs));
    traces++;
    let outLeaves: Tensor[];
    try {
      outLeaves = flattenTree(out, 'compile');
    } catch {
      throw new ArgumentError(`compile: f must return a Tensor, or arrays/objects of Tensors, got ${describeValue(out)}`);
    }
    const argShapes = argLeaves.map((t) => t.shape);
    const operands = outLeaves.map((t) => rec.operand(t));
    const eager = rec.customName === null ? null : `it uses the custom op '${rec.customName}', whose forward and VJPs are functions compile cannot see into`;
    const program = eager === null ? new Program(rec, operands, stand.map((t) => t.data), paths) : null;
    const outputNames = operands.map((o) => (o.kind === 'slot' ? `%${o.slot}` : 'const'));
    const entry: Entry = { template, argShapes, argNames: paths, program, eager, outTree: out, outputNames, checked: !check, fixedOut: null };
    const key = keyOf(template);
    if (cache.size >= MAX_SIGNATURES) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
    return { entry, out };
  };

  /** The entry for `args`, with their leaves in `leaves`; null when it must be traced. */
  const find = (args: unknown[]): Entry | null => {
    if (last !== null && match(last.template, args, leaves, 0) >= 0) return last;
    flattenTree(args, 'compile', 'arguments'); // throws, naming a leaf that is not a Tensor
    const hit = cache.get(keyOf(templateOf(args))) ?? null;
    if (hit !== null && match(hit.template, args, leaves, 0) >= 0) return hit;
    return null;
  };

  /** Replays `entry` on the leaves `find` left in `leaves`. */
  const replay = (entry: Entry, program: Program, args: unknown[]): ReturnType<F> => {
    if (!entry.checked) {
      const eagerOut = fn(...args);
      const got = program.run(leaves, false);
      const traced = keyOf(templateOf(entry.outTree));
      const eagerShape = keyOf(templateOf(eagerOut));
      if (traced !== eagerShape) {
        throw new CompileError(
          `compile: the output's structure and shapes changed between the traced call and an eager call with the same signature ` +
            `(${traced} traced, ${eagerShape} eager): f chose them from something other than its arguments' shapes ` +
            `(a JavaScript variable, or values read outside ops), so the program would repeat the traced call's. ` +
            `Pass what changes as arguments, or call f without compile`,
        );
      }
      const want = flattenTree(eagerOut, 'compile');
      for (let i = 0; i < want.length; i++) {
        const at = sameBits(want[i]!.data, got[i]!.data);
        if (at >= 0) {
          throw new CompileError(
            `compile: output leaf ${i} (${entry.outputNames[i]}) of the replayed program differs from an eager call at element ${at} ` +
              `(${got[i]!.data[at]} replayed, ${want[i]!.data[at]} eager): f read tensor values outside tapegrad's ops (.data, item(), toArray(), a loop over values) ` +
              `or drew random numbers, so the program repeats its first call's values. Compute with ops, pass changing values as arguments, or call f without compile`,
          );
        }
      }
      entry.checked = true;
      return eagerOut;
    }
    if (reuse && entry.fixedOut !== null) {
      program.execute(leaves);
      return entry.fixedOut as ReturnType<F>; // built below from f's own output tree
    }
    // f's traced output tree with this replay's leaves: the same structure f returned.
    const out = unflattenTree(entry.outTree, program.run(leaves, reuse)) as ReturnType<F>;
    if (reuse && !program.returnsArgument) entry.fixedOut = out;
    return out;
  };

  // The arguments array is kept from call to call: a rest parameter would allocate one per call,
  // and a replay otherwise allocates nothing. It is copied wherever it may escape (f, the cache).
  const argsBuf: unknown[] = [];
  let busy = false;
  const call = function (this: unknown): ReturnType<F> {
    // Inside another trace the caller must see the ops themselves; anomaly mode checks each one.
    // A call from inside f (while this function traces or checks) runs eagerly too: the
    // buffers below belong to the outer call.
    if (busy || isRecording() || isCompiling() || isInspected() || anomalyMode.hook !== null) {
      // Copied by index: passing `arguments` on would make V8 build the object on every call.
      const copy = new Array<unknown>(arguments.length);
      for (let i = 0; i < arguments.length; i++) copy[i] = arguments[i];
      return fn(...copy);
    }
    argsBuf.length = arguments.length;
    for (let i = 0; i < arguments.length; i++) argsBuf[i] = arguments[i];
    busy = true;
    try {
      const entry = find(argsBuf);
      if (entry === null) return trace([...argsBuf]).out;
      last = entry;
      if (entry.program === null) return fn(...argsBuf);
      return replay(entry, entry.program, argsBuf);
    } finally {
      busy = false;
    }
  };

  const lower = (...args: unknown[]): CompiledProgram => {
    if (busy) throw new ArgumentError('compile: lower() was called from inside the compiled function itself; call it outside');
    let entry = find(args);
    if (entry === null) entry = trace(args).entry;
    if (entry.program === null) return describeEager(entry.eager ?? 'unknown', entry.argNames, entry.argShapes);
    return describeProgram(entry.program, entry.argShapes, entry.outputNames);
  };

  const compiled: Compiled<F> = Object.assign(call, { lower, traces: 0 });
  return Object.defineProperty(compiled, 'traces', { get: () => traces });
}

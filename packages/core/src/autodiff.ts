/**
 * The functional differentiation API: vjp, grad, valueAndGrad, jvp, hvp, plus
 * stopGradient (user-defined ops are in custom-op.ts).
 */
import { ArgumentError, GradError, ShapeError, checkOptions, describeValue, fmtShape, showValue } from './errors.js';
import { boolArg, functionArg } from './args.js';
import { detectAnomaly } from './anomaly.js';
import { sameShape } from './shape.js';
import { type Tree, flattenTree, flattenTreeWithPaths, unflattenTree } from './pytree.js';
import { anomalyMode, backward, beginTrace, checkCotangent, endTrace, isInspected, isRecording, variable } from './tape.js';
import { Tensor, ones, zeros } from './tensor.js';
import { add, mul } from './ops/elementwise.js';
import { sum } from './ops/structural.js';

/**
 * Argument positions to differentiate: one index, or several (gradients come back as a tuple).
 * @group Autodiff
 */
export type Argnums = number | readonly number[];

/** A tensor that is not traced: a fresh handle on the same data. */
function detach(t: Tensor): Tensor {
  return t.node === null ? t : new Tensor(t.data, t.shape);
}

/** At the outermost level nothing returned should keep the tape alive. */
function detachTree<T>(tree: T): T {
  if (isRecording()) return tree;
  const leaves = flattenTree(tree, 'detach');
  return unflattenTree(tree, leaves.map(detach)) as T;
}

interface Traced {
  out: unknown;
  outLeaves: Tensor[];
  /** Per differentiated argument, its traced stand-in leaves. */
  vars: Tensor[][];
  nodes: ReturnType<typeof endTrace>;
}

/** Runs `f` with the `argnums` arguments replaced by traced variables and returns the recording. */
function traceCall(where: string, f: (...args: never[]) => unknown, args: readonly unknown[], argnums: readonly number[]): Traced {
  const trace = beginTrace();
  let out: unknown;
  const vars: Tensor[][] = [];
  let nodes: Traced['nodes'];
  try {
    const callArgs = [...args];
    for (const i of argnums) {
      // Each stand-in carries its path in the argument's tree (`W`, `layers[0].b`; '' for a
      // plain Tensor), so a traceTape around this call names it.
      // Paths are built only under traceTape and anomaly mode, the readers of labels: grad flattens its
      // arguments on every call, and building the strings cost 1-2 µs of a 10 µs tiny step.
      let v: Tensor[];
      if (isInspected() || anomalyMode.hook !== null) {
        const { leaves, paths } = flattenTreeWithPaths(args[i], where, `argument ${i}`);
        v = leaves.map((t, k) => variable(t, paths[k]));
      } else v = flattenTree(args[i], where, `argument ${i}`).map((t) => variable(t));
      vars.push(v);
      callArgs[i] = unflattenTree(args[i], v);
    }
    out = (f as (...a: unknown[]) => unknown)(...callArgs);
  } finally {
    nodes = endTrace(trace);
  }
  let outLeaves: Tensor[];
  try {
    outLeaves = flattenTree(out, where, 'the output');
  } catch {
    throw new GradError(`${where}: f must return a Tensor (or arrays/objects of Tensors), got ${describeValue(out)}`);
  }
  return { out, outLeaves, vars, nodes };
}

/** @internal Checks the kind of `argnums` when the function is made (its range needs the call's arguments); jacobian and hessian share it. */
export function checkArgnumsKind(where: string, argnums: unknown): void {
  if (argnums === undefined || typeof argnums === 'number') return;
  if (!Array.isArray(argnums) || !argnums.every((a) => typeof a === 'number')) {
    throw new GradError(`${where}: argnums must be an argument index or an array of them, got ${Array.isArray(argnums) ? `[${argnums.map(showValue).join(', ')}]` : showValue(argnums)}`);
  }
}

/** @internal `argnums` as a list of distinct in-range argument positions. */
export function normalizeArgnums(where: string, argnums: Argnums, nargs: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  if (list.length === 0) throw new GradError(`${where}: argnums is empty; name at least one argument to differentiate`);
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= nargs) {
      throw new GradError(`${where}: argnums ${a} is out of range; f was called with ${nargs} argument(s), so use 0..${nargs - 1}`);
    }
  }
  if (new Set(list).size !== list.length) throw new GradError(`${where}: argnums [${list.join(',')}] repeats an argument`);
  return list;
}

/** Gradients of one traced call, zeros where there is no path, in the arguments' structures. */
function gradsOf(t: Traced, seeds: readonly Tensor[], args: readonly unknown[], argnums: readonly number[]): unknown[] {
  const targets = t.vars.flat();
  const cts = backward(t.nodes, t.outLeaves, seeds, targets, add);
  const outer = !isRecording();
  let k = 0;
  return argnums.map((i, j) => {
    const leaves = t.vars[j]!.map((v) => {
      const g = cts[k++];
      if (g === null || g === undefined) return zeros(v.shape);
      return outer ? detach(g) : g;
    });
    return unflattenTree(args[i], leaves);
  });
}

function checkScalar(where: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) throw new GradError(`${where}: f must return a scalar Tensor, got ${describeValue(out)}`);
  if (out.size !== 1) {
    throw new GradError(
      `${where}: f must return a scalar, got shape ${fmtShape(out.shape)}; reduce it with sum() or mean(), ` +
        `or use vjp() with a cotangent of that shape`,
    );
  }
  return out;
}

/**
 * Gradients have the structure (and so the type) of the arguments they belong to.
 * @group Autodiff
 */
export type Grads<Args extends readonly unknown[], N extends Argnums> = N extends number
  ? Args[N]
  : { -readonly [K in keyof N]: N[K] extends number ? Args[N[K]] : never };

/**
 * Options of `grad` and `valueAndGrad`.
 * @group Autodiff
 */
export interface GradOptions {
  /**
   * Run every call in anomaly mode (`detectAnomaly`): the first op whose forward output or
   * VJP output holds NaN or ±Infinity raises an `AnomalyError` (default false).
   */
  readonly detectAnomaly?: boolean;
}

/**
 * `valueAndGrad(f, argnums)(...args)` returns `[f(...args), ∂f/∂args[argnums]]`.
 * f must return a scalar (any shape of size 1). Gradients come back in the structure of
 * the differentiated arguments (tensors or arrays/objects of tensors); an argument f
 * does not use gets zeros.
 * @param f `(...args) => Tensor` of size 1
 * @param argnums which argument(s) to differentiate (default 0); an array gives a tuple
 * @param opts `{ detectAnomaly: true }` runs each call in anomaly mode (see `detectAnomaly`)
 * @throws GradError if f returns a non-scalar (reduce it, or use `vjp`); ArgumentError for an
 *   unknown option or a non-boolean `detectAnomaly`; AnomalyError (with `detectAnomaly`) at the first NaN or ±Infinity.
 * @example
 * const [loss, dW] = valueAndGrad((w: Tensor) => sum(square(w)))(tensor([1, 2]));
 * // loss = 5, dW = [2, 4]
 * valueAndGrad((w: Tensor) => sum(log(w)), 0, { detectAnomaly: true })(tensor([0, 1])); // AnomalyError: the forward pass of log ...
 * @group Autodiff
 */
export function valueAndGrad<Args extends readonly unknown[], const N extends Argnums = 0>(
  f: (...args: Args) => Tensor,
  argnums?: N,
  opts?: GradOptions,
): (...args: Args) => [Tensor, Grads<Args, N>] {
  return valueAndGradNamed('valueAndGrad', f, argnums, opts);
}

function valueAndGradNamed<Args extends readonly unknown[], const N extends Argnums = 0>(
  where: string,
  f: (...args: Args) => Tensor,
  argnums: N | undefined,
  opts: GradOptions | undefined,
): (...args: Args) => [Tensor, Grads<Args, N>] {
  functionArg(where, 'f', f);
  checkArgnumsKind(where, argnums);
  checkOptions(where, opts, ['detectAnomaly']);
  const anomaly = boolArg(where, 'option detectAnomaly', opts?.detectAnomaly, false);
  const which: Argnums = argnums ?? 0;
  const call = (args: Args): [Tensor, Grads<Args, N>] => {
    const nums = normalizeArgnums('grad', which, args.length);
    const t = traceCall('grad', f, args, nums);
    const out = checkScalar('grad', t.out);
    const grads = gradsOf(t, [ones(out.shape)], args, nums);
    const g = typeof which === 'number' ? grads[0] : grads;
    return [detachTree(out), g as Grads<Args, N>];
  };
  return anomaly ? (...args: Args) => detectAnomaly(() => call(args)) : (...args: Args) => call(args);
}

/**
 * `grad(f, argnums)` is the function computing ∂f/∂args[argnums] (see `valueAndGrad`).
 * Gradients of gradients work: `grad(grad(f))` for every op with a differentiable VJP.
 * `grad(f, argnums, { detectAnomaly: true })` runs each call in anomaly mode (see `detectAnomaly`).
 * @example grad((x: Tensor) => sum(mul(x, x)))(tensor([3])) // [6]
 * @example grad((x: Tensor) => sum(sqrt(x)), 0, { detectAnomaly: true })(tensor([0])) // AnomalyError: the backward pass of sqrt ...
 * @group Autodiff
 */
export function grad<Args extends readonly unknown[], const N extends Argnums = 0>(
  f: (...args: Args) => Tensor,
  argnums?: N,
  opts?: GradOptions,
): (...args: Args) => Grads<Args, N> {
  const vg = valueAndGradNamed('grad', f, argnums, opts);
  return (...args: Args) => vg(...args)[1];
}

/**
 * Evaluates `f(...primals)` and returns it with its pullback: given a cotangent shaped
 * like the output (same tree), the pullback returns the cotangents of every primal.
 * The pullback may be called many times. vjp takes no anomaly option: wrap the call and the
 * pullback in `detectAnomaly(() => ...)` to check them.
 * @example
 * const [y, pull] = vjp((x: Tensor) => mul(x, 2), tensor([1, 2]));
 * pull(tensor([1, 1])) // [[2, 2]]
 * @group Autodiff
 */
export function vjp<Args extends readonly Tree[], Out extends Tree>(
  f: (...args: Args) => Out,
  ...primals: Args
): [Out, (cotangent: Out) => Args] {
  functionArg('vjp', 'f', f);
  const nums = primals.map((_, i) => i);
  if (nums.length === 0) throw new GradError('vjp: pass at least one primal to differentiate with respect to');
  const t = traceCall('vjp', f, primals, nums);
  const pullback = (cotangent: Out): Args => {
    const cts = flattenTree(cotangent, 'vjp pullback', 'the cotangent');
    if (cts.length !== t.outLeaves.length) {
      throw new GradError(`vjp pullback: the cotangent has ${cts.length} tensor(s) but f returned ${t.outLeaves.length}; pass one per output, in the same structure`);
    }
    t.outLeaves.forEach((o, i) => checkCotangent(`vjp pullback: cotangent ${i}`, o, cts[i]!));
    const grads: unknown = gradsOf(t, cts, primals, nums);
    return grads as Args;
  };
  return [detachTree(t.out as Out), pullback];
}

/**
 * Forward-mode product `J v` at `primals`, computed by transposing the pullback (the VJP
 * is linear in its cotangent, so differentiating it gives the JVP).
 * @returns `[f(primals), J·tangents]`
 * @group Autodiff
 */
export function jvp<Args extends readonly Tensor[]>(
  f: (...args: Args) => Tensor,
  primals: Args,
  tangents: { [K in keyof Args]: Tensor },
): [Tensor, Tensor] {
  functionArg('jvp', 'f', f);
  if (!Array.isArray(primals)) throw new ArgumentError(`jvp: primals must be an array of Tensors, got ${describeValue(primals)}; call jvp(f, [x], [t])`);
  if (!Array.isArray(tangents)) throw new ArgumentError(`jvp: tangents must be an array of Tensors, got ${describeValue(tangents)}; call jvp(f, [x], [t])`);
  if (tangents.length !== primals.length) throw new GradError(`jvp: got ${tangents.length} tangents for ${primals.length} primals; pass one per primal`);
  if (primals.length === 0) throw new GradError('jvp: pass at least one primal (and its tangent)');
  primals.forEach((x: unknown, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`jvp: primal ${i} must be a Tensor, got ${describeValue(x)}`);
    const t: unknown = tangents[i];
    if (!(t instanceof Tensor)) throw new ArgumentError(`jvp: tangent ${i} must be a Tensor, got ${describeValue(t)}`);
    checkTangent('jvp', `tangent ${i}`, `primal ${i}`, x, t);
  });
  const nums = primals.map((_, i) => i);
  const t = traceCall('jvp', f, primals, nums);
  const out = t.outLeaves[0];
  if (t.outLeaves.length !== 1 || out === undefined) throw new GradError('jvp: f must return a single Tensor');
  // <pullback(u), v> is linear in u; its gradient in u is J v.
  const inner = (u: Tensor): Tensor => {
    const gs = gradsOf(t, [u], primals, nums) as Tensor[];
    let s: Tensor = sum(mul(gs[0]!, tangents[0]!));
    for (let i = 1; i < gs.length; i++) s = add(s, sum(mul(gs[i]!, tangents[i]!)));
    return s;
  };
  const tOut = grad(inner)(zeros(out.shape));
  return [detach(out), tOut];
}

/**
 * Hessian-vector product `∇²f(x) v` by reverse over reverse.
 * @param f scalar function of one tensor @param x [..] @param v same shape as x
 * @group Autodiff
 */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  functionArg('hvp', 'f', f);
  if (!(x instanceof Tensor)) throw new ArgumentError(`hvp: x must be a Tensor, got ${describeValue(x)}`);
  if (!(v instanceof Tensor)) throw new ArgumentError(`hvp: v must be a Tensor, got ${describeValue(v)}`);
  checkTangent('hvp', 'v', 'x', x, v);
  return grad((y: Tensor) => sum(mul(grad(f)(y), v)))(x);
}

/** A tangent is a direction in its primal's space: the exact shape, never broadcast (a broadcast tangent silently sums directions). */
function checkTangent(where: string, tName: string, xName: string, x: Tensor, t: Tensor): void {
  if (!sameShape(x.shape, t.shape)) {
    throw new ShapeError(`${where}: ${tName} has shape ${fmtShape(t.shape)} but ${xName} has shape ${fmtShape(x.shape)}; a tangent must have exactly its primal's shape (no broadcasting)`);
  }
}

/**
 * `x` as a constant: the same values, no gradient flows back through it.
 * @group Autodiff
 */
export function stopGradient(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`stopGradient: x must be a Tensor, got ${describeValue(x)}`);
  return detach(x);
}

/**
 * User-defined ops with their own VJP (JAX's custom_vjp): the forward runs untraced and the
 * tape records one entry whose rules are the user's.
 */
import { ArgumentError, GradError, checkOptions, describeValue, showValue } from './errors.js';
import { type OpDef, type RuleText, type Vjp, type VjpContext, isRecording, noGrad, recordCustom } from './tape.js';
import { Tensor } from './tensor.js';

/**
 * A user-defined op: a forward function and a hand-written VJP per input. `N` is the union
 * of the input names, `S` what the VJPs read (input names and/or `'out'`; default: all).
 * @group Custom ops
 */
export interface CustomOpSpec<I extends readonly Tensor[], N extends string = string, S extends N | 'out' = N | 'out'> {
  /** Shown in errors and on the tape. */
  readonly name: string;
  /** One name per input, in call order. */
  readonly inputs: readonly N[];
  /** Computes the output; it runs untraced, so only your VJP defines the gradient. */
  readonly forward: (...inputs: I) => Tensor;
  /** Per input name: `(g, { saved, shapes }) => cotangent` written with tensor ops (so it can be differentiated again), or null. */
  readonly vjp: { readonly [K in NoInfer<N>]: Vjp<undefined, NoInfer<S>> | null };
  /** What the VJPs read: input names and/or `'out'` (default: every input and the output). The tape keeps only these. */
  readonly saves?: readonly S[];
  /**
   * How many times the op may be differentiated: 2 (default) when the VJPs are written with
   * tensor ops, 1 to declare them first-order only (then a second derivative through the op,
   * by grad of grad, hvp, jvp or hessian, is a GradError instead of a wrong number).
   */
  readonly order?: 1 | 2;
  /** The local rule of each input as text and TeX, shown by `steps()`, `tapegrad explain` and anomaly reports (like the built-in ops'). */
  readonly rules?: { readonly [K in NoInfer<N>]?: RuleText };
}

/**
 * Defines a differentiable op with your own VJP (JAX's custom_vjp): autodiff uses your
 * derivative instead of tracing the forward. Works under grad, and under grad of grad
 * when the VJP is itself written with differentiable ops. A VJP reads the values named in
 * `saves` from `ctx.saved` (by input name, and `out`), and every input's shape from `ctx.shapes`.
 *
 * A VJP that computes on raw numbers (reads `.data` and builds a new tensor) leaves the
 * tape, so its second derivative would silently be 0. That is detected: a second derivative
 * taken through such a VJP raises a GradError naming the op and the input. Declare
 * `order: 1` to make the op first-order only on purpose.
 * @throws ArgumentError for a missing VJP, duplicate input names, a `saves` entry that names no input, or an order other than 1 or 2.
 * @throws GradError (when differentiating) if a second derivative is taken through a VJP that is not differentiable (see above).
 * @example
 * const cube = customOp({ name: 'cube', inputs: ['x'], forward: (x: Tensor) => mul(x, mul(x, x)),
 *   vjp: { x: (g, { saved: { x } }) => mul(g, mul(3, mul(x, x))) } });
 * @group Custom ops
 */
export function customOp<I extends readonly Tensor[], N extends string, S extends N | 'out' = N | 'out'>(spec: CustomOpSpec<I, N, S>): (...inputs: I) => Tensor {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new ArgumentError(`customOp: spec must be an object { name, inputs, forward, vjp, saves? }, got ${describeValue(spec)}`);
  checkOptions('customOp', spec, ['name', 'inputs', 'forward', 'vjp', 'saves', 'order', 'rules']);
  const { name, inputs } = spec;
  if (typeof name !== 'string' || name === '') throw new ArgumentError(`customOp: name must be a non-empty string, got ${showValue(name)}`);
  if (!Array.isArray(inputs) || inputs.length === 0) throw new ArgumentError(`customOp '${name}': inputs must be a non-empty array of input names, got ${describeValue(inputs)}`);
  if (typeof spec.forward !== 'function') throw new ArgumentError(`customOp '${name}': forward must be a function, got ${describeValue(spec.forward)}`);
  const rawVjp: unknown = spec.vjp;
  if (rawVjp === null || typeof rawVjp !== 'object' || Array.isArray(rawVjp)) {
    throw new ArgumentError(`customOp '${name}': vjp must be an object with one rule per input (a function, or null for no gradient), got ${describeValue(rawVjp)}`);
  }
  if (spec.saves !== undefined && !Array.isArray(spec.saves)) throw new ArgumentError(`customOp '${name}': saves must be an array of input names and/or 'out', got ${describeValue(spec.saves)}`);
  for (const input of inputs) {
    if (typeof input !== 'string' || input === '' || input === '__proto__') {
      throw new ArgumentError(`customOp '${name}': input names must be non-empty strings other than '__proto__', got ${typeof input === 'string' ? `'${input}'` : describeValue(input)}`);
    }
  }
  if (new Set(inputs).size !== inputs.length) throw new ArgumentError(`customOp '${name}': input names [${inputs.join(', ')}] repeat`);
  if (inputs.includes('out' as N)) throw new ArgumentError(`customOp '${name}': 'out' names the output in saves and ctx.saved; call the input something else`);
  const vjps: Readonly<Record<string, unknown>> = spec.vjp;
  for (const input of inputs) {
    if (!Object.hasOwn(vjps, input)) throw new ArgumentError(`customOp '${name}': no VJP for input '${input}'; give a function, or null for no gradient`);
  }
  for (const key of Object.keys(vjps)) {
    if (!inputs.includes(key as N)) throw new ArgumentError(`customOp '${name}': vjp has a rule for '${key}', which is not an input (${inputs.join(', ')}); check the spelling`);
    const rule = vjps[key];
    if (rule !== null && typeof rule !== 'function') throw new ArgumentError(`customOp '${name}': the VJP for '${key}' must be a function or null, got ${describeValue(rule)}`);
  }
  const saves: readonly string[] = spec.saves ?? [...inputs, 'out'];
  for (const s of saves) {
    if (typeof s !== 'string') throw new ArgumentError(`customOp '${name}': saves entries must be input names or 'out', got ${showValue(s)}`);
    if (s !== 'out' && !inputs.includes(s as N)) throw new ArgumentError(`customOp '${name}': saves '${s}', which is not an input (${inputs.join(', ')}) or 'out'`);
  }
  const order: unknown = spec.order === undefined ? 2 : spec.order;
  if (order !== 1 && order !== 2) throw new ArgumentError(`customOp '${name}': order must be 1 (first-order only) or 2 (the VJPs are differentiable), got ${showValue(order)}`);
  // Own keys only (checked above), so the lookups never reach Object.prototype.
  const userRules: Readonly<Record<string, Vjp<undefined, S> | null>> = spec.vjp;
  const guarded: Record<string, Vjp<undefined, S> | null> = {};
  for (const input of inputs) {
    const rule = userRules[input];
    Object.defineProperty(guarded, input, { value: rule === null || rule === undefined ? null : guardRule(name, input, rule, order), enumerable: true });
  }
  const rules = rulesArg<N>(name, inputs, spec.rules);
  const op: OpDef<undefined, N, S> = { name, inputs, saves: saves as readonly S[], vjp: guarded as { readonly [K in N]: Vjp<undefined, S> | null }, ...(rules === undefined ? {} : { rules }) };
  return (...xs: I): Tensor => {
    if (xs.length !== inputs.length) throw new ArgumentError(`${name}: expects ${inputs.length} input(s) (${inputs.join(', ')}), got ${xs.length}`);
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ArgumentError(`${name}: input '${inputs[i]}' must be a Tensor, got ${describeValue(x)}`);
    });
    const out = noGrad(() => spec.forward(...xs));
    if (!(out instanceof Tensor)) throw new ArgumentError(`${name}: forward must return a Tensor, got ${describeValue(out)}`);
    // Always a fresh tensor: forward may return an input or a captured constant as is,
    // and recording would then mark that tensor as this op's output everywhere it is used.
    return recordCustom(op, xs, new Tensor(out.data, out.shape));
  };
}

/**
 * Wraps a user VJP so a second derivative through it cannot be silently wrong. While the
 * backward pass is itself recorded (the inner backward of a grad-of-grad, hvp, jvp or
 * hessian), a VJP whose result depends on traced values (g, or a saved value it read) but
 * is untraced was not computed with tensor ops: the outer backward would find no path
 * through it and return 0. The result is then replaced by a recorded stand-in whose own VJP
 * raises the GradError, so the error comes only when a second derivative is really taken
 * through the op (a first derivative merely computed inside a trace stays fine).
 * An all-zero result is exempt when g is untraced (a VJP returning the constant 0 is right
 * to second order, and a raw one that happens to give exactly 0 here is a coincidence); with
 * g traced it is not, since jvp pulls back a zero cotangent on purpose and the VJP, linear in
 * g, gives 0 whatever its derivative is. (Return null, not zeros, for "no gradient".)
 */
function guardRule<S extends string>(name: string, input: string, rule: Vjp<undefined, S>, order: 1 | 2): Vjp<undefined, S> {
  return (g, ctx, index) => {
    if (!isRecording()) return rule(g, ctx, index);
    // Which saved values the rule reads: a saved value it never touches (a default `saves`
    // lists every input) cannot make its result depend on the tape.
    const read: Tensor[] = [];
    const saved: Record<string, Tensor> = {};
    for (const key of Object.keys(ctx.saved)) {
      const t = ctx.saved[key as S];
      Object.defineProperty(saved, key, { enumerable: true, get: () => (read.push(t), t) });
    }
    const view: VjpContext<undefined, S> = { saved: saved as { readonly [K in S]: Tensor }, shapes: ctx.shapes, attrs: ctx.attrs };
    const r = order === 1 ? noGrad(() => rule(g, view, index)) : rule(g, view, index);
    if (!(r instanceof Tensor) || r.node !== null || (g.node === null && allZero(r))) return r;
    const traced = [g, ...read].filter((t) => t instanceof Tensor && t.node !== null);
    if (traced.length === 0) return r;
    const message = order === 1
      ? `${name}: the op was declared first-order only (order: 1), so it has no second derivative; ` +
        `a second derivative (grad of grad, hvp, jvp, hessian) was taken through its VJP for input '${input}'. ` +
        `Write the VJPs with tensor ops and drop order: 1, or do not differentiate through it twice`
      : `${name}: its VJP for input '${input}' returned a value not computed with tensor ops, so its second derivative would silently be 0: ` +
        `write the VJP with tensor ops (mul, add, ...) or declare the op first-order only with \`order: 1\`` +
        ` (a saved value read only for its shape: use ctx.shapes instead)`;
    const stand: OpDef<undefined, 'xs', never> = {
      name: `${name}.vjp.${input}`,
      inputs: ['xs'],
      variadic: true,
      saves: [],
      vjp: { xs: () => { throw new GradError(message); } },
    };
    return recordCustom(stand, traced, new Tensor(r.data, r.shape));
  };
}

function allZero(t: Tensor): boolean {
  const d = t.data;
  for (let k = 0; k < d.length; k++) if (d[k] !== 0) return false;
  return true;
}

/** `rules`: absent, or an object whose own keys are input names, each `{ text, tex }` of strings; copied so later edits do not reach the op. */
function rulesArg<N extends string>(name: string, inputs: readonly N[], rules: unknown): { readonly [K in N]?: RuleText } | undefined {
  if (rules === undefined) return undefined;
  if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) throw new ArgumentError(`customOp '${name}': rules must be an object { <input>: { text, tex } }, got ${describeValue(rules)}`);
  const out: { [K in N]?: RuleText } = {};
  const names: readonly string[] = inputs;
  for (const [key, r] of Object.entries(rules)) {
    if (!names.includes(key)) throw new ArgumentError(`customOp '${name}': rules has an entry for '${key}', which is not an input (${inputs.join(', ')}); check the spelling`);
    const text: unknown = r !== null && typeof r === 'object' && Object.hasOwn(r, 'text') ? Reflect.get(r, 'text') : undefined;
    const tex: unknown = r !== null && typeof r === 'object' && Object.hasOwn(r, 'tex') ? Reflect.get(r, 'tex') : undefined;
    if (typeof text !== 'string' || typeof tex !== 'string') throw new ArgumentError(`customOp '${name}': rules.${key} must be { text: string, tex: string }, like { text: '∂/∂x x³ = 3x²', tex: '3x^2' }, got ${describeValue(r)}`);
    Object.defineProperty(out, key, { value: { text, tex }, enumerable: true });
  }
  return out;
}

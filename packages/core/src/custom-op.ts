/**
 * User-defined ops with their own VJP (JAX's custom_vjp): the forward runs untraced and the
 * tape records one entry whose rules are the user's.
 */
import { ArgumentError, checkOptions, describeValue, showValue } from './errors.js';
import { type OpDef, type Vjp, noGrad, recordCustom } from './tape.js';
import { Tensor } from './tensor.js';

/**
 * A user-defined op: a forward function and a hand-written VJP per input. `N` is the union
 * of the input names, `S` what the VJPs read (input names and/or `'out'`; default: all).
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
}

/**
 * Defines a differentiable op with your own VJP (JAX's custom_vjp): autodiff uses your
 * derivative instead of tracing the forward. Works under grad, and under grad of grad
 * when the VJP is itself written with differentiable ops. A VJP reads the values named in
 * `saves` from `ctx.saved` (by input name, and `out`), and every input's shape from `ctx.shapes`.
 * @throws ArgumentError for a missing VJP, duplicate input names, or a `saves` entry that names no input.
 * @example
 * const cube = customOp({ name: 'cube', inputs: ['x'], forward: (x: Tensor) => mul(x, mul(x, x)),
 *   vjp: { x: (g, { saved: { x } }) => mul(g, mul(3, mul(x, x))) } });
 */
export function customOp<I extends readonly Tensor[], N extends string, S extends N | 'out' = N | 'out'>(spec: CustomOpSpec<I, N, S>): (...inputs: I) => Tensor {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new ArgumentError(`customOp: spec must be an object { name, inputs, forward, vjp, saves? }, got ${describeValue(spec)}`);
  checkOptions('customOp', spec, ['name', 'inputs', 'forward', 'vjp', 'saves']);
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
  const op: OpDef<undefined, N, S> = { name, inputs, saves: saves as readonly S[], vjp: spec.vjp };
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

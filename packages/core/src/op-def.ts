/**
 * What an op is: its names, its VJP rules (and their text), and for a primitive its shape
 * rule and kernel. The tape (tape.ts) records applications of these; `compile` replays them.
 */
import { GradError } from './errors.js';
import { type Shape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * What a VJP sees besides `g`: the values its op declared in `saves` (by input name, and
 * `out` for the output), every input's shape, and the op's attributes. Nothing else of the
 * forward pass is kept, so a declaration cannot lie: a VJP that reads an input it did not
 * save finds no such key (and does not compile when the op is typed by its names). @group Custom ops
 */
export interface VjpContext<A = unknown, S extends string = string> {
  readonly saved: { readonly [K in S]: Tensor };
  /** Every input's shape, positional (a variadic op's too). */
  readonly shapes: readonly Shape[];
  readonly attrs: A;
}

/**
 * A vector-Jacobian product for one input: given the cotangent `g` of the output
 * (shape of the output), return the cotangent of input `index` (shape of that input),
 * or `null` for "no gradient". Written with differentiable tensor ops, so it can itself
 * be recorded and differentiated. @group Custom ops
 */
export type Vjp<A = unknown, S extends string = string> = {
  // Method syntax makes the parameters bivariant, so an op with concrete attribute and
  // saved-name types can sit in the generic op table without a cast.
  rule(g: Tensor, ctx: VjpContext<A, S>, index: number): Tensor | null;
}['rule'];

/**
 * An op's local derivative for one input, for people to read: plain text
 * (`∂/∂x tanh(x) = 1 − tanh²(x)`) and the same as TeX for typesetting. @group Custom ops
 */
export interface RuleText {
  readonly text: string;
  readonly tex: string;
}

/**
 * What every differentiable op has: a name, its input names, what its VJPs read (`saves`)
 * and one VJP per input, keyed by input name (`N`), so a mistyped or missing key is a type
 * error. A variadic op (concat) names one input and receives every position through `index`. @group Custom ops
 */
export interface OpDef<A = unknown, N extends string = string, S extends string = string> {
  readonly name: string;
  readonly inputs: readonly N[];
  readonly variadic?: boolean;
  /** What the VJPs read besides `g`: input names and/or `'out'`. The tape keeps exactly these. */
  readonly saves: readonly S[];
  readonly vjp: { readonly [K in N]: Vjp<A, S> | null };
  /** The local rule of each input as text, keyed like `vjp` (every op in the table has one; a custom op may). */
  readonly rules?: { readonly [K in N]?: RuleText };
}

/** A primitive with its own kernel: the op table's entries. @group Custom ops */
export interface KernelOp<I extends readonly Tensor[] = readonly Tensor[], A = unknown, N extends string = string, S extends string = string>
  extends OpDef<A, N, S> {
  /** Output shape from input shapes; throws `ShapeError` naming the op. */
  shape(shapes: readonly Shape[], attrs: A): Shape;
  /** Computes the output values. May return an input's `data` when values are unchanged (reshape). */
  forward(inputs: I, attrs: A, outShape: Shape): Float64Array;
  /**
   * Writes the output values into `out` (length: the output's size; its contents on entry are
   * arbitrary, and it is never one of the inputs' arrays unless the op is `elementwise`).
   * `compile` replays ops through this into preallocated buffers; ops that share their input's
   * data (reshape) have none.
   */
  into?(inputs: I, attrs: A, outShape: Shape, out: Float64Array): void;
  /**
   * Set on ops that read input element i only to write output element i (unary ops, and binary
   * ops on an operand shaped like the output): `compile` may then write the output over such
   * an input whose value is not needed afterwards.
   */
  readonly elementwise?: boolean;
}

/**
 * Declares a primitive, checking its names: `saves` and the keys of `vjp` must be the
 * op's own input names (and `'out'`), and every input needs a rule (`null`: no gradient).
 * @example defineOp({ name: 'exp', inputs: ['x'], saves: ['out'], vjp: { x: (g, { saved }) => mul(g, saved.out) }, ... })
 */
export function defineOp<I extends readonly Tensor[], A, N extends string, S extends NoInfer<N> | 'out' = never>(def: {
  readonly name: string;
  readonly inputs: readonly N[];
  readonly variadic?: boolean;
  readonly saves: readonly S[];
  readonly vjp: { readonly [K in NoInfer<N>]: Vjp<A, NoInfer<S>> | null };
  readonly rules?: { readonly [K in NoInfer<N>]?: RuleText };
  shape(shapes: readonly Shape[], attrs: A): Shape;
  readonly elementwise?: boolean;
} & (
  | { forward(inputs: I, attrs: A, outShape: Shape): Float64Array; readonly into?: undefined }
  | { readonly into: (inputs: I, attrs: A, outShape: Shape, out: Float64Array) => void; readonly forward?: undefined }
)): KernelOp<I, A, N, S> {
  // The types already say this; checked once more at definition, for callers without them,
  // so the backward walk can read rules with a plain lookup.
  checkOpNames(def);
  const into = def.into;
  if (into === undefined) return def as KernelOp<I, A, N, S> & typeof def;
  // One kernel for both paths: eager forward allocates the output and fills it through `into`.
  return { ...def, into, forward: (inputs: I, attrs: A, outShape: Shape): Float64Array => {
    const out = new Float64Array(sizeOf(outShape));
    into(inputs, attrs, outShape, out);
    return out;
  } };
}



/** Throws unless `op` has an own VJP rule (or null) for each input and nothing else, and saves only inputs or `out`. */
export function checkOpNames(op: OpDef): void {
  const rules: Readonly<Record<string, unknown>> = op.vjp;
  for (const input of op.inputs) {
    if (input === '__proto__' || !Object.hasOwn(rules, input)) throw new GradError(`${op.name}: no VJP rule for input '${input}'; give a function, or null to declare that it has no gradient`);
  }
  for (const key of Object.keys(rules)) {
    if (!op.inputs.includes(key)) throw new GradError(`${op.name}: a VJP rule for '${key}', which is not an input (${op.inputs.join(', ')}); check the spelling`);
  }
  for (const name of op.saves) {
    if (name !== 'out' && (op.variadic === true || !op.inputs.includes(name))) {
      throw new GradError(`${op.name}: saves '${name}', which is not ${op.variadic === true ? 'possible for a variadic op' : `one of its inputs (${op.inputs.join(', ')}) or 'out'`}`);
    }
  }
}

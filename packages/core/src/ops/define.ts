/**
 * Builders for the op families' primitives: elementwise unary and broadcasting binary ops.
 * Everything here is typed by the op's input names, so `saves` and the VJP keys are checked.
 */
import { type Shape, broadcastShapes, sameShape } from '../shape.js';
import { type KernelOp, type RuleText, type Vjp, defineOp } from '../tape.js';
import { type BinaryRowKernel, broadcastBinary } from '../kernels/strided.js';
import { Tensor, scalar } from '../tensor.js';
import { ArgumentError, describeValue } from '../errors.js';

/**
 * The inputs of a one-input op, `[x]` (an op's `Inputs` type parameter in `customOp` and `OpDef`).
 * @group Custom ops
 */
export type Unary = readonly [Tensor];
/**
 * The inputs of a two-input op, `[a, b]`.
 * @group Custom ops
 */
export type Binary = readonly [Tensor, Tensor];

/**
 * A tensor, or a plain number standing for a scalar tensor.
 * @group Tensors
 */
export type TensorLike = Tensor | number;

/** `x`, checked to be a Tensor before an op reads its shape (apply checks again, for ops that go straight to it). */
export function tensorArg(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    throw new ArgumentError(`${op}: input '${name}' must be a Tensor, got ${describeValue(x)}; wrap numbers with tensor() or scalar()`);
  }
  return x;
}

/** Lifts a number to a scalar tensor; tensors pass through (anything else is caught by `apply`). */
export function lift(x: TensorLike): Tensor {
  return typeof x === 'number' ? scalar(x) : x;
}

/**
 * An elementwise unary op. `kernel` fills `out` from `x` (same length) in its own loop,
 * so each op keeps a monomorphic hot loop.
 */
export function unaryOp<S extends 'x' | 'out', A = undefined>(def: {
  name: string;
  saves: readonly S[];
  kernel: (x: Float64Array, out: Float64Array, attrs: A) => void;
  vjp: Vjp<A, NoInfer<S>> | null;
  /** The local rule for `x` (text and TeX), required so every elementwise op can explain itself. */
  rule: RuleText;
}): KernelOp<Unary, A, 'x', S> {
  return defineOp<Unary, A, 'x', S>({
    name: def.name,
    inputs: ['x'],
    saves: def.saves,
    shape: ([s]): Shape => s!,
    elementwise: true,
    into: (xs, attrs, _outShape, out) => def.kernel(xs[0].data, out, attrs),
    vjp: { x: def.vjp },
    rules: { x: def.rule },
  });
}

/** An elementwise binary op with NumPy broadcasting. */
export function binaryOp<S extends 'a' | 'b' | 'out'>(def: {
  name: string;
  saves: readonly S[];
  kernel: BinaryRowKernel;
  vjp: { readonly a: Vjp<undefined, NoInfer<S>> | null; readonly b: Vjp<undefined, NoInfer<S>> | null };
  /** The local rule of each input (text and TeX), required like the VJPs. */
  rules: { readonly a: RuleText; readonly b: RuleText };
}): KernelOp<Binary, undefined, 'a' | 'b', S> {
  return defineOp<Binary, undefined, 'a' | 'b', S>({
    name: def.name,
    inputs: ['a', 'b'],
    saves: def.saves,
    // Same shapes and scalar operands (most calls) skip the general rule's allocations.
    shape: ([sa, sb]): Shape => (sb!.length === 0 ? sa! : sa!.length === 0 ? sb! : sameShape(sa!, sb!) ? sa! : broadcastShapes(def.name, [sa!, sb!])),
    elementwise: true,
    into: (ab, _attrs, outShape, out) => broadcastBinary(ab[0].data, ab[0].shape, ab[1].data, ab[1].shape, outShape, def.kernel, out),
    vjp: def.vjp,
    rules: def.rules,
  });
}

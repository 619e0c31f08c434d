/** Reduction attributes and their checks, shared by `sum` (structural.ts) and the other reductions (reduce.ts). */
import { ShapeError, fmtShape } from '../errors.js';
import { boolArg } from '../args.js';
import { type Tensor } from '../tensor.js';
import { tensorArg } from './define.js';
import { type Shape, normalizeAxes, reducedShape } from '../shape.js';

/**
 * Reduction attributes: sorted, non-negative axes.
 * @group Ops: reductions
 */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/**
 * A reduction's checked attributes, for the function the user called (`op`): x a Tensor,
 * axes valid for its rank, keepDims a boolean.
 */
export function reduceAttrs(op: string, x: Tensor, axes: unknown, keepDims: unknown): ReduceAttrs {
  tensorArg(op, 'x', x);
  return { axes: axesOf(op, axes, x.shape.length), keepDims: boolArg(op, 'keepDims', keepDims, false) };
}

/**
 * Throws, naming `op`, if any of `axes` of `shape` has size 0: max, min, logSumExp and the
 * ops built on them (softmax, logSoftmax) have no value over an empty axis.
 */
export function checkNonEmptyAxes(op: string, shape: Shape, axes: readonly number[]): void {
  for (const a of axes) {
    if (shape[a] === 0) throw new ShapeError(`${op}: cannot reduce axis ${a} of size 0 in ${fmtShape(shape)}; the result would have no value`);
  }
}

/** The shape rule of a reduction; all but `sum` refuse an empty axis (it would have no value). */
export function reduceShape(op: string) {
  return ([s]: readonly Shape[], { axes, keepDims }: ReduceAttrs): Shape => {
    if (op !== 'sum') checkNonEmptyAxes(op, s!, axes);
    return reducedShape(s!, axes, keepDims);
  };
}

// `[0, 1, ..., rank-1]` per rank, shared: attrs are read-only, and reducing every axis is the common call.
const everyAxis: (readonly number[])[] = [];

/**
 * `normalizeAxes` with fast paths for the calls VJPs make on every step: every axis, one
 * valid axis, or axes already sorted, distinct and non-negative (sumTo's). Anything else,
 * including every invalid input, goes through `normalizeAxes` and its errors.
 */
export function axesOf(op: string, axes: unknown, rank: number): readonly number[] {
  if (axes === undefined) return (everyAxis[rank] ??= Array.from({ length: rank }, (_, i) => i));
  if (typeof axes === 'number') {
    if (Number.isInteger(axes) && axes >= -rank && axes < rank) return [axes < 0 ? axes + rank : axes];
  } else if (Array.isArray(axes)) {
    let ok = true;
    for (let i = 0; i < axes.length && ok; i++) {
      const v: unknown = axes[i];
      ok = typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < rank && (i === 0 || v > axes[i - 1]!);
    }
    if (ok) return axes.slice(); // a copy: the tape keeps attrs, the caller keeps its array
  }
  return normalizeAxes(op, axes, rank);
}

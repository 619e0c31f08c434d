/** Reduction attributes and their checks, shared by `sum` (structural.ts) and the other reductions (reduce.ts). */
import { ShapeError, fmtShape } from '../errors.js';
import { type Shape, normalizeAxes, reducedShape } from '../shape.js';

/** Reduction attributes: sorted, non-negative axes. */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/** The shape rule of a reduction; all but `sum` refuse an empty axis (it would have no value). */
export function reduceShape(op: string) {
  return ([s]: readonly Shape[], { axes, keepDims }: ReduceAttrs): Shape => {
    if (op !== 'sum') {
      for (const a of axes) {
        if (s![a] === 0) throw new ShapeError(`${op}: cannot reduce axis ${a} of size 0 in ${fmtShape(s!)}; the result would have no value`);
      }
    }
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
export function axesOf(op: string, axes: number | readonly number[] | undefined, rank: number): readonly number[] {
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

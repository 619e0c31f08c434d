/**
 * Indexing ops: slice and pad (each other's adjoint), concat, take and scatterAdd (gather
 * and scatter of rows, each other's adjoint). They move values without arithmetic, so
 * they import no other family.
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { type Shape, checkShape, sizeOf, stridesOf, normalizeAxes } from '../shape.js';
import { apply, defineOp, type KernelOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { type Unary } from './define.js';

// ---------------------------------------------------------------- slice / pad

/** One `[start, end)` (slice) or `[before, after]` (pad) pair per axis. */
export type Ranges = readonly (readonly [number, number])[];

/** Copies the box `ranges` of `src` (shape `srcShape`) into the box at `offsets` of `dst` (shape `dstShape`). */
function copyBox(src: Float64Array, srcShape: Shape, srcStart: readonly number[], dst: Float64Array, dstShape: Shape, dstStart: readonly number[], box: readonly number[]): void {
  const total = sizeOf(box);
  if (total === 0) return;
  const rank = box.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let si = 0;
  let di = 0;
  for (let d = 0; d < rank; d++) {
    si += srcStart[d]! * ss[d]!;
    di += dstStart[d]! * ds[d]!;
  }
  const n = box[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < total / n; r++) {
    for (let k = 0; k < n; k++) dst[di + k] = src[si + k]!;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      si += ss[d]!;
      di += ds[d]!;
      if (idx[d]! < box[d]!) break;
      si -= ss[d]! * box[d]!;
      di -= ds[d]! * box[d]!;
      idx[d] = 0;
    }
  }
}

export const sliceOp = defineOp<Unary, { ranges: Ranges }, 'x', never>({
  name: 'slice',
  inputs: ['x'],
  saves: [],
  shape: (_s, { ranges }) => ranges.map(([a, b]) => b - a),
  forward: ([x], { ranges }, outShape) => {
    const out = new Float64Array(sizeOf(outShape));
    copyBox(x.data, x.shape, ranges.map((r) => r[0]), out, outShape, outShape.map(() => 0), outShape);
    return out;
  },
  vjp: { x: (g, { shapes: [sx], attrs: { ranges } }) => pad(g, ranges.map(([a, b], i) => [a, sx![i]! - b] as const)) },
});

/** A range per axis: `[start, end)` (negative values count from the end) or `null` for the whole axis. */
export type SliceRange = readonly [number, number] | null;

/**
 * The box `ranges` of `x`; axes without a range are kept whole.
 * @example slice(x, [[1, 3], null]) // rows 1..2, every column
 * @throws ShapeError for more ranges than axes or a range outside the axis.
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  if (ranges.length > x.shape.length) {
    throw new ShapeError(`slice: got ${ranges.length} ranges for a tensor of rank ${x.shape.length} ${fmtShape(x.shape)}; give at most one range per axis`);
  }
  const norm = x.shape.map((d, i): readonly [number, number] => {
    const r = ranges[i];
    if (r === null || r === undefined) return [0, d];
    const a = r[0] < 0 ? r[0] + d : r[0];
    const b = r[1] < 0 ? r[1] + d : r[1];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b > d || a > b) {
      throw new ShapeError(`slice: range [${r[0]}, ${r[1]}) is not a valid range of axis ${i} (size ${d}) of ${fmtShape(x.shape)}; need 0 <= start <= end <= ${d}`);
    }
    return [a, b];
  });
  if (norm.every(([a, b], i) => a === 0 && b === x.shape[i])) return x;
  return apply(sliceOp, [x], { ranges: norm });
}

export const padOp = defineOp<Unary, { widths: Ranges }, 'x', never>({
  name: 'pad',
  inputs: ['x'],
  saves: [],
  shape: ([s], { widths }) => s!.map((d, i) => widths[i]![0] + d + widths[i]![1]),
  forward: ([x], { widths }, outShape) => {
    const out = new Float64Array(sizeOf(outShape));
    copyBox(x.data, x.shape, x.shape.map(() => 0), out, outShape, widths.map((w) => w[0]), x.shape);
    return out;
  },
  vjp: { x: (g, { shapes: [sx], attrs: { widths } }) => slice(g, widths.map(([a], i) => [a, a + sx![i]!] as const)) },
});

/**
 * Zero padding: `widths[i] = [before, after]` for axis i (missing axes: none).
 * @example pad(tensor([1, 2]), [[1, 0]]) // [0, 1, 2]
 */
export function pad(x: Tensor, widths: readonly (readonly [number, number])[]): Tensor {
  if (widths.length > x.shape.length) throw new ShapeError(`pad: got ${widths.length} widths for a tensor of rank ${x.shape.length}`);
  const w = x.shape.map((_, i) => widths[i] ?? ([0, 0] as const));
  for (const [a, b] of w) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) throw new ArgumentError(`pad: widths must be non-negative integers, got [${a}, ${b}]`);
  }
  if (w.every(([a, b]) => a === 0 && b === 0)) return x;
  return apply(padOp, [x], { widths: w });
}

// ---------------------------------------------------------------- concat

export const concatOp = defineOp<readonly Tensor[], { axis: number }, 'xs', never>({
  name: 'concat',
  inputs: ['xs'],
  variadic: true,
  saves: [],
  shape: (shapes, { axis }) => {
    const first = shapes[0]!;
    let total = 0;
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) {
        throw new ShapeError(`concat: shapes ${shapes.map(fmtShape).join(', ')} must match on every axis but ${axis}`);
      }
      total += s[axis]!;
    }
    return first.map((d, i) => (i === axis ? total : d));
  },
  forward: (xs, { axis }, outShape) => {
    const out = new Float64Array(sizeOf(outShape));
    let offset = 0;
    for (const x of xs) {
      copyBox(x.data, x.shape, x.shape.map(() => 0), out, outShape, x.shape.map((_, i) => (i === axis ? offset : 0)), x.shape);
      offset += x.shape[axis]!;
    }
    return out;
  },
  vjp: {
    xs: (g, { shapes, attrs: { axis } }, index) => {
      let start = 0;
      for (let i = 0; i < index; i++) start += shapes[i]![axis]!;
      const ranges: SliceRange[] = g.shape.map(() => null);
      ranges[axis] = [start, start + shapes[index]![axis]!];
      return slice(g, ranges);
    },
  },
});

/**
 * Joins tensors along `axis` (default 0); all other axes must match.
 * @example concat([zeros([2, 3]), ones([1, 3])]).shape // [3, 3]
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('concat: needs at least one tensor');
  const first = xs[0];
  if (first === undefined || typeof first !== 'object' || !('shape' in first)) throw new ArgumentError('concat: inputs must be Tensors');
  if (first.shape.length === 0) throw new ShapeError('concat: scalars have no axis to join along; reshape them to [1] first');
  const [a] = normalizeAxes('concat', axis, first.shape.length);
  if (xs.length === 1) return first;
  return apply(concatOp, xs, { axis: a! });
}

// ---------------------------------------------------------------- take / scatterAdd

function checkIndices(op: string, indices: readonly number[] | Int32Array, n: number): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new ArgumentError(`${op}: index ${v} at position ${i} is out of range for an axis of size ${n}; indices must be integers in [0, ${n - 1}]`);
    }
    out[i] = v;
  }
  return out;
}

export const takeOp: KernelOp<Unary, { indices: Int32Array }, 'x', never> = defineOp({
  name: 'take',
  inputs: ['x'],
  saves: [],
  shape: ([s], { indices }) => [indices.length, ...s!.slice(1)],
  forward: ([x], { indices }, outShape) => {
    const row = sizeOf(x.shape.slice(1));
    const out = new Float64Array(sizeOf(outShape));
    for (let i = 0; i < indices.length; i++) out.set(x.data.subarray(indices[i]! * row, indices[i]! * row + row), i * row);
    return out;
  },
  vjp: { x: (g, { shapes: [sx], attrs: { indices } }) => apply(scatterAddOp, [g], { indices, rows: sx![0]! }) },
});

/**
 * Rows of `x` picked by `indices` (a gather along axis 0; repeats allowed).
 * @param x [n, ...rest] @param indices integers in [0, n) @returns [indices.length, ...rest]
 * @example take(x, [2, 0]) // rows 2 and 0
 */
export function take(x: Tensor, indices: readonly number[] | Int32Array): Tensor {
  if (x.shape.length === 0) throw new ShapeError('take: x must have at least one axis to index, got a scalar');
  return apply(takeOp, [x], { indices: checkIndices('take', indices, x.shape[0]!) });
}

export const scatterAddOp: KernelOp<Unary, { indices: Int32Array; rows: number }, 'x', never> = defineOp({
  name: 'scatterAdd',
  inputs: ['x'],
  saves: [],
  shape: ([s], { rows }) => [rows, ...s!.slice(1)],
  forward: ([x], { indices }, outShape) => {
    const row = sizeOf(outShape.slice(1));
    const out = new Float64Array(sizeOf(outShape));
    const xs = x.data;
    for (let i = 0; i < indices.length; i++) {
      const o = indices[i]! * row;
      for (let k = 0; k < row; k++) out[o + k]! += xs[i * row + k]!;
    }
    return out;
  },
  vjp: { x: (g, { attrs: { indices } }) => apply(takeOp, [g], { indices }) },
});

/**
 * Adds row i of `x` into row `indices[i]` of a zero tensor with `rows` rows: the adjoint of `take`.
 * @param x [k, ...rest] @param indices k integers in [0, rows) @returns [rows, ...rest]
 */
export function scatterAdd(x: Tensor, indices: readonly number[] | Int32Array, rows: number): Tensor {
  if (x.shape.length === 0 || indices.length !== x.shape[0]) {
    throw new ShapeError(`scatterAdd: need one index per row of x, got ${indices.length} indices for x of shape ${fmtShape(x.shape)}`);
  }
  checkShape([rows], 'scatterAdd');
  return apply(scatterAddOp, [x], { indices: checkIndices('scatterAdd', indices, rows), rows });
}

/** This family's slice of the op table. */
export const indexingOps = { slice: sliceOp, pad: padOp, concat: concatOp, take: takeOp, scatterAdd: scatterAddOp } as const;


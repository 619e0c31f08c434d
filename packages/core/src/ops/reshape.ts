/**
 * Shape ops: reshape, transpose, broadcastTo (and its adjoint sumTo), slice and pad,
 * concat, take and scatterAdd (gather and scatter of rows).
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { type Shape, broadcastShapes, checkShape, sameShape, sizeOf, stridesOf, normalizeAxes } from '../shape.js';
import { apply, type KernelOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { broadcastCopy } from '../kernels/strided.js';
import { type Unary } from './define.js';
import { sum } from './reduce.js';

// ---------------------------------------------------------------- reshape

export const reshapeOp: KernelOp<Unary, { shape: Shape }> = {
  name: 'reshape',
  inputs: ['x'],
  saves: [],
  shape: (_s, { shape }) => shape,
  forward: ([x]) => x.data, // tensors are immutable, so the data is shared
  vjp: { x: (g, { inputs: [x] }) => reshape(g, x.shape) },
};

/**
 * The same values in a new shape; one dimension may be -1 (inferred).
 * @param x any shape @param shape the new shape, same number of elements
 * @throws ShapeError when the sizes differ or more than one dimension is -1.
 * @example reshape(arange(6), [2, -1]).shape // [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError(`reshape: at most one dimension may be -1, got ${fmtShape(shape)}`);
  let target = [...shape];
  if (free === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot infer -1 in ${fmtShape(shape)} for a tensor of shape ${fmtShape(x.shape)} (${x.size} elements); ` +
          `the other dimensions' product (${known}) must be non-zero and divide ${x.size}`,
      );
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  checkShape(target, 'reshape');
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)} (${sizeOf(target)} elements); the sizes must match`,
    );
  }
  if (sameShape(target, x.shape)) return x;
  return apply(reshapeOp, [x], { shape: target });
}

// ---------------------------------------------------------------- transpose

export const transposeOp: KernelOp<Unary, { perm: readonly number[] }> = {
  name: 'transpose',
  inputs: ['x'],
  saves: [],
  shape: ([s], { perm }) => perm.map((p) => s![p]!),
  forward: ([x], { perm }, outShape) => {
    const out = new Float64Array(x.size);
    const xs = x.data;
    if (perm.length === 2 && perm[0] === 1) {
      const r = x.shape[0]!;
      const c = x.shape[1]!;
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = xs[i * c + j]!;
      return out;
    }
    const inStrides = stridesOf(x.shape);
    const st = perm.map((p) => inStrides[p]!);
    const rank = outShape.length;
    const idx = new Array<number>(rank).fill(0);
    let src = 0;
    for (let k = 0; k < out.length; k++) {
      out[k] = xs[src]!;
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]!++;
        src += st[d]!;
        if (idx[d]! < outShape[d]!) break;
        src -= st[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
    return out;
  },
  vjp: {
    x: (g, { attrs: { perm } }) => {
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return transpose(g, inv);
    },
  },
};

/**
 * Permutes axes: output axis i is input axis `perm[i]`. Default: reverse all axes.
 * @example transpose(x).shape // [3, 2] for x: [2, 3]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  const ok = p.length === x.shape.length && [...p].sort((a, b) => a - b).every((v, i) => v === i);
  if (!ok) {
    throw new ShapeError(`transpose: perm [${p.join(',')}] is not a permutation of the ${x.shape.length} axes of ${fmtShape(x.shape)}`);
  }
  if (p.every((v, i) => v === i)) return x;
  return apply(transposeOp, [x], { perm: p });
}

// ---------------------------------------------------------------- broadcastTo / sumTo

export const broadcastToOp: KernelOp<Unary, { shape: Shape }> = {
  name: 'broadcastTo',
  inputs: ['x'],
  saves: [],
  shape: (_s, { shape }) => shape,
  forward: ([x], { shape }) => broadcastCopy(x.data, x.shape, shape),
  vjp: { x: (g, { inputs: [x] }) => sumTo(g, x.shape) },
};

/**
 * Repeats `x` along broadcast axes to `shape` (NumPy rules).
 * @throws ShapeError if `x` does not broadcast to exactly `shape`.
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkShape([...shape], 'broadcastTo');
  const fits = x.shape.length <= shape.length && sameShape(broadcastShapes('broadcastTo', [x.shape, shape]), shape);
  if (!fits) throw new ShapeError(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}; each axis of x must equal the target's or be 1`);
  if (sameShape(x.shape, shape)) return x;
  return apply(broadcastToOp, [x], { shape: [...shape] });
}

/**
 * Sums `g` down to `shape`, undoing NumPy broadcasting: the one helper every
 * broadcasting VJP ends in (the adjoint of `broadcastTo`).
 * @throws ShapeError if `shape` does not broadcast to `g.shape`.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (i < lead || (target === 1 && g.shape[i] !== 1)) axes.push(i);
    else if (target !== g.shape[i]) {
      throw new ShapeError(`sumTo: cannot reduce ${fmtShape(g.shape)} to ${fmtShape(shape)}; the target must broadcast to the source`);
    }
  }
  if (lead < 0) throw new ShapeError(`sumTo: cannot reduce ${fmtShape(g.shape)} to the larger rank ${fmtShape(shape)}`);
  return reshape(sum(g, axes), shape);
}

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

export const sliceOp: KernelOp<Unary, { ranges: Ranges }> = {
  name: 'slice',
  inputs: ['x'],
  saves: [],
  shape: (_s, { ranges }) => ranges.map(([a, b]) => b - a),
  forward: ([x], { ranges }, outShape) => {
    const out = new Float64Array(sizeOf(outShape));
    copyBox(x.data, x.shape, ranges.map((r) => r[0]), out, outShape, outShape.map(() => 0), outShape);
    return out;
  },
  vjp: { x: (g, { inputs: [x], attrs: { ranges } }) => pad(g, ranges.map(([a, b], i) => [a, x.shape[i]! - b] as const)) },
};

export const padOp: KernelOp<Unary, { widths: Ranges }> = {
  name: 'pad',
  inputs: ['x'],
  saves: [],
  shape: ([s], { widths }) => s!.map((d, i) => widths[i]![0] + d + widths[i]![1]),
  forward: ([x], { widths }, outShape) => {
    const out = new Float64Array(sizeOf(outShape));
    copyBox(x.data, x.shape, x.shape.map(() => 0), out, outShape, widths.map((w) => w[0]), x.shape);
    return out;
  },
  vjp: { x: (g, { inputs: [x], attrs: { widths } }) => slice(g, widths.map(([a], i) => [a, a + x.shape[i]!] as const)) },
};

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

export const concatOp: KernelOp<readonly Tensor[], { axis: number }> = {
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
    xs: (g, { inputs, attrs: { axis } }, index) => {
      let start = 0;
      for (let i = 0; i < index; i++) start += inputs[i]!.shape[axis]!;
      const ranges: SliceRange[] = g.shape.map(() => null);
      ranges[axis] = [start, start + inputs[index]!.shape[axis]!];
      return slice(g, ranges);
    },
  },
};

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

export const takeOp: KernelOp<Unary, { indices: Int32Array }> = {
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
  vjp: { x: (g, { inputs: [x], attrs: { indices } }) => apply(scatterAddOp, [g], { indices, rows: x.shape[0]! }) },
};

export const scatterAddOp: KernelOp<Unary, { indices: Int32Array; rows: number }> = {
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
};

/**
 * Rows of `x` picked by `indices` (a gather along axis 0; repeats allowed).
 * @param x [n, ...rest] @param indices integers in [0, n) @returns [indices.length, ...rest]
 * @example take(x, [2, 0]) // rows 2 and 0
 */
export function take(x: Tensor, indices: readonly number[] | Int32Array): Tensor {
  if (x.shape.length === 0) throw new ShapeError('take: x must have at least one axis to index, got a scalar');
  return apply(takeOp, [x], { indices: checkIndices('take', indices, x.shape[0]!) });
}

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

/**
 * Indexing ops: slice and pad (each other's adjoint), concat, take and scatterAdd (gather
 * and scatter of rows, each other's adjoint). They move values without arithmetic, so
 * they import no other family.
 */
import { ArgumentError, ShapeError, describeValue, fmtShape, showValue } from '../errors.js';
import { type Shape, checkCount, sizeOf, stridesOf, normalizeAxes } from '../shape.js';
import { arrayArg, intArg } from '../args.js';
import { apply, defineOp, type KernelOp } from '../tape.js';
import { type Tensor, isTensor } from '../tensor.js';
import { type Unary, tensorArg } from './define.js';

// ---------------------------------------------------------------- slice / pad

/**
 * One `[start, end)` (slice) or `[before, after]` (pad) pair per axis.
 * @group Ops: indexing
 */
export type Ranges = readonly (readonly [number, number])[];

/**
 * Copies a box of `box` elements per axis from `src` to `dst`. Along axis d the source is
 * read from `srcStart[d]` every `srcStep[d]` elements and the destination written from
 * `dstStart[d]` every `dstStep[d]`: slice reads with its steps, pad writes with its
 * interior spacing, concat moves contiguous blocks.
 */
function copyBox(
  src: Float64Array, srcShape: Shape, srcStart: readonly number[], srcStep: readonly number[],
  dst: Float64Array, dstShape: Shape, dstStart: readonly number[], dstStep: readonly number[], box: readonly number[],
): void {
  const total = sizeOf(box);
  if (total === 0) return;
  const rank = box.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  const ss = stridesOf(srcShape).map((st, d) => st * srcStep[d]!);
  const ds = stridesOf(dstShape).map((st, d) => st * dstStep[d]!);
  let si = 0;
  let di = 0;
  const srcOrigin = stridesOf(srcShape);
  const dstOrigin = stridesOf(dstShape);
  for (let d = 0; d < rank; d++) {
    si += srcStart[d]! * srcOrigin[d]!;
    di += dstStart[d]! * dstOrigin[d]!;
  }
  const n = box[rank - 1]!;
  const sIn = ss[rank - 1]!;
  const dIn = ds[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < total / n; r++) {
    for (let k = 0; k < n; k++) dst[di + k * dIn] = src[si + k * sIn]!;
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

const ones = (rank: number): number[] => new Array<number>(rank).fill(1);
const zerosAt = (rank: number): number[] => new Array<number>(rank).fill(0);

/** Elements a `[start, stop)` range with positive `step` picks: ⌈(stop - start) / step⌉. */
const countOf = (start: number, stop: number, step: number): number => Math.ceil((stop - start) / step);
/** Extent from the first picked element to the last, inclusive: (n - 1)·step + 1 (0 when empty). */
const spanOf = (n: number, step: number): number => (n === 0 ? 0 : (n - 1) * step + 1);

/**
 * Slice attributes: per axis `[start, stop, step]`, normalised: 0 <= start <= stop <= size for
 * step >= 1; size > start > stop >= -1 for step <= -1 (stop -1: through element 0).
 * @group Ops: indexing
 */
export interface SliceAttrs {
  readonly ranges: readonly (readonly [number, number, number])[];
}

export const sliceOp: KernelOp<Unary, SliceAttrs, 'x', never> = defineOp<Unary, SliceAttrs, 'x', never>({
  name: 'slice',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x slice(x): g placed back at the sliced positions, zeros elsewhere (a pad)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{slice}(x):\ g \text{ placed back at the sliced positions, zeros elsewhere}` },
  },
  shape: (_s, { ranges }) => ranges.map(([a, b, st]) => countOf(a, b, st)),
  into: ([x], { ranges }, outShape, out) => {
    const r = outShape.length;
    copyBox(x.data, x.shape, ranges.map((q) => q[0]), ranges.map((q) => q[2]), out, outShape, zerosAt(r), ones(r), outShape);
  },
  // The adjoint of picking every step-th element from start is placing g there in zeros:
  // pad with `start` before, step - 1 zeros between, and the rest of the axis after. A
  // negative step picks the same elements as the step |step| from the last one it reaches,
  // in reverse order: reverse g along those axes (a slice with step -1, differentiable in
  // turn), then place it as for the positive step.
  vjp: {
    x: (g, { shapes: [sx], attrs: { ranges } }) => {
      const backwards = ranges.some((r) => r[2] < 0);
      const flip = g.shape.map((n, i): readonly [number, number, number] => (ranges[i]![2] < 0 && n > 0 ? [n - 1, -1, -1] : [0, n, 1]));
      const gf = backwards ? apply(sliceOp, [g], { ranges: flip }) : g;
      const widths = ranges.map(([a, , st], i) => {
        const n = g.shape[i]!;
        const lo = st < 0 && n > 0 ? a + (n - 1) * st : a;
        return [lo, sx![i]! - lo - spanOf(n, Math.abs(st))] as const;
      });
      return apply(padOp, [gf], { widths, interior: ranges.map(([, , st]) => Math.abs(st) - 1) });
    },
  },
});

/**
 * A range per axis: `[start, end)`, or `[start, end, step]` for every step-th element (NumPy's
 * `a[start:end:step]`, step a non-zero integer), or `null` for the whole axis. Negative start
 * and end count from the end of the axis. A negative step walks down from start to just above
 * end; to include element 0, end at `-(size + 1)` (NumPy's `a[start::-1]`): `[size - 1, -(size + 1), -1]`
 * reverses the axis.
 * @group Ops: indexing
 */
export type SliceRange = readonly [number, number] | readonly [number, number, number] | null;

function sliceEntry(v: unknown): string {
  return Array.isArray(v) ? `[${(v as readonly unknown[]).slice(0, 4).map(showValue).join(', ')}${v.length > 4 ? ', …' : ''}]` : showValue(v);
}

/**
 * The box `ranges` of `x`; axes without a range are kept whole. A third entry is a step:
 * `slice(x, [[0, 5, 2]])` is NumPy's `x[0:5:2]` (elements 0, 2, 4), `[[4, 0, -2]]` its
 * `x[4:0:-2]` (4, 2); differentiable like any slice. Ranges are strict: a start or end
 * outside the axis is an error, not clamped.
 * @example slice(x, [[1, 3], null]) // rows 1..2, every column
 * @example slice(arange(6), [[1, 6, 2]]) // [1, 3, 5]
 * @example slice(arange(3), [[2, -4, -1]]) // [2, 1, 0]
 * @throws ShapeError for more ranges than axes or a range outside the axis; ArgumentError for a
 *   range that is not `[start, end]`, `[start, end, step]` or null, or a step that is 0 or not an integer.
 * @group Ops: indexing
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  tensorArg('slice', 'x', x);
  const given = arrayArg('slice', 'ranges', ranges, '; pass one [start, end] (or null) per axis, e.g. [[1, 3], null]');
  if (given.length > x.shape.length) {
    throw new ShapeError(`slice: got ${given.length} ranges for a tensor of rank ${x.shape.length} ${fmtShape(x.shape)}; give at most one range per axis`);
  }
  const norm = x.shape.map((d, i): readonly [number, number, number] => {
    const r: unknown = given[i];
    if (r === null || r === undefined) return [0, d, 1];
    if (!Array.isArray(r) || (r.length !== 2 && r.length !== 3)) {
      throw new ArgumentError(`slice: range ${i} must be [start, end], [start, end, step] or null, got ${sliceEntry(r)}; e.g. [1, 3] for elements 1 and 2`);
    }
    const entries: readonly unknown[] = r;
    entries.forEach((e, k) => {
      if (typeof e !== 'number' || !Number.isInteger(e)) {
        throw new ArgumentError(`slice: range ${i} ${sliceEntry(r)} has ${['start', 'end', 'step'][k]} ${showValue(e)}; start, end and step must be integers`);
      }
    });
    const [s0, e0, st = 1] = entries as readonly number[];
    if (st === 0) throw new ArgumentError(`slice: range ${i} ${sliceEntry(r)} has step 0; a step must be a non-zero integer (negative to walk backwards)`);
    const a = s0! < 0 ? s0! + d : s0!;
    const b = e0! < 0 ? e0! + d : e0!;
    if (st! < 0) {
      if (a === b) return [0, 0, 1];
      if (!(a <= d - 1 && b >= -1 && b < a)) {
        throw new ShapeError(
          `slice: range [${s0}, ${e0}, ${st}] is not a valid backward range of axis ${i} (size ${d}) of ${fmtShape(x.shape)}; ` +
            `a negative step needs ${d - 1} >= start > end >= -1 once negative values are counted from the end (end -${d + 1} reads through element 0)`,
        );
      }
      return [a, b, st!];
    }
    if (a < 0 || b > d || a > b) {
      throw new ShapeError(`slice: range [${s0}, ${e0}) is not a valid range of axis ${i} (size ${d}) of ${fmtShape(x.shape)}; need 0 <= start <= end <= ${d}`);
    }
    // An empty range is stepped by 1, so the adjoint pad has no negative spacing.
    return [a, b, a === b ? 1 : st!];
  });
  if (norm.every(([a, b, st], i) => a === 0 && b === x.shape[i] && st === 1)) return x;
  return apply(sliceOp, [x], { ranges: norm });
}

/**
 * Pad attributes: `[before, after]` zeros per axis, and `interior` zeros between neighbours (the adjoint of a stepped slice).
 * @group Ops: indexing
 */
export interface PadAttrs {
  readonly widths: Ranges;
  readonly interior: readonly number[];
}

export const padOp = defineOp<Unary, PadAttrs, 'x', never>({
  name: 'pad',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x pad(x): g with the padding cut off (a slice)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{pad}(x):\ g \text{ with the padding cut off}` },
  },
  shape: ([s], { widths, interior }) => s!.map((d, i) => widths[i]![0] + spanOf(d, interior[i]! + 1) + widths[i]![1]),
  into: ([x], { widths, interior }, outShape, out) => {
    out.fill(0);
    copyBox(x.data, x.shape, zerosAt(x.shape.length), ones(x.shape.length), out, outShape, widths.map((w) => w[0]), interior.map((q) => q + 1), x.shape);
  },
  // The adjoint of spreading x into zeros is picking those places back out.
  vjp: { x: (g, { shapes: [sx], attrs: { widths, interior } }) => slice(g, widths.map(([a], i) => [a, a + spanOf(sx![i]!, interior[i]! + 1), interior[i]! + 1] as const)) },
});

/**
 * Zero padding: `widths[i] = [before, after]` for axis i (missing axes: none).
 * @example pad(tensor([1, 2]), [[1, 0]]) // [0, 1, 2]
 * @throws ArgumentError for a width that is not a pair of non-negative integers; ShapeError for more widths than axes or too large a result.
 * @group Ops: indexing
 */
export function pad(x: Tensor, widths: readonly (readonly [number, number])[]): Tensor {
  tensorArg('pad', 'x', x);
  const given = arrayArg('pad', 'widths', widths, '; pass one [before, after] per axis, e.g. [[1, 0]]');
  if (given.length > x.shape.length) throw new ShapeError(`pad: got ${given.length} widths for a tensor of rank ${x.shape.length}; give at most one [before, after] per axis`);
  const w = x.shape.map((_, i): readonly [number, number] => {
    const r: unknown = given[i];
    if (r === undefined) return [0, 0];
    if (!Array.isArray(r) || r.length !== 2) throw new ArgumentError(`pad: widths[${i}] must be a pair [before, after], got ${sliceEntry(r)}`);
    const [a, b]: readonly unknown[] = r;
    if (typeof a !== 'number' || typeof b !== 'number' || !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) {
      throw new ArgumentError(`pad: widths must be non-negative integers, got [${showValue(a)}, ${showValue(b)}] for axis ${i}`);
    }
    return [a, b];
  });
  if (w.every(([a, b]) => a === 0 && b === 0)) return x;
  checkCount(x.shape.map((d, i) => w[i]![0] + d + w[i]![1]), 'pad');
  return apply(padOp, [x], { widths: w, interior: zerosAt(x.shape.length) });
}

// ---------------------------------------------------------------- concat

export const concatOp = defineOp<readonly Tensor[], { axis: number }, 'xs', never>({
  name: 'concat',
  inputs: ['xs'],
  variadic: true,
  saves: [],
  rules: {
    xs: { text: '∂/∂xsᵢ concat(xs): the part of g at the place of xsᵢ along the axis (a slice)', tex: String.raw`\frac{\partial}{\partial x_i}\operatorname{concat}(x_1, \dots, x_n):\ \text{the slice of } g \text{ at the place of } x_i` },
  },
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
  into: (xs, { axis }, outShape, out) => {
    let offset = 0;
    for (const x of xs) {
      copyBox(x.data, x.shape, zerosAt(x.shape.length), ones(x.shape.length), out, outShape, x.shape.map((_, i) => (i === axis ? offset : 0)), ones(x.shape.length), x.shape);
      offset += x.shape[axis]!;
    }
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
 * @group Ops: indexing
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const list = arrayArg('concat', 'xs', xs, '; pass an array of Tensors, e.g. concat([a, b])');
  if (list.length === 0) throw new ArgumentError('concat: needs at least one tensor');
  list.forEach((x, i) => {
    if (!isTensor(x)) throw new ArgumentError(`concat: xs[${i}] must be a Tensor, got ${describeValue(x)}`);
  });
  const first = xs[0]!;
  if (first.shape.length === 0) throw new ShapeError('concat: scalars have no axis to join along; reshape them to [1] first');
  const [a] = normalizeAxes('concat', axis, first.shape.length);
  if (xs.length === 1) return first;
  const out = [...first.shape];
  out[a!] = xs.reduce((n, x) => n + (x.shape[a!] ?? 0), 0);
  checkCount(out, 'concat');
  return apply(concatOp, xs, { axis: a! });
}

// ---------------------------------------------------------------- take / scatterAdd

function checkIndices(op: string, indices: readonly number[] | Int32Array, n: number): Int32Array {
  if (!Array.isArray(indices) && !(indices instanceof Int32Array)) {
    throw new ArgumentError(`${op}: indices must be an array of integers or an Int32Array, got ${describeValue(indices)}`);
  }
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v: unknown = indices[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
      throw new ArgumentError(`${op}: index ${showValue(v)} at position ${i} is out of range for an axis of size ${n}; indices must be integers in [0, ${n - 1}]`);
    }
    out[i] = v;
  }
  return out;
}

export const takeOp: KernelOp<Unary, { indices: Int32Array }, 'x', never> = defineOp({
  name: 'take',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x take(x, idx): the rows of g scatter-added back to rows idx of x (repeated rows add up)', tex: String.raw`\frac{\partial}{\partial x}x_{\mathrm{idx}}:\ \text{rows of } g \text{ scatter-added back to rows idx}` },
  },
  shape: ([s], { indices }) => [indices.length, ...s!.slice(1)],
  into: ([x], { indices }, _outShape, out) => {
    const row = sizeOf(x.shape.slice(1));
    for (let i = 0; i < indices.length; i++) out.set(x.data.subarray(indices[i]! * row, indices[i]! * row + row), i * row);
  },
  vjp: { x: (g, { shapes: [sx], attrs: { indices } }) => apply(scatterAddOp, [g], { indices, rows: sx![0]! }) },
});

/**
 * Rows of `x` picked by `indices` (a gather along axis 0; repeats allowed).
 * @param x [n, ...rest] @param indices integers in [0, n) @returns [indices.length, ...rest]
 * @example take(x, [2, 0]) // rows 2 and 0
 * @group Ops: indexing
 */
export function take(x: Tensor, indices: readonly number[] | Int32Array): Tensor {
  tensorArg('take', 'x', x);
  if (x.shape.length === 0) throw new ShapeError('take: x must have at least one axis to index, got a scalar');
  const idx = checkIndices('take', indices, x.shape[0]!);
  checkCount([idx.length, ...x.shape.slice(1)], 'take');
  return apply(takeOp, [x], { indices: idx });
}

export const scatterAddOp: KernelOp<Unary, { indices: Int32Array; rows: number }, 'x', never> = defineOp({
  name: 'scatterAdd',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x scatterAdd(x, idx): rows idx of g gathered (a take)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{scatterAdd}(x, \mathrm{idx}):\ g_{\mathrm{idx}} \text{ (rows idx of } g)` },
  },
  shape: ([s], { rows }) => [rows, ...s!.slice(1)],
  into: ([x], { indices }, outShape, out) => {
    const row = sizeOf(outShape.slice(1));
    out.fill(0);
    const xs = x.data;
    for (let i = 0; i < indices.length; i++) {
      const o = indices[i]! * row;
      for (let k = 0; k < row; k++) out[o + k]! += xs[i * row + k]!;
    }
  },
  vjp: { x: (g, { attrs: { indices } }) => apply(takeOp, [g], { indices }) },
});

/**
 * Adds row i of `x` into row `indices[i]` of a zero tensor with `rows` rows: the adjoint of `take`.
 * @param x [k, ...rest] @param indices k integers in [0, rows) @returns [rows, ...rest]
 * @group Ops: indexing
 */
export function scatterAdd(x: Tensor, indices: readonly number[] | Int32Array, rows: number): Tensor {
  tensorArg('scatterAdd', 'x', x);
  intArg('scatterAdd', 'rows', rows, 0);
  if (!Array.isArray(indices) && !(indices instanceof Int32Array)) checkIndices('scatterAdd', indices, rows);
  if (x.shape.length === 0 || indices.length !== x.shape[0]) {
    throw new ShapeError(`scatterAdd: need one index per row of x, got ${indices.length} indices for x of shape ${fmtShape(x.shape)}`);
  }
  checkCount([rows, ...x.shape.slice(1)], 'scatterAdd');
  return apply(scatterAddOp, [x], { indices: checkIndices('scatterAdd', indices, rows), rows });
}

/** This family's slice of the op table. */
export const indexingOps = { slice: sliceOp, pad: padOp, concat: concatOp, take: takeOp, scatterAdd: scatterAddOp } as const;


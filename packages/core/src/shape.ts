import { ArgumentError, ShapeError, describeValue, fmtShape, showValue } from './errors.js';

/**
 * A tensor's dimensions, outermost first. `[]` is a scalar.
 * @group Tensors
 */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The most elements one tensor may hold: 2^27 (134,217,728 float64 values, 1 GiB).
 * Sizes come from user input (a shape, an arange bound, a layer width, a class count);
 * checking them before allocating turns a would-be `RangeError` or out-of-memory into
 * a typed error that says which op asked for how much.
 * @group Tensors
 */
export const MAX_ELEMENTS = 2 ** 27;

/**
 * Throws a `ShapeError` if `shape` (whose dimensions are already known to be
 * non-negative integers) has more than {@link MAX_ELEMENTS} elements; returns the count.
 * @group Tensors
 */
export function checkSize(shape: Shape, where: string): number {
  if (!Array.isArray(shape)) throw new ArgumentError(`checkSize: shape must be an array of non-negative integers, got ${describeValue(shape)}`);
  if (typeof where !== 'string') throw new ArgumentError(`checkSize: where must be the op's name, got ${describeValue(where)}`);
  for (const d of shape as readonly unknown[]) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new ShapeError(`${where}: a dimension must be a non-negative integer, got ${showValue(d)}`);
  }
  return checkCount(shape, where);
}

/** @internal `checkSize` for shapes core built itself (dimensions known to be non-negative integers): only the count. */
export function checkCount(shape: Shape, where: string): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(
      `${where}: shape [${shape.join(',')}] has ${n < 1e21 ? n.toLocaleString('en-US') : n.toExponential(3)} elements, more than the limit of ` +
        `${MAX_ELEMENTS.toLocaleString('en-US')} (2^27, 1 GiB of float64); use smaller dimensions`,
    );
  }
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Throws unless every dimension is a non-negative integer. */
export function checkShape(shape: readonly unknown[], where: string): Shape {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${where}: dimension ${i} of shape [${shape.map(String).join(',')}] must be a non-negative integer, got ${showValue(d)}`,
      );
    }
  }
  return shape as Shape;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of any number of shapes; the error names the op and every shape. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): Shape {
  let rank = 0;
  for (const s of shapes) rank = Math.max(rank, s.length);
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!;
      const o = out[off + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[off + i] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together ` +
            `(axis ${off + i - rank} has sizes ${o} and ${d}); each axis must match or be 1`,
        );
      }
    }
  }
  // Broadcasting can multiply sizes ([n,1] with [1,n]): the result is checked before it is allocated.
  checkCount(out, op);
  return out;
}

/**
 * Strides of `shape` read as if broadcast to `outShape`: 0 on broadcast axes.
 * `shape` must already be known to broadcast to `outShape`.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : st[i]!;
  return out;
}

/**
 * Normalises an axis list (negative axes count from the end) and checks range and
 * duplicates. `undefined` means every axis.
 */
export function normalizeAxes(op: string, axes: unknown, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new ArgumentError(`${op}: axes must be an integer or an array of integers, got ${showValue(axes)}`);
  }
  const list: readonly unknown[] = typeof axes === 'number' ? [axes] : axes;
  const seen = new Set<number>();
  const out: number[] = [];
  for (const a of list) {
    if (typeof a !== 'number') {
      throw new ArgumentError(`${op}: an axis must be an integer, got ${showValue(a)}${typeof a === 'string' ? '; pass a number, not a string' : ''}`);
    }
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      const fix = rank === 0 ? 'a scalar has no axes, so pass none' : `use an integer in [${-rank}, ${rank - 1}]`;
      throw new ShapeError(`${op}: axis ${String(a)} is out of range for a tensor of rank ${rank}; ${fix}`);
    }
    const n = a < 0 ? a + rank : a;
    if (seen.has(n)) throw new ArgumentError(`${op}: axis ${a} is listed twice in [${list.join(',')}]`);
    seen.add(n);
    out.push(n);
  }
  return out.sort((x, y) => x - y);
}

/** Shape after reducing `axes`, keeping them as size-1 dims when `keepDims`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}

/**
 * The multi-index of flat (row-major) position `i` in `shape`, like NumPy's `unravel_index`.
 * @param i flat index in [0, size) @param shape the tensor's shape @returns one index per axis (`[]` for a scalar)
 * @example unravelIndex(5, [2, 3]) // [1, 2]
 * @group Tensors
 */
export function unravelIndex(i: number, shape: Shape): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new ArgumentError(`unravelIndex: shape must be an array of non-negative integers, got ${describeValue(shape)}`);
  }
  const size = sizeOf(shape);
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= size) {
    throw new ArgumentError(`unravelIndex: i must be an integer in [0, ${size}) for shape ${fmtShape(shape)}, got ${showValue(i)}`);
  }
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

import { ArgumentError, ShapeError, fmtShape } from './errors.js';
import { type Shape, checkShape, sizeOf } from './shape.js';
import type { Node } from './tape.js';
import { formatTensor } from './format.js';

/** Nested arrays of numbers, as `tensor()` accepts and `toArray()` returns. */
export type NestedArray = number | readonly NestedArray[];

/**
 * An immutable float64 tensor: row-major `data` and a `shape`. Ops never write into a
 * tensor after it is made, so tensors may share `data` (reshape does).
 */
export class Tensor {
  /** Row-major values. Treat as read-only. */
  readonly data: Float64Array;
  /** Dimensions, outermost first; `[]` for a scalar. */
  readonly shape: Shape;
  /** Number of elements. */
  readonly size: number;
  /** @internal The tape entry that made this tensor, while it is being traced. */
  node: Node | null;

  /** @internal Use `tensor()` and friends; this constructor does not validate. */
  constructor(data: Float64Array, shape: Shape) {
    this.data = data;
    this.shape = shape;
    this.size = data.length;
    this.node = null;
  }

  /** Rank (number of dimensions). */
  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a size-1 tensor. @throws ShapeError for any other size. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item: tensor must have exactly one element, got shape ${fmtShape(this.shape)}; index or reduce it first`);
    }
    return this.data[0]!;
  }

  /** Nested arrays of numbers (a plain number for a scalar). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0]!;
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const inner = stride / n;
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(dim === this.shape.length - 1 ? this.data[offset + i]! : build(dim + 1, offset + i * inner, inner));
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** Values as a flat plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** A readable rendering: `Tensor[2,2] [[1, 2], [3, 4]]`. */
  toString(): string {
    return formatTensor(this);
  }
}

/**
 * A tensor over an existing `Float64Array`, without copying. The caller promises not to
 * write into `data` while the tensor (or anything computed from it on a tape) is in use:
 * optimizers update parameters in place between steps, never during one.
 * @param data row-major values, length = product of `shape`
 * @throws ShapeError when the length does not match the shape.
 */
export function tensorView(data: Float64Array, shape: readonly number[]): Tensor {
  const s = checkShape([...shape], 'tensorView');
  if (!(data instanceof Float64Array)) throw new ArgumentError('tensorView: data must be a Float64Array');
  if (data.length !== sizeOf(s)) {
    throw new ShapeError(`tensorView: data has ${data.length} values but shape ${fmtShape(s)} needs ${sizeOf(s)}`);
  }
  return new Tensor(data, s);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

function inferShape(values: NestedArray, where: string): number[] {
  if (typeof values !== 'number' && !Array.isArray(values)) {
    throw new ArgumentError(`${where}: expected a number or nested arrays of numbers, got ${typeof values}`);
  }
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = (v as readonly NestedArray[])[0]!;
  }
  return shape;
}

function flatten(values: NestedArray, shape: Shape, out: Float64Array, where: string): void {
  let k = 0;
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') {
        throw new ArgumentError(`${where}: element at ${path || '[]'} must be a number, got ${Array.isArray(v) ? 'an array (ragged nesting)' : typeof v}`);
      }
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(
        `${where}: ragged nested array: ${path || 'the top level'} has ${Array.isArray(v) ? `length ${v.length}` : 'a number'} ` +
          `where the first row implies length ${shape[dim]}; every row along an axis must have the same length`,
      );
    }
    for (let i = 0; i < v.length; i++) walk((v as readonly NestedArray[])[i]!, dim + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
}

function flatValues(values: NestedArray): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(values);
  return out;
}

/**
 * Makes a tensor.
 * - `tensor(3)`: a scalar; `tensor([[1, 2], [3, 4]])`: shape inferred from nesting.
 * - `tensor([1, 2, 3, 4], [2, 2])` or `tensor(float64Array, [2, 2])`: flat values plus a shape.
 * The data is copied.
 * @throws ShapeError for ragged nesting or a data length that does not match the shape.
 * @example tensor([[1, 2], [3, 4]]).shape // [2, 2]
 */
export function tensor(values: NestedArray | Float64Array | readonly number[], shape?: readonly number[]): Tensor {
  if (shape !== undefined) {
    const s = checkShape([...shape], 'tensor');
    const flat: ArrayLike<unknown> = values instanceof Float64Array ? values : flatValues(values);
    if (flat.length !== sizeOf(s)) {
      throw new ShapeError(`tensor: data has ${flat.length} values but shape ${fmtShape(s)} needs ${sizeOf(s)}; pass a shape whose product is the data length`);
    }
    const data = new Float64Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number') throw new ArgumentError(`tensor: value ${i} must be a number, got ${typeof v}`);
      data[i] = v;
    }
    return new Tensor(data, s);
  }
  if (values instanceof Float64Array) return new Tensor(Float64Array.from(values), [values.length]);
  const inferred = inferShape(values as NestedArray, 'tensor');
  const data = new Float64Array(sizeOf(inferred));
  flatten(values as NestedArray, inferred, data, 'tensor');
  return new Tensor(data, inferred);
}

/** A rank-0 tensor. */
export function scalar(value: number): Tensor {
  return new Tensor(Float64Array.of(value), []);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  const s = checkShape([...shape], 'full');
  return new Tensor(new Float64Array(sizeOf(s)).fill(value), s);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return full(shape, 0);
}

/** A tensor of ones. */
export function ones(shape: readonly number[]): Tensor {
  return full(shape, 1);
}

/** The `[n, m]` identity (m defaults to n). */
export function eye(n: number, m: number = n): Tensor {
  const s = checkShape([n, m], 'eye');
  const data = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, s);
}

/**
 * `[start, start + step, ...)` up to but excluding `stop`; `arange(n)` is `0..n-1`.
 * @throws ArgumentError for a zero or non-finite step.
 */
export function arange(start: number, stop?: number, step = 1): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (!Number.isFinite(step) || step === 0 || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new ArgumentError(`arange: start, stop and step must be finite and step non-zero, got (${lo}, ${hi}, ${step})`);
  }
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n]);
}

/** `n` evenly spaced values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, n: number): Tensor {
  checkShape([n], 'linspace');
  const data = new Float64Array(n);
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  if (n > 1) data[n - 1] = stop;
  return new Tensor(data, [n]);
}

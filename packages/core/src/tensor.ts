import { ArgumentError, ShapeError, describeValue, fmtShape, showValue } from './errors.js';
import { type Shape, checkCount, checkSize, sizeOf } from './shape.js';
import { MAX_RANK, finiteArg, intArg, numberArg, shapeArg } from './args.js';
import type { Node } from './tape.js';
import { formatTensor } from './format.js';

/**
 * Nested arrays of numbers, as `tensor()` accepts and `toArray()` returns.
 * @group Tensors
 */
export type NestedArray = number | readonly NestedArray[];

/**
 * An immutable float64 tensor: row-major `data` and a `shape`. Ops never write into a
 * tensor after it is made, so tensors may share `data` (reshape does).
 * @group Tensors
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

/** @internal Points a tensor at other data of the same length (compile's argument wrappers, rebound per call). */
export function rebindData(t: Tensor, data: Float64Array): void {
  (t as { data: Float64Array }).data = data;
}

/**
 * A tensor over an existing `Float64Array`, without copying. The caller promises not to
 * write into `data` while the tensor (or anything computed from it on a tape) is in use:
 * optimizers update parameters in place between steps, never during one.
 * @param data row-major values, length = product of `shape`
 * @throws ArgumentError when `data` is not a Float64Array; ShapeError when the length does not match the shape.
 * @group Tensors
 */
export function tensorView(data: Float64Array, shape: readonly number[]): Tensor {
  if (!(data instanceof Float64Array)) throw new ArgumentError(`tensorView: data must be a Float64Array, got ${describeValue(data)}; use tensor() to copy other values`);
  const s = shapeArg('tensorView', shape);
  if (data.length !== sizeOf(s)) {
    throw new ShapeError(`tensorView: data has ${data.length} values but shape ${fmtShape(s)} needs ${sizeOf(s)}`);
  }
  return new Tensor(data, s);
}

/**
 * True for a tensor made by this library.
 * @group Tensors
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** `[0][2][1]`: the path of the array at depth `k` of a walk, from the indices taken so far. */
function pathOf(indices: readonly number[], k = indices.length): string {
  let p = '';
  for (let i = 0; i < k; i++) p += `[${indices[i]}]`;
  return p;
}

function tooDeep(where: string, path: string): ShapeError {
  const shown = /^(\[0\])+$/.test(path) ? `[0]×${path.length / 3}` : path.length > 80 ? `${path.slice(0, 40)}…${path.slice(-30)}` : path;
  return new ShapeError(
    `${where}: the nested array is more than ${MAX_RANK} levels deep (at ${shown}), more dimensions than a tensor may have; ` +
      'flatten the data and pass a shape, e.g. tensor(values, [2, 3])',
  );
}

function cycleError(where: string, path: string, ancestor: string): ArgumentError {
  return new ArgumentError(
    `${where}: the array at ${path} is the array at ${ancestor || 'the top level'} again (a self-referencing array); ` +
      'nested arrays must be a tree of numbers, so copy the data instead of nesting an array inside itself',
  );
}

/**
 * The shape implied by the first element at every level. Iterative, depth-limited to
 * MAX_RANK, and it notices an array that contains itself (which would never end).
 */
function inferShape(values: unknown, where: string): number[] {
  if (typeof values !== 'number' && !Array.isArray(values)) {
    throw new ArgumentError(`${where}: expected a number or nested arrays of numbers, got ${showValue(values)}`);
  }
  const shape: number[] = [];
  const chain: unknown[] = [];
  let v: unknown = values;
  while (Array.isArray(v)) {
    const seen = chain.indexOf(v);
    if (seen >= 0) throw cycleError(where, pathOf(shape.map(() => 0)), pathOf(shape.map(() => 0), seen));
    if (shape.length === MAX_RANK) throw tooDeep(where, pathOf(shape.map(() => 0)));
    chain.push(v);
    shape.push(v.length);
    if (v.length === 0) break;
    v = (v as readonly unknown[])[0];
  }
  return shape;
}

/** Copies nested `values` of `shape` into `out`, row-major, with an explicit stack (no recursion on user data). */
function flatten(values: unknown, shape: Shape, out: Float64Array, where: string): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = values as number;
    return;
  }
  const arrays: (readonly unknown[])[] = [];
  const idx: number[] = [];
  let k = 0;
  const enter = (v: unknown, dim: number): void => {
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      const path = pathOf(idx);
      throw new ShapeError(
        `${where}: ragged nested array: ${path || 'the top level'} has ${Array.isArray(v) ? `length ${v.length}` : typeof v === 'number' ? 'a number' : showValue(v)} ` +
          `where the first row implies length ${shape[dim]}; every row along an axis must have the same length`,
      );
    }
    arrays.push(v);
    idx.push(0);
  };
  enter(values, 0);
  while (arrays.length > 0) {
    const d = arrays.length - 1;
    const arr = arrays[d]!;
    const i = idx[d]!;
    if (i === arr.length) {
      arrays.pop();
      idx.pop();
      if (idx.length > 0) idx[idx.length - 1]!++;
      continue;
    }
    const v = arr[i];
    if (d === rank - 1) {
      if (typeof v !== 'number') {
        const path = pathOf(idx);
        if (Array.isArray(v)) {
          const a = arrays.indexOf(v);
          if (a >= 0) throw cycleError(where, path, pathOf(idx, a));
        }
        throw new ArgumentError(`${where}: element at ${path} must be a number, got ${Array.isArray(v) ? 'an array (ragged nesting)' : showValue(v)}`);
      }
      out[k++] = v;
      idx[d] = i + 1;
    } else enter(v, d + 1);
  }
}

/** Every number of arbitrarily nested arrays, in order (for `tensor(values, shape)`). Iterative, cycle-safe, depth-limited. */
function flatValues(values: unknown, where: string): unknown[] {
  if (!Array.isArray(values)) return [values];
  const out: unknown[] = [];
  const arrays: (readonly unknown[])[] = [values];
  const idx: number[] = [0];
  while (arrays.length > 0) {
    const d = arrays.length - 1;
    const arr = arrays[d]!;
    const i = idx[d]!;
    if (i === arr.length) {
      arrays.pop();
      idx.pop();
      continue;
    }
    idx[d] = i + 1;
    const v = arr[i];
    if (!Array.isArray(v)) {
      out.push(v);
      continue;
    }
    const here = [...idx.slice(0, d), i];
    const a = arrays.indexOf(v);
    if (a >= 0) throw cycleError(where, pathOf(here), pathOf(here, a));
    if (arrays.length === MAX_RANK) throw tooDeep(where, pathOf(here));
    arrays.push(v);
    idx.push(0);
  }
  return out;
}

/**
 * Makes a tensor.
 * - `tensor(3)`: a scalar; `tensor([[1, 2], [3, 4]])`: shape inferred from nesting.
 * - `tensor([1, 2, 3, 4], [2, 2])` or `tensor(float64Array, [2, 2])`: flat values plus a shape.
 * The data is copied. Nesting may be at most 64 levels deep (a tensor's most dimensions).
 * @throws ShapeError for ragged or too deep nesting, or a data length that does not match the shape;
 *   ArgumentError for a value that is not a number or an array that contains itself.
 * @example tensor([[1, 2], [3, 4]]).shape // [2, 2]
 * @group Tensors
 */
export function tensor(values: NestedArray | Float64Array | readonly number[], shape?: readonly number[]): Tensor {
  if (shape !== undefined) {
    const s = shapeArg('tensor', shape);
    const flat: ArrayLike<unknown> = values instanceof Float64Array ? values : flatValues(values, 'tensor');
    if (flat.length !== sizeOf(s)) {
      throw new ShapeError(`tensor: data has ${flat.length} values but shape ${fmtShape(s)} needs ${sizeOf(s)}; pass a shape whose product is the data length`);
    }
    const data = new Float64Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number') throw new ArgumentError(`tensor: value ${i} must be a number, got ${showValue(v)}`);
      data[i] = v;
    }
    return new Tensor(data, s);
  }
  if (values instanceof Float64Array) return new Tensor(Float64Array.from(values), [values.length]);
  const inferred = inferShape(values, 'tensor');
  const data = new Float64Array(checkSize(inferred, 'tensor'));
  flatten(values, inferred, data, 'tensor');
  return new Tensor(data, inferred);
}

/**
 * A rank-0 tensor. @throws ArgumentError when `value` is not a number.
 * @group Tensors
 */
export function scalar(value: number): Tensor {
  return new Tensor(Float64Array.of(numberArg('scalar', 'value', value)), []);
}

/**
 * A tensor of `shape` filled with `value`.
 * @throws ShapeError for a bad dimension or more than `MAX_ELEMENTS` elements; ArgumentError when `value` is not a number.
 * @group Tensors
 */
export function full(shape: readonly number[], value: number): Tensor {
  return fill('full', shape, numberArg('full', 'value', value));
}

function fill(where: string, shape: unknown, value: number): Tensor {
  const s = shapeArg(where, shape);
  return new Tensor(new Float64Array(sizeOf(s)).fill(value), s);
}

/**
 * A tensor of zeros. @throws ShapeError as `full` does.
 * @group Tensors
 */
export function zeros(shape: readonly number[]): Tensor {
  return fill('zeros', shape, 0);
}

/**
 * A tensor of ones. @throws ShapeError as `full` does.
 * @group Tensors
 */
export function ones(shape: readonly number[]): Tensor {
  return fill('ones', shape, 1);
}

/**
 * The `[n, m]` identity (m defaults to n). @throws ArgumentError unless n and m are non-negative integers.
 * @group Tensors
 */
export function eye(n: number, m: number = n): Tensor {
  const s = shapeArg('eye', [intArg('eye', 'n', n, 0), intArg('eye', 'm', m, 0)]);
  const data = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, s);
}

/**
 * `[start, start + step, ...)` up to but excluding `stop`; `arange(n)` is `0..n-1`.
 * @throws ArgumentError for a zero or non-finite step or bound; ShapeError for more than `MAX_ELEMENTS` values.
 * @group Tensors
 */
export function arange(start: number, stop?: number, step = 1): Tensor {
  finiteArg('arange', stop === undefined ? 'stop' : 'start', start);
  if (stop !== undefined) finiteArg('arange', 'stop', stop);
  finiteArg('arange', 'step', step);
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new ArgumentError(`arange: step must be non-zero, got 0 (for (${lo}, ${hi})); use a positive step to count up or a negative one to count down`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  checkCount([n], `arange(${lo}, ${hi}, ${step})`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n]);
}

/**
 * `n` evenly spaced values from `start` to `stop` inclusive. @throws ArgumentError for a non-finite bound or a bad count.
 * @group Tensors
 */
export function linspace(start: number, stop: number, n: number): Tensor {
  finiteArg('linspace', 'start', start);
  finiteArg('linspace', 'stop', stop);
  intArg('linspace', 'n', n, 0);
  checkSize([n], 'linspace');
  const data = new Float64Array(n);
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  if (n > 1) data[n - 1] = stop;
  return new Tensor(data, [n]);
}

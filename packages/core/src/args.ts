/**
 * Argument checks shared by core's public functions: shapes, integers, finite numbers,
 * booleans, functions and plain arrays. Each throws a typed error whose message names the
 * function the user called, the rule, the value (a string is shown as a string) and the fix.
 * Imports only errors and shapes, so any module may use it.
 */
import { ArgumentError, ShapeError, describeValue, showValue } from './errors.js';
import { type Shape, checkCount } from './shape.js';

/** The most dimensions a tensor may have (NumPy 2's limit); deeper nesting is a mistake, not data. */
export const MAX_RANK = 64;

/** A short rendering of a user's shape for messages: strings stay quoted, anything else by its kind. */
function showDims(shape: readonly unknown[]): string {
  const parts = shape.slice(0, 8).map((d) => (typeof d === 'number' ? String(d) : typeof d === 'string' ? JSON.stringify(d) : describeValue(d)));
  return `[${parts.join(',')}${shape.length > 8 ? ',…' : ''}]`;
}

/**
 * A shape given by the user: an array of at most {@link MAX_RANK} non-negative integers
 * whose product is within `MAX_ELEMENTS`. Returns a fresh copy, safe to keep.
 * @throws ArgumentError when it is not an array; ShapeError for a bad dimension or too many elements.
 */
export function shapeArg(where: string, shape: unknown, what = 'shape'): Shape {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(`${where}: ${what} must be an array of non-negative integers, got ${showValue(shape)}; pass e.g. [2, 3]`);
  }
  const dims: readonly unknown[] = shape;
  if (dims.length > MAX_RANK) {
    throw new ShapeError(`${where}: ${what} has ${dims.length} dimensions, more than the limit of ${MAX_RANK}; use fewer axes`);
  }
  const out: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      const fix = typeof d === 'string' ? `; pass the number ${Number.isNaN(Number(d)) ? 'itself' : Number(d)}, not a string` : '';
      throw new ShapeError(`${where}: dimension ${i} of ${what} ${showDims(dims)} must be a non-negative integer, got ${showValue(d)}${fix}`);
    }
    out.push(d);
  }
  checkCount(out, where);
  return out;
}

/**
 * An integer in `[min, max]`; strings, fractions, NaN and infinities are refused by name.
 * @throws ArgumentError `where: name must be an integer >= min, got …` (a string is shown as a string).
 * @example intArg('splitIndices', 'n', 5, 0) // 5
 * @group Errors
 */
export function intArg(where: string, name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  // Public, so its own arguments are checked before a message interpolates them.
  if (typeof where !== 'string' || typeof name !== 'string') throw new ArgumentError(`intArg: where and name must be strings (the function and the argument), got ${describeValue(where)} and ${describeValue(name)}`);
  if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max)) throw new ArgumentError(`intArg: min and max must be numbers, got ${showValue(min)} and ${showValue(max)}`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ArgumentError(`${where}: ${name} must be an integer ${range}, got ${showValue(v)}`);
  }
  return v;
}

/** A finite number (a string that looks like one is still a string). */
export function finiteArg(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(`${where}: ${name} must be a finite number, got ${showValue(v)}`);
  }
  return v;
}

/** A number (NaN and infinities allowed: a fill value or a bound may be either). */
export function numberArg(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new ArgumentError(`${where}: ${name} must be a number, got ${showValue(v)}`);
  return v;
}

/** `true` or `false`, or `undefined` for the default. */
export function boolArg(where: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ArgumentError(`${where}: ${name} must be true or false, got ${showValue(v)}`);
  return v;
}

/** A function the caller passes for us to call. */
export function functionArg<F>(where: string, name: string, v: F): F {
  if (typeof v !== 'function') throw new ArgumentError(`${where}: ${name} must be a function, got ${describeValue(v)}`);
  return v;
}

/** A plain array (not a typed array, not an array-like object). */
export function arrayArg(where: string, name: string, v: unknown, hint = ''): readonly unknown[] {
  if (!Array.isArray(v)) throw new ArgumentError(`${where}: ${name} must be an array, got ${describeValue(v)}${hint}`);
  return v;
}

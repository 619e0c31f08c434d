/**
 * Argument checks every public nn function shares: the model's structure, numeric options
 * (a string where a number belongs is named as a string), seeds, and short value previews
 * for messages that never throw themselves (no `String()` of an arbitrary object, no
 * `JSON.stringify` of a cyclic array). This module imports nothing else from nn.
 */
import { ArgumentError, Rng, describeValue, isTensor, showValue, type Tensor } from '@tapegrad/core';
import type { MLP } from './model.js';

/** True for an object with own `key`, never reading `Object.prototype` members as table entries. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A value's own property, or undefined: never an inherited `Object.prototype` member (a file's or a caller's key such as "constructor"). */
export function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A short, safe preview of a user value for messages: numbers as themselves, strings quoted, arrays by their first entries. */
export function preview(v: unknown): string {
  if (Array.isArray(v)) {
    const head = v.slice(0, 8).map((e: unknown) => (typeof e === 'number' ? String(e) : Array.isArray(e) ? '[…]' : showValue(e)));
    return `[${head.join(', ')}${v.length > 8 ? `, … (${v.length} entries)` : ''}]`;
  }
  return showValue(v);
}

/**
 * Checks that `model` is an MLP whose layers are well-formed dense layers (integer widths that
 * chain, W and b Float64Arrays of the right lengths, an activation with its methods).
 * @throws ArgumentError naming `where` and the first bad layer.
 */
export function checkModel(model: unknown, where: string): asserts model is MLP {
  if (!isObject(model) || !Array.isArray(model['layers']) || model['layers'].length === 0) {
    throw new ArgumentError(`${where}: model must be an MLP with at least one layer (use createMLP), got ${describeValue(model)}`);
  }
  const layers: unknown[] = model['layers'];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (!isObject(l)) badLayer(where, i, `is ${describeValue(l)}, not a dense layer`);
    const nIn = l['inputSize'];
    const nOut = l['outputSize'];
    if (typeof nIn !== 'number' || !Number.isInteger(nIn) || nIn < 1) badLayer(where, i, `has inputSize ${showValue(nIn)}, not a positive integer`);
    if (typeof nOut !== 'number' || !Number.isInteger(nOut) || nOut < 1) badLayer(where, i, `has outputSize ${showValue(nOut)}, not a positive integer`);
    const W = l['W'];
    const b = l['b'];
    if (!(W instanceof Float64Array) || W.length !== (nIn as number) * (nOut as number)) badLayer(where, i, `W must be a Float64Array of ${String(nOut)}·${String(nIn)} values`);
    if (!(b instanceof Float64Array) || b.length !== nOut) badLayer(where, i, `b must be a Float64Array of ${String(nOut)} values`);
    if (!isActivation(l['activation'])) badLayer(where, i, 'has no activation (an object with name, tape, forward and backward)');
    if (i > 0) {
      const prev = layers[i - 1] as { outputSize: number };
      if (prev.outputSize !== nIn) badLayer(where, i, `takes ${String(nIn)} inputs but layer ${i} gives ${prev.outputSize} outputs`);
    }
  }
}

function badLayer(where: string, i: number, why: string): never {
  throw new ArgumentError(`${where}: model layer ${i + 1} ${why}; build layers with dense() or createMLP()`);
}

/** Whether `v` has the shape of an Activation (name, tape, forward, backward). */
export function isActivation(v: unknown): boolean {
  return isObject(v) && typeof v['name'] === 'string' && typeof v['tape'] === 'function' && typeof v['forward'] === 'function' && typeof v['backward'] === 'function';
}

/** Whether `v` has the shape of a Loss (name, tape, value, gradient). */
export function isLoss(v: unknown): boolean {
  return isObject(v) && typeof v['name'] === 'string' && typeof v['tape'] === 'function' && typeof v['value'] === 'function' && typeof v['gradient'] === 'function';
}

/** A numeric range for `checkNumber`: `lo`/`hi` bounds, each inclusive or not. */
export interface Range {
  readonly lo?: number;
  readonly hi?: number;
  readonly loOpen?: boolean;
  readonly hiOpen?: boolean;
  readonly integer?: boolean;
}

/** The range as messages and docs write it: `a finite number >= 0`, `a number in [0, 1)`, `an integer >= 1`. */
export function rangeText(r: Range): string {
  const kind = r.integer === true ? 'an integer' : 'a finite number';
  if (r.lo !== undefined && r.hi !== undefined) return `${kind} in ${r.loOpen === true ? '(' : '['}${r.lo}, ${r.hi}${r.hiOpen === true ? ')' : ']'}`;
  if (r.lo !== undefined) return `${kind} ${r.loOpen === true ? '>' : '>='} ${r.lo}`;
  if (r.hi !== undefined) return `${kind} ${r.hiOpen === true ? '<' : '<='} ${r.hi}`;
  return kind;
}

/**
 * A number option or argument: finite (and a safe integer if `integer`), inside `range`.
 * @throws ArgumentError `where: what must be <range>, got <value>`; a string is named as a string.
 */
export function checkNumber(v: unknown, what: string, where: string, range: Range = {}): number {
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (range.integer !== true || Number.isSafeInteger(v)) &&
    (range.lo === undefined || (range.loOpen === true ? v > range.lo : v >= range.lo)) &&
    (range.hi === undefined || (range.hiOpen === true ? v < range.hi : v <= range.hi));
  if (!ok) throw new ArgumentError(`${where}: ${what} must be ${rangeText(range)}, got ${showValue(v)}`);
  return v as number;
}

/** A boolean option. @throws ArgumentError otherwise. */
export function checkBoolean(v: unknown, what: string, where: string): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${where}: ${what} must be true or false, got ${showValue(v)}`);
  return v;
}

/** A generator from a user seed; core's Rng states the seed rule, and its error is re-raised under `where`. */
export function seededRng(seed: unknown, where: string): Rng {
  if (typeof seed !== 'number') throw new ArgumentError(`${where}: seed must be a number, got ${showValue(seed)}`);
  try {
    return new Rng(seed);
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`${where}: ${e.message}`);
    throw e;
  }
}

/** A Tensor argument. @throws ArgumentError naming what was passed instead. */
export function checkTensor(v: unknown, what: string, where: string): Tensor {
  if (!isTensor(v)) throw new ArgumentError(`${where}: ${what} must be a Tensor, got ${describeValue(v)}`);
  return v;
}

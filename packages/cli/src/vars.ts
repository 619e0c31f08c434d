/**
 * `--var name=value`: the values `graph --expr` evaluates an expression at.
 */
import * as core from '@tapegrad/core';
import { type Tensor } from '@tapegrad/core';
import { parseDecimal } from './numbers.js';
import { UsageError } from './errors.js';

/**
 * How deeply a JSON `--var` value may nest. A tensor of rank 32 is already far beyond any
 * graph worth drawing; the limit is checked on the text, before anything walks the value.
 * @group Expressions
 */
export const MAX_VAR_DEPTH = 32;

/**
 * Parses a `--var` value: a decimal number (`2`, `-0.5`, `1e-3`), a comma list (`1,2,3` → a
 * vector), or JSON nested arrays (`[[1,2],[3,4]]` → a matrix).
 * @returns the name and the tensor
 * @throws UsageError naming the variable and the accepted forms.
 * @example parseVar('x=1,2,3') // ['x', tensor([1, 2, 3])]
 * @group Expressions
 */
export function parseVar(spec: string): [string, Tensor] {
  if (typeof spec !== 'string') throw new core.ArgumentError(`parseVar: spec must be a 'name=value' string, got ${core.describeValue(spec)}`);
  const eq = spec.indexOf('=');
  const name = eq < 0 ? '' : spec.slice(0, eq).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`graph --var: expected name=value (e.g. --var w=0.5, --var x=1,2,3, --var W=[[1,2],[3,4]]), got '${clip(spec)}'`);
  }
  const text = spec.slice(eq + 1).trim();
  const bad = (): never => {
    throw new UsageError(`graph --var ${name}: '${clip(text)}' is not a decimal number, a comma list of decimal numbers, or JSON nested arrays of numbers`);
  };
  if (text.startsWith('[')) {
    const depth = nesting(text);
    if (depth > MAX_VAR_DEPTH) throw new UsageError(`graph --var ${name}: the value nests ${depth} levels deep, more than the ${MAX_VAR_DEPTH} allowed; a tensor of rank ${MAX_VAR_DEPTH} is the most a --var can hold`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return bad();
    }
    if (!isNested(parsed)) return bad();
    try {
      return [name, core.tensor(parsed)];
    } catch (err) {
      if (err instanceof core.TapegradError) throw new UsageError(`graph --var ${name}: ${err.message}`);
      throw err;
    }
  }
  const values = text.split(',').map((s) => parseDecimal(s) ?? Number.NaN);
  if (values.some((n) => !Number.isFinite(n))) return bad();
  return [name, values.length === 1 ? core.scalar(values[0]!) : core.tensor(values)];
}

/** The deepest bracket nesting in `text`, counted in one pass (brackets inside JSON strings count too: no valid value has strings). */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const ch of text) {
    if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return deepest;
}

/** Nested arrays of finite numbers; only called on values at most MAX_VAR_DEPTH deep. */
function isNested(v: unknown): v is core.NestedArray {
  return typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) && v.every(isNested);
}

/** A value as a message quotes it: long ones cut to 60 characters. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

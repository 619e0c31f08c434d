/**
 * Typed errors. Every message names the op (or API function), the rule that was
 * broken, the shapes or values involved, and how to fix the call.
 */

/** Base class of every error tapegrad throws on purpose. */
export class TapegradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op: mismatched dimensions, bad axes, wrong data length. */
export class ShapeError extends TapegradError {}

/** An argument of the wrong kind or out of range: a non-integer index, NaN length, bad option. */
export class ArgumentError extends TapegradError {}

/** Misuse of the differentiation API: non-scalar output to `grad`, bad cotangent, bad argnums. */
export class GradError extends TapegradError {}

/** Formats a shape the way messages print it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** What a wrong value is, for messages: `null`, `an array`, or its `typeof` (`number`, `string`, ...). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v;
}

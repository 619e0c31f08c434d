/**
 * Typed errors. Every message names the op (or API function), the rule that was
 * broken, the shapes or values involved, and how to fix the call.
 */

/**
 * Base class of every error tapegrad throws on purpose.
 * @group Errors
 */
export class TapegradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Shapes that do not fit the op: mismatched dimensions, bad axes, wrong data length.
 * @group Errors
 */
export class ShapeError extends TapegradError {}

/**
 * An argument of the wrong kind or out of range: a non-integer index, NaN length, bad option.
 * @group Errors
 */
export class ArgumentError extends TapegradError {}

/**
 * Misuse of the differentiation API: non-scalar output to `grad`, bad cotangent, bad argnums.
 * @group Errors
 */
export class GradError extends TapegradError {}

/**
 * `compile` could not turn a function into a program that gives the eager numbers: its result
 * depended on values read outside tapegrad's ops (`.data`, `item()`, `toArray()`), or on
 * randomness, so replaying the recorded ops would give a silently different answer.
 * @group Errors
 */
export class CompileError extends TapegradError {}

/**
 * Formats a shape the way messages print it: `[2,3]`.
 * @group Formatting
 */
export function fmtShape(shape: readonly number[]): string {
  if (!Array.isArray(shape)) throw new ArgumentError(`fmtShape: shape must be an array of numbers, got ${describeValue(shape)}`);
  const dims: readonly unknown[] = shape;
  return `[${dims.map((d) => (typeof d === 'number' ? String(d) : showValue(d))).join(',')}]`;
}

/**
 * What a wrong value is, for messages: `null`, `an array`, `the string "0.1"`, or its
 * `typeof` (`number`, `object`, ...). A string is quoted so that `'5'` never reads as 5.
 * @group Formatting
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  return typeof v;
}

/**
 * A value as a message shows it: a number as itself (`-1`, `NaN`, `0.5`), a string quoted
 * and named (`the string "5"`), anything else by {@link describeValue}. For "got …" clauses
 * about a value that should have been a number.
 * @group Formatting
 */
export function showValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return describeValue(v);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 32 ? `${s.slice(0, 32)}…` : s);
}

/**
 * Throws an `ArgumentError` unless `opts` is `undefined` or a plain object whose every own
 * key is in `valid`. No public function accepts an option it would ignore.
 * @param where the function, as messages name it (`sgd`, `train`).
 * @example checkOptions('sgd', { lr: 0.1, wd: 1 }, ['lr', 'weightDecay']) // throws: unknown option 'wd'
 * @group Errors
 */
export function checkOptions(where: string, opts: unknown, valid: readonly string[]): void {
  if (typeof where !== 'string') throw new ArgumentError(`checkOptions: where must be the function's name, got ${describeValue(where)}`);
  if (!Array.isArray(valid)) throw new ArgumentError(`checkOptions: valid must be an array of option names, got ${describeValue(valid)}`);
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new ArgumentError(`${where}: options must be an object, got ${describeValue(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!valid.includes(key)) {
      // Checked only here, on the way to a message that prints them (every call site passes literals).
      if (!valid.every((k) => typeof k === 'string')) throw new ArgumentError(`checkOptions: valid must be an array of option names (strings)`);
      const list = valid.length === 0 ? 'it takes no options' : `valid options are ${valid.map((k) => `'${k}'`).join(', ')}`;
      throw new ArgumentError(`${where}: unknown option ${/^[\w$-]+$/.test(key) ? `'${key}'` : quote(key)}; ${list}`);
    }
  }
}

/**
 * Where values lie, for anomaly reports: min/max over the finite entries and counts of the rest.
 * @group Errors
 */
export interface ValueRange {
  readonly shape: readonly number[];
  /** Smallest and largest finite entry; null when no entry is finite. */
  readonly min: number | null;
  readonly max: number | null;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Entries equal to 0 (the usual suspects of log, division and sqrt). */
  readonly zeros: number;
}

/**
 * A tape entry as an anomaly report names it: its number, op and label (a `named()` label or an argument's path).
 * @group Errors
 */
export interface AnomalyEntry {
  /** The node's id (a global creation counter). */
  readonly id: number;
  /**
   * Its position on the tape, counting from the tape's first entry as `traceTape` and
   * `tapegrad graph` number entries (for a backward report: the tape the backward pass
   * walks, e.g. grad's own recording); null when not known (an op run outside the recording).
   */
  readonly index: number | null;
  readonly op: string;
  readonly name: string | null;
}

/**
 * One input of the op an anomaly report is about: its name, the entry that made it (null: a constant) and its range.
 * @group Errors
 */
export interface AnomalyInput {
  readonly name: string;
  readonly entry: AnomalyEntry | null;
  /** null in a backward report when the op did not save this input (only saved values outlive the forward pass). */
  readonly range: ValueRange | null;
}

/**
 * The structured part of an {@link AnomalyError}.
 * @group Errors
 */
export interface AnomalyDetails {
  /** The op whose forward output, or whose VJP output, holds NaN or ±Infinity. */
  readonly op: string;
  readonly phase: 'forward' | 'backward';
  /** The op's tape entry; null for a forward outside any trace (nothing is recorded there). */
  readonly entry: AnomalyEntry | null;
  /** backward: the input whose VJP (or gradient sum at a fan-out) went non-finite; forward: null. */
  readonly input: string | null;
  readonly inputs: readonly AnomalyInput[];
  /** The op's output: forward always, backward when the op saved it. */
  readonly output: ValueRange | null;
  /** backward: the upstream cotangent the VJP was given (for a fan-out sum: the contribution being added). */
  readonly g: ValueRange | null;
  /** The non-finite value itself: the output (forward) or the VJP's result (backward). */
  readonly value: ValueRange;
  /** backward: the op that, inside the VJP, made the first non-finite value (log's VJP divides: 'div'). */
  readonly inside: string | null;
  /** backward: the op's local rule for that input (`∂/∂x log(x) = 1/x`), when the op has rule text. */
  readonly rule: string | null;
  /** What usually causes this and how to fix it (log or division at 0, sqrt behind where, exp overflow...). */
  readonly hint: string | null;
}

/**
 * A NaN or ±Infinity found by anomaly mode (`detectAnomaly`, or `grad(f, 0, { detectAnomaly: true })`):
 * the first op whose forward output or VJP output is not finite. The message says it all;
 * the same facts are fields, for programs (`e.op`, `e.phase`, `e.entry`, `e.hint`, ...).
 * @group Errors
 */
export class AnomalyError extends TapegradError implements AnomalyDetails {
  readonly op: string;
  readonly phase: 'forward' | 'backward';
  readonly entry: AnomalyEntry | null;
  readonly input: string | null;
  readonly inputs: readonly AnomalyInput[];
  readonly output: ValueRange | null;
  readonly g: ValueRange | null;
  readonly value: ValueRange;
  readonly inside: string | null;
  readonly rule: string | null;
  readonly hint: string | null;

  constructor(message: string, details: AnomalyDetails) {
    super(message);
    this.op = details.op;
    this.phase = details.phase;
    this.entry = details.entry;
    this.input = details.input;
    this.inputs = details.inputs;
    this.output = details.output;
    this.g = details.g;
    this.value = details.value;
    this.inside = details.inside;
    this.rule = details.rule;
    this.hint = details.hint;
  }
}

/**
 * Option parsing on top of `node:util` parseArgs: strict parsing, and value readers
 * that turn a bad value into a `UsageError` naming the command, the option and the fix.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkSize, TapegradError } from '@tapegrad/core';
import { UsageError } from './errors.js';
import { parseDecimal } from './numbers.js';

/** A second seed derived from a `--seed`, for a second random stream: `seed + k`, wrapping so it stays a valid seed in [0, 2^53). */
export function derivedSeed(seed: number, k: number): number {
  return (seed + k) % (Number.MAX_SAFE_INTEGER + 1);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const satisfies Options;

/** The raw values parseArgs produced: strings, booleans, or arrays of them for `multiple`. */
export type RawValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * Parses `argv` strictly against `options` (plus --help and --debug).
 * @throws UsageError for an unknown option, a missing value, or a stray positional argument.
 */
export function parseOptions(command: string, argv: readonly string[], options: Options): RawValues {
  try {
    const { values } = parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: false });
    return values;
  } catch (e) {
    if (e instanceof TypeError && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
      // parseArgs' own messages name the option; add the command and the way out.
      throw new UsageError(`${command}: ${e.message.replace(/\.$/, '')}; see \`${command} --help\``);
    }
    throw e;
  }
}

/** Reads option values with validation; every failure names `<command> --<option>`. */
export class OptionReader {
  constructor(
    readonly command: string,
    readonly values: RawValues,
  ) {}

  private fail(name: string, rule: string): never {
    throw new UsageError(`${this.command} --${name}: ${rule}; see \`${this.command} --help\``);
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(name, 'expected a value');
    return v;
  }

  requiredString(name: string, what: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') this.fail(name, `is required (${what})`);
    return v;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  }

  choice<const C extends string>(name: string, choices: readonly C[], fallback: C): C {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const found = choices.find((c) => c === v);
    if (found === undefined) this.fail(name, `expected one of ${choices.join(', ')}, got '${clip(v)}'`);
    return found;
  }

  /** A decimal number (`0.1`, `-3`, `1e-4`; not `0x10`, `Infinity` or `''`), within `range`. */
  number(name: string, fallback: number, range: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const n = parseDecimal(v) ?? Number.NaN;
    const kind = range.integer === true ? 'an integer' : 'a decimal number';
    if (!Number.isFinite(n) || (range.integer === true && !Number.isInteger(n))) this.fail(name, `expected ${kind}, got '${clip(v)}'`);
    const { min, max } = range;
    if (min !== undefined && (range.exclusiveMin === true ? n <= min : n < min)) this.fail(name, `must be ${range.exclusiveMin === true ? '>' : '>='} ${min}, got ${n}`);
    if (max !== undefined && n > max) this.fail(name, `must be <= ${max}, got ${n}`);
    // Past 2^53 a float64 no longer holds every integer: '9007199254740993' would silently become ...992.
    if (range.integer === true && !Number.isSafeInteger(n)) this.fail(name, `must be <= ${Number.MAX_SAFE_INTEGER} (2^53 - 1), got '${clip(v)}'`);
    return n;
  }

  /**
   * A seed: an integer in [0, 2^53), the seeds core's Rng takes (negative seeds are not
   * folded onto positive ones).
   */
  seed(name: string, fallback: number): number {
    return this.number(name, fallback, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  }

  /**
   * A comma-separated list of layer widths (positive decimal integers), e.g. `--hidden 16,8`.
   * The weight matrix between two consecutive widths must fit core's MAX_ELEMENTS, checked
   * here so the message names the option (the layers next to the data are checked by
   * createMLP once the data's widths are known).
   */
  sizes(name: string, fallback: readonly number[], opts: { allowEmpty?: boolean; minLength?: number } = {}): number[] {
    const v = this.string(name);
    if (v === undefined) return [...fallback];
    if (v.trim() === '' && opts.allowEmpty === true) return [];
    const out = v.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN));
    if (out.some((n) => !Number.isSafeInteger(n) || n < 1)) {
      this.fail(name, `expected comma-separated positive integers like 16,8, got '${clip(v)}'`);
    }
    if (opts.minLength !== undefined && out.length < opts.minLength) this.fail(name, `needs at least ${opts.minLength} sizes, got ${out.length} ('${clip(v)}')`);
    for (let i = 0; i < out.length; i++) {
      const shape = i + 1 < out.length ? [out[i + 1]!, out[i]!] : [out[i]!];
      try {
        checkSize(shape, `a ${shape.length === 2 ? `${out[i]}→${out[i + 1]} weight matrix` : `layer of width ${out[i]}`}`);
      } catch (e) {
        if (e instanceof TapegradError) this.fail(name, e.message);
        throw e;
      }
    }
    return out;
  }

  /** A comma-separated list of finite numbers, e.g. `--x 0.5,0.8`. */
  numbers(name: string, fallback: readonly number[]): number[] {
    const v = this.string(name);
    if (v === undefined) return [...fallback];
    const out = v.split(',').map((s) => parseDecimal(s) ?? Number.NaN);
    if (out.some((n) => !Number.isFinite(n))) this.fail(name, `expected comma-separated decimal numbers like 0.5,0.8, got '${clip(v)}'`);
    return out;
  }
}

/** A value as a message quotes it: long ones cut to 60 characters. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/**
 * Argument checks for the data functions the package exports (parseCsv, buildDataset,
 * fitStandardizer, ...): a wrong type is an ArgumentError naming the function, the
 * argument and what it got, never a TypeError from inside a loop.
 */
import { ArgumentError, checkOptions, describeValue, showValue } from '@tapegrad/core';

/** @throws ArgumentError unless `v` is a string */
export function needString(where: string, name: string, v: unknown): string {
  if (typeof v !== 'string') throw new ArgumentError(`${where}: ${name} must be a string, got ${describeValue(v)}`);
  return v;
}

/** @throws ArgumentError unless `v` is an array of strings */
export function needStrings(where: string, name: string, v: unknown): readonly string[] {
  if (!Array.isArray(v)) throw new ArgumentError(`${where}: ${name} must be an array of strings, got ${describeValue(v)}`);
  const list: readonly unknown[] = v;
  const bad = list.findIndex((s) => typeof s !== 'string');
  if (bad >= 0) throw new ArgumentError(`${where}: ${name}[${bad}] must be a string, got ${describeValue(list[bad])}`);
  return list as readonly string[];
}

/** @throws ArgumentError unless `v` is a Float64Array */
export function needF64(where: string, name: string, v: unknown): Float64Array {
  if (!(v instanceof Float64Array)) throw new ArgumentError(`${where}: ${name} must be a Float64Array, got ${describeValue(v)}`);
  return v;
}

/** @throws ArgumentError unless `idx` is an array (or typed array) of row indices in [0, rows) */
export function needRows(where: string, idx: unknown, rows: number): ArrayLike<number> {
  const list = Array.isArray(idx) || idx instanceof Int32Array || idx instanceof Uint32Array || idx instanceof Float64Array ? (idx as ArrayLike<unknown>) : null;
  if (list === null) throw new ArgumentError(`${where}: idx must be an array of row indices, got ${describeValue(idx)}`);
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= rows) {
      throw new ArgumentError(`${where}: idx[${i}] must be a row index in [0, ${rows}), got ${showValue(r)}`);
    }
  }
  return list as ArrayLike<number>;
}

/** The dataset options every loader takes: `target` (a column name) and `task`. */
export function needDatasetOptions(where: string, opts: unknown, extra: readonly string[] = []): void {
  checkOptions(where, opts, ['target', 'task', ...extra]);
  if (opts === undefined) throw new ArgumentError(`${where}: options must be an object with task 'auto', 'classification' or 'regression', got undefined`);
  const o = opts as { target?: unknown; task?: unknown };
  if (o.target !== undefined) needString(where, 'target', o.target);
  if (o.task !== 'auto' && o.task !== 'classification' && o.task !== 'regression') {
    throw new ArgumentError(`${where}: task must be 'auto', 'classification' or 'regression', got ${showValue(o.task)}`);
  }
}

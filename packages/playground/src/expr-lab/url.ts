/**
 * The expression lab's state in the address: `e` the expression, `v.<name>` each variable's
 * value (the prefix keeps a variable called `e` or `at` apart from the lab's own keys), and
 * `at` the replay cursor, so a shared link opens at the same step.
 * Example: `#/expr?e=tanh(w*x+%2B+b)+*+x&v.w=0.8&v.x=1.5&v.b=-0.4&at=7`.
 */
import { DEFAULT_EXPR, DEFAULT_VALUES } from './model.js';

/** What the address holds. */
export interface LabState {
  readonly expr: string;
  /** Variable values by name, in the address's order. */
  readonly values: ReadonlyMap<string, number>;
  /** The cursor position, or null for the default (the end of the forward pass). */
  readonly at: number | null;
}

const VAR = 'v.';

/**
 * Reads the lab's state from its parameters. No `e` gives the default expression and its
 * values; a value or cursor that is not a finite number is ignored (the default is used).
 * @example readState(new URLSearchParams('e=x*x&v.x=3')).values.get('x') // 3
 */
export function readState(params: URLSearchParams): LabState {
  const expr = params.get('e');
  const values = new Map<string, number>(expr === null ? DEFAULT_VALUES : []);
  for (const [k, v] of params) {
    if (!k.startsWith(VAR) || k.length === VAR.length) continue;
    const n = parseNumber(v);
    if (n !== null) values.set(k.slice(VAR.length), n);
  }
  const at = parseNumber(params.get('at') ?? '');
  return { expr: expr ?? DEFAULT_EXPR, values, at: at === null || !Number.isInteger(at) ? null : at };
}

/**
 * Writes the state as parameters, in the order `e`, the variables, `at`; values as `String(x)`,
 * which reads back as the same float64.
 * @example writeState({ expr: 'x*x', values: new Map([['x', 3]]), at: 2 }).toString() // 'e=x*x&v.x=3&at=2'
 */
export function writeState(state: LabState): URLSearchParams {
  const p = new URLSearchParams();
  p.set('e', state.expr);
  for (const [name, v] of state.values) p.set(`${VAR}${name}`, String(v));
  if (state.at !== null) p.set('at', String(state.at));
  return p;
}

/** A finite number written in full, or null (empty text, `abc`, `NaN`, `Infinity`). */
export function parseNumber(text: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

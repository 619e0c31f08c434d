/**
 * Which number the view shows the formula of, as recorded in the address (`#/worked?n=d1_0`).
 * Pure: no DOM.
 */
import { type Quantity } from './quantities.js';

/** The number shown on first load: a hidden error term, where the fan-out sum happens. */
export const DEFAULT_SELECTION = 'd1_0';

/** The selected number, and a message when the address named one that does not exist. */
export interface Selection {
  readonly quantity: Quantity;
  readonly message: string | undefined;
}

/**
 * Reads the `n` parameter.
 * @param params the view's address parameters
 * @param byId the computed numbers by id
 * @returns the named number, or the default with a message saying why
 * @throws Error only if the default id itself is missing from `byId` (a programming error)
 * @example selectionFrom(new URLSearchParams('n=C0'), byId).quantity.name // 'C₀'
 */
export function selectionFrom(params: URLSearchParams, byId: ReadonlyMap<string, Quantity>): Selection {
  const fallback = byId.get(DEFAULT_SELECTION);
  if (fallback === undefined) throw new Error(`worked: the default number ${DEFAULT_SELECTION} is not among the computed ones`);
  const n = params.get('n');
  if (n === null || n === '') return { quantity: fallback, message: undefined };
  const q = byId.get(n);
  if (q !== undefined) return { quantity: q, message: undefined };
  const shown = n.length > 40 ? `${n.slice(0, 40)}…` : n;
  return { quantity: fallback, message: `The address names a number “${shown}” that this network does not have; showing ${fallback.name} instead. Click any number to pick another.` };
}

/** The address parameters that select `q`. */
export function paramsFor(q: Quantity): URLSearchParams {
  return new URLSearchParams({ n: q.id });
}

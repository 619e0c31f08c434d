/**
 * Calls `fn` with arguments its TypeScript signature forbids, as a plain JavaScript
 * caller can: for testing the runtime checks behind the types, without type escapes.
 */
export function callWith(fn: unknown, ...args: unknown[]): unknown {
  if (typeof fn !== 'function') throw new TypeError(`callWith: expected a function, got ${typeof fn}`);
  return Reflect.apply(fn, undefined, args);
}

/**
 * Junk arguments for the per-package properties: every public function called with
 * arbitrary values either returns or throws a TapegradError subclass; never a native
 * TypeError/RangeError, a hang or an out-of-memory. After each call the tape is idle and
 * Object.prototype is unchanged.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { TapegradError, grad, isRecording, sum, tensor, zeros, type Tensor } from '@tapegrad/core';

/** Numbers users get wrong: huge, fractional, negative, non-finite, and the edges of the integer range. */
export const junkNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, -2.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53, 1e15, 1e300, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON),
  fc.integer({ min: -10, max: 10 }),
  fc.double(),
);

/** A self-referencing array, and a very deeply nested one. */
function cyclic(): unknown[] {
  const a: unknown[] = [1, 2];
  a.push(a);
  return a;
}
function deep(depth: number): unknown {
  let v: unknown = [1];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** One junk argument: anything, numbers above, strings that look like numbers, arrays, cyclic/deep values, small tensors. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  junkNumber,
  fc.constantFrom('', '1', '0.1', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'relu', 'mse'),
  fc.array(junkNumber, { maxLength: 4 }),
  fc.array(fc.array(junkNumber, { maxLength: 3 }), { maxLength: 3 }),
  fc.constant(null).map(() => cyclic()),
  fc.constantFrom(10, 20_000).map(deep),
  fc.constantFrom([], [1], [2, 3], [0, 2]).map((s) => zeros(s)),
  fc.constant(null).map(() => tensor([[1, -2], [3, 0.5]])),
);

/** A list of junk arguments, wrong arities included. */
export const junkArgs: fc.Arbitrary<unknown[]> = fc.array(junk, { maxLength: 4 });

function protoSnapshot(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}

/**
 * Calls `fn(...args)` and asserts the contract: a TapegradError or a return, the tape idle,
 * Object.prototype as it was. Async results are awaited.
 */
export async function callJunk(label: string, fn: (...args: unknown[]) => unknown, args: readonly unknown[]): Promise<void> {
  const before = protoSnapshot();
  try {
    const r = fn(...args);
    if (r instanceof Promise) await r;
  } catch (e) {
    if (!(e instanceof TapegradError)) {
      const err = e as Error;
      throw new Error(`${label}: threw ${err?.name ?? typeof e} (not a TapegradError): ${err?.message ?? String(e)}`, { cause: e });
    }
  }
  expect(isRecording(), `${label}: the tape must be idle after the call`).toBe(false);
  let records = false;
  grad((x: Tensor) => {
    records = isRecording();
    return sum(x);
  })(zeros([1]));
  expect(records, `${label}: recording must still switch on inside grad after the call`).toBe(true);
  expect(protoSnapshot(), `${label}: Object.prototype must be unchanged`).toBe(before);
}

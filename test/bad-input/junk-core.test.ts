/**
 * The core junk-argument property: every function `@tapegrad/core` exports, the methods of a
 * Tensor, an Rng and a TapeRecord, and the functions grad & co. return, called with arbitrary
 * junk (fc.anything, wrong arities, huge/fractional/non-finite numbers, numeric-looking and
 * prototype-key strings, cyclic and 20,000-deep arrays, small tensors) either return or throw
 * a TapegradError subclass; the tape is idle and Object.prototype unchanged afterwards.
 *
 * Sizes: the junk numbers are 0, ±1, fractions, -10..10, 2^31 and beyond, and random doubles,
 * so a size they produce is either tiny or past MAX_ELEMENTS (refused before allocating); no
 * call does heavy work. Nothing in the junk arbitraries had to be made smaller for that.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as core from '@tapegrad/core';
import { Rng, Tensor, setMatmulKernel, sum, tensor, traceTape, mul, type Tensor as TensorType } from '@tapegrad/core';
import { callJunk, junk, junkArgs } from './junk.js';

// TAPEGRAD_JUNK_RUNS raises the count for a deeper local search; CI runs the default.
const RUNS = Number(process.env['TAPEGRAD_JUNK_RUNS'] ?? 40);

/**
 * Exports not called as plain functions, each with its reason:
 * - the error classes are constructors of error values, not an API over user data (and a
 *   class cannot be called without `new`);
 * - `Tensor`'s constructor is documented `@internal`, "does not validate": users make tensors
 *   with `tensor()` and friends, which are called below;
 * - `Rng` is a class: it is called below with `new`.
 */
const EXCLUDED = new Map<string, string>([
  ['TapegradError', 'error class'],
  ['ShapeError', 'error class'],
  ['ArgumentError', 'error class'],
  ['GradError', 'error class'],
  ['CompileError', 'error class'],
  ['AnomalyError', 'error class'],
  ['ExprError', 'error class'],
  ['Tensor', 'internal, non-validating constructor (tensor() is the public maker)'],
  ['Rng', 'a class: called with new below'],
]);

const exported = Object.entries(core).filter((e): e is [string, (...a: unknown[]) => unknown] => typeof e[1] === 'function');

afterEach(() => {
  // setMatmulKernel installs global state; a junk call may only ever be refused, but restore the default anyway.
  setMatmulKernel('auto');
});

/** A property over one callable: every junk argument list goes through callJunk. */
function property(label: string, call: (args: unknown[]) => unknown, args: fc.Arbitrary<unknown[]> = junkArgs): void {
  it(label, async () => {
    await fc.assert(
      fc.asyncProperty(args, async (xs) => {
        await callJunk(label, () => call(xs), []);
      }),
      { numRuns: RUNS },
    );
  });
}

describe('every core export, called with junk', () => {
  it('enumerates the module: every function is either called below or excluded with a reason', () => {
    const names = exported.map(([n]) => n);
    for (const name of EXCLUDED.keys()) expect(names, `${name} is excluded but no longer exported`).toContain(name);
    expect(names.length - EXCLUDED.size).toBeGreaterThan(70);
  });

  for (const [name, fn] of exported) {
    if (EXCLUDED.has(name)) continue;
    property(name, (xs) => fn(...xs));
  }
  property('traceTape.named', (xs) => Reflect.apply(traceTape.named, traceTape, xs));
  property('new Rng', (xs) => Reflect.construct(Rng, xs));
});

/** Functions as first argument, so the higher-order functions get past their function check to the junk behind it. */
const someFunction = fc.constantFrom<(...a: unknown[]) => unknown>(
  (...a) => a[0],
  (x) => sum(x as TensorType),
  () => 3,
  (x) => mul(x as TensorType, x as TensorType),
);
const withFunction = fc.tuple(someFunction, junkArgs).map(([f, rest]) => [f, ...rest]);

describe('higher-order functions, called with a function and junk', () => {
  for (const name of ['grad', 'valueAndGrad', 'vjp', 'jvp', 'hvp', 'checkGrads', 'traceTape', 'noGrad', 'detectAnomaly'] as const) {
    property(`${name}(f, ...junk)`, (xs) => Reflect.apply(core[name], undefined, xs), withFunction);
  }
  property('traceTape.named(f, ...junk)', (xs) => Reflect.apply(traceTape.named, traceTape, xs), withFunction);
  for (const name of ['grad', 'valueAndGrad'] as const) {
    property(`${name}(f)(...junk)`, (xs) => {
      const [f, ...rest] = xs;
      const g: unknown = Reflect.apply(core[name], undefined, [f]);
      return typeof g === 'function' ? Reflect.apply(g, undefined, rest) : g;
    }, withFunction);
  }
  property('customOp({ ...junk spec })(...junk)', (xs) => {
    const [f, name, inputs, vjpRule, ...rest] = xs;
    const op = core.customOp(Object.fromEntries([['name', name], ['inputs', inputs], ['forward', f], ['vjp', { x: vjpRule }]]) as never);
    return Reflect.apply(op, undefined, rest);
  }, fc.tuple(someFunction, junk, fc.oneof(junk, fc.constant(['x'])), junk, junkArgs).map(([f, n, i, v, rest]) => [f, n, i, v, ...rest]));
});

describe('methods, called with junk', () => {
  const t = tensor([[1, 2], [3, 4]]);
  for (const m of ['item', 'toArray', 'toFlatArray', 'toString'] as const) property(`Tensor.${m}`, (xs) => Reflect.apply(Tensor.prototype[m], t, xs));
  for (const m of ['next', 'normal', 'int', 'permutation', 'nextUint32'] as const) {
    property(`Rng.${m}`, (xs) => Reflect.apply(Rng.prototype[m], new Rng(1), xs));
  }
  const rec = traceTape((x) => sum(mul(x, x)), tensor([1, 2]));
  for (const m of ['toTable', 'toDot', 'toMermaid'] as const) property(`TapeRecord.${m}`, (xs) => Reflect.apply(rec[m], rec, xs));
  property('vjp pullback', (xs) => core.vjp((x: TensorType) => mul(x, 2), tensor([1, 2]))[1](...(xs as [TensorType])));
});

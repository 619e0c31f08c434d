/**
 * The bad-input corpus: each case is one call a user might get wrong, the error class it
 * must raise and the parts its message must contain. Cases are tagged with the hardening
 * class they belong to (issue 8's numbering), so the corpus can be counted per class.
 */
import { expect, it } from 'vitest';

/** Issue 8's classes: 1 table lookups, 2 sizes, 3 recursion, 4 argument checks, 5 ignored options, 6 forward-mode shapes, 7 numerical edges, 8 nn data, 9 CLI, 10 seeds. */
export type HardeningClass = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export interface BadCase {
  /** What the case does, as the test is named: `zeros([1e300])`. */
  readonly name: string;
  readonly cls: HardeningClass;
  /** The bad call. May be async (CLI runs). */
  readonly run: () => unknown;
  /** The error class it must throw (checked with instanceof, and by name). */
  readonly error: abstract new (...args: never[]) => Error;
  /** Substrings (or patterns) the message must contain. */
  readonly message: readonly (string | RegExp)[];
}

/** Calls a function with arguments the type system would reject; the corpus is about exactly those calls. */
export function loose<F>(f: F): (...args: unknown[]) => unknown {
  return f as unknown as (...args: unknown[]) => unknown;
}

/** Registers one vitest case per corpus entry. */
export function runCorpus(cases: readonly BadCase[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`corpus: duplicate case name ${c.name}`);
    seen.add(c.name);
  }
  it.each(cases.map((c) => [`[${c.cls}] ${c.name}`, c] as const))('%s', async (_label, c) => {
    let thrown: unknown;
    try {
      await c.run();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, 'the call must throw').toBeDefined();
    expect(thrown).toBeInstanceOf(c.error);
    const message = (thrown as Error).message;
    for (const part of c.message) {
      if (typeof part === 'string') expect(message).toContain(part);
      else expect(message).toMatch(part);
    }
  });
}

/** Case counts per class, for the closing note and a floor test. */
export function countByClass(cases: readonly BadCase[]): Map<HardeningClass, number> {
  const counts = new Map<HardeningClass, number>();
  for (const c of cases) counts.set(c.cls, (counts.get(c.cls) ?? 0) + 1);
  return counts;
}

/**
 * The source tree's import graph: no value-import cycle in any package, and no file past
 * 400 lines. A cycle that works only because every cross-reference sits inside a function
 * body is one edit from an import-order crash, so it fails here rather than at run time.
 *
 * Imports are read with the TypeScript compiler's own parser (already our compiler), so
 * `import type`, `import { type X }` and re-exports are told apart exactly as tsc does:
 * type-only imports are erased and cannot form a run-time cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(root, 'packages'));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of `file` that survive compilation (not type-only). */
export function valueImports(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of sf.statements) {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      // `import './x.js'` (side effects) is a value import; `import type` is not.
      if (c !== undefined && c.isTypeOnly) continue;
      const named = c?.namedBindings;
      const onlyTypes = c !== undefined && c.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (onlyTypes) continue;
      spec = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined) {
      if (st.isTypeOnly) continue;
      const named = st.exportClause;
      if (named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
      spec = st.moduleSpecifier;
    }
    if (spec !== undefined && ts.isStringLiteral(spec) && spec.text.startsWith('.')) {
      out.push(resolve(dirname(file), spec.text.replace(/\.js$/, '.ts')));
    }
  }
  return out;
}

/** Every cycle's files, each as found from its first file (Tarjan's SCCs of size > 1, or a self-import). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  // Iterative Tarjan: a deep chain of imports must not overflow the stack either.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.v) ?? [];
      if (top.i < edges.length) {
        const w = edges[top.i++]!;
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(top.v)!));
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        if (scc.length > 1 || edges.includes(top.v)) found.push(scc.reverse());
      }
    }
  }
  return found;
}

describe('import graph of packages/*/src', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(g).map((c) => [...c].sort())).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
    expect(valueImports('/p/x.ts', "import type { A } from './a.js';\nimport { type B } from './b.js';\nimport { c } from './c.js';\nexport * from './d.js';\nexport type { E } from './e.js';"))
      .toEqual(['/p/c.ts', '/p/d.ts']);
  });

  it.each(packages)('%s has no value-import cycle', (pkg) => {
    const files = sources(join(root, 'packages', pkg, 'src'));
    expect(files.length).toBeGreaterThan(0);
    const graph = new Map(files.map((f) => [f, valueImports(f, readFileSync(f, 'utf8'))]));
    const found = cycles(graph).map((c) => c.map((f) => relative(root, f)).join(' -> '));
    expect(found, 'import cycles (make the imports go one way)').toEqual([]);
  });

  it.each(packages)('%s has no source file past 400 lines', (pkg) => {
    const long = sources(join(root, 'packages', pkg, 'src'))
      .filter((f) => !f.endsWith('.generated.ts'))
      .map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400);
    expect(long, 'files past 400 lines (split by family)').toEqual([]);
  });
});

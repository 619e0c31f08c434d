/**
 * The op tables in the docs name every op in `opTable`, so a new op cannot be added without
 * saying what its second derivative is. docs/architecture.md prints its table from
 * `opTable` itself (checked by docs-snippets.test.ts); docs/second-derivatives.md is written
 * by hand, grouped by how each VJP is built, and is checked here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { opTable } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const read = (p: string): string => readFileSync(fileURLToPath(new URL(`../docs/${p}`, import.meta.url)), 'utf8');

/** The backticked names in the first cell of each row of the first Markdown table after `heading`. */
function firstColumnNames(markdown: string, heading: string): string[] {
  const from = markdown.indexOf(heading);
  if (from < 0) throw new Error(`no '${heading}' section`);
  const lines = markdown.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.split('|')[1] ?? '');
  return rows.flatMap((cell) => [...cell.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1]!));
}

// Public functions composed from primitives, and customOp: they have rows too.
const composed = ['mean', 'softmax', 'logSoftmax', 'sumTo', 'less', 'lessEqual', 'customOp'];

describe('docs/second-derivatives.md', () => {
  const names = firstColumnNames(read('second-derivatives.md'), '## The table');

  it('names every op in the op table', () => {
    const missing = Object.keys(opTable).filter((op) => !names.includes(op));
    expect(missing, 'ops with no row in second-derivatives.md').toEqual([]);
  });

  it('names each op once, and only ops that exist', () => {
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const known = new Set<string>([...Object.keys(opTable), ...composed]);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });
});

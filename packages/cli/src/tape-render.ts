/**
 * Renders a recorded tape (core's `traceTape`) as Graphviz DOT, Mermaid or a table, with
 * the traced arguments labelled by name, which core's own renderers do not know.
 */
import { fmtNumber, type TapeEntry, type TapeRecord, type Tensor } from '@tapegrad/core';

/** How a traced argument is drawn: a named variable, or a literal constant (value, no gradient). */
export interface ArgLabel {
  readonly name: string;
  readonly kind: 'variable' | 'literal';
}

export type GraphFormat = 'dot' | 'mermaid' | 'table';

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function brief(t: Tensor): string {
  if (t.size === 1) return fmtNumber(t.data[0]!);
  if (t.size <= 4) return `[${Array.from(t.data, fmtNumber).join(', ')}]`;
  return `${shapeText(t.shape)} (|max| ${fmtNumber(Math.max(...Array.from(t.data, Math.abs)))})`;
}

/**
 * Renders `rec`. The first `args.length` entries are the traced arguments, in order.
 * @param rec what `traceTape` recorded @param args names of the traced arguments
 * @param format dot, mermaid or table
 * @param opts `values` adds each node's value and gradient (∂output/∂node) to its label
 * @returns the graph text
 * @example renderTape(traceTape(f, w), [{ name: 'w', kind: 'variable' }], 'dot', { values: true })
 */
export function renderTape(rec: TapeRecord, args: readonly ArgLabel[], format: GraphFormat, opts: { values: boolean }): string {
  const argOf = (e: TapeEntry): ArgLabel | undefined => (e.op === 'variable' ? args[e.index] : undefined);
  const label = (e: TapeEntry, nl: string): string => {
    const a = argOf(e);
    if (a?.kind === 'literal') return a.name;
    let s = a !== undefined ? `${a.name} ${shapeText(e.outputShape)}` : `#${e.index} ${e.op} ${shapeText(e.outputShape)}`;
    if (opts.values) {
      s += `${nl}value ${brief(e.value)}`;
      if (e.grad !== null) s += `${nl}grad ${brief(e.grad)}`;
    }
    return s;
  };
  if (format === 'table') return renderTable(rec, args, opts.values);
  const lines: string[] = [];
  const out = rec.outputEntry;
  if (format === 'dot') {
    lines.push('digraph tape {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];');
    for (const e of rec.entries) {
      const a = argOf(e);
      const style =
        a?.kind === 'literal'
          ? ', shape=ellipse, color=gray'
          : a !== undefined
            ? ', style=filled, fillcolor="#dde8ff"'
            : e.index === out
              ? ', style=filled, fillcolor="#ffe8cc"'
              : '';
      lines.push(`  n${e.index} [label="${label(e, '\\n')}"${style}];`);
      if (e.op !== 'variable') e.inputs.forEach((i, k) => lines.push(i.from !== null ? `  n${i.from} -> n${e.index};` : `  c${e.index}_${k} [label="const ${shapeText(i.shape)}", shape=ellipse, color=gray];\n  c${e.index}_${k} -> n${e.index};`));
    }
    lines.push('}');
  } else {
    lines.push('flowchart LR');
    for (const e of rec.entries) {
      const a = argOf(e);
      const text = label(e, '<br/>').replace(/"/g, '#quot;');
      lines.push(a?.kind === 'literal' ? `  n${e.index}(("${text}"))` : `  n${e.index}["${text}"]`);
      if (e.op !== 'variable') e.inputs.forEach((i, k) => lines.push(i.from !== null ? `  n${i.from} --> n${e.index}` : `  c${e.index}_${k}(("const ${shapeText(i.shape)}")) --> n${e.index}`));
    }
    lines.push('  classDef arg fill:#dde8ff;', '  classDef out fill:#ffe8cc;');
    const argIds = rec.entries.filter((e) => argOf(e)?.kind === 'variable').map((e) => `n${e.index}`);
    if (argIds.length > 0) lines.push(`  class ${argIds.join(',')} arg;`);
    if (out !== null) lines.push(`  class n${out} out;`);
  }
  return lines.join('\n');
}

function renderTable(rec: TapeRecord, args: readonly ArgLabel[], values: boolean): string {
  const name = (from: number | null, shape: readonly number[]): string => {
    if (from === null) return `const${shapeText(shape)}`;
    const a = args[from];
    return a !== undefined && rec.entries[from]?.op === 'variable' ? a.name : `#${from}`;
  };
  const rows = rec.entries.map((e) => {
    const a = e.op === 'variable' ? args[e.index] : undefined;
    const row = [String(e.index), a !== undefined ? (a.kind === 'literal' ? 'literal' : a.name) : e.op, a !== undefined ? '' : e.inputs.map((i) => name(i.from, i.shape)).join(' '), shapeText(e.outputShape)];
    if (values) row.push(brief(e.value), e.grad !== null && a?.kind !== 'literal' ? brief(e.grad) : '');
    return row;
  });
  const head = ['#', 'op', 'inputs', 'shape', ...(values ? ['value', 'grad'] : [])];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string => r.map((s, c) => s.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

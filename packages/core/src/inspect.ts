/**
 * Tape inspection: what a call recorded, as data, as a table and as Graphviz DOT or
 * Mermaid. This is what the teaching tools are built on.
 */
import { fmtShape } from './errors.js';
import { fmtNumber } from './format.js';
import { type Node, backward, beginTrace, endTrace, variable, withListener } from './tape.js';
import { Tensor, ones } from './tensor.js';
import { add } from './ops/arithmetic.js';

/** One recorded op application. */
export interface TapeEntry {
  /** Position on this tape, from 0. */
  readonly index: number;
  readonly op: string;
  /** Each input: the entry that made it (`null` for a constant) and its shape. */
  readonly inputs: readonly { readonly from: number | null; readonly shape: readonly number[] }[];
  readonly outputShape: readonly number[];
  /** What the VJP keeps from the forward pass (input names and/or `out`). */
  readonly saved: readonly string[];
  /** The output's values. */
  readonly value: Tensor;
  /** ∂output/∂(this entry's output), when the output is a scalar and a path exists. */
  readonly grad: Tensor | null;
}

/** The recording of one call: entries in execution order, the output, renderers. */
export interface TapeRecord {
  readonly entries: readonly TapeEntry[];
  readonly output: Tensor;
  /** Entry index of the output, or null if the output did not depend on the inputs. */
  readonly outputEntry: number | null;
  /** A fixed-width table: `#  op  inputs  output  saved`. */
  toTable(): string;
  /** Graphviz DOT; with `values`, node labels carry values and gradients. */
  toDot(opts?: { values?: boolean }): string;
  /** A Mermaid flowchart of the same graph. */
  toMermaid(opts?: { values?: boolean }): string;
}

/**
 * Runs `f(...args)` with every argument traced and returns what the tape recorded.
 * Arguments appear as `variable` entries. When the output is a scalar, each entry also
 * carries its gradient.
 * @example traceTape((x, y) => mul(add(x, y), y), scalar(2), scalar(3)).toTable()
 */
export function traceTape(f: (...args: Tensor[]) => Tensor, ...args: Tensor[]): TapeRecord {
  const seen: Node[] = [];
  const trace = beginTrace();
  let out: Tensor;
  let nodes: Node[];
  try {
    out = withListener((n) => seen.push(n), () => f(...args.map((t) => variable(t))));
  } finally {
    nodes = endTrace(trace);
  }
  const index = new Map<Node, number>();
  seen.forEach((n, i) => index.set(n, i));
  let grads: (Tensor | null)[] = seen.map(() => null);
  if (out.size === 1 && out.node !== null) {
    grads = backward(nodes, [out], [ones(out.shape)], seen.map((n) => n.out), add);
  }
  const entries: TapeEntry[] = seen.map((n, i) => ({
    index: i,
    op: n.op.name,
    inputs: n.inputs.map((t) => ({ from: t.node !== null ? (index.get(t.node) ?? null) : null, shape: [...t.shape] })),
    outputShape: [...n.out.shape],
    saved: n.op.saves,
    value: new Tensor(n.out.data, n.out.shape),
    grad: grads[i] ?? null,
  }));
  const outputEntry = out.node !== null ? (index.get(out.node) ?? null) : null;
  const output = new Tensor(out.data, out.shape);
  return {
    entries,
    output,
    outputEntry,
    toTable: () => renderTable(entries),
    toDot: (o) => renderGraph(entries, outputEntry, 'dot', o?.values ?? false),
    toMermaid: (o) => renderGraph(entries, outputEntry, 'mermaid', o?.values ?? false),
  };
}

function brief(t: Tensor): string {
  if (t.size === 1) return fmtNumber(t.data[0]!);
  if (t.size <= 4) return `[${Array.from(t.data, fmtNumber).join(', ')}]`;
  return fmtShape(t.shape);
}

function renderTable(entries: readonly TapeEntry[]): string {
  const rows = entries.map((e) => [
    String(e.index),
    e.op,
    e.op === 'variable' ? 'argument' : e.inputs.map((i) => (i.from === null ? `const${fmtShape(i.shape)}` : `#${i.from}${fmtShape(i.shape)}`)).join(' '),
    fmtShape(e.outputShape),
    e.saved.join(',') || '-',
  ]);
  const head = ['#', 'op', 'inputs', 'output', 'saved'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string => r.map((s, c) => s.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function renderGraph(entries: readonly TapeEntry[], outputEntry: number | null, kind: 'dot' | 'mermaid', values: boolean): string {
  const label = (e: TapeEntry): string => {
    let s = `#${e.index} ${e.op} ${fmtShape(e.outputShape)}`;
    if (values) {
      s += `\\nvalue ${brief(e.value)}`;
      if (e.grad !== null) s += `\\ngrad ${brief(e.grad)}`;
    }
    return s;
  };
  const lines: string[] = [];
  let consts = 0;
  if (kind === 'dot') {
    lines.push('digraph tape {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];');
    for (const e of entries) {
      const style = e.op === 'variable' ? ', style=filled, fillcolor="#dde8ff"' : e.index === outputEntry ? ', style=filled, fillcolor="#ffe8cc"' : '';
      lines.push(`  n${e.index} [label="${label(e)}"${style}];`);
      for (const i of e.op === 'variable' ? [] : e.inputs) {
        if (i.from !== null) lines.push(`  n${i.from} -> n${e.index};`);
        else {
          lines.push(`  c${consts} [label="const ${fmtShape(i.shape)}", shape=ellipse, color=gray];`, `  c${consts} -> n${e.index};`);
          consts++;
        }
      }
    }
    lines.push('}');
  } else {
    lines.push('flowchart LR');
    for (const e of entries) {
      lines.push(`  n${e.index}["${label(e).replace(/\\n/g, '<br/>')}"]`);
      for (const i of e.op === 'variable' ? [] : e.inputs) {
        if (i.from !== null) lines.push(`  n${i.from} --> n${e.index}`);
        else lines.push(`  c${consts}(("const ${fmtShape(i.shape)}")) --> n${e.index}`), consts++;
      }
    }
  }
  return lines.join('\n');
}

/**
 * The one tape renderer: the entries `traceTape` records, and how they render as a
 * fixed-width table, Graphviz DOT or a Mermaid flowchart. Arguments carry their paths and
 * `named()` values their labels, constants their values; every label is escaped for the
 * format it lands in, and node ids
 * depend only on the tape (`n3`, and `c3_1` for input 1 of entry 3 when it is a constant),
 * so two renderings of one tape diff cleanly.
 */
import { ArgumentError, checkOptions, fmtShape, showValue } from './errors.js';
import { boolArg } from './args.js';
import { fmtNumber, formatTable } from './format.js';
import type { Tensor } from './tensor.js';

/**
 * One input of a recorded op: the entry that made it, or a constant (a tensor not traced here) with its value.
 * @group Inspection
 */
export type TapeInput =
  | { readonly from: number; readonly shape: readonly number[] }
  | { readonly from: null; readonly shape: readonly number[]; readonly value: Tensor };

/**
 * One recorded op application.
 * @group Inspection
 */
export interface TapeEntry {
  /** Position on this tape, from 0; also the node id in DOT and Mermaid (`n3`). */
  readonly index: number;
  readonly op: string;
  /**
   * For a traced argument, its label: the parameter-tree path given to `traceTape.named`
   * (`W1`, `layers[0].b`), `''` when it has none; `null` for an op application.
   */
  readonly argument: string | null;
  /**
   * The value's name: an argument's label (when it has one) or the label given by `named(x, 'hpreact')`;
   * `null` for an unnamed value. `TapeRecord.grad(name)` and `compareAt` look values up by it.
   */
  readonly name: string | null;
  readonly inputs: readonly TapeInput[];
  readonly outputShape: readonly number[];
  /** What the VJP keeps from the forward pass (input names and/or `out`). */
  readonly saved: readonly string[];
  /** The output's values. */
  readonly value: Tensor;
  /** ∂output/∂(this entry's output), when the output is a scalar and a path exists. */
  readonly grad: Tensor | null;
}

/**
 * Options of `TapeRecord.toDot` and `toMermaid`.
 * @group Inspection
 */
export interface GraphOptions {
  /** Add each node's value and its gradient ∂output/∂node to its label. */
  readonly values?: boolean;
}

/**
 * Options of `TapeRecord.toTable`.
 * @group Inspection
 */
export interface TapeTableOptions extends GraphOptions {
  /** The character of the rule under the header (default `'-'`), as `formatTable` takes it. */
  readonly rule?: string;
}

const ARG_FILL = '#dde8ff';
const OUT_FILL = '#ffe8cc';
const NAMED_FILL = '#e2f4e2';

/** A value in a few characters: a number, up to 4 numbers in full, else the shape and the largest magnitude. */
export function brief(t: Tensor): string {
  if (t.size === 1) return fmtNumber(t.data[0]!);
  if (t.size <= 4) return `[${Array.from(t.data, fmtNumber).join(', ')}]`;
  let m = 0;
  for (const v of t.data) m = Math.max(m, Math.abs(v)); // a NaN anywhere shows as NaN
  return `${fmtShape(t.shape)} (|max| ${fmtNumber(m)})`;
}

/** A constant input: its value when small (scalar or ≤ 4 elements), else `const` and its shape. */
function constantText(value: Tensor, sep: string): string {
  return value.size <= 4 ? brief(value) : `const${sep}${fmtShape(value.shape)}`;
}

/** What the table's op column shows: the entry's name (an argument's path, a `named()` label) if it has one, else the op. */
function nameOf(e: TapeEntry): string {
  return e.name ?? e.op;
}

/**
 * A node's label lines: `#3 mul [2]`, or the name for a named value (`w [2]`, `hpreact [3]`),
 * then value and gradient. A `named()` entry stays a node of its own rather than being folded
 * onto the value it labels: that value may have other uses, so its gradient can differ from
 * the named one's, and the graph keeps exactly the tape's edges.
 */
function labelLines(e: TapeEntry, values: boolean): string[] {
  const head = e.name !== null ? `${e.name} ${fmtShape(e.outputShape)}` : `#${e.index} ${e.op} ${fmtShape(e.outputShape)}`;
  if (!values) return [head];
  return e.grad === null ? [head, `value ${brief(e.value)}`] : [head, `value ${brief(e.value)}`, `grad ${brief(e.grad)}`];
}

/** Inside a DOT double-quoted string: backslash and quote escaped; `\n` is DOT's own line break. */
function dotText(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/[\\"]/g, '\\$&').replace(/\r\n?|\n/g, '\\n')).join('\\n');
}

const MERMAID_ENTITY: Readonly<Record<string, string>> = { '"': '#quot;', '&': '#amp;', '<': '#lt;', '>': '#gt;', '`': '#96;', '#': '#35;' };

/**
 * Inside a Mermaid `"..."` label, which Mermaid renders as HTML: quotes, `&`, `<`, `>` and
 * backticks as entity codes, and `#` only where it would start one (`#x;`), so `#3 mul` stays readable.
 */
function mermaidText(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/["&<>`]|#(?=\w+;)/g, (c) => MERMAID_ENTITY[c]!).replace(/\r\n?|\n/g, '<br/>')).join('<br/>');
}

/** A table cell on one line. */
function cell(s: string): string {
  return s.replace(/[\r\n\t]/g, ' ');
}

/** `#  op  inputs  output  saved` (and `value  grad`): inputs by entry (`#2[3]`), label (`W1[3,2]`) or constant value. */
export function renderTable(entries: readonly TapeEntry[], opts: TapeTableOptions = {}): string {
  checkOptions('toTable', opts, ['values', 'rule']);
  const values = boolArg('toTable', 'values', opts.values, false);
  if (opts.rule !== undefined && (typeof opts.rule !== 'string' || [...opts.rule].length !== 1)) {
    throw new ArgumentError(`toTable: rule must be one character such as '-' or '─', got ${showValue(opts.rule)}`);
  }
  const ref = (i: TapeInput): string => {
    if (i.from === null) return constantText(i.value, '');
    return `${entries[i.from]!.name ?? `#${i.from}`}${fmtShape(i.shape)}`;
  };
  const rows = entries.map((e) => {
    // An argument's input is the caller's tensor, not part of this tape, unless an entry made
    // it (a grad nested inside the traced function): then it points at that entry.
    const traced = e.inputs.filter((i) => i.from !== null);
    const inputs = e.argument === null ? e.inputs.map(ref).join(' ') : traced.length > 0 ? traced.map(ref).join(' ') : 'argument';
    const row = [String(e.index), cell(nameOf(e)), cell(inputs), fmtShape(e.outputShape), e.saved.join(',') || '-'];
    if (values) row.push(brief(e.value), e.grad === null ? '-' : brief(e.grad));
    return row;
  });
  const head = ['#', 'op', 'inputs', 'output', 'saved', ...(values ? ['value', 'grad'] : [])];
  return formatTable(head, rows, opts.rule === undefined ? {} : { rule: opts.rule });
}

/** Graphviz DOT: arguments blue, `named()` values green, the output orange, constants grey ellipses. */
export function renderDot(entries: readonly TapeEntry[], outputEntry: number | null, opts: GraphOptions = {}): string {
  checkOptions('toDot', opts, ['values']);
  boolArg('toDot', 'values', opts.values, false);
  const lines = ['digraph tape {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  for (const e of entries) {
    const fill = e.argument !== null ? ARG_FILL : e.index === outputEntry ? OUT_FILL : e.name !== null ? NAMED_FILL : null;
    lines.push(`  n${e.index} [label="${dotText(labelLines(e, opts.values ?? false))}"${fill === null ? '' : `, style=filled, fillcolor="${fill}"`}];`);
    e.inputs.forEach((i, k) => {
      if (i.from !== null) lines.push(`  n${i.from} -> n${e.index};`);
      else if (e.argument === null) {
        lines.push(`  c${e.index}_${k} [label="${dotText([constantText(i.value, ' ')])}", shape=ellipse, color=gray];`, `  c${e.index}_${k} -> n${e.index};`);
      }
    });
  }
  lines.push('}');
  return lines.join('\n');
}

/** A Mermaid flowchart: boxes for entries (labelled by name where they have one), circles for constants, the same colours as DOT. */
export function renderMermaid(entries: readonly TapeEntry[], outputEntry: number | null, opts: GraphOptions = {}): string {
  checkOptions('toMermaid', opts, ['values']);
  boolArg('toMermaid', 'values', opts.values, false);
  const lines = ['flowchart LR'];
  for (const e of entries) {
    lines.push(`  n${e.index}["${mermaidText(labelLines(e, opts.values ?? false))}"]`);
    e.inputs.forEach((i, k) => {
      if (i.from !== null) lines.push(`  n${i.from} --> n${e.index}`);
      else if (e.argument === null) lines.push(`  c${e.index}_${k}(("${mermaidText([constantText(i.value, ' ')])}")) --> n${e.index}`);
    });
  }
  const namedValues = entries.filter((e) => e.argument === null && e.name !== null && e.index !== outputEntry).map((e) => `n${e.index}`);
  lines.push(`  classDef arg fill:${ARG_FILL};`, `  classDef out fill:${OUT_FILL};`);
  if (namedValues.length > 0) lines.push(`  classDef named fill:${NAMED_FILL};`);
  const args = entries.filter((e) => e.argument !== null).map((e) => `n${e.index}`);
  if (args.length > 0) lines.push(`  class ${args.join(',')} arg;`);
  if (namedValues.length > 0) lines.push(`  class ${namedValues.join(',')} named;`);
  if (outputEntry !== null && entries[outputEntry]?.argument === null) lines.push(`  class n${outputEntry} out;`);
  return lines.join('\n');
}

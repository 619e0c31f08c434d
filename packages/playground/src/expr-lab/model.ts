/**
 * The expression lab's data, without any DOM: an expression traced at the sliders' values,
 * turned into the graph the page draws (one node per tape entry, one per constant input)
 * and the replay's bookkeeping (which op runs at each forward step, how many gradient
 * contributions each value receives, the running total before each one arrives).
 * Everything shown comes from core: `traceTape.named` records the expression as
 * `evaluateExpr` computes it, and `steps()` gives the backward pass step by step.
 */
import { type Expr, type Steps, type TapeEntry, type TapeRecord, type Tensor, evaluateExpr, parseExpr, scalar, traceTape, variablesOf } from '@tapegrad/core';

/** One box of the drawn graph. */
export interface LabNode {
  /** `n3` for tape entry 3, `c3_1` for the constant that is input 1 of entry 3 (as in core's DOT). */
  readonly id: string;
  /** The tape entry, or null for a constant. */
  readonly entry: number | null;
  readonly kind: 'variable' | 'op' | 'constant';
  /** What the box says first: the variable's name, the op's name, or the constant's value. */
  readonly title: string;
  /** How the lab refers to the value in formulas: `w`, `#3`; for a constant its value. */
  readonly label: string;
  readonly value: Tensor;
  readonly isOutput: boolean;
}

/** One arrow: the value `from` is input `input` of entry `toEntry`. */
export interface LabEdge {
  readonly from: string;
  readonly to: string;
  readonly input: string;
  readonly fromEntry: number | null;
  readonly toEntry: number;
}

/** An expression traced at one point, ready to draw and replay. */
export interface LabTrace {
  readonly source: string;
  /** The variables in order of first use, with the values they were traced at. */
  readonly values: ReadonlyMap<string, number>;
  readonly record: TapeRecord;
  readonly steps: Steps;
  readonly nodes: readonly LabNode[];
  readonly edges: readonly LabEdge[];
  /** The entries that are ops (not variables), in the order they ran: forward step k runs `forwardOps[k]`. */
  readonly forwardOps: readonly number[];
  /** How many gradient contributions each entry receives during the backward pass (2 for a value used twice). */
  readonly uses: ReadonlyMap<number, number>;
  /** For backward step s and its input i: which contribution it is to that input (1-based) and the input's total before it (null: the first). */
  readonly arrivals: readonly (readonly { readonly ordinal: number; readonly before: Tensor | null }[])[];
  /** Cursor positions after the start: one per forward op, then one per backward step. */
  readonly length: number;
  /** The graph's shape (ops and wiring, not values): the cursor survives a re-trace when it is unchanged. */
  readonly shapeKey: string;
}

/** The expression the lab opens with: `x` is used twice, so the adding-up of two contributions shows. */
export const DEFAULT_EXPR = 'tanh(w*x + b) * x';
/** The default expression's starting point. */
export const DEFAULT_VALUES: ReadonlyMap<string, number> = new Map([['w', 0.8], ['x', 1.5], ['b', -0.4]]);
/** The value a new variable starts at (not 0 or 1, which hide what multiplication does). */
export const NEW_VARIABLE_VALUE = 0.5;

/**
 * The most boxes (tape entries plus constant inputs) the lab lays out and draws. dagre's
 * layout grows faster than linearly: measured in node on a shared two-core machine (best of
 * 3), 64 boxes took 36–90 ms, 100 boxes 85–330 ms, 256 boxes 0.25–0.4 s and a 2048-node tree
 * most of a minute. Past this the graph is refused with a message instead of freezing the tab.
 */
export const MAX_BOXES = 64;

/** An expression whose graph has more than {@link MAX_BOXES} boxes: it is not laid out. */
export class GraphTooLargeError extends Error {
  constructor(readonly entries: number, readonly boxes: number) {
    super(`This expression puts ${entries} values on the tape${boxes === entries ? '' : ` (${boxes} boxes with its constants)`}; the lab draws at most ${MAX_BOXES} boxes, so its graph is not shown. Shorten it, or explore one part of it at a time.`);
    this.name = 'GraphTooLargeError';
  }
}

/** How many boxes the graph of `record` has: one per tape entry and one per constant input of an op. */
export function boxCount(record: TapeRecord): number {
  let n = 0;
  for (const e of record.entries) {
    n++;
    if (e.argument === null) for (const inp of e.inputs) if (inp.from === null) n++;
  }
  return n;
}

/**
 * The factor shown in "g × local = contribution": `contribution ÷ g`, or null when that
 * quotient would mislead: g is 0 or tiny (|g| < 1e-150: g × local may have underflowed, so
 * g = 1e-300 with local 1e-30 gives contribution 0 and "g × 0"), huge (|g| > 1e150: g × local
 * may have overflowed), or the quotient is not finite. Then only the contribution is shown.
 * @example localFactor(1e-300, 0) // null, localFactor(0.5, 1.5) // 3
 */
export function localFactor(g: number, contribution: number): number | null {
  const a = Math.abs(g);
  if (!Number.isFinite(g) || a < 1e-150 || a > 1e150) return null;
  const local = contribution / g;
  return Number.isFinite(local) ? local : null;
}

/** How the lab names an entry in formulas: its name (a variable), else `#k`. */
export function entryLabel(e: TapeEntry): string {
  return e.name ?? `#${e.index}`;
}

/**
 * Parses `source` and lists its variables with their values: those in `values`, the rest at
 * {@link NEW_VARIABLE_VALUE}.
 * @throws ExprError (with its caret message) for a syntax error.
 */
export function prepare(source: string, values: ReadonlyMap<string, number>): { tree: Expr; values: Map<string, number> } {
  const tree = parseExpr(source);
  const out = new Map<string, number>();
  for (const name of variablesOf(tree)) out.set(name, values.get(name) ?? NEW_VARIABLE_VALUE);
  return { tree, values: out };
}

/**
 * Traces `source` with each variable a scalar at its value and builds the graph and replay data.
 * @param source the expression @param values variable values by name (missing ones start at {@link NEW_VARIABLE_VALUE}; extra ones are ignored)
 * @throws ExprError for a syntax or evaluation error; GradError when the value is not a scalar (no single seed ∂out/∂out = 1);
 *   GraphTooLargeError when the graph would have more than {@link MAX_BOXES} boxes (checked before anything else is built).
 * @example buildTrace('x*x', new Map([['x', 3]])).record.grad('x') // 6
 */
export function buildTrace(source: string, values: ReadonlyMap<string, number>): LabTrace {
  const prepared = prepare(source, values);
  const tree = prepared.tree;
  // traceTape.named takes a parameter tree; Object.fromEntries makes own properties, so any
  // variable name (even "__proto__") is just a key, and the lab reads values back from Maps.
  const params = Object.fromEntries([...prepared.values].map(([k, v]) => [k, scalar(v)]));
  const record = traceTape.named((vars) => evaluateExpr(source, tree, new Map(Object.entries(vars))), params);
  const boxes = boxCount(record);
  if (boxes > MAX_BOXES) throw new GraphTooLargeError(record.entries.length, boxes);
  const steps = record.steps();
  const { entries } = record;

  const nodes: LabNode[] = [];
  const edges: LabEdge[] = [];
  for (const e of entries) {
    const isVariable = e.argument !== null;
    nodes.push({ id: `n${e.index}`, entry: e.index, kind: isVariable ? 'variable' : 'op', title: isVariable ? entryLabel(e) : e.op, label: entryLabel(e), value: e.value, isOutput: e.index === record.outputEntry });
    // An argument's one input is the caller's value, which the variable's own box shows.
    if (isVariable) continue;
    e.inputs.forEach((inp, k) => {
      const input = steps.forward[e.index]?.inputs[k]?.input ?? String(k);
      if (inp.from === null) {
        const id = `c${e.index}_${k}`;
        const text = fmtConstant(inp.value);
        nodes.push({ id, entry: null, kind: 'constant', title: text, label: text, value: inp.value, isOutput: false });
        edges.push({ from: id, to: `n${e.index}`, input, fromEntry: null, toEntry: e.index });
      } else {
        edges.push({ from: `n${inp.from}`, to: `n${e.index}`, input, fromEntry: inp.from, toEntry: e.index });
      }
    });
  }

  const forwardOps = entries.filter((e) => e.argument === null).map((e) => e.index);
  const uses = new Map<number, number>();
  const totals = new Map<number, Tensor>();
  const arrivals = steps.backward.map((s) =>
    s.inputs.map((i) => {
      if (i.from === null || i.contribution === null) return { ordinal: 0, before: null };
      const ordinal = (uses.get(i.from) ?? 0) + 1;
      uses.set(i.from, ordinal);
      const before = totals.get(i.from) ?? null;
      if (i.total !== null) totals.set(i.from, i.total);
      return { ordinal, before };
    }),
  );
  const shapeKey = entries.map((e) => `${e.op}(${(e.argument !== null ? [] : e.inputs).map((i) => (i.from === null ? `c${fmtConstant(i.value)}` : i.from)).join(',')})${e.name ?? ''}`).join(';');
  return { source, values: prepared.values, record, steps, nodes, edges, forwardOps, uses, arrivals, length: forwardOps.length + steps.backward.length, shapeKey };
}

/** A constant's text: the number in full precision when it is a scalar, else its values. */
function fmtConstant(t: Tensor): string {
  return t.size === 1 ? String(t.data[0]) : `[${Array.from(t.data, String).join(', ')}]`;
}

/** A value's exact text for `data-value` attributes: `String(x)` round-trips a float64; several values are comma-separated. */
export function exactText(t: Tensor): string {
  return Array.from(t.data, String).join(',');
}

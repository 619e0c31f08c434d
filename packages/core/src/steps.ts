/**
 * The backward pass as data: `TapeRecord.steps()`. The forward steps are the tape's entries;
 * the backward steps are what `backward`'s observer reports, one record per entry whose VJPs
 * run, in backward order, with the upstream cotangent `g`, each input's local rule, its
 * contribution and the running total of that input's gradient. The totals come from the same
 * walk as every gradient (same ops, same order), so the last total of an entry is its gradient
 * bit for bit.
 */
import { ArgumentError, GradError, describeValue, fmtShape } from './errors.js';
import { brief, type TapeEntry } from './inspect-render.js';
import { type Node, type RuleText, backward, noGrad } from './tape.js';
import { type Tensor, isTensor, ones } from './tensor.js';
import { add } from './ops/elementwise.js';

/**
 * One input of a backward step.
 * @group Inspection
 */
export interface StepInput {
  /** The op's name for the input (`x`, `a`, `cond`; `xs[1]` for input 1 of a variadic op). */
  readonly input: string;
  /** The entry the input came from; `null` for a constant (no gradient flows to it). */
  readonly from: number | null;
  /** The op's local rule for this input; `null` when the op has none (a custom op without rule text). */
  readonly rule: RuleText | null;
  /** This VJP's output for the input, shaped like it; `null`: no gradient (a constant, or a VJP declared `null`). */
  readonly contribution: Tensor | null;
  /** The input entry's gradient so far, after adding `contribution`; `null` while nothing has arrived. */
  readonly total: Tensor | null;
}

/**
 * One VJP application: entry `entry` passes its upstream cotangent `g` on to its inputs.
 * @group Inspection
 */
export interface BackwardStep {
  /** Position in the backward pass, from 0. */
  readonly step: number;
  /** The tape entry whose VJPs run (an index into `TapeRecord.entries`). */
  readonly entry: number;
  readonly op: string;
  /** The entry's name (`named()` label or argument path), or null. */
  readonly name: string | null;
  /** ∂out/∂(this entry's output): the upstream cotangent, shaped like the entry's output. */
  readonly g: Tensor;
  /** Every input of the op, in order, constants included. */
  readonly inputs: readonly StepInput[];
}

/**
 * One forward step: an entry, the values it was applied to and the value it made.
 * @group Inspection
 */
export interface ForwardStep {
  readonly step: number;
  readonly entry: number;
  readonly op: string;
  readonly name: string | null;
  /** Each input's name, the entry it came from (null: a constant or, for an argument, the caller's value) and its value. */
  readonly inputs: readonly { readonly input: string; readonly from: number | null; readonly value: Tensor }[];
  readonly value: Tensor;
}

/**
 * A tensor in JSON: its shape and its values in row-major order. A value JSON cannot hold
 * exactly (`NaN`, `Infinity`, `-Infinity`, `-0`) is the string that `Number()` reads back.
 * @group Inspection
 */
export interface TensorJSON {
  readonly shape: number[];
  readonly data: (number | string)[];
}

/**
 * `Steps.toJSON()`: plain objects, arrays, numbers and strings; `JSON.parse(JSON.stringify(j))` equals `j`.
 * @group Inspection
 */
export interface StepsJSON {
  readonly output: TensorJSON;
  readonly forward: {
    readonly step: number; readonly entry: number; readonly op: string; readonly name: string | null;
    readonly inputs: { readonly input: string; readonly from: number | null; readonly value: TensorJSON }[];
    readonly value: TensorJSON;
  }[];
  readonly backward: {
    readonly step: number; readonly entry: number; readonly op: string; readonly name: string | null; readonly g: TensorJSON;
    readonly inputs: { readonly input: string; readonly from: number | null; readonly rule: RuleText | null; readonly contribution: TensorJSON | null; readonly total: TensorJSON | null }[];
  }[];
}

/**
 * The forward and backward passes of one traced call, step by step.
 * @group Inspection
 */
export interface Steps {
  /** Every tape entry in execution order (arguments included), with its inputs' values. */
  readonly forward: readonly ForwardStep[];
  /** One record per entry whose VJPs run, in backward order; arguments are leaves and have none. */
  readonly backward: readonly BackwardStep[];
  /** The same as plain JSON data (for the playground). */
  toJSON(): StepsJSON;
  /** A step-by-step listing: the forward chain, then each backward step with its rule and numbers. */
  toString(): string;
}

/** What `steps` needs of a record: its nodes (for the walk), entries (values, names) and output. */
export interface StepsSource {
  /** The trace's nodes, in creation order, as `backward` takes them. */
  readonly nodes: readonly Node[];
  /** Entry index of each recorded node. */
  readonly index: ReadonlyMap<Node, number>;
  /** The node of each entry, by entry index. */
  readonly entryNodes: readonly Node[];
  readonly entries: readonly TapeEntry[];
  /** The traced output (its node is the walk's start). */
  readonly output: Tensor;
}

function inputName(node: Node, k: number): string {
  return node.op.variadic === true ? `${node.op.inputs[0]!}[${k}]` : node.op.inputs[k]!;
}

function ruleOf(node: Node, k: number): RuleText | null {
  const rules: Readonly<Record<string, RuleText | undefined>> | undefined = node.op.rules;
  const key = node.op.variadic === true ? node.op.inputs[0]! : node.op.inputs[k]!;
  return rules !== undefined && Object.hasOwn(rules, key) ? (rules[key] ?? null) : null;
}

/**
 * Builds the steps of a record. The walk re-runs `backward` from the output with the seed
 * `ones` and `add` as accumulation, exactly as the record's gradients were computed, under
 * `noGrad` so that calling it inside an enclosing trace records nothing.
 * @throws GradError when the output is not a scalar (there is no single seed ∂out/∂out = 1).
 */
export function buildSteps(src: StepsSource): Steps {
  const { nodes, index, entryNodes, entries, output } = src;
  if (output.size !== 1) {
    throw new GradError(
      `TapeRecord.steps: the output has shape ${fmtShape(output.shape)}, not a scalar, so the backward pass has no single seed ∂out/∂out = 1; ` +
        'reduce the output with sum() or mean(), or trace a function that returns a scalar',
    );
  }
  const forward: ForwardStep[] = entries.map((e, i) => ({
    step: i,
    entry: e.index,
    op: e.op,
    name: e.name,
    inputs: e.inputs.map((inp, k) => ({ input: inputName(entryNodes[i]!, k), from: inp.from, value: inp.from === null ? inp.value : entries[inp.from]!.value })),
    value: e.value,
  }));
  const steps: { step: number; entry: number; op: string; name: string | null; g: Tensor; inputs: StepInput[] }[] = [];
  let current: Node | null = null;
  if (output.node !== null && index.has(output.node)) {
    noGrad(() =>
      backward(nodes, [output], [ones(output.shape)], [], add, (node, g, i, contribution, total) => {
        if (node !== current) {
          current = node;
          const entry = index.get(node)!;
          const inputs = node.parents.map((p, k): StepInput => ({ input: inputName(node, k), from: p === null ? null : (index.get(p) ?? null), rule: ruleOf(node, k), contribution: null, total: null }));
          steps.push({ step: steps.length, entry, op: node.op.name, name: entries[entry]!.name, g, inputs });
        }
        const inputs = steps[steps.length - 1]!.inputs;
        inputs[i] = { ...inputs[i]!, contribution, total };
      }),
    );
  }
  return {
    forward,
    backward: steps,
    toJSON: () => stepsJSON(forward, steps, output),
    toString: () => stepsText(forward, steps, entries),
  };
}

/**
 * A tensor as `{ shape, data }`, with the values JSON cannot hold as strings `Number()` reads back.
 * @throws ArgumentError when `t` is not a Tensor
 * @example tensorJSON(tensor([1, NaN])) // { shape: [2], data: [1, 'NaN'] }
 * @group Inspection
 */
export function tensorJSON(t: Tensor): TensorJSON {
  if (!isTensor(t)) throw new ArgumentError(`tensorJSON: t must be a Tensor, got ${describeValue(t)}`);
  return { shape: [...t.shape], data: Array.from(t.data, (v) => (Number.isFinite(v) && !Object.is(v, -0) ? v : String(Object.is(v, -0) ? '-0' : v))) };
}

function stepsJSON(forward: readonly ForwardStep[], backwardSteps: readonly BackwardStep[], output: Tensor): StepsJSON {
  const opt = (t: Tensor | null): TensorJSON | null => (t === null ? null : tensorJSON(t));
  return {
    output: tensorJSON(output),
    forward: forward.map((f) => ({ step: f.step, entry: f.entry, op: f.op, name: f.name, inputs: f.inputs.map((i) => ({ input: i.input, from: i.from, value: tensorJSON(i.value) })), value: tensorJSON(f.value) })),
    backward: backwardSteps.map((b) => ({
      step: b.step, entry: b.entry, op: b.op, name: b.name, g: tensorJSON(b.g),
      inputs: b.inputs.map((i) => ({ input: i.input, from: i.from, rule: i.rule === null ? null : { text: i.rule.text, tex: i.rule.tex }, contribution: opt(i.contribution), total: opt(i.total) })),
    })),
  };
}

/** One line, whatever a user-given name holds. */
const line = (s: string): string => s.replace(/[\r\n\t]/g, ' ');

function stepsText(forward: readonly ForwardStep[], backwardSteps: readonly BackwardStep[], entries: readonly TapeEntry[]): string {
  const ref = (k: number): string => {
    const n = entries[k]!.name;
    return n === null ? `#${k}` : `#${k} ${line(n)}`;
  };
  const out: string[] = ['forward:'];
  for (const f of forward) {
    const e = entries[f.entry]!;
    const args = f.inputs.map((i) => (i.from === null ? brief(i.value) : ref(i.from)));
    const expr = e.argument !== null && f.inputs.every((i) => i.from === null) ? 'argument' : `${f.op}(${args.join(', ')})`;
    out.push(`  ${ref(f.entry)}: ${expr} = ${brief(f.value)}`);
  }
  out.push('backward (g = ∂out/∂value):');
  if (backwardSteps.length === 0) out.push('  (no step: the output does not depend on the arguments)');
  for (const b of backwardSteps) {
    out.push(`  step ${b.step}: ${ref(b.entry)} ${b.op}, g = ${brief(b.g)}`);
    for (const i of b.inputs) {
      const head = `    ${i.input} ← ${i.from === null ? 'a constant' : ref(i.from)}`;
      if (i.from === null) {
        out.push(`${head}: no gradient (a constant)`);
        continue;
      }
      const rule = i.rule === null ? '(no rule text)' : i.rule.text;
      const numbers = i.contribution === null ? 'no gradient' : `contribution ${brief(i.contribution)}, total ${i.total === null ? '-' : brief(i.total)}`;
      out.push(`${head}: ${rule}`, `      ${numbers}`);
    }
  }
  const leaves = entries.filter((e) => e.argument !== null && e.inputs.every((i) => i.from === null));
  if (leaves.length > 0) {
    out.push('gradients:');
    for (const e of leaves) out.push(`  ${ref(e.index)}: ${e.grad === null ? `0 (no path to the output) ${fmtShape(e.outputShape)}` : brief(e.grad)}`);
  }
  return out.join('\n');
}

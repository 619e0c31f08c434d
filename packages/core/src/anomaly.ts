/**
 * Anomaly mode (PyTorch's detect_anomaly, JAX's debug_nans): while `detectAnomaly(fn)` runs,
 * every op's forward output and every VJP's output is checked, and the first one holding
 * NaN or ±Infinity raises an `AnomalyError` naming the op, its tape entry, the phase, the
 * ranges of its inputs and of `g`, its local rule and a hint. When off, the tape pays one
 * null test per op (`anomalyMode.hook` in tape.ts); this module installs the hook.
 */
import { type AnomalyDetails, type AnomalyEntry, type AnomalyInput, AnomalyError, type ValueRange } from './errors.js';
import { functionArg } from './args.js';
import { fmtNumber } from './format.js';
import { backwardHint, forwardHint, nonFinite, rangeOf } from './anomaly-hints.js';
import { type Accumulate, type Node, type OpDef, type Vjp, anomalyMode, tapeLength } from './tape.js';
import { Tensor } from './tensor.js';

/** What the tape calls while anomaly mode is on (tape.ts's `anomalyMode.hook`). */
export interface AnomalyHook {
  /** After an op computed `out` (and recorded it, when tracing). */
  forward(op: OpDef, inputs: readonly Tensor[], out: Tensor): void;
  /** Runs the VJP `rule` of `node`'s input `input` and checks its result; `lo` is the id of the walked tape's first entry. */
  vjp(node: Node, input: number, g: Tensor, rule: Vjp, lo: number): Tensor | null;
  /** Adds a new contribution `gi` to an input's running cotangent `prev` (a fan-out) and checks the sum. */
  accumulate(node: Node, input: number, prev: Tensor, gi: Tensor, add: Accumulate, lo: number): Tensor;
}

/** True when every entry is finite (`v - v` is NaN exactly for NaN and ±Infinity). */
function allFinite(d: Float64Array): boolean {
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v !== 0) return false;
  }
  return true;
}

/** `[3] in [0, 2], 1 zero`; with non-finite entries `[3] 1 NaN; the rest in [0, 2], 1 zero`. */
function fmtRange(r: ValueRange): string {
  const shape = `[${r.shape.join(',')}]`;
  const bad = nonFinite(r);
  if (r.min === null || r.max === null) return `${shape} ${bad === '' ? 'empty' : `all non-finite: ${bad}`}`;
  const span = r.min === r.max ? `all ${fmtNumber(r.min)}` : `in [${fmtNumber(r.min)}, ${fmtNumber(r.max)}]${r.zeros > 0 ? `, ${r.zeros} zero${r.zeros === 1 ? '' : 's'}` : ''}`;
  return bad === '' ? `${shape} ${span}` : `${shape} ${bad}; the rest ${span.replace(/^all /, '= ')}`;
}

/** `1 NaN among 3 values`. */
function among(r: ValueRange, size: number): string {
  return `${nonFinite(r)} among ${size} value${size === 1 ? '' : 's'}`;
}

/** A node's label: an argument's path, or the name given with `named()`. */
function labelOf(node: Node): string | null {
  if (node.argument !== null) return node.argument === '' ? null : node.argument;
  const a = node.attrs;
  if (node.op.name === 'named' && typeof a === 'object' && a !== null && 'name' in a && typeof a.name === 'string') return a.name;
  return null;
}

/** The entry of `node`, numbered from `base`, the id of its tape's first entry (null: unknown). */
function entryOf(node: Node | null, base: number | null): AnomalyEntry | null {
  if (node === null) return null;
  const index = base !== null && node.id >= base ? node.id - base : null;
  return { id: node.id, index, op: node.op.name, name: labelOf(node) };
}

/** `#3` as traceTape numbers entries, or `node 812` (the global id) when its place on a tape is not known. */
function entryNumber(e: AnomalyEntry): string {
  return e.index === null ? `node ${e.id}` : `#${e.index}`;
}

function fmtEntry(e: AnomalyEntry | null): string {
  if (e === null) return 'a constant';
  return `${entryNumber(e)} ${e.op}${e.name === null ? '' : ` '${e.name}'`}`;
}

function inputName(op: OpDef, i: number): string {
  return op.variadic === true ? `${op.inputs[0]}[${i}]` : (op.inputs[i] ?? `#${i}`);
}

/** One VJP (or fan-out sum) under way; ops it runs report into it instead of raising. */
interface Frame {
  /** The first op inside that made a non-finite value (it may be masked later, so it is only evidence). */
  inside: string | null;
}

const frames: Frame[] = [];

function inFrame<T>(fn: () => T): { result: T; frame: Frame } {
  const frame: Frame = { inside: null };
  frames.push(frame);
  try {
    return { result: fn(), frame };
  } finally {
    frames.pop();
  }
}

function forwardError(op: OpDef, inputs: readonly Tensor[], out: Tensor): AnomalyError {
  const node = out.node !== null && out.node.op === op ? out.node : null;
  // The op was just recorded: it is the tape's last entry, so the tape starts tapeLength() - 1 ids before it.
  const base = node === null ? null : node.id - tapeLength() + 1;
  const entry = entryOf(node, base);
  const ins: AnomalyInput[] = inputs.map((t, i) => ({ name: inputName(op, i), entry: entryOf(t.node, base), range: rangeOf(t) }));
  const value = rangeOf(out);
  const details: AnomalyDetails = {
    op: op.name, phase: 'forward', entry, input: null, inputs: ins, output: value, g: null, value, inside: null, rule: null,
    hint: forwardHint(op.name, ins, value),
  };
  const lines = [
    `detectAnomaly: the forward pass of ${op.name}${entry === null ? '' : ` (tape entry ${entryNumber(entry)})`} made a non-finite value: ${among(value, out.size)} of its output`,
    ...ins.map((x) => `  ${`input ${x.name}`.padEnd(10)} ${fmtRange(x.range!)}, from ${fmtEntry(x.entry)}`),
    `  ${'output'.padEnd(10)} ${fmtRange(value)}`,
  ];
  return new AnomalyError(finish(lines, details.hint), details);
}

function backwardError(node: Node, i: number, g: Tensor, gi: Tensor, inside: string | null, fanOut: boolean, lo: number): AnomalyError {
  const op = node.op;
  const name = inputName(op, i);
  const saved = node.saved;
  const ins: AnomalyInput[] = node.parents.map((p, k) => {
    const key = inputName(op, k);
    const t = op.variadic !== true && Object.hasOwn(saved, key) ? saved[key] : undefined;
    return { name: key, entry: entryOf(p, lo), range: t === undefined ? null : rangeOf(t) };
  });
  const out = Object.hasOwn(saved, 'out') ? saved['out'] : undefined;
  const value = rangeOf(gi);
  const gr = rangeOf(g);
  const ruleText = op.variadic === true ? op.rules?.[op.inputs[0]!]?.text : op.rules?.[name]?.text;
  const details: AnomalyDetails = {
    op: op.name, phase: 'backward', entry: entryOf(node, lo), input: name, inputs: ins, output: out === undefined ? null : rangeOf(out), g: gr, value, inside, rule: ruleText ?? null,
    hint: backwardHint(node, i, g, ins, inside, fanOut),
  };
  const what = fanOut ? `adding up the gradient contributions to its input '${name}' (a fan-out) gave` : `the VJP for its input '${name}' returned`;
  const lines = [
    `detectAnomaly: the backward pass of ${op.name} (tape entry #${node.id - lo}) made a non-finite value: ${what} ${among(value, gi.size)}`,
    `  ${'rule'.padEnd(10)} ${ruleText ?? `(${op.name} has no rule text)`}`,
    `  ${'g'.padEnd(10)} ${fmtRange(gr)}`,
    ...ins.map((x) => `  ${`input ${x.name}`.padEnd(10)} ${x.range === null ? 'not saved' : fmtRange(x.range)}, from ${fmtEntry(x.entry)}`),
    ...(details.output === null ? [] : [`  ${'output'.padEnd(10)} ${fmtRange(details.output)}`]),
    `  ${'result'.padEnd(10)} ${fmtRange(value)} (the gradient of ${fmtEntry(entryOf(node.parents[i] ?? null, lo))})`,
    ...(inside === null ? [] : [`  ${'inside'.padEnd(10)} ${inside} made the first non-finite value`]),
  ];
  return new AnomalyError(finish(lines, details.hint), details);
}

function finish(lines: string[], hint: string | null): string {
  return [...lines, ...(hint === null ? [] : [`  ${'hint'.padEnd(10)} ${hint}`])].join('\n');
}

const hook: AnomalyHook = {
  forward(op, inputs, out) {
    if (allFinite(out.data)) return;
    const frame = frames[frames.length - 1];
    // Inside a VJP, a non-finite intermediate may still be masked (pow's VJP at a = b = 0
    // computes 0^-1 and replaces it): the VJP's result decides, this is only evidence.
    if (frame !== undefined) {
      if (frame.inside === null) frame.inside = op.name;
      return;
    }
    throw forwardError(op, inputs, out);
  },
  vjp(node, input, g, rule, lo) {
    const { result, frame } = inFrame(() => rule(g, node, input));
    // A non-Tensor result is the backward walk's to report (checkCotangentOf).
    if (result instanceof Tensor && !allFinite(result.data)) throw backwardError(node, input, g, result, frame.inside, false, lo);
    return result;
  },
  accumulate(node, input, prev, gi, add, lo) {
    const { result } = inFrame(() => add(prev, gi));
    if (!allFinite(result.data)) throw backwardError(node, input, gi, result, 'add', true, lo);
    return result;
  },
};

/**
 * Runs `fn` in anomaly mode (PyTorch's `detect_anomaly`, JAX's `debug_nans`): every op's
 * forward output and every VJP's output is checked, and the first one holding NaN or
 * ±Infinity stops the run with an `AnomalyError` that names the op, its tape entry (id,
 * and the `named()` label or argument path), `'forward'` or `'backward'` (for backward: which
 * input's VJP), the ranges of its inputs and of the upstream `g`, the op's local rule, and a
 * hint for the known traps (log or division at 0, sqrt at 0 behind an untaken `where` branch
 * and the double-`where` fix, exp overflow, pow with a negative base, 0·Inf).
 *
 * Ops a VJP runs (log's VJP divides) count as the backward of the op whose rule ran, not
 * as forwards of their own; a non-finite value inside a VJP that the VJP then masks (with
 * `where`) is not an anomaly. A value that is already NaN when it comes in (your data) is
 * reported at the first op whose output is non-finite, and the report says it came in so.
 * `fn` must be synchronous: work it schedules for later runs outside anomaly mode. When
 * anomaly mode is off, ops pay one null test each. Nested calls are allowed; the previous
 * state is restored when `fn` returns or throws.
 * @param fn the computation to watch, e.g. `() => grad(f)(x)`
 * @returns what `fn` returns
 * @throws AnomalyError at the first non-finite value; ArgumentError when fn is not a function.
 * @example
 * const f = (x: Tensor) => sum(where(greater(x, 0), sqrt(x), 0));
 * detectAnomaly(() => grad(f)(tensor([0, 4]))); // AnomalyError: sqrt ... backward ... hint: the double where
 * @group Checking
 */
export function detectAnomaly<T>(fn: () => T): T {
  functionArg('detectAnomaly', 'fn', fn);
  const prev = anomalyMode.hook;
  anomalyMode.hook = hook;
  try {
    return fn();
  } finally {
    anomalyMode.hook = prev;
  }
}

/** @internal True while anomaly mode is on (for tests). */
export function isDetectingAnomaly(): boolean {
  return anomalyMode.hook !== null;
}

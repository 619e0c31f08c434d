/**
 * `compareAt`: hand-derived gradients at named intermediates and parameters against the
 * tape's, in backward order, with each mismatch diagnosed. The table of the "backprop
 * ninja" lecture's `cmp(name, dt, t)` (exact / close / max diff), as a library call.
 */
import { ArgumentError, GradError, checkOptions, describeValue, fmtShape } from './errors.js';
import { functionArg, intArg, numberArg } from './args.js';
import { fmtNumber, formatTable } from './format.js';
import { type Diagnosis, diagnose } from './diagnose.js';
import { type TapeEntry, traceTape } from './inspect.js';
import { type Tree, flattenTree } from './pytree.js';
import { sameShape } from './shape.js';
import { type OpDef, type Recorded, noGrad, withListener } from './tape.js';
import { Tensor, ones, zeros } from './tensor.js';
import { opTable } from './ops/table.js';

/**
 * Options of {@link compareAt}.
 * @group Checking
 */
export interface CompareAtOptions {
  /** Relative tolerance of `close` (default 1e-6). */
  readonly rtol?: number;
  /** Absolute tolerance of `close` (default 1e-9). */
  readonly atol?: number;
  /** The batch size N, so a factor N or 1/N is named (default: the leading dimension of the first matmul's output). */
  readonly batch?: number;
}

/**
 * `exact`: equal in every entry; `close`: within the tolerance; `WRONG`: neither, or another shape.
 * @group Checking
 */
export type CompareStatus = 'exact' | 'close' | 'WRONG';

/**
 * One compared value.
 * @group Checking
 */
export interface CompareAtRow {
  readonly name: string;
  /** The tape entry of the value (rows go by this, descending). */
  readonly entry: number;
  /** The value's shape on the tape (the reference gradient's). */
  readonly shape: readonly number[];
  /** The shape of the gradient you gave. */
  readonly mineShape: readonly number[];
  readonly status: CompareStatus;
  /** max |mine − reference|, or null when the shapes differ. */
  readonly maxAbsDiff: number | null;
  /** For a WRONG row, what is wrong (null when no known pattern fits, and on other rows). */
  readonly diagnosis: Diagnosis | null;
  readonly mine: Tensor;
  /** The tape's gradient ∂output/∂value. */
  readonly reference: Tensor;
}

/**
 * What {@link CompareAtReport.toJSON} returns: plain data (the tensors left out).
 * @group Checking
 */
export interface CompareAtJSON {
  readonly ok: boolean;
  readonly firstMismatch: string | null;
  readonly batch: number | null;
  readonly rtol: number;
  readonly atol: number;
  readonly rows: readonly {
    readonly name: string;
    readonly entry: number;
    readonly shape: readonly number[];
    readonly mineShape: readonly number[];
    readonly status: CompareStatus;
    readonly maxAbsDiff: number | null;
    readonly diagnosis: Diagnosis | null;
  }[];
}

/**
 * The comparison of every named gradient, loss side first.
 * @group Checking
 */
export interface CompareAtReport {
  /** No row is WRONG. */
  readonly ok: boolean;
  /** Rows in backward order: from the loss back to the parameters. */
  readonly rows: readonly CompareAtRow[];
  /** The first WRONG row's name going backward: where the mistake is (later rows may only inherit it). */
  readonly firstMismatch: string | null;
  /** The batch size used to name factors, or null when none was given or found. */
  readonly batch: number | null;
  /** `name  shape  status  max diff  diagnosis`. */
  toTable(): string;
  /** The table, then where the first mismatch is and what it is. */
  toString(): string;
  toJSON(): CompareAtJSON;
}

/**
 * The elementwise unary ops whose local derivative can stand for a missing or doubled f':
 * out[i] depends on x[i] alone, so the op's VJP applied to ones is f'(x) entrywise.
 * (neg is left out: its -1 is already named as a sign flip.)
 */
const ELEMENTWISE_UNARY: ReadonlySet<OpDef> = new Set<OpDef>([
  opTable.abs, opTable.exp, opTable.log, opTable.log1p, opTable.sqrt, opTable.square, opTable.sin, opTable.cos,
  opTable.tanh, opTable.sigmoid, opTable.relu, opTable.leakyRelu, opTable.softplus,
]);

/**
 * f'(value) for every elementwise unary op that consumes the entry `at` (looking through
 * `named` labels on it): that op's own VJP rule applied to ones, on the recorded node (so
 * it reads exactly what the op saved, attributes such as leakyRelu's slope included).
 */
function derivativesAt(at: TapeEntry, entries: readonly TapeEntry[], raw: readonly Recorded[]): { label: string; values: Tensor }[] {
  const out = new Map<string, Tensor>();
  const sources = new Set<number>([at.index]);
  for (const e of entries) {
    if (e.index <= at.index || !e.inputs.some((i) => i.from !== null && sources.has(i.from))) continue;
    const node = raw[e.index]!.node;
    if (node.op === opTable.named) sources.add(e.index);
    if (!ELEMENTWISE_UNARY.has(node.op)) continue;
    const rule = node.op.vjp['x'];
    if (rule === null || rule === undefined) continue;
    const d = noGrad(() => rule(ones(node.outShape), node, 0));
    if (d instanceof Tensor && sameShape(d.shape, at.outputShape)) out.set(`${node.op.name}'(${at.name ?? `#${at.index}`})`, new Tensor(d.data, d.shape));
  }
  return [...out].map(([label, values]) => ({ label, values }));
}

/** Checks `expected`: a plain object of Tensors, not empty. */
function expectedArg(expected: unknown, names: readonly string[]): [string, Tensor][] {
  const list = names.length === 0 ? 'this tape has no names: label values with named(x, name) or pass the parameters as a tree' : `the names on this tape are ${names.map((n) => `'${n}'`).join(', ')}`;
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    throw new ArgumentError(`compareAt: expected must be an object of your gradients by name, such as { hpreact: dhpreact, 'params.W1': dW1 }, got ${describeValue(expected)}; ${list}`);
  }
  const keys = Object.keys(expected);
  if (keys.length === 0) throw new ArgumentError(`compareAt: expected is empty; give at least one gradient by name; ${list}`);
  return keys.map((k) => {
    const v: unknown = Object.getOwnPropertyDescriptor(expected, k)?.value;
    if (!(v instanceof Tensor)) throw new ArgumentError(`compareAt: expected['${k}'] must be a Tensor (your gradient of that value), got ${describeValue(v)}`);
    if (!names.includes(k)) throw new ArgumentError(`compareAt: no value is named '${k}'; ${list}`);
    return [k, v];
  });
}

function toleranceArg(name: 'rtol' | 'atol', v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const x = numberArg('compareAt', name, v);
  if (!(x >= 0 && x < Infinity)) throw new ArgumentError(`compareAt: ${name} must be a finite number >= 0, got ${x}`);
  return x;
}

/** The row of one name: status, max diff, and the diagnosis when it is WRONG. */
function compareRow(name: string, mine: Tensor, at: TapeEntry, derivatives: { label: string; values: Tensor }[], tol: { rtol: number; atol: number; batch: number | null }): CompareAtRow {
  const reference = at.grad ?? zeros(at.outputShape);
  const base = { name, entry: at.index, shape: [...at.outputShape], mineShape: [...mine.shape], mine: new Tensor(mine.data, mine.shape), reference };
  const ctx = { derivatives, ...(tol.batch === null ? {} : { batch: tol.batch }) };
  if (!sameShape(mine.shape, at.outputShape)) return { ...base, status: 'WRONG', maxAbsDiff: null, diagnosis: diagnose(mine, reference, ctx) };
  let exact = true;
  let close = true;
  let maxAbsDiff = 0;
  for (let i = 0; i < mine.size; i++) {
    const m = mine.data[i]!;
    const r = reference.data[i]!;
    if (m === r) continue;
    exact = false;
    const diff = Math.abs(m - r);
    maxAbsDiff = Number.isNaN(diff) || diff > maxAbsDiff ? diff : maxAbsDiff;
    if (!(diff <= tol.atol + tol.rtol * Math.abs(r))) close = false;
  }
  const status: CompareStatus = exact ? 'exact' : close ? 'close' : 'WRONG';
  return { ...base, status, maxAbsDiff, diagnosis: status === 'WRONG' ? diagnose(mine, reference, ctx) : null };
}

/** A tolerance as people write it: `1e-6`, `0.01`, `0`. */
const fmtTol = (v: number): string => (v !== 0 && v < 1e-3 ? v.toExponential() : String(v));

function makeReport(rows: CompareAtRow[], batch: number | null, rtol: number, atol: number): CompareAtReport {
  const wrong = rows.filter((r) => r.status === 'WRONG');
  const first = wrong[0] ?? null;
  const what = (r: CompareAtRow): string => r.diagnosis?.message ?? `no known mistake fits (max diff ${r.maxAbsDiff === null ? '-' : fmtNumber(r.maxAbsDiff)})`;
  // A row computed from the first mismatch carries its error, mixed with other terms: usually no pattern is left to see.
  const cell = (r: CompareAtRow): string => r.diagnosis?.message ?? (r === first ? 'no known mistake fits' : `no known mistake fits: may inherit the mismatch at '${first?.name ?? ''}'`);
  const toTable = (): string =>
    formatTable(
      ['name', 'shape', 'status', 'max diff', 'diagnosis'],
      rows.map((r) => [
        r.name,
        sameShape(r.shape, r.mineShape) ? fmtShape(r.shape) : `${fmtShape(r.shape)} (mine ${fmtShape(r.mineShape)})`,
        r.status,
        r.maxAbsDiff === null ? '-' : fmtNumber(r.maxAbsDiff),
        r.status === 'WRONG' ? cell(r) : '',
      ]),
      { right: [3] },
    );
  const summary = (): string => {
    if (first === null) return `all ${rows.length} gradient${rows.length === 1 ? '' : 's'} agree with the tape (|mine - tape| <= ${fmtTol(atol)} + ${fmtTol(rtol)}·|tape|)`;
    const rest = wrong.length - 1;
    return `the first mismatch going backward is at '${first.name}': ${what(first)}` + (rest > 0 ? `; everything after it may inherit it (${rest} more WRONG row${rest === 1 ? '' : 's'}): fix it first and compare again` : '');
  };
  return {
    ok: first === null,
    rows,
    firstMismatch: first?.name ?? null,
    batch,
    toTable,
    toString: () => `${toTable()}\n${summary()}`,
    toJSON: () => ({
      ok: first === null,
      firstMismatch: first?.name ?? null,
      batch,
      rtol,
      atol,
      rows: rows.map(({ name, entry, shape, mineShape, status, maxAbsDiff, diagnosis }) => ({ name, entry, shape, mineShape, status, maxAbsDiff, diagnosis })),
    }),
  };
}

/**
 * Compares your hand-derived gradients with the tape's at named values, intermediates as
 * well as parameters, and says what is wrong where they differ. `f` is traced with
 * `traceTape.named(f, args)`, so a value's name is its path in `args` (`params.W1` for
 * `{ params: { W1 } }`) or a label given with `named(x, 'hpreact')` inside `f`. Rows come in
 * backward order (from the loss back to the inputs, as the "backprop ninja" lecture's `cmp`
 * table goes: tape entry descending, a parameter just after the first op that reads it, where its gradient is complete), each `exact` (equal in every entry), `close`
 * (every entry within `atol + rtol·|tape|`) or `WRONG`, with the max abs difference and, for a
 * WRONG row, the {@link diagnose} diagnosis: a named factor (`1/N`, `2`, `-1`), a transpose, a
 * broadcast left unsummed, a missing or doubled derivative, zeros, or a shape.
 *
 * The derivative a row is tested against is f'(value) of each elementwise unary op that
 * consumes the value (tanh, sigmoid, relu, leakyRelu, softplus, exp, log, log1p, sqrt, square,
 * sin, cos, abs; through `named` labels), computed with that op's own VJP rule on what the tape
 * recorded, and labelled `tanh'(hpreact)`. The batch size N that names 1/N is `opts.batch`, else
 * the leading dimension of the first matmul's output on the tape (`X·W1` has one row per
 * example), else none. The first WRONG row going backward is where the mistake is: rows after it
 * are computed from it and may only inherit it; `toString()` says so.
 * @param f `(args: P) => Tensor`, returning a scalar (the loss)
 * @param args a parameter tree (a Tensor, or arrays / plain objects of Tensors), as `traceTape.named` takes
 * @param expected your gradients by name: `{ hpreact: dhpreact, 'params.W1': dW1 }`, each shaped like its value
 * @param opts `rtol` (default 1e-6) and `atol` (default 1e-9): float64 derivations differ from the
 *   tape by rounding alone (~1e-13 relative at most), and every mistake `diagnose` names by O(1);
 *   `batch`: an integer >= 1
 * @returns the rows, `ok`, `firstMismatch`, and `toTable()` / `toString()` / `toJSON()`
 * @throws ArgumentError when a name is not on the tape (listing those that are), is on it twice,
 *   or a gradient is not a Tensor; GradError when f does not return a scalar.
 * @example
 * const w = tensor([0.5, -1]);
 * const dz = sub(1, square(tanh(mul(w, 2)))); // ∂/∂z Σ tanh(z) = 1 − tanh²(z), at z = 2w
 * const report = compareAt(({ w }) => sum(tanh(named(mul(w, 2), 'z'))), { w }, { z: dz, w: dz }); // dw should be 2·dz
 * report.firstMismatch // 'w'
 * report.rows[1].diagnosis?.message // 'missing factor 2 (mine = reference / 2): multiply by 2'
 * @group Checking
 */
export function compareAt<P extends Tree>(f: (args: P) => Tensor, args: P, expected: Readonly<Record<string, Tensor>>, opts?: CompareAtOptions): CompareAtReport {
  functionArg('compareAt', 'f', f);
  checkOptions('compareAt', opts, ['rtol', 'atol', 'batch']);
  const rtol = toleranceArg('rtol', opts?.rtol, 1e-6);
  const atol = toleranceArg('atol', opts?.atol, 1e-9);
  const givenBatch = opts?.batch === undefined ? null : intArg('compareAt', 'batch', opts.batch, 1);
  // The raw recordings, beside traceTape's: the same records in the same order (traceTape's
  // listener sees exactly those of the call), for the nodes the derivatives are read from.
  const raw: Recorded[] = [];
  flattenTree(args, 'compareAt', 'args'); // names a bad leaf as compareAt's, before traceTape.named would
  const traced = (a: P): Tensor => {
    const out: unknown = f(a);
    if (!(out instanceof Tensor)) throw new ArgumentError(`compareAt: f must return a Tensor (the loss), got ${describeValue(out)}`);
    return out;
  };
  const record = withListener((r) => raw.push(r), () => traceTape.named(traced, args));
  const { entries, output } = record;
  if (output.size !== 1) throw new GradError(`compareAt: f must return a scalar (the loss), got shape ${fmtShape(output.shape)}; reduce it with sum() or mean()`);
  const names = [...new Set(entries.map((e) => e.name).filter((n): n is string => n !== null))];
  const wanted = expectedArg(expected, names);
  const firstMatmul = entries.find((e) => e.op === 'matmul' && e.outputShape.length >= 2);
  const batch = givenBatch ?? firstMatmul?.outputShape[0] ?? null;
  const rows = wanted.map(([name, mine]) => {
    const hits = entries.filter((e) => e.name === name);
    if (hits.length > 1) throw new ArgumentError(`compareAt: ${hits.length} values are named '${name}' (entries ${hits.map((e) => `#${e.index}`).join(', ')}); give each its own name`);
    const at = hits[0]!;
    return compareRow(name, mine, at, derivativesAt(at, entries, raw), { rtol, atol, batch });
  });
  // An argument's gradient is complete when the first op that reads it has passed its g back,
  // so it sits just after that op in the backward order (out, b2, W2, h, ... as the lecture's
  // table goes), not after every intermediate.
  const when = (entry: number): number => {
    if (entries[entry]!.argument === null) return entry;
    const first = entries.findIndex((e) => e.inputs.some((i) => i.from === entry));
    return first < 0 ? entry : first - 0.5;
  };
  rows.sort((a, b) => when(b.entry) - when(a.entry));
  return makeReport(rows, batch, rtol, atol);
}

/**
 * `tapegrad explain --expr`: the chain rule worked step by step on any expression of core's
 * expression language (parseExpr, evaluateExpr). The forward chain and the backward steps come from core's
 * `TapeRecord.steps()` (the tape's own numbers: upstream g, each input's local rule, its
 * contribution, the running total at fan-out); every number is then checked by a second,
 * independent route: each value recomputed without the tape, each gradient ∂out/∂value by
 * central differences of the expression with that value perturbed.
 */
import { type Expr, type Steps, type StepsJSON, type TapeEntry, type TapeRecord, type Tensor, evaluateExpr, fmtNumber, fmtShape, fmtValue as brief, noGrad, tensor, traceTape } from '@tapegrad/core';
import { UsageError } from './errors.js';

/** One independent check of a number the walk-through prints. */
export interface ExprCheck {
  /** `value`: recomputed without the tape; `gradient`: ∂out/∂value by central differences. */
  readonly kind: 'value' | 'gradient';
  readonly entry: number;
  /** The entry as the listing names it (`w`, `#3`). */
  readonly label: string;
  /** max |tape − check| over the value's entries. */
  readonly maxAbsDiff: number;
  readonly ok: boolean;
}

/** What `explainExpression` returns: the listing, the steps, the checks. */
export interface ExprExplanation {
  readonly ok: boolean;
  readonly lines: readonly string[];
  readonly steps: Steps;
  readonly gradients: ReadonlyMap<string, Tensor>;
  readonly checks: readonly ExprCheck[];
  toJSON(): { ok: boolean; expr: string; steps: StepsJSON; gradients: Record<string, number[]>; checks: readonly ExprCheck[]; tolerance: string };
}

/** Most perturbed evaluations the gradient check runs (two per entry of every value): beyond it the walk-through is no longer readable anyway. */
export const MAX_EXPLAIN_ENTRIES = 2000;

/**
 * Central differences, step h = 1e-6·max(1, |v|): truncation h²/6·|f'''| and rounding about
 * 1e-16·|out|/h, so a right gradient is off by ~1e-10·(1 + |out|); we accept
 * 1e-6·(1 + |out| + |grad|), while a wrong local rule is off by O(|grad|). At a kink (relu,
 * abs, max at a tie) the two one-sided slopes differ and the check rightly reports it.
 */
const H = 1e-6;
const TOL = 1e-6;
export const EXPLAIN_EXPR_TOLERANCE = 'values bitwise; gradients |tape − central difference| <= 1e-6·(1 + |out| + |grad|), step 1e-6·max(1, |v|)';

function labelOf(e: TapeEntry): string {
  return e.name ?? `#${e.index}`;
}

/** The entry whose value an evaluated subexpression is: the last one sharing its data (reshape and named share their input's). */
function entryOfValue(entries: readonly TapeEntry[], v: Tensor): number | null {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.value.data === v.data) return i;
  return null;
}

/**
 * Explains `source` at the variables `vars`: forward chain, backward steps, checks.
 * @param source the expression @param ast its tree @param vars variable values by name (traced, named by the variable)
 * @returns the listing lines and the data behind them
 * @throws UsageError when the expression's value is not a scalar or has too many entries to check.
 * @example explainExpression('sigmoid(w*x + b)', ast, { w: scalar(0.5), x: scalar(2), b: scalar(-1) }).lines
 */
export function explainExpression(source: string, ast: Expr, vars: Readonly<Record<string, Tensor>>): ExprExplanation {
  const traced = new Map<Expr, Tensor>();
  const rec: TapeRecord = traceTape.named((v) => evaluateExpr(source, ast, new Map(Object.entries(v)), { onValue: (x, t) => traced.set(x, t) }), vars);
  if (rec.output.size !== 1) {
    throw new UsageError(`tapegrad explain --expr: the expression's value has shape ${fmtShape(rec.output.shape)}; the backward pass starts from a scalar, so wrap it in sum(...) or mean(...)`);
  }
  const { entries } = rec;
  const steps = rec.steps();
  const out = rec.output.data[0]!;
  const evalAt = (overrides: ReadonlyMap<Expr, Tensor>, at: Readonly<Record<string, Tensor>>): number =>
    noGrad(() => evaluateExpr(source, ast, new Map(Object.entries(at)), { overrides })).data[0]!;
  const nothing = new Map<Expr, Tensor>();

  // The subexpressions that are tape entries (not literals), each once, in entry order.
  const exprOf = new Map<number, Expr>();
  for (const [x, t] of traced) {
    if (x.kind === 'num' || x.kind === 'var') continue;
    const k = entryOfValue(entries, t);
    if (k !== null && !exprOf.has(k)) exprOf.set(k, x);
  }
  const perturbed = [...exprOf.keys()].reduce((n, k) => n + entries[k]!.value.size, 0) + Object.values(vars).reduce((n, t) => n + t.size, 0);
  if (perturbed > MAX_EXPLAIN_ENTRIES) {
    throw new UsageError(`tapegrad explain --expr: the values have ${perturbed} entries in all, more than the ${MAX_EXPLAIN_ENTRIES} the walk-through checks one by one; use smaller variables, or tapegrad graph --values for large ones`);
  }

  const checks: ExprCheck[] = [];
  const check = (kind: ExprCheck['kind'], entry: number, got: Float64Array, want: Float64Array, tol: (k: number) => number): void => {
    let d = 0;
    let ok = true;
    for (let k = 0; k < got.length; k++) {
      const diff = Math.abs(got[k]! - want[k]!);
      if (!(diff <= tol(k))) ok = false;
      d = Math.max(d, diff !== diff ? Infinity : diff);
    }
    checks.push({ kind, entry, label: labelOf(entries[entry]!), maxAbsDiff: d, ok });
  };
  // Values, recomputed by a plain evaluation outside any trace.
  const plain = new Map<Expr, Tensor>();
  noGrad(() => evaluateExpr(source, ast, new Map(Object.entries(vars)), { onValue: (x, t) => plain.set(x, t) }));
  for (const [k, x] of exprOf) check('value', k, entries[k]!.value.data, plain.get(x)!.data, () => 0);
  // Gradients, by central differences: an intermediate perturbed in place, a variable in its binding.
  const numeric = (base: Tensor, at: (t: Tensor) => number): Float64Array => {
    const g = new Float64Array(base.size);
    const buf = Float64Array.from(base.data);
    for (let k = 0; k < base.size; k++) {
      const v = buf[k]!;
      const h = H * Math.max(1, Math.abs(v));
      buf[k] = v + h;
      const up = at(tensor(buf, [...base.shape]));
      buf[k] = v - h;
      const down = at(tensor(buf, [...base.shape]));
      buf[k] = v;
      g[k] = (up - down) / (2 * h);
    }
    return g;
  };
  const gradCheck = (k: number, fd: Float64Array): void => {
    const g = entries[k]!.grad;
    const tape = g === null ? new Float64Array(fd.length) : g.data;
    check('gradient', k, tape, fd, (i) => TOL * (1 + Math.abs(out) + Math.abs(tape[i]!)));
  };
  const gradients = new Map<string, Tensor>();
  entries.forEach((e, k) => {
    if (e.argument === null || e.name === null) return;
    const name = e.name;
    gradients.set(name, rec.grad(name));
    gradCheck(k, numeric(vars[name]!, (t) => evalAt(nothing, { ...vars, [name]: t })));
  });
  for (const [k, x] of exprOf) gradCheck(k, numeric(plain.get(x)!, (t) => evalAt(new Map([[x, t]]), vars)));
  checks.sort((a, b) => a.entry - b.entry || (a.kind === 'value' ? -1 : 1));

  const lines = listing(source, rec, steps, out);
  const bad = checks.filter((c) => !c.ok);
  const worst = Math.max(0, ...checks.filter((c) => c.kind === 'gradient').map((c) => c.maxAbsDiff));
  lines.push(
    '',
    bad.length === 0
      ? `checked: ${checks.filter((c) => c.kind === 'value').length} values recomputed without the tape (equal) and ${checks.filter((c) => c.kind === 'gradient').length} gradients by central differences (largest difference ${fmtNumber(worst)}): all agree ✓`
      : `${bad.length} of ${checks.length} checks DISAGREE ✗: ${bad.map((c) => `${c.kind} of ${c.label} (off by ${fmtNumber(c.maxAbsDiff)})`).join(', ')}` +
        (bad.every((c) => c.kind === 'gradient') ? '\n  (at a kink, such as relu or abs at 0 or max at a tie, the two one-sided slopes differ and central differences take their mean; move the point off the kink)' : ''),
  );
  const ok = bad.length === 0;
  return {
    ok,
    lines,
    steps,
    gradients,
    checks,
    toJSON: () => ({
      ok,
      expr: source,
      steps: steps.toJSON(),
      gradients: Object.fromEntries([...gradients].map(([n, t]) => [n, Array.from(t.data)])),
      checks,
      tolerance: EXPLAIN_EXPR_TOLERANCE,
    }),
  };
}

/** The forward chain and the backward steps, one line per number. */
function listing(source: string, rec: TapeRecord, steps: Steps, out: number): string[] {
  const { entries } = rec;
  const args = entries.filter((e) => e.argument !== null);
  const lines = [`tapegrad explain · out = ${source}   at ${args.map((e) => `${labelOf(e)} = ${brief(e.value)}`).join(', ')}`, '', 'forward (each op once, in the order it ran):'];
  const ref = (from: number | null, value: Tensor): string => (from === null ? brief(value) : labelOf(entries[from]!));
  for (const f of steps.forward) {
    if (entries[f.entry]!.argument !== null) continue;
    const e = entries[f.entry]!;
    lines.push(`  ${labelOf(e).padEnd(8)} = ${f.op}(${f.inputs.map((i) => ref(i.from, i.value)).join(', ')}) = ${brief(f.value)}${f.entry === rec.outputEntry ? '   ← out' : ''}`);
  }
  lines.push(`out = ${fmtNumber(out)}`, '', 'backward (g = ∂out/∂value; start with ∂out/∂out = 1, then each op passes g × its local derivative to its inputs):');
  // How many contributions each entry receives, so fan-out reads "1 of 2".
  const uses = new Map<number, number>();
  for (const s of steps.backward) for (const i of s.inputs) if (i.from !== null && i.contribution !== null) uses.set(i.from, (uses.get(i.from) ?? 0) + 1);
  const seen = new Map<number, Tensor>();
  const counted = new Map<number, number>();
  for (const s of steps.backward) {
    const f = steps.forward[s.entry]!;
    lines.push(`  step ${s.step + 1}: ${labelOf(entries[s.entry]!)} = ${s.op}(${f.inputs.map((i) => ref(i.from, i.value)).join(', ')}), g = ∂out/∂${labelOf(entries[s.entry]!)} = ${brief(s.g)}`);
    for (const i of s.inputs) {
      if (i.from === null) continue;
      const to = labelOf(entries[i.from]!);
      // Where nothing was broadcast the rule's broadcasting clause says nothing: leave it out.
      const sameShape = i.contribution !== null && fmtShape(i.contribution.shape) === fmtShape(s.g.shape);
      const rule = i.rule === null ? '(no rule text)' : sameShape ? i.rule.text.replace(', summed over broadcast axes', '') : i.rule.text;
      if (i.contribution === null || i.total === null) {
        lines.push(`    → ${to}: ${rule}; no gradient`);
        continue;
      }
      const prev = seen.get(i.from);
      const n = uses.get(i.from) ?? 1;
      const total = prev === undefined ? `∂out/∂${to} = ${brief(i.total)}` : `∂out/∂${to} = ${brief(prev)} + ${brief(i.contribution)} = ${brief(i.total)}`;
      const got = (counted.get(i.from) ?? 0) + 1;
      counted.set(i.from, got);
      const count = n > 1 ? `   (contribution ${got} of ${n} to ${to}: they add up)` : '';
      // For scalars the rule's value is the contribution over g: show the product the chain rule takes.
      const times = i.contribution.size === 1 && s.g.size === 1 && s.g.data[0] !== 0 ? `g × ${fmtNumber(i.contribution.data[0]! / s.g.data[0]!)} = ` : '';
      lines.push(`    → ${to}: ${rule}`, `        contribution ${times}${brief(i.contribution)};  ${total}${count}`);
      seen.set(i.from, i.total);
    }
  }
  lines.push('', 'gradients:', ...args.map((e) => `  ∂out/∂${labelOf(e)} = ${e.grad === null ? '0 (out does not depend on it)' : brief(e.grad)}`));
  return lines;
}

/**
 * The hints of anomaly reports: what usually makes a NaN or an Infinity at this op, and the
 * fix (log or division at 0, sqrt at 0 behind an untaken where, exp overflow, pow with a
 * negative base, 0·Inf, values that came in already non-finite). Plus the value ranges the
 * reports print. Read by anomaly.ts only; plain loops over the data, no ops (an op here
 * would itself be checked).
 */
import { type AnomalyInput, type ValueRange } from './errors.js';
import { fmtNumber } from './format.js';
import { type Node } from './tape.js';
import { type Tensor } from './tensor.js';

/** The range of a tensor's values: min/max of the finite entries, counts of NaN, ±Inf and zeros. */
export function rangeOf(t: Tensor): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let zeros = 0;
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) nan++;
    else if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
    else {
      if (v === 0) zeros++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const hasFinite = min <= max;
  return { shape: [...t.shape], min: hasFinite ? min : null, max: hasFinite ? max : null, nan, posInf, negInf, zeros };
}

/** `2 NaN, 1 +Inf` (empty when every entry is finite). */
export function nonFinite(r: ValueRange): string {
  const parts: string[] = [];
  if (r.nan > 0) parts.push(`${r.nan} NaN`);
  if (r.posInf > 0) parts.push(`${r.posInf} +Inf`);
  if (r.negInf > 0) parts.push(`${r.negInf} -Inf`);
  return parts.join(', ');
}

const isBad = (r: ValueRange | null): r is ValueRange => r !== null && r.nan + r.posInf + r.negInf > 0;
const zerosOf = (r: ValueRange): string => `${r.zeros} zero${r.zeros === 1 ? '' : 's'}`;
const OVERFLOW = 'past ±1.8e308, the float64 range';
const EXP_MAX = 709.78; // log(Number.MAX_VALUE): exp of anything larger is Infinity

/** Why a value that came in non-finite is reported here, and where to look. */
function cameIn(what: string, r: ValueRange): string {
  return `${what} already holds ${nonFinite(r)}: no op inside detectAnomaly made it (that op would have been reported), so it came in from outside (your data, an argument or a constant); find where it is made, e.g. check the data with Number.isFinite`;
}

const seedIn = (r: ValueRange): string =>
  `the upstream g already holds ${nonFinite(r)}: no VJP inside detectAnomaly made it (that VJP would have been reported), so it is the cotangent the backward pass was seeded with (a vjp pullback's argument); pass a finite cotangent`;

/**
 * The hint of a forward anomaly at op `op` with inputs `ins` (ranges always present) and output range `out`.
 * @example forwardHint('log', [{ name: 'x', entry: null, range: rangeOf(tensor([0])) }], rangeOf(tensor([-Infinity])))
 */
export function forwardHint(op: string, ins: readonly AnomalyInput[], out: ValueRange): string | null {
  const r = (k: number): ValueRange => ins[k]!.range!;
  const bad = ins.find((x) => isBad(x.range));
  if (bad !== undefined) {
    const zeroTimesInf = op === 'mul' || op === 'matmul' ? ins.find((x) => x !== bad && x.range!.zeros > 0) : undefined;
    const prefix = zeroTimesInf !== undefined && bad.range!.posInf + bad.range!.negInf > 0 ? `0·Inf = NaN: '${bad.name}' holds ±Inf and '${zeroTimesInf.name}' holds 0; ` : '';
    return prefix + cameIn(`the input '${bad.name}'`, bad.range!);
  }
  const x = ins.length === 1 ? r(0) : null;
  if (op === 'log' && x !== null) {
    if (x.min !== null && x.min < 0 && out.nan > 0) return `log of a negative number is NaN (x reaches ${fmtNumber(x.min)}); take the log of a positive quantity (abs, softplus, or fix the sign upstream)`;
    if (x.zeros > 0) return `log(0) = −Inf (x holds ${zerosOf(x)}); keep the argument away from 0: log(x + ε) or log(maximum(x, ε)); for the log of a softmax use logSoftmax, of a sigmoid −softplus(−z), for log(1 + x) log1p`;
  }
  if (op === 'log1p' && x !== null) return `log1p(x) is −Inf at x = −1 and NaN below (x reaches ${fmtNumber(x.min ?? 0)}); keep x > −1`;
  if (op === 'div' && ins.length === 2 && r(1).zeros > 0) {
    return `division by zero: x/0 is ±Inf and 0/0 is NaN (the divisor b holds ${zerosOf(r(1))}); add ε to it, or guard it: div(a, where(equal(b, 0), 1, b))`;
  }
  if (op === 'sqrt' && x !== null && x.min !== null && x.min < 0) {
    return `sqrt of a negative number is NaN (x reaches ${fmtNumber(x.min)}); if a where picks another branch there, sqrt still runs on every entry: give it a safe value on that branch too, the double where: where(x > 0, sqrt(where(x > 0, x, 1)), 0)`;
  }
  if (op === 'exp' && x !== null && x.max !== null && x.max > EXP_MAX) {
    return `exp overflows: exp(x) = Inf for x > ${EXP_MAX} and x reaches ${fmtNumber(x.max)}; use a stable form: logSumExp for log Σ exp, softplus for log(1 + exp(x)), sigmoid, softmax / logSoftmax (they subtract the max)`;
  }
  if (op === 'pow' && ins.length === 2) {
    const [a, b] = [r(0), r(1)];
    if (out.nan > 0 && a.min !== null && a.min < 0) {
      return `pow with a negative base and a non-integer exponent is NaN (a reaches ${fmtNumber(a.min)}); use an integer exponent (square, mul), pow(abs(a), b), or mul(sign(a), pow(abs(a), b)) for an odd root`;
    }
    if (a.zeros > 0 && b.min !== null && b.min < 0) return `0 to a negative power is Inf (a holds ${zerosOf(a)}, b reaches ${fmtNumber(b.min)}); add ε to the base`;
  }
  return `every input is finite, so the result overflowed (${OVERFLOW}); the values are exploding: rescale them (standardise the data, lower the learning rate) or use a stable form`;
}

/** True where the sqrt trap is: an output entry 0 (x = 0, derivative Inf) whose upstream g is 0 (0·Inf = NaN). */
function sqrtTrap(node: Node, g: Tensor): boolean {
  const out = Object.hasOwn(node.saved, 'out') ? node.saved['out'] : undefined;
  if (out === undefined || out.size !== g.size) return false;
  for (let k = 0; k < g.size; k++) if (out.data[k] === 0 && g.data[k] === 0) return true;
  return false;
}

/**
 * The hint of a backward anomaly at `node`'s VJP for input `i` (or at the sum of its
 * contributions, `fanOut`), given the upstream `g`, the inputs (ranges of the saved ones) and
 * the op inside the VJP that first went non-finite.
 * @example backwardHint(node, 0, g, ins, 'div', false)
 */
export function backwardHint(node: Node, i: number, g: Tensor, ins: readonly AnomalyInput[], inside: string | null, fanOut: boolean): string | null {
  const name = ins[i]?.name ?? `#${i}`;
  if (fanOut) return `two finite gradient contributions to '${name}' add up ${OVERFLOW} at a fan-out; the gradients are exploding: lower the learning rate, clip the gradients or rescale the inputs`;
  const gr = rangeOf(g);
  if (isBad(gr)) return seedIn(gr);
  const bad = ins.find((x) => isBad(x.range));
  if (bad !== undefined) return cameIn(`the saved input '${bad.name}'`, bad.range!);
  const saved = (k: number): ValueRange | null => ins[k]?.range ?? null;
  const op = node.op.name;
  if (op === 'sqrt') {
    if (sqrtTrap(node, g)) {
      return `0·Inf: sqrt's derivative 1/(2√x) is infinite at x = 0, and there the upstream g is 0, as behind an untaken where branch: the gradient of where(x > 0, sqrt(x), 0) at x = 0 is 0·Inf = NaN. ` +
        `The fix is the double where: where(x > 0, sqrt(where(x > 0, x, 1)), 0), so sqrt never sees 0 on the branch that is not taken`;
    }
    return `sqrt's derivative 1/(2√x) is infinite at x = 0; use sqrt(x + ε) (for a norm, sqrt(sum(square(v)) + ε)), or keep 0 out with the double where: where(x > 0, sqrt(where(x > 0, x, 1)), 0)`;
  }
  const x = saved(0);
  if ((op === 'log' || op === 'log1p') && x !== null) {
    if (op === 'log1p') return `log1p's derivative 1/(1 + x) is infinite at x = −1 (x reaches ${fmtNumber(x.min ?? 0)}); keep x > −1`;
    return `log's derivative 1/x is infinite at x = 0 and overflows for |x| < 5.6e-309 (x reaches ${fmtNumber(x.min ?? 0)}); keep the argument away from 0: log(x + ε) or log(maximum(x, ε))`;
  }
  if (op === 'div') return `the derivative of a/b (1/b in a, −a/b² in b) is infinite where b = 0 and overflows where b is tiny; add ε to b, or guard it: where(equal(b, 0), 1, b)`;
  if (op === 'pow') {
    const a = saved(0);
    if (i === 0 && a !== null && a.zeros > 0) return `the derivative of a^b in a, b·a^(b−1), is infinite at a = 0 for b < 1 (pow(x, 0.5) at 0, like sqrt); add ε to the base, or keep 0 out with the double where`;
    if (i === 1 && a !== null && a.min !== null && a.min < 0) return `the derivative of a^b in b, a^b·ln a, is NaN for a negative base (a reaches ${fmtNumber(a.min)}); differentiate the exponent only where a > 0, or make b a constant (a literal, or stopGradient)`;
  }
  if (op === 'exp') return `exp's derivative is exp(x) itself, and g·exp(x) overflowed (${OVERFLOW}); use a stable form (logSumExp, softplus, logSoftmax)`;
  if (inside === 'div') return `the VJP divides by 0 or by a tiny value (its div made the first non-finite value); guard the divisor: add ε, or where(equal(b, 0), 1, b)`;
  if (inside === 'log') return `the VJP takes the log of 0 or of a negative number; keep its argument positive`;
  return `the gradient overflowed (${OVERFLOW}); the gradients are exploding: lower the learning rate, clip the gradients or rescale the inputs`;
}

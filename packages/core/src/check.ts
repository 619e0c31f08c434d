/** Finite-difference gradient checking, for comparing autodiff with numerics (first and second order). */
import { ArgumentError, GradError, checkOptions, describeValue, fmtShape, showValue } from './errors.js';
import { functionArg, numberArg } from './args.js';
import { fmtNumber, formatTable } from './format.js';
import { noGrad } from './tape.js';
import { Tensor } from './tensor.js';
import { grad } from './autodiff.js';
import { jacobian } from './second-order.js';
import { unravelIndex } from './shape.js';

/**
 * The entry with the largest error relative to its tolerance, |a - n| / (atol + rtol·|n|), and both values there.
 * @group Checking
 */
export interface WorstEntry {
  /** Multi-index (`[]` for a scalar). */
  readonly index: readonly number[];
  readonly autodiff: number;
  readonly numeric: number;
}

/**
 * Agreement of autodiff and central differences for one argument (order 1), or for one
 * block ∂²f/∂arg∂wrt of the Hessian (order 2, shaped `[...args[arg], ...args[wrt]]`).
 * @group Checking
 */
export interface ArgGradReport {
  readonly arg: number;
  /** Order 2: the second argument of the block; null for order 1. */
  readonly wrt: number | null;
  readonly shape: readonly number[];
  /** max |autodiff - numeric| */
  readonly maxAbsError: number;
  /** max |autodiff - numeric| / max(|autodiff|, |numeric|), 0 where both are 0 */
  readonly maxRelError: number;
  /** `worst.index`: the entry with the largest error relative to the tolerance (`[]` for a scalar). */
  readonly worstIndex: readonly number[];
  /** The entry with the largest |a - n| / (atol + rtol·|n|): a failing entry whenever there is one. */
  readonly worst: WorstEntry;
  /** How many entries break |a - n| <= atol + rtol·|n|. */
  readonly failures: number;
  readonly autodiff: Tensor;
  readonly numeric: Tensor;
  /** Every entry satisfies |a - n| <= atol + rtol·|n|. */
  readonly ok: boolean;
}

/**
 * What `checkGrads` found: `ok` when every argument agrees, one report per argument (per block at order 2), and a readable summary from `toString()`.
 * @group Checking
 */
export interface GradCheckReport {
  readonly ok: boolean;
  readonly order: 1 | 2;
  /** Order 1: one report per argument; order 2: one per Hessian block (arg, wrt), row by row. */
  readonly args: readonly ArgGradReport[];
  toString(): string;
}

/**
 * Options of `checkGrads`: the central difference's step, the tolerances and the order.
 * @group Checking
 */
export interface GradCheckOptions {
  /**
   * Step of the central difference. Order 1 (default 1e-6): on f, truncation O(eps²) ≈ 1e-12
   * and rounding ≈ 1e-16/eps ≈ 1e-10 balance there. Order 2 (default 1e-5): on the gradient,
   * see `checkGrads`.
   */
  eps?: number;
  /** Relative tolerance (default 1e-6; order 2: 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8; order 2: 1e-7). */
  atol?: number;
  /** 1 (default): check the gradient against differences of f; 2: check the Hessian against differences of the gradient. */
  order?: 1 | 2;
}

/**
 * Order 2 defaults. The gradient g is exact up to rounding of about c·u·|g| (u = 1.1e-16,
 * c ≈ the backward chain's length, say up to 100), so its central difference errs by
 * rounding c·u·|g|/eps plus truncation eps²/6·|f''''|; eps = 1e-5 (in the 1e-4..1e-5 range,
 * near the optimum (3cu)^(1/3)) gives ≈ 1e-9 + 2e-11 for O(1) values. rtol 1e-5 and
 * atol 1e-7 leave a factor of 100 above that, and still catch any wrong second derivative
 * (a missing term is an O(1) error). Order 1 keeps its defaults (see GradCheckOptions.eps).
 */
const DEFAULTS = { 1: { eps: 1e-6, rtol: 1e-6, atol: 1e-8 }, 2: { eps: 1e-5, rtol: 1e-5, atol: 1e-7 } } as const;

/** Compares two equal-size arrays entry by entry under |a - n| <= atol + rtol·|n|. */
function compare(arg: number, wrt: number | null, shape: readonly number[], ad: Tensor, num: Float64Array, rtol: number, atol: number): ArgGradReport {
  const a = ad.data;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let worstRatio = -1;
  let failures = 0;
  for (let k = 0; k < num.length; k++) {
    const d = Math.abs(a[k]! - num[k]!);
    const tol = atol + rtol * Math.abs(num[k]!);
    if (!(d <= tol)) failures++;
    // The error in units of the tolerance; a NaN (either side non-finite) ranks above all.
    const ratio = d !== d ? Infinity : d === 0 ? 0 : d / tol;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = k;
    }
    const scale = Math.max(Math.abs(a[k]!), Math.abs(num[k]!));
    const rel = scale === 0 ? 0 : d / scale;
    if (d > maxAbs || d !== d) maxAbs = d;
    if (rel > maxRel || rel !== rel) maxRel = rel;
  }
  const index = worst < 0 ? shape.map(() => 0) : unravelIndex(worst, shape);
  const worstEntry: WorstEntry = { index, autodiff: worst < 0 ? NaN : a[worst]!, numeric: worst < 0 ? NaN : num[worst]! };
  return { arg, wrt, shape, maxAbsError: maxAbs, maxRelError: maxRel, worstIndex: index, worst: worstEntry, failures, autodiff: ad, numeric: new Tensor(num, shape), ok: failures === 0 };
}

/** Central differences of `h` (a value per entry, computed at a probe) along every entry of `a`. */
function centralDiffs(a: Tensor, eps: number, h: (probe: Tensor) => Float64Array, out: (k: number, plus: Float64Array, minus: Float64Array) => void): void {
  const buf = Float64Array.from(a.data);
  const probe = new Tensor(buf, a.shape);
  for (let k = 0; k < a.size; k++) {
    const x0 = buf[k]!;
    buf[k] = x0 + eps;
    const plus = h(probe);
    buf[k] = x0 - eps;
    const minus = h(probe);
    buf[k] = x0;
    out(k, plus, minus);
  }
}

/**
 * Compares autodiff with central finite differences, for every tensor argument of a scalar
 * function. Order 1: `grad(f)` against `(f(x+eps) - f(x-eps)) / 2eps`. Order 2 (PyTorch's
 * gradgradcheck, JAX's `check_grads(order=2)`): the Hessian, by `jacobian(grad(f))`, against
 * central differences of the gradient `(∇f(x+eps e_k) - ∇f(x-eps e_k)) / 2eps`, one report
 * per block ∂²f/∂args[i]∂args[j] shaped `[...args[i].shape, ...args[j].shape]`.
 * "Worst" is the entry with the largest error relative to its tolerance, so it fails if any does.
 * @param f `(...args: Tensor[]) => Tensor` returning a size-1 tensor
 * @param args the point to check at
 * @param opts `eps`, `rtol`, `atol` (defaults depend on `order`, see GradCheckOptions), `order` 1 or 2
 * @returns per argument (or block): max abs/rel error, the worst entry with both values, the failure count, and `ok`
 * @throws ArgumentError for bad arguments or options (order other than 1 or 2); GradError for a non-scalar f
 * @example checkGrads((x) => sum(sin(x)), [tensor([0.1, 0.2])]).ok // true
 * @example checkGrads((x) => sum(mul(x, mul(x, x))), [tensor([1, 2])], { order: 2 }).ok // true
 * @group Checking
 */
export function checkGrads(f: (...args: Tensor[]) => Tensor, args: readonly Tensor[], opts: GradCheckOptions = {}): GradCheckReport {
  functionArg('checkGrads', 'f', f);
  if (!Array.isArray(args)) throw new ArgumentError(`checkGrads: args must be an array of Tensors, got ${describeValue(args)}; call checkGrads(f, [x])`);
  checkOptions('checkGrads', opts, ['eps', 'rtol', 'atol', 'order']);
  const order: unknown = opts.order === undefined ? 1 : opts.order;
  if (order !== 1 && order !== 2) throw new ArgumentError(`checkGrads: order must be 1 (gradients) or 2 (second derivatives), got ${showValue(order)}`);
  const d = DEFAULTS[order];
  const eps = opts.eps === undefined ? d.eps : numberArg('checkGrads', 'eps', opts.eps);
  const rtol = opts.rtol === undefined ? d.rtol : numberArg('checkGrads', 'rtol', opts.rtol);
  const atol = opts.atol === undefined ? d.atol : numberArg('checkGrads', 'atol', opts.atol);
  if (!(eps > 0 && eps < Infinity) || !(rtol >= 0) || !(atol >= 0)) throw new ArgumentError(`checkGrads: need 0 < eps < Infinity, rtol >= 0, atol >= 0, got eps=${eps}, rtol=${rtol}, atol=${atol}`);
  if (args.length === 0) throw new ArgumentError('checkGrads: pass at least one argument');
  args.forEach((a: unknown, i) => {
    if (!(a instanceof Tensor)) throw new ArgumentError(`checkGrads: argument ${i} must be a Tensor, got ${describeValue(a)}`);
  });
  const at = (i: number, x: Tensor): Tensor[] => args.map((a, j) => (j === i ? x : a));
  const evalAt = (i: number, x: Tensor): number => {
    const v = noGrad(() => f(...at(i, x)));
    if (!(v instanceof Tensor) || v.size !== 1) {
      throw new GradError(`checkGrads: f must return a scalar, got ${v instanceof Tensor ? `shape ${fmtShape(v.shape)}` : typeof v}; reduce it with sum() or mean()`);
    }
    return v.data[0]!;
  };
  evalAt(-1, args[0]!); // a non-scalar f fails here, with checkGrads' own message
  const nums = args.map((_, i) => i);
  const gradAll = grad(f, nums) as (...a: Tensor[]) => Tensor[];
  const reports: ArgGradReport[] = [];
  if (order === 1) {
    const auto = gradAll(...args);
    args.forEach((a, i) => {
      const numeric = new Float64Array(a.size);
      centralDiffs(a, eps, (p) => Float64Array.of(evalAt(i, p)), (k, plus, minus) => (numeric[k] = (plus[0]! - minus[0]!) / (2 * eps)));
      reports.push(compare(i, null, a.shape, auto[i]!, numeric, rtol, atol));
    });
  } else {
    const hess: unknown = jacobian(gradAll, nums)(...args);
    const auto = hess as Tensor[][];
    // numeric[i][j][p·size_j + k] = (∂f/∂x_i[p] at x_j + eps e_k - at x_j - eps e_k) / 2eps
    const numeric = args.map((ai) => args.map((aj) => new Float64Array(ai.size * aj.size)));
    args.forEach((aj, j) => {
      const gradAt = (p: Tensor): Float64Array => {
        const gs = gradAll(...at(j, p));
        const flat = new Float64Array(gs.reduce((s, g) => s + g.size, 0));
        let o = 0;
        for (const g of gs) (flat.set(g.data, o), (o += g.size));
        return flat;
      };
      centralDiffs(aj, eps, gradAt, (k, plus, minus) => {
        let o = 0;
        args.forEach((ai, i) => {
          const block = numeric[i]![j]!;
          for (let p = 0; p < ai.size; p++) block[p * aj.size + k] = (plus[o + p]! - minus[o + p]!) / (2 * eps);
          o += ai.size;
        });
      });
    });
    args.forEach((ai, i) => args.forEach((aj, j) => reports.push(compare(i, j, [...ai.shape, ...aj.shape], auto[i]![j]!, numeric[i]![j]!, rtol, atol))));
  }
  const ok = reports.every((r) => r.ok);
  const show = (v: number): string => (v === v ? fmtNumber(v) : '-');
  return {
    ok,
    order,
    args: reports,
    toString: () =>
      formatTable(
        [order === 1 ? 'arg' : 'args', 'shape', 'max abs err', 'max rel err', 'worst', 'autodiff', 'numeric', 'fails', 'ok'],
        reports.map((r) => [
          r.wrt === null ? String(r.arg) : `${r.arg},${r.wrt}`, fmtShape(r.shape), fmtNumber(r.maxAbsError), fmtNumber(r.maxRelError), fmtShape(r.worstIndex),
          show(r.worst.autodiff), show(r.worst.numeric), `${r.failures}/${r.numeric.size}`, r.ok ? 'yes' : 'NO',
        ]),
      ),
  };
}

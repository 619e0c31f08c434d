/** Finite-difference gradient checking, for comparing autodiff with numerics. */
import { ArgumentError, GradError, checkOptions, describeValue, fmtShape } from './errors.js';
import { functionArg, numberArg } from './args.js';
import { fmtNumber, formatTable } from './format.js';
import { noGrad } from './tape.js';
import { Tensor } from './tensor.js';
import { grad } from './autodiff.js';
import { unravelIndex } from './shape.js';

/** Agreement of autodiff and central differences for one argument. */
export interface ArgGradReport {
  readonly arg: number;
  readonly shape: readonly number[];
  /** max |autodiff - numeric| */
  readonly maxAbsError: number;
  /** max |autodiff - numeric| / max(|autodiff|, |numeric|), 0 where both are 0 */
  readonly maxRelError: number;
  /** Multi-index of the entry with the largest absolute error (`[]` for a scalar). */
  readonly worstIndex: readonly number[];
  readonly autodiff: Tensor;
  readonly numeric: Tensor;
  /** Every entry satisfies |a - n| <= atol + rtol·|n|. */
  readonly ok: boolean;
}

export interface GradCheckReport {
  readonly ok: boolean;
  readonly args: readonly ArgGradReport[];
  toString(): string;
}

export interface GradCheckOptions {
  /** Step of the central difference (default 1e-6: truncation error O(eps²) ≈ 1e-12 and rounding ≈ 1e-16/eps ≈ 1e-10 balance there). */
  eps?: number;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
}


/**
 * Compares `grad(f)` with central finite differences `(f(x+eps) - f(x-eps)) / 2eps`,
 * for every tensor argument of a scalar function.
 * @param f `(...args: Tensor[]) => Tensor` returning a size-1 tensor
 * @param args the point to check at
 * @returns per-argument max abs/rel error, the worst entry, and `ok`
 * @example checkGrads((x) => sum(sin(x)), [tensor([0.1, 0.2])]).ok // true
 */
export function checkGrads(f: (...args: Tensor[]) => Tensor, args: readonly Tensor[], opts: GradCheckOptions = {}): GradCheckReport {
  functionArg('checkGrads', 'f', f);
  if (!Array.isArray(args)) throw new ArgumentError(`checkGrads: args must be an array of Tensors, got ${describeValue(args)}; call checkGrads(f, [x])`);
  checkOptions('checkGrads', opts, ['eps', 'rtol', 'atol']);
  const eps = opts.eps === undefined ? 1e-6 : numberArg('checkGrads', 'eps', opts.eps);
  const rtol = opts.rtol === undefined ? 1e-6 : numberArg('checkGrads', 'rtol', opts.rtol);
  const atol = opts.atol === undefined ? 1e-8 : numberArg('checkGrads', 'atol', opts.atol);
  if (!(eps > 0 && eps < Infinity) || !(rtol >= 0) || !(atol >= 0)) throw new ArgumentError(`checkGrads: need 0 < eps < Infinity, rtol >= 0, atol >= 0, got eps=${eps}, rtol=${rtol}, atol=${atol}`);
  if (args.length === 0) throw new ArgumentError('checkGrads: pass at least one argument');
  args.forEach((a: unknown, i) => {
    if (!(a instanceof Tensor)) throw new ArgumentError(`checkGrads: argument ${i} must be a Tensor, got ${describeValue(a)}`);
  });
  const evalAt = (i: number, x: Tensor): number => {
    const v = noGrad(() => f(...args.map((a, j) => (j === i ? x : a))));
    if (!(v instanceof Tensor) || v.size !== 1) {
      throw new GradError(`checkGrads: f must return a scalar, got ${v instanceof Tensor ? `shape ${fmtShape(v.shape)}` : typeof v}; reduce it with sum() or mean()`);
    }
    return v.data[0]!;
  };
  evalAt(-1, args[0]!); // a non-scalar f fails here, with checkGrads' own message
  const auto = grad(f, args.map((_, i) => i))(...args) as Tensor[];
  const reports = args.map((a, i): ArgGradReport => {
    const numeric = new Float64Array(a.size);
    const buf = Float64Array.from(a.data);
    const probe = new Tensor(buf, a.shape);
    for (let k = 0; k < a.size; k++) {
      const x0 = buf[k]!;
      buf[k] = x0 + eps;
      const fp = evalAt(i, probe);
      buf[k] = x0 - eps;
      const fm = evalAt(i, probe);
      buf[k] = x0;
      numeric[k] = (fp - fm) / (2 * eps);
    }
    const ad = auto[i]!.data;
    let maxAbs = 0;
    let maxRel = 0;
    let worst = 0;
    let ok = true;
    for (let k = 0; k < a.size; k++) {
      const d = Math.abs(ad[k]! - numeric[k]!);
      const scale = Math.max(Math.abs(ad[k]!), Math.abs(numeric[k]!));
      const rel = scale === 0 ? 0 : d / scale;
      if (!(d <= atol + rtol * Math.abs(numeric[k]!))) ok = false;
      if (d > maxAbs || d !== d) {
        maxAbs = d;
        worst = k;
      }
      if (rel > maxRel || rel !== rel) maxRel = rel;
    }
    return { arg: i, shape: a.shape, maxAbsError: maxAbs, maxRelError: maxRel, worstIndex: a.size === 0 ? a.shape.map(() => 0) : unravelIndex(worst, a.shape), autodiff: auto[i]!, numeric: new Tensor(numeric, a.shape), ok };
  });
  const ok = reports.every((r) => r.ok);
  return {
    ok,
    args: reports,
    toString: () =>
      formatTable(
        ['arg', 'shape', 'max abs err', 'max rel err', 'worst', 'ok'],
        reports.map((r) => [String(r.arg), fmtShape(r.shape), fmtNumber(r.maxAbsError), fmtNumber(r.maxRelError), fmtShape(r.worstIndex), r.ok ? 'yes' : 'NO']),
      ),
  };
}

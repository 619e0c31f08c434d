/**
 * Scalar kernels that activations and losses share in their closed forms, written once so
 * the stable branch is chosen in one place.
 */

/** σ(v) = 1 / (1 + e^-v), computed from e^-|v| so neither branch overflows. */
export function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** softplus(v) = ln(1 + e^v) = max(v, 0) + ln(1 + e^-|v|): no overflow, full precision for v ≪ 0. */
export function softplusOf(v: number): number {
  return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

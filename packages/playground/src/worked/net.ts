/**
 * The network of the worked example of the derivation: 2 inputs, 3 hidden and 2 output
 * neurons, sigmoid everywhere, one sample, C₀ = Σ_j (a_j⁽ᴸ⁾ − y_j)². The derivation gives the
 * network symbolically; these are the numbers `tapegrad explain` works it with (the classic
 * x = (0.05, 0.1), y = (0.01, 0.99) example), so the page and the command show the same numbers.
 */

/** Layer widths, input first. */
export const SIZES = [2, 3, 2] as const;

/** `W[l-1]`: layer l's weights `[n_l, n_(l-1)]` row-major (row j holds w_jk⁽ˡ⁾ for k = 0, 1, …). */
export const WEIGHTS: readonly (readonly number[])[] = [
  [0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
  [0.4, 0.45, 0.5, 0.55, 0.6, 0.65],
];

/** `B[l-1]`: layer l's biases `[n_l]`. */
export const BIASES: readonly (readonly number[])[] = [
  [0.35, 0.35, 0.35],
  [0.6, 0.6],
];

/** The input a⁽⁰⁾ = x, `[2]`. */
export const INPUT: readonly number[] = [0.05, 0.1];

/** The target y, `[2]`. */
export const TARGET: readonly number[] = [0.01, 0.99];

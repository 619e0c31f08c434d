/**
 * When the lab calls two gradients in agreement (the max relative difference nn's
 * compareGradients reports is below the threshold). DOM-free and import-free, so the page, the
 * unit tests and the e2e tests share the numbers.
 */

/** Tape vs closed form: the same arithmetic in another order, so float64 rounding (~1e-15) apart. */
export const TC_OK = 1e-10;

/**
 * Finite differences vs the tape. Central differences with ε = 1e-6 err by truncation O(ε²·C‴)
 * ≈ 1e-12 and rounding O(u·|C|/ε) ≈ 1e-10 absolute (u ≈ 1.1e-16); compareGradients divides by
 * at least its floor, 1e-3 × the largest gradient entry (trainer.ts's rtol 1e-7, atol 1e-10), and
 * late in training that entry is ~1e-2, so the noise reaches ~1e-7 relative. Measured with correct
 * gradients (2-8-8-1, spiral of 300 points, batch 32, Adam lr 0.03, a check after each of 400
 * steps, 16 samples): at most 3.3e-7 over tanh, sigmoid, softplus, gelu, relu and leakyRelu × bce
 * and mse × seeds 1-3, except 2 of the 12 relu/leakyRelu runs, 1.6e-3 and 5.3e-2: a ±ε step
 * across relu's kink, where finite differences see a one-sided mix (not a gradient bug).
 * 1e-5 is 30× above that noise and 100× below what a wrong derivative gives (≥ 1e-3).
 */
export const FD_OK = 1e-5;

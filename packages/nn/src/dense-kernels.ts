/**
 * The dense layer's three products on row-major typed arrays (no tape, no allocation).
 * A batch has one sample per row, so the diagonal-Jacobian derivation's `z = W a + b` becomes `Z = A_prev Wᵀ + b`.
 *
 * The products go through core's `gemmInto`, the same kernel `matmul` uses (blocked, with a
 * WebAssembly SIMD micro-kernel where available), called directly on Float64Arrays: it is
 * a BLAS-style kernel, not the tape, so the closed form still differentiates nothing
 * automatically. That keeps the tape-vs-closed-form comparison about bookkeeping alone,
 * as NumPy's hand-written backprop calls the same BLAS as PyTorch.
 */
import { gemmInto } from '@tapegrad/core';

/**
 * Z = A Wᵀ + b: `Z[r,j] = b_j + Σ_k A[r,k] W[j,k]` (the worked 2-3-2 example's eq. zLastLayer, one row per sample).
 * A: [batch, nIn], W: [nOut, nIn], b: [nOut], Z: [batch, nOut].
 */
export function affineForward(A: Float64Array, W: Float64Array, b: Float64Array, Z: Float64Array, batch: number, nIn: number, nOut: number): void {
  gemmInto(A, W, Z, batch, nOut, nIn, false, true);
  for (let r = 0; r < batch; r++) {
    const o = r * nOut;
    for (let j = 0; j < nOut; j++) Z[o + j]! += b[j]!;
  }
}

/**
 * ∂W = Δᵀ A_prev and ∂b = Σ_batch Δ (overwrites dW, db): `∂C/∂W_l = δ_l a_(l-1)ᵀ` summed over the
 * batch (the diagonal-Jacobian derivation's ∂L/∂W^l = ∂L/∂b^l (a^(l-1))ᵀ; the worked 2-3-2 example's eq. gradientZeroLayerWeights), and
 * `∂C/∂b_l = δ_l` (the worked 2-3-2 example's eq. gradientBiasLayerZero).
 * D: [batch, nOut], A: [batch, nIn], dW: [nOut, nIn], db: [nOut].
 */
export function affineBackwardParams(D: Float64Array, A: Float64Array, dW: Float64Array, db: Float64Array, batch: number, nIn: number, nOut: number): void {
  db.fill(0, 0, nOut);
  for (let r = 0; r < batch; r++) {
    const o = r * nOut;
    for (let j = 0; j < nOut; j++) db[j]! += D[o + j]!;
  }
  gemmInto(D, A, dW, nOut, nIn, batch, true, false);
}

/**
 * G = Δ W: `G[r,k] = Σ_j δ[r,j] W[j,k]`, the `W_(l+1)ᵀ δ_(l+1)` of the recurrence (the worked 2-3-2 example's eq.
 * deltaHiddenLayer's Σ_j δ_j w_jk; the diagonal-Jacobian derivation's (W^(l+1))ᵀ ∂L/∂b^(l+1)), one row per sample.
 * D: [batch, nOut], W: [nOut, nIn], G: [batch, nIn].
 */
export function affineBackwardInput(D: Float64Array, W: Float64Array, G: Float64Array, batch: number, nIn: number, nOut: number): void {
  gemmInto(D, W, G, batch, nIn, nOut, false, false);
}

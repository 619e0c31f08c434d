/**
 * The dense layer's hot loops on row-major typed arrays (no tape, no allocation).
 * A batch has one sample per row, so seed 002's `z = W a + b` becomes `Z = A_prev Wᵀ + b`,
 * and every loop below walks contiguous rows.
 */

/**
 * Z = A Wᵀ + b: `Z[r,j] = b_j + Σ_k A[r,k] W[j,k]` (seed 003 eq. zLastLayer, per row),
 * a dot product of two contiguous rows per entry.
 * A: [batch, nIn], W: [nOut, nIn], b: [nOut], Z: [batch, nOut].
 */
export function affineForward(A: Float64Array, W: Float64Array, b: Float64Array, Z: Float64Array, batch: number, nIn: number, nOut: number): void {
  for (let r = 0; r < batch; r++) {
    const ar = r * nIn;
    const zr = r * nOut;
    for (let j = 0; j < nOut; j++) {
      const wj = j * nIn;
      // Two accumulators halve the dependency chain; the order is fixed, so results are deterministic.
      let s0 = 0;
      let s1 = 0;
      let k = 0;
      for (; k + 1 < nIn; k += 2) {
        s0 += A[ar + k]! * W[wj + k]!;
        s1 += A[ar + k + 1]! * W[wj + k + 1]!;
      }
      if (k < nIn) s0 += A[ar + k]! * W[wj + k]!;
      Z[zr + j] = s0 + s1 + b[j]!;
    }
  }
}

/**
 * ∂W = Δᵀ A_prev and ∂b = Σ_batch Δ (overwrites dW, db): `∂C/∂W_l = δ_l a_(l-1)ᵀ` summed over the
 * batch (seed 002 last equation; seed 003 eq. gradientZeroLayerWeights), `∂C/∂b_l = δ_l`
 * (seed 003 eq. gradientBiasLayerZero). Loop order r, j, k keeps dW's row and A's row contiguous.
 * D: [batch, nOut], A: [batch, nIn], dW: [nOut, nIn], db: [nOut].
 */
export function affineBackwardParams(D: Float64Array, A: Float64Array, dW: Float64Array, db: Float64Array, batch: number, nIn: number, nOut: number): void {
  dW.fill(0);
  db.fill(0);
  for (let r = 0; r < batch; r++) {
    const ar = r * nIn;
    const dr = r * nOut;
    for (let j = 0; j < nOut; j++) {
      const d = D[dr + j]!;
      db[j]! += d;
      if (d === 0) continue;
      const wj = j * nIn;
      for (let k = 0; k < nIn; k++) dW[wj + k]! += d * A[ar + k]!;
    }
  }
}

/**
 * G = Δ W: `G[r,k] = Σ_j δ[r,j] W[j,k]`, the `W_(l+1)ᵀ δ_(l+1)` of the recurrence (seed 003 eq.
 * deltaHiddenLayer's Σ_j δ_j w_jk; seed 002's (W^(l+1))ᵀ ∂L/∂b^(l+1)), one row per sample.
 * D: [batch, nOut], W: [nOut, nIn], G: [batch, nIn].
 */
export function affineBackwardInput(D: Float64Array, W: Float64Array, G: Float64Array, batch: number, nIn: number, nOut: number): void {
  G.fill(0);
  for (let r = 0; r < batch; r++) {
    const gr = r * nIn;
    const dr = r * nOut;
    for (let j = 0; j < nOut; j++) {
      const d = D[dr + j]!;
      if (d === 0) continue;
      const wj = j * nIn;
      for (let k = 0; k < nIn; k++) G[gr + k]! += d * W[wj + k]!;
    }
  }
}

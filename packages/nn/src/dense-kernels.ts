/**
 * The dense layer's hot loops on row-major typed arrays (no tape, no allocation).
 * A batch has one sample per row, so seed 002's `z = W a + b` becomes `Z = A_prev Wᵀ + b`.
 *
 * Each product is register-tiled: a 4x4 block of the output keeps its 16 partial sums in
 * locals while the shared dimension streams by, so every value loaded is used four times
 * (a plain dot product loads two values per multiply-add). Edges that do not fill a 4x4
 * block fall back to plain loops. Summation order is fixed, so results are deterministic.
 */

/**
 * Z = A Wᵀ + b: `Z[r,j] = b_j + Σ_k A[r,k] W[j,k]` (seed 003 eq. zLastLayer, one row per sample):
 * dot products of contiguous rows of A and W.
 * A: [batch, nIn], W: [nOut, nIn], b: [nOut], Z: [batch, nOut].
 */
export function affineForward(A: Float64Array, W: Float64Array, b: Float64Array, Z: Float64Array, batch: number, nIn: number, nOut: number): void {
  const r4 = batch - (batch % 4);
  const j4 = nOut - (nOut % 4);
  for (let r = 0; r < r4; r += 4) {
    const a0 = r * nIn;
    const a1 = a0 + nIn;
    const a2 = a1 + nIn;
    const a3 = a2 + nIn;
    for (let j = 0; j < j4; j += 4) {
      const w0 = j * nIn;
      const w1 = w0 + nIn;
      const w2 = w1 + nIn;
      const w3 = w2 + nIn;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < nIn; k++) {
        const x0 = A[a0 + k]!;
        const x1 = A[a1 + k]!;
        const x2 = A[a2 + k]!;
        const x3 = A[a3 + k]!;
        const y0 = W[w0 + k]!;
        const y1 = W[w1 + k]!;
        const y2 = W[w2 + k]!;
        const y3 = W[w3 + k]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const b0 = b[j]!, b1 = b[j + 1]!, b2 = b[j + 2]!, b3 = b[j + 3]!;
      let o = r * nOut + j;
      Z[o] = c00 + b0; Z[o + 1] = c01 + b1; Z[o + 2] = c02 + b2; Z[o + 3] = c03 + b3;
      o += nOut;
      Z[o] = c10 + b0; Z[o + 1] = c11 + b1; Z[o + 2] = c12 + b2; Z[o + 3] = c13 + b3;
      o += nOut;
      Z[o] = c20 + b0; Z[o + 1] = c21 + b1; Z[o + 2] = c22 + b2; Z[o + 3] = c23 + b3;
      o += nOut;
      Z[o] = c30 + b0; Z[o + 1] = c31 + b1; Z[o + 2] = c32 + b2; Z[o + 3] = c33 + b3;
    }
    for (let j = j4; j < nOut; j++) for (let q = r; q < r + 4; q++) Z[q * nOut + j] = dot(A, q * nIn, W, j * nIn, nIn) + b[j]!;
  }
  for (let r = r4; r < batch; r++) for (let j = 0; j < nOut; j++) Z[r * nOut + j] = dot(A, r * nIn, W, j * nIn, nIn) + b[j]!;
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < n; k += 2) {
    s0 += x[xo + k]! * y[yo + k]!;
    s1 += x[xo + k + 1]! * y[yo + k + 1]!;
  }
  if (k < n) s0 += x[xo + k]! * y[yo + k]!;
  return s0 + s1;
}

/**
 * ∂W = Δᵀ A_prev and ∂b = Σ_batch Δ (overwrites dW, db): `∂C/∂W_l = δ_l a_(l-1)ᵀ` summed over the
 * batch (seed 002's ∂L/∂W^l = ∂L/∂b^l (a^(l-1))ᵀ; seed 003 eq. gradientZeroLayerWeights), and
 * `∂C/∂b_l = δ_l` (seed 003 eq. gradientBiasLayerZero). Each dW entry is written once; the batch
 * is the streamed dimension. D: [batch, nOut], A: [batch, nIn], dW: [nOut, nIn], db: [nOut].
 */
export function affineBackwardParams(D: Float64Array, A: Float64Array, dW: Float64Array, db: Float64Array, batch: number, nIn: number, nOut: number): void {
  for (let j = 0; j < nOut; j++) {
    let s = 0;
    for (let r = 0; r < batch; r++) s += D[r * nOut + j]!;
    db[j] = s;
  }
  const j4 = nOut - (nOut % 4);
  const k4 = nIn - (nIn % 4);
  // k outermost: A's [batch, 4] column slab stays in L1 while every 4-row block of dW is made from it.
  for (let k = 0; k < k4; k += 4) {
    for (let j = 0; j < j4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let r = 0; r < batch; r++) {
        const d = r * nOut + j;
        const a = r * nIn + k;
        const x0 = D[d]!, x1 = D[d + 1]!, x2 = D[d + 2]!, x3 = D[d + 3]!;
        const y0 = A[a]!, y1 = A[a + 1]!, y2 = A[a + 2]!, y3 = A[a + 3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = j * nIn + k;
      dW[o] = c00; dW[o + 1] = c01; dW[o + 2] = c02; dW[o + 3] = c03;
      o += nIn;
      dW[o] = c10; dW[o + 1] = c11; dW[o + 2] = c12; dW[o + 3] = c13;
      o += nIn;
      dW[o] = c20; dW[o + 1] = c21; dW[o + 2] = c22; dW[o + 3] = c23;
      o += nIn;
      dW[o] = c30; dW[o + 1] = c31; dW[o + 2] = c32; dW[o + 3] = c33;
    }
  }
  for (let j = 0; j < j4; j += 4) {
    for (let q = j; q < j + 4; q++) for (let k = k4; k < nIn; k++) dW[q * nIn + k] = colDot(D, q, nOut, A, k, nIn, batch);
  }
  for (let q = j4; q < nOut; q++) for (let k = 0; k < nIn; k++) dW[q * nIn + k] = colDot(D, q, nOut, A, k, nIn, batch);
}

/** Σ_r X[r, i] Y[r, k] for column i of X (row stride sx) and column k of Y (row stride sy). */
function colDot(X: Float64Array, i: number, sx: number, Y: Float64Array, k: number, sy: number, rows: number): number {
  let s = 0;
  for (let r = 0; r < rows; r++) s += X[r * sx + i]! * Y[r * sy + k]!;
  return s;
}

/**
 * G = Δ W: `G[r,k] = Σ_j δ[r,j] W[j,k]`, the `W_(l+1)ᵀ δ_(l+1)` of the recurrence (seed 003 eq.
 * deltaHiddenLayer's Σ_j δ_j w_jk; seed 002's (W^(l+1))ᵀ ∂L/∂b^(l+1)), one row per sample.
 * D: [batch, nOut], W: [nOut, nIn], G: [batch, nIn].
 */
export function affineBackwardInput(D: Float64Array, W: Float64Array, G: Float64Array, batch: number, nIn: number, nOut: number): void {
  const r4 = batch - (batch % 4);
  const k4 = nIn - (nIn % 4);
  for (let r = 0; r < r4; r += 4) {
    const d0 = r * nOut;
    const d1 = d0 + nOut;
    const d2 = d1 + nOut;
    const d3 = d2 + nOut;
    for (let k = 0; k < k4; k += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let j = 0; j < nOut; j++) {
        const x0 = D[d0 + j]!, x1 = D[d1 + j]!, x2 = D[d2 + j]!, x3 = D[d3 + j]!;
        const w = j * nIn + k;
        const y0 = W[w]!, y1 = W[w + 1]!, y2 = W[w + 2]!, y3 = W[w + 3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = r * nIn + k;
      G[o] = c00; G[o + 1] = c01; G[o + 2] = c02; G[o + 3] = c03;
      o += nIn;
      G[o] = c10; G[o + 1] = c11; G[o + 2] = c12; G[o + 3] = c13;
      o += nIn;
      G[o] = c20; G[o + 1] = c21; G[o + 2] = c22; G[o + 3] = c23;
      o += nIn;
      G[o] = c30; G[o + 1] = c31; G[o + 2] = c32; G[o + 3] = c33;
    }
    for (let q = r; q < r + 4; q++) for (let k = k4; k < nIn; k++) G[q * nIn + k] = rowColDot(D, q * nOut, W, k, nIn, nOut);
  }
  for (let q = r4; q < batch; q++) for (let k = 0; k < nIn; k++) G[q * nIn + k] = rowColDot(D, q * nOut, W, k, nIn, nOut);
}

/** Σ_j X[xo + j] W[j, k] (row of X against column k of W, row stride n). */
function rowColDot(X: Float64Array, xo: number, W: Float64Array, k: number, n: number, len: number): number {
  let s = 0;
  for (let j = 0; j < len; j++) s += X[xo + j]! * W[j * n + k]!;
  return s;
}

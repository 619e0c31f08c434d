/**
 * Dense float64 GEMM on row-major arrays: C[M,N] = op(A) op(B), op = identity or
 * transpose. The transposed variants read their operand in place, so the backward
 * pass never materialises a transpose.
 */

/**
 * @param a A as stored: [M,K] (or [K,M] when `ta`)
 * @param b B as stored: [K,N] (or [N,K] when `tb`)
 */
export function gemm(a: Float64Array, b: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  if (m === 0 || n === 0 || k === 0) return c;
  if (!ta && !tb) gemmNN(a, b, c, m, n, k);
  else if (!ta && tb) gemmNT(a, b, c, m, n, k);
  else if (ta && !tb) gemmTN(a, b, c, m, n, k);
  else gemmTT(a, b, c, m, n, k);
  return c;
}

// C[i,:] += A[i,p] B[p,:], four p at a time so each pass over the C row does 4 FMAs.
function gemmNN(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): void {
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[ai + p]!;
      const a1 = a[ai + p + 1]!;
      const a2 = a[ai + p + 2]!;
      const a3 = a[ai + p + 3]!;
      const b0 = p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        c[ci + j] = c[ci + j]! + a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
      }
    }
    for (; p < k; p++) {
      const av = a[ai + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!;
    }
  }
}

// C[i,j] = A[i,:] · B[j,:]: both rows contiguous.
function gemmNT(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0;
      let s1 = 0;
      let p = 0;
      for (; p + 1 < k; p += 2) {
        s0 += a[ai + p]! * b[bj + p]!;
        s1 += a[ai + p + 1]! * b[bj + p + 1]!;
      }
      if (p < k) s0 += a[ai + p]! * b[bj + p]!;
      c[i * n + j] = s0 + s1;
    }
  }
}

// C[i,:] += A[p,i] B[p,:]: walk p outermost so A's row p and B's row p are read in order.
function gemmTN(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): void {
  for (let p = 0; p < k; p++) {
    const ap = p * m;
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const av = a[ap + i]!;
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!;
    }
  }
}

// C[i,j] = Σ_p A[p,i] B[j,p]; rare (only second-order terms reach it).
function gemmTT(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[p * m + i]! * b[j * k + p]!;
      c[i * n + j] = s;
    }
  }
}

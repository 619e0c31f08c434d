/**
 * Packing for the blocked GEMMs: copies a block of op(A) or op(B) into the panel order
 * the micro-kernels read, contiguous and zero-padded to whole tiles, reading the operand
 * as stored (so transposed operands are never materialised).
 *
 * Packed A: `mr`-row panels, each `kc·mr` values, `out[base + p·mr + r] = op(A)[i0+ir+r, p0+p]`.
 * Packed B: `nr`-column panels, each `kc·nr` values, `out[base + p·nr + q] = op(B)[p0+p, j0+jr+q]`.
 */

/** A stored [M,K]: op(A)[i,p] = a[i·K + p]. */
export function packAN(a: Float64Array, k: number, i0: number, mc: number, p0: number, kc: number, out: Float64Array, base: number, mr: number): void {
  let o = base;
  for (let ir = 0; ir < mc; ir += mr) {
    const rows = Math.min(mr, mc - ir);
    const src = (i0 + ir) * k + p0;
    if (mr === 4 && rows === 4) {
      // Four source rows read in step, the panel written in order (the common, full case).
      const s1 = src + k;
      const s2 = s1 + k;
      const s3 = s2 + k;
      for (let p = 0; p < kc; p++) {
        out[o] = a[src + p]!;
        out[o + 1] = a[s1 + p]!;
        out[o + 2] = a[s2 + p]!;
        out[o + 3] = a[s3 + p]!;
        o += 4;
      }
      continue;
    }
    for (let r = 0; r < mr; r++) {
      if (r < rows) {
        const s = src + r * k;
        for (let p = 0; p < kc; p++) out[o + p * mr + r] = a[s + p]!;
      } else {
        for (let p = 0; p < kc; p++) out[o + p * mr + r] = 0;
      }
    }
    o += kc * mr;
  }
}

/** A stored [K,M] (transposed): op(A)[i,p] = a[p·M + i], so consecutive i are contiguous. */
export function packAT(a: Float64Array, m: number, i0: number, mc: number, p0: number, kc: number, out: Float64Array, base: number, mr: number): void {
  let o = base;
  for (let ir = 0; ir < mc; ir += mr) {
    const rows = Math.min(mr, mc - ir);
    if (mr === 4 && rows === 4) {
      // A full panel: four contiguous values per step, no per-element padding test.
      for (let p = 0; p < kc; p++) {
        const src = (p0 + p) * m + i0 + ir;
        out[o] = a[src]!;
        out[o + 1] = a[src + 1]!;
        out[o + 2] = a[src + 2]!;
        out[o + 3] = a[src + 3]!;
        o += 4;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const src = (p0 + p) * m + i0 + ir;
      for (let r = 0; r < mr; r++) out[o++] = r < rows ? a[src + r]! : 0;
    }
  }
}

/** B stored [K,N]: op(B)[p,j] = b[p·N + j]. */
export function packBN(b: Float64Array, n: number, j0: number, nc: number, p0: number, kc: number, out: Float64Array, base: number, nr: number): void {
  let o = base;
  for (let jr = 0; jr < nc; jr += nr) {
    const cols = Math.min(nr, nc - jr);
    if (nr === 4 && cols === 4) {
      for (let p = 0; p < kc; p++) {
        const src = (p0 + p) * n + j0 + jr;
        out[o] = b[src]!;
        out[o + 1] = b[src + 1]!;
        out[o + 2] = b[src + 2]!;
        out[o + 3] = b[src + 3]!;
        o += 4;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const src = (p0 + p) * n + j0 + jr;
      for (let q = 0; q < nr; q++) out[o++] = q < cols ? b[src + q]! : 0;
    }
  }
}

/** B stored [N,K] (transposed): op(B)[p,j] = b[j·K + p], contiguous along p. */
export function packBT(b: Float64Array, k: number, j0: number, nc: number, p0: number, kc: number, out: Float64Array, base: number, nr: number): void {
  let o = base;
  for (let jr = 0; jr < nc; jr += nr) {
    const cols = Math.min(nr, nc - jr);
    const src = (j0 + jr) * k + p0;
    if (nr === 4 && cols === 4) {
      const s1 = src + k;
      const s2 = s1 + k;
      const s3 = s2 + k;
      for (let p = 0; p < kc; p++) {
        out[o] = b[src + p]!;
        out[o + 1] = b[s1 + p]!;
        out[o + 2] = b[s2 + p]!;
        out[o + 3] = b[s3 + p]!;
        o += 4;
      }
      continue;
    }
    for (let q = 0; q < nr; q++) {
      if (q < cols) {
        const s = src + q * k;
        for (let p = 0; p < kc; p++) out[o + p * nr + q] = b[s + p]!;
      } else {
        for (let p = 0; p < kc; p++) out[o + p * nr + q] = 0;
      }
    }
    o += kc * nr;
  }
}

export function roundUp(x: number, q: number): number {
  return Math.ceil(x / q) * q;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affineBackwardInput, affineBackwardParams, affineForward } from './dense-kernels.js';

/** Naive triple loops: the definition each tiled kernel must reproduce. */
function naive(batch: number, nIn: number, nOut: number, A: Float64Array, W: Float64Array, b: Float64Array, D: Float64Array) {
  const Z = new Float64Array(batch * nOut);
  const dW = new Float64Array(nOut * nIn);
  const db = new Float64Array(nOut);
  const G = new Float64Array(batch * nIn);
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < nOut; j++) {
      let s = b[j]!;
      for (let k = 0; k < nIn; k++) s += A[r * nIn + k]! * W[j * nIn + k]!;
      Z[r * nOut + j] = s;
      db[j]! += D[r * nOut + j]!;
      for (let k = 0; k < nIn; k++) {
        dW[j * nIn + k]! += D[r * nOut + j]! * A[r * nIn + k]!;
        G[r * nIn + k]! += D[r * nOut + j]! * W[j * nIn + k]!;
      }
    }
  }
  return { Z, dW, db, G };
}

describe('dense kernels (core GEMM plus bias and column sums)', () => {
  it('match naive loops for every size, tiles and remainders alike', () => {
    const dims = fc.tuple(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }));
    fc.assert(
      fc.property(dims, fc.integer(), ([batch, nIn, nOut], seed) => {
        let s = seed >>> 0;
        const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
        const A = Float64Array.from({ length: batch * nIn }, rnd);
        const W = Float64Array.from({ length: nOut * nIn }, rnd);
        const b = Float64Array.from({ length: nOut }, rnd);
        const D = Float64Array.from({ length: batch * nOut }, rnd);
        const ref = naive(batch, nIn, nOut, A, W, b, D);
        const Z = new Float64Array(batch * nOut);
        const dW = new Float64Array(nOut * nIn).fill(NaN); // overwritten, never accumulated into
        const db = new Float64Array(nOut).fill(NaN);
        const G = new Float64Array(batch * nIn).fill(NaN);
        affineForward(A, W, b, Z, batch, nIn, nOut);
        affineBackwardParams(D, A, dW, db, batch, nIn, nOut);
        affineBackwardInput(D, W, G, batch, nIn, nOut);
        // Sums of ≤ 23 products of values in [-1, 1] in a different order: |error| ≤ 23·u·23 ≈ 6e-14.
        for (const [got, want] of [[Z, ref.Z], [dW, ref.dW], [db, ref.db], [G, ref.G]] as const) {
          got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-13));
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

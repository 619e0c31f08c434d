import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { gemm, gemmInto, matmulKernel, setMatmulKernel } from './matmul.js';
import { gemmWasm, wasmGemmAvailable } from './gemm-wasm.js';

/** The definition, one multiply-add at a time: C[i,j] = Σ_p op(A)[i,p] op(B)[p,j]. */
function naive(a: Float64Array, b: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): { c: Float64Array; scale: Float64Array } {
  const c = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = ta ? a[p * m + i]! : a[i * k + p]!;
        const y = tb ? b[j * k + p]! : b[p * n + j]!;
        s += x * y;
        t += Math.abs(x * y);
      }
      c[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { c, scale };
}

function random(rng: Rng, size: number): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = 2 * rng.next() - 1;
  return out;
}

/**
 * Largest |C - C_ref| / Σ_p |A_ip B_pj|. Any summation order of a k-term dot product
 * is within k·ε·Σ|terms| of the exact value (Higham, Accuracy and Stability, §3.1); with
 * k ≤ 600 that is ≈ 1.3e-13, so 1e-12 only fails on a wrong element, not on reordering.
 */
function worstRelative(m: number, n: number, k: number, ta: boolean, tb: boolean, rng: Rng): number {
  const a = random(rng, m * k);
  const b = random(rng, k * n);
  const got = gemm(a, b, m, n, k, ta, tb);
  const { c, scale } = naive(a, b, m, n, k, ta, tb);
  expect(got.length).toBe(m * n);
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    const err = Math.abs(got[i]! - c[i]!) / Math.max(scale[i]!, Number.MIN_VALUE);
    if (!(err <= worst)) worst = err; // NaN also lands here and fails the bound
  }
  return worst;
}

const variants = [
  ['NN', false, false],
  ['NT', false, true],
  ['TN', true, false],
  ['TT', true, true],
] as const;

it('the WebAssembly SIMD kernel loads under Node 20 (so the wasm runs below really exercise it)', () => {
  expect(wasmGemmAvailable()).toBe(true);
});

it('a C too large for the 40 MB cap on WebAssembly memory is computed in bands of rows, correctly', () => {
  const m = 2400;
  const n = 2300;
  const a = random(new Rng(1), m);
  const b = random(new Rng(2), n);
  const c = new Float64Array(m * n);
  expect(gemmWasm(a, b, c, m, n, 1, false, false)).toBe(true); // k = 1: the outer product a bᵀ
  let bad = 0;
  for (let i = 0; i < m; i += 7) for (let j = 0; j < n; j += 5) if (c[i * n + j] !== a[i]! * b[j]!) bad++;
  expect(bad).toBe(0);
});

it('banding agrees with the naive loop for every transpose case (a small cap forces 64-row bands)', () => {
  const rng = new Rng(11);
  const [m, n, k] = [201, 37, 300];
  for (const [, ta, tb] of variants) {
    const a = random(rng, m * k);
    const b = random(rng, k * n);
    const c = new Float64Array(m * n);
    // room for the panels (A: 64x256, B: 40x256) plus 100 rows of C (ldc 40): bands of 64 rows
    expect(gemmWasm(a, b, c, m, n, k, ta, tb, 8 * (64 * 256 + 40 * 256 + 100 * 40))).toBe(true);
    const { c: want, scale } = naive(a, b, m, n, k, ta, tb);
    let worst = 0;
    for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(c[i]! - want[i]!) / scale[i]!);
    expect(worst).toBeLessThan(1e-12);
  }
});

it('setMatmulKernel rejects an unknown kernel, naming the valid ones', () => {
  // Reflect.apply: a JavaScript caller can pass anything, past the type.
  expect(() => Reflect.apply(setMatmulKernel, undefined, ['gpu'])).toThrow("setMatmulKernel: kind must be 'auto' or 'typescript', got the string \"gpu\"");
});

// The TypeScript kernel is the reference; the WebAssembly one must agree with the same naive loop.
for (const backend of ['typescript', 'auto'] as const) describe(`gemm (${backend === 'typescript' ? 'TypeScript kernel' : 'WebAssembly SIMD kernel'})`, () => {
  beforeAll(() => setMatmulKernel(backend));
  afterAll(() => setMatmulKernel('auto'));

  it('reports the kernel in use', () => {
    expect(matmulKernel()).toBe(backend === 'typescript' ? 'typescript' : 'wasm');
  });
  for (const [name, ta, tb] of variants) {
    it(`${name} agrees with the naive triple loop for odd sizes 1..67`, () => {
      const rng = new Rng(17);
      const sizes = [1, 2, 3, 4, 5, 7, 9, 16, 17, 31, 33, 64, 65, 67];
      for (const m of sizes) {
        for (const n of sizes) {
          const k = sizes[(m * 7 + n * 3) % sizes.length]!;
          expect(worstRelative(m, n, k, ta, tb, rng), `${name} m=${m} n=${n} k=${k}`).toBeLessThan(1e-12);
        }
      }
    });

    it(`${name} agrees across cache-block edges (k past one slab, m past one row block)`, () => {
      const rng = new Rng(5);
      for (const [m, n, k] of [[67, 13, 259], [130, 5, 300], [3, 517, 257], [65, 66, 513]] as const) {
        expect(worstRelative(m, n, k, ta, tb, rng), `${name} m=${m} n=${n} k=${k}`).toBeLessThan(1e-12);
      }
    });
  }

  it('returns zeros for an empty inner dimension and an empty array for an empty output', () => {
    expect(Array.from(gemm(new Float64Array(0), new Float64Array(0), 2, 3, 0, false, false))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(gemm(new Float64Array(0), new Float64Array(6), 0, 3, 2, false, false).length).toBe(0);
  });

  it('propagates NaN and Infinity like the definition (NaN·0 is NaN), on both the small and the blocked path', () => {
    for (const size of [2, 19]) {
      const rng = new Rng(3);
      const a = random(rng, size * size);
      const b = random(rng, size * size);
      a[0] = NaN;
      a[size + 1] = Infinity;
      b[size * size - 1] = -Infinity;
      const want = naive(a, b, size, size, size, false, false).c;
      expect(Array.from(gemm(a, b, size, size, size, false, false))).toEqual(Array.from(want));
      expect(want.some(Number.isNaN)).toBe(true);
    }
  });

  it('does not let one call leak into the next through its reused packing buffers', () => {
    const rng = new Rng(9);
    const big = worstRelative(70, 70, 300, false, false, rng);
    const small = worstRelative(20, 21, 22, true, true, rng);
    expect(Math.max(big, small)).toBeLessThan(1e-12);
  });

  it('gemmInto overwrites every element of c with the same product gemm returns', () => {
    const rng = new Rng(11);
    for (const [m, n, k, ta, tb] of [[3, 2, 5, false, true], [40, 33, 70, true, false], [5, 0, 3, false, false], [2, 3, 0, true, true]] as const) {
      const a = random(rng, m * k);
      const b = random(rng, k * n);
      const c = new Float64Array(m * n).fill(NaN); // stale contents must not survive
      gemmInto(a, b, c, m, n, k, ta, tb);
      expect(Array.from(c)).toEqual(Array.from(gemm(a, b, m, n, k, ta, tb)));
    }
  });

  it('gemmInto names the array that is too short for the sizes', () => {
    const ok = new Float64Array(6);
    expect(() => gemmInto(ok, ok, new Float64Array(3), 2, 2, 3)).toThrow(
      'gemmInto: c must be a Float64Array of at least 4 values for m=2, n=2, k=3, got 3',
    );
    expect(() => gemmInto(new Float64Array(5), ok, ok, 2, 2, 3)).toThrow('gemmInto: a must be a Float64Array of at least 6 values');
  });
});

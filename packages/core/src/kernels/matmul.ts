/**
 * Dense float64 GEMM on row-major arrays: C[M,N] = op(A) op(B), op = identity or
 * transpose. The transposed variants read their operand in place (through the packing
 * routines below), so the backward pass never materialises a transpose.
 *
 * Large products follow the GotoBLAS/BLIS layout: C is computed in KC-deep slabs; each
 * slab of op(B) is packed into NR-wide column panels and each MC-row block of op(A)
 * into MR-tall row panels, both contiguous in the order the micro-kernel reads them.
 * The 4x4 micro-kernel keeps its 16 partial sums in locals (registers), so every
 * element loaded is used four times. Packing absorbs the four transpose cases: one
 * micro-kernel serves NN, NT, TN and TT. Tiny products (the 2-3-2 network) skip packing.
 * Where WebAssembly SIMD is available, large products run the same blocking with an f64x2
 * micro-kernel instead (gemm-wasm.ts), split by rows of C over worker threads where shared
 * memory allows (gemm-threads.ts); this TypeScript kernel stays the fallback and reference.
 */

import { ArgumentError, describeValue, showValue } from '../errors.js';
import { boolArg, intArg } from '../args.js';
import { gemmWasm, wasmGemmAvailable } from './gemm-wasm.js';
import { gemmThreaded } from './gemm-threads.js';
import { packAN, packAT, packBN, packBT, roundUp } from './pack.js';

/** Micro-tile: rows of A and columns of B per micro-kernel call. */
const MR = 4;
const NR = 4;
/** Cache blocking (elements): a KC x NR panel of B is 8 KB, an MC x KC block of A 128 KB. */
const KC = 256;
const MC = 64;
const NC = 512;
/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL = 16 * 16 * 16;

// Packing buffers are reused across calls (gemm is synchronous and never re-entered),
// so a training loop allocates only its outputs.
let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(NC * KC);
const edge = new Float64Array(MR * NR);

let backend: 'auto' | 'typescript' = 'auto';

export { setThreads, threads } from './worker-pool.js';

/**
 * Chooses the kernel for large matrix products: `'auto'` (the default) uses the WebAssembly
 * SIMD kernel where the runtime supports it, `'typescript'` always uses the pure TypeScript
 * one. Results agree to rounding (both are tested against the same naive product); the
 * switch exists for benchmarks and for checking a suspicion about the wasm path.
 * @param kind `'auto'` or `'typescript'`
 * @throws ArgumentError for any other value.
 * @example setMatmulKernel('typescript'); // time the pure TypeScript GEMM
 * @group Ops: linear algebra
 */
export function setMatmulKernel(kind: 'auto' | 'typescript'): void {
  if (kind !== 'auto' && kind !== 'typescript') {
    throw new ArgumentError(`setMatmulKernel: kind must be 'auto' or 'typescript', got ${showValue(kind)}`);
  }
  backend = kind;
}

/**
 * The kernel large matrix products use right now.
 * @returns `'wasm'` (WebAssembly SIMD, f64x2) or `'typescript'`
 * @group Ops: linear algebra
 */
export function matmulKernel(): 'wasm' | 'typescript' {
  return backend === 'auto' && wasmGemmAvailable() ? 'wasm' : 'typescript';
}

/**
 * `C = op(A) op(B)` into a new array.
 * @param a A as stored: [M,K] (or [K,M] when `ta`)
 * @param b B as stored: [K,N] (or [N,K] when `tb`)
 * @returns C: [M,N], row-major
 */
export function gemm(a: Float64Array, b: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  gemmOverwrite(a, b, c, m, n, k, ta, tb);
  return c;
}

/** `C = op(A) op(B)` written into `c` (every element overwritten); sizes are trusted. */
function gemmOverwrite(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): void {
  if (m === 0 || n === 0) return;
  if (k === 0) c.fill(0, 0, m * n);
  else if (m * n * k <= SMALL) gemmSmall(a, b, c, m, n, k, ta, tb);
  else if (backend === 'typescript' || !(gemmThreaded(a, b, c, m, n, k, ta, tb) || gemmWasm(a, b, c, m, n, k, ta, tb))) {
    c.fill(0, 0, m * n); // the blocked kernel accumulates its KC slabs into c
    gemmBlocked(a, b, c, m, n, k, ta, tb);
  }
}

/**
 * The matrix-product kernel on plain arrays, outside any tape: `C = op(A) op(B)` written into
 * `c` (row-major `[m, n]`, every element overwritten). For hand-written gradient code (nn's
 * closed form) that wants the same kernel as `matmul` without tensors or allocation.
 * @param a A as stored: `[m, k]`, or `[k, m]` when `transA`
 * @param b B as stored: `[k, n]`, or `[n, k]` when `transB`
 * @param c output, length at least `m·n`
 * @throws ArgumentError when an array is shorter than its shape needs.
 * @example gemmInto(x, w, z, batch, out, inp, false, true); // Z = X Wᵀ
 * @group Ops: linear algebra
 */
export function gemmInto(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, transA = false, transB = false): void {
  intArg('gemmInto', 'm', m, 0);
  intArg('gemmInto', 'n', n, 0);
  intArg('gemmInto', 'k', k, 0);
  boolArg('gemmInto', 'transA', transA, false);
  boolArg('gemmInto', 'transB', transB, false);
  // Three calls, not a loop over a literal of tuples: that allocates on every product.
  checkOperand('a', a, m * k, m, n, k);
  checkOperand('b', b, k * n, m, n, k);
  checkOperand('c', c, m * n, m, n, k);
  gemmOverwrite(a, b, c, m, n, k, transA, transB);
}

function checkOperand(name: string, arr: unknown, need: number, m: number, n: number, k: number): void {
  if (!(arr instanceof Float64Array) || !(arr.length >= need) || !Number.isInteger(need) || need < 0) {
    throw new ArgumentError(`gemmInto: ${name} must be a Float64Array of at least ${need} values for m=${m}, n=${n}, k=${k}, got ${arr instanceof Float64Array ? arr.length : describeValue(arr)}`);
  }
}

/** Straight loops for tiny operands: C[i,j] = Σ_p A(i,p) B(p,j) through strides. */
function gemmSmall(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): void {
  // Element (i,p) of op(A) sits at i*ais + p*aps; likewise (p,j) of op(B).
  const ais = ta ? 1 : k;
  const aps = ta ? m : 1;
  const bps = tb ? 1 : n;
  const bjs = tb ? k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ai = i * ais;
      let bi = j * bjs;
      for (let p = 0; p < k; p++) {
        s += a[ai]! * b[bi]!;
        ai += aps;
        bi += bps;
      }
      c[i * n + j] = s;
    }
  }
}

/** The TypeScript blocked kernel: the reference the WebAssembly path is tested against, and its fallback. */
function gemmBlocked(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean): void {
  const kcMax = Math.min(KC, k);
  const needA = roundUp(Math.min(MC, m), MR) * kcMax;
  const needB = roundUp(Math.min(NC, n), NR) * kcMax;
  if (packedA.length < needA) packedA = new Float64Array(needA);
  if (packedB.length < needB) packedB = new Float64Array(needB);
  const ap = packedA;
  const bp = packedB;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      if (tb) packBT(b, k, j0, nc, p0, kc, bp, 0, NR);
      else packBN(b, n, j0, nc, p0, kc, bp, 0, NR);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        if (ta) packAT(a, m, i0, mc, p0, kc, ap, 0, MR);
        else packAN(a, k, i0, mc, p0, kc, ap, 0, MR);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const bo = jr * kc; // panel jr/NR starts at (jr/NR)·kc·NR
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = Math.min(MR, mc - ir);
            micro4x4(kc, ap, ir * kc, bp, bo, c, (i0 + ir) * n + j0 + jr, n, rows, cols);
          }
        }
      }
    }
  }
}

/**
 * C[0:rows, 0:cols] += (A panel)(B panel) over kc steps: 8 loads feed 16 multiply-adds.
 * Measured on V8 (Node 20): 4x4 beats 2x4, 4x2, 3x4, 2x6, 2x8 and 3x3, and unrolling
 * over p makes it slower.
 */
function micro4x4(kc: number, ap: Float64Array, ao: number, bp: Float64Array, bo: number, c: Float64Array, co: number, ldc: number, rows: number, cols: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[ao]!, a1 = ap[ao + 1]!, a2 = ap[ao + 2]!, a3 = ap[ao + 3]!;
    const b0 = bp[bo]!, b1 = bp[bo + 1]!, b2 = bp[bo + 2]!, b3 = bp[bo + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ao += MR;
    bo += NR;
  }
  if (rows === MR && cols === NR) {
    let o = co;
    c[o] = c[o]! + c00; c[o + 1] = c[o + 1]! + c01; c[o + 2] = c[o + 2]! + c02; c[o + 3] = c[o + 3]! + c03;
    o += ldc;
    c[o] = c[o]! + c10; c[o + 1] = c[o + 1]! + c11; c[o + 2] = c[o + 2]! + c12; c[o + 3] = c[o + 3]! + c13;
    o += ldc;
    c[o] = c[o]! + c20; c[o + 1] = c[o + 1]! + c21; c[o + 2] = c[o + 2]! + c22; c[o + 3] = c[o + 3]! + c23;
    o += ldc;
    c[o] = c[o]! + c30; c[o + 1] = c[o + 1]! + c31; c[o + 2] = c[o + 2]! + c32; c[o + 3] = c[o + 3]! + c33;
    return;
  }
  // Edge tile: the padded rows/columns were computed from zeros and are dropped here.
  edge[0] = c00; edge[1] = c01; edge[2] = c02; edge[3] = c03;
  edge[4] = c10; edge[5] = c11; edge[6] = c12; edge[7] = c13;
  edge[8] = c20; edge[9] = c21; edge[10] = c22; edge[11] = c23;
  edge[12] = c30; edge[13] = c31; edge[14] = c32; edge[15] = c33;
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) c[co + r * ldc + q] = c[co + r * ldc + q]! + edge[r * NR + q]!;
  }
}

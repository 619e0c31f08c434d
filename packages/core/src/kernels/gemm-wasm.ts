/**
 * The WebAssembly SIMD path of GEMM: the same packing as the TypeScript kernel, with the
 * packed panels written straight into the module's memory, and the tile loop run by a
 * hand-assembled f64x2 micro-kernel (scripts/build-gemm-wasm.mjs; 4x4 tiles, 8 vector
 * accumulators). Where WebAssembly or its SIMD extension is missing, the module fails to
 * compile, `gemmWasm` returns false, and the caller uses the TypeScript kernel.
 */
import { WASM_MAX_PAGES, WASM_MR, WASM_NR, gemmWasmBytes } from './gemm-wasm.generated.js';
import { packAN, packAT, packBN, packBT, roundUp } from './pack.js';

/** The exported micro-kernel loop; pointers are byte offsets into the memory. */
export type Kernel = (ap: number, bp: number, c: number, mc: number, nc: number, kc: number, ldc: number, first: number) => void;

// The little of the WebAssembly JS API used here. The compiler's lib is ES2022 without the
// DOM, so the global is typed locally; it may also be absent (old runtimes).
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Readonly<Record<string, unknown>> };
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** The loaded kernel: its compiled module and memory (shared when `shared`, so worker threads can instantiate the same module on it). */
export interface WasmGemm {
  readonly module: object;
  readonly memory: WasmMemory;
  readonly kernel: Kernel;
  readonly shared: boolean;
}

/** Slab depth and block sizes (elements). NC is a multiple of NR and MC of MR, so only the last block is padded. */
export const KC = 256;
const MC = 64;
export const NC = 264;
/** Largest module memory the single-thread kernel grows to (C of a 2048x2048 product plus panels); larger C is done in bands. */
const MAX_BYTES = 40 * 2 ** 20;
/**
 * The memory's first bytes hold the threaded product's control words (gemm-tasks.ts); data
 * starts after them, 16-byte aligned.
 */
export const CTRL_BYTES = 512;

let loaded: WasmGemm | null | undefined;

function instantiate(api: WasmApi, shared: boolean): WasmGemm | null {
  try {
    // Synchronous compilation is fine for a module of under a kilobyte.
    const memory = new api.Memory({ initial: 1, maximum: WASM_MAX_PAGES, shared });
    const module = new api.Module(gemmWasmBytes(shared));
    const { kernel } = new api.Instance(module, { env: { memory } }).exports;
    if (typeof kernel !== 'function') return null;
    return { module, memory, kernel: kernel as Kernel, shared };
  } catch {
    return null; // no WebAssembly SIMD, or (shared) no threads / not cross-origin isolated
  }
}

function load(): WasmGemm | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  // Shared memory first (it lets worker threads run the same module); a plain one where
  // SharedArrayBuffer is unavailable, and the TypeScript kernel where SIMD is.
  return instantiate(api, true) ?? instantiate(api, false);
}

/** The WebAssembly kernel, loaded on first use; null where it cannot run. */
export function wasmGemm(): WasmGemm | null {
  loaded ??= load();
  return loaded;
}

/** True when the WebAssembly kernel can run here. */
export function wasmGemmAvailable(): boolean {
  return wasmGemm() !== null;
}

let viewOf: ArrayBufferLike | null = null;
let f64View: Float64Array<ArrayBufferLike> = new Float64Array(0);
let ctrlView: Int32Array<ArrayBufferLike> = new Int32Array(0);

/**
 * The module memory as Float64Array and as its control words (Int32Array, all CTRL_BYTES), made again only
 * when the buffer changed (a grow): a new view per product is garbage on compile's
 * allocation-free replay.
 */
export function memoryViews(memory: WasmMemory): { readonly f64: Float64Array; readonly ctrl: Int32Array } {
  const buf = memory.buffer;
  if (buf !== viewOf || f64View.length * 8 !== buf.byteLength) {
    viewOf = buf;
    f64View = new Float64Array(buf);
    ctrlView = new Int32Array(buf, 0, CTRL_BYTES / 4);
  }
  views.f64 = f64View;
  views.ctrl = ctrlView;
  return views;
}
const views = { f64: f64View, ctrl: ctrlView };

/** Copies `len` values from `src[from..]` to `dst[to..]` with a loop (no subarray object per call). */
export function copyOut(src: Float64Array, from: number, dst: Float64Array, to: number, len: number): void {
  for (let i = 0; i < len; i++) dst[to + i] = src[from + i]!;
}

/** Grows `memory` to at least `bytes` (never shrinks); false when that is past its maximum. */
export function reserve(memory: WasmMemory, bytes: number): boolean {
  if (bytes > WASM_MAX_PAGES * 65536) return false;
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
  return true;
}

/**
 * `c = op(A) op(B)` through the WebAssembly kernel; `c` ([M,N], row-major) is overwritten.
 * @param maxBytes cap on the module's memory; a C too large for it is computed in bands of
 *   rows (B is repacked per band), since WebAssembly memory never shrinks
 * @returns false (and leaves `c` untouched) when WebAssembly SIMD is unavailable
 */
export function gemmWasm(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, ta: boolean, tb: boolean, maxBytes = MAX_BYTES): boolean {
  const w = wasmGemm();
  if (w === null) return false;
  const kcMax = Math.min(KC, k);
  const apLen = roundUp(Math.min(MC, m), WASM_MR) * kcMax;
  const bpLen = roundUp(Math.min(NC, n), WASM_NR) * kcMax;
  // C lives in wasm memory padded to whole tiles: ldc columns, `band` rows at a time.
  const ldc = roundUp(n, WASM_NR);
  const apOff = CTRL_BYTES / 8;
  const bpOff = apOff + roundUp(apLen, 2); // element offsets, kept 16-byte aligned
  const cOff = bpOff + roundUp(bpLen, 2);
  const fit = Math.floor((maxBytes / 8 - cOff) / ldc);
  const band = fit >= roundUp(m, WASM_MR) ? roundUp(m, WASM_MR) : Math.floor(fit / MC) * MC;
  if (band <= 0) return false;
  if (!reserve(w.memory, (cOff + band * ldc) * 8)) return false;
  const mem = memoryViews(w.memory).f64; // after grow: a plain memory's old buffer is detached
  for (let r0 = 0; r0 < m; r0 += band) {
    const rEnd = Math.min(m, r0 + band);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = Math.min(NC, n - j0);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        if (tb) packBT(b, k, j0, nc, p0, kc, mem, bpOff, WASM_NR);
        else packBN(b, n, j0, nc, p0, kc, mem, bpOff, WASM_NR);
        for (let i0 = r0; i0 < rEnd; i0 += MC) {
          const mc = Math.min(MC, rEnd - i0);
          if (ta) packAT(a, m, i0, mc, p0, kc, mem, apOff, WASM_MR);
          else packAN(a, k, i0, mc, p0, kc, mem, apOff, WASM_MR);
          w.kernel(apOff * 8, bpOff * 8, (cOff + (i0 - r0) * ldc + j0) * 8, roundUp(mc, WASM_MR), roundUp(nc, WASM_NR), kc, ldc, p0 === 0 ? 1 : 0);
        }
      }
    }
    if (ldc === n) copyOut(mem, cOff, c, r0 * n, (rEnd - r0) * n);
    else for (let i = r0; i < rEnd; i++) copyOut(mem, cOff + (i - r0) * ldc, c, i * n, n);
  }
  return true;
}

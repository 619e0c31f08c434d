// Assembles src/kernels/gemm-wasm.generated.ts: a WebAssembly SIMD (f64x2) GEMM micro-kernel
// loop, written here instruction by instruction (a few hundred bytes; no toolchain needed).
// Run: node packages/core/scripts/build-gemm-wasm.mjs   (the output is committed; CI can
// rerun it and diff).
//
// The exported function multiplies packed panels, the layout the TypeScript kernel packs:
//   kernel(ap, bp, c, mc, nc, kc, ldc, first)   (byte offsets into the imported memory)
//   for jr in 0..nc step NR, ir in 0..mc step MR:
//     C[ir.., jr..] (MR x NR, row stride ldc doubles) (=, when first; else +=) Apanel(ir) · Bpanel(jr) over kc
// Apanel(ir) holds kc groups of MR values (op(A)[ir+r, p]); Bpanel(jr) kc groups of NR values.
// mc, nc are multiples of MR, NR (panels are zero-padded); C has room for the padding.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tile shape and p-unrolling. Measured on V8 11.3 (Node 20, AMD EPYC), GFLOP/s at n = 512:
// 4x4 about 15-17; 2x8 about 15; 4x6, 6x4, 3x8, 4x8, 8x4, 6x6 8-12; unrolling p by 2 or 4
// lowers 4x4 to 9-11 (V8's register allocator spills). The environment variables are for
// re-measuring on another engine; the committed file uses the defaults.
export const MR = Number(process.env.GEMM_MR ?? 4);
export const NR = Number(process.env.GEMM_NR ?? 4); // NR/2 f64x2 vectors per row: 8 accumulators + 2 B vectors + 1 splat
const UNROLL = Number(process.env.GEMM_UNROLL ?? 1);

const u32 = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const s32 = (n) => {
  const out = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};
const str = (s) => [...u32(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items) => [...u32(items.length), ...items.flat()];
const section = (id, body) => [id, ...u32(body.length), ...body];

// Opcodes (WebAssembly core spec §5.4 and the SIMD proposal's numbering).
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], br: (d) => [0x0c, ...u32(d)], brIf: (d) => [0x0d, ...u32(d)],
  get: (i) => [0x20, ...u32(i)], set: (i) => [0x21, ...u32(i)], tee: (i) => [0x22, ...u32(i)],
  i32: (v) => [0x41, ...s32(v)], add: [0x6a], sub: [0x6b], mul: [0x6c], shl: [0x74], geU: [0x4f], ltU: [0x49], eqz: [0x45],
  if: [0x04, 0x40], else: [0x05],
  // SIMD: prefix 0xfd, then the LEB128 opcode; memarg = align (log2), offset.
  load: (off) => [0xfd, ...u32(0x00), 3, ...u32(off)],
  load64Splat: (off) => [0xfd, ...u32(0x0a), 3, ...u32(off)],
  store: (off) => [0xfd, ...u32(0x0b), 3, ...u32(off)],
  zero: [0xfd, ...u32(0x0c), ...new Array(16).fill(0)],
  f64x2Add: [0xfd, ...u32(0xf0)],
  f64x2Mul: [0xfd, ...u32(0xf2)],
};

// Locals: params 0..6, then i32 jr, ir, p, pa, pb, pc, ldcb; then v128 accumulators, B vectors, A splat.
const [AP, BP, C, MC, NC, KC, LDC, FIRST] = [0, 1, 2, 3, 4, 5, 6, 7];
const [JR, IR, P, PA, PB, PC, LDCB] = [8, 9, 10, 11, 12, 13, 14];
const NV = NR / 2;
const V0 = 15; // first v128 local
const ACC = (r, v) => V0 + r * NV + v;
const BV = (v) => V0 + MR * NV + v;
const ASPLAT = V0 + MR * NV + NV;

const body = [
  ...op.get(LDC), ...op.i32(3), ...op.shl, ...op.set(LDCB),
  ...op.i32(0), ...op.set(JR),
  ...op.block, ...op.loop, // $J
  ...op.get(JR), ...op.get(NC), ...op.geU, ...op.brIf(1),
  ...op.i32(0), ...op.set(IR),
  ...op.block, ...op.loop, // $I
  ...op.get(IR), ...op.get(MC), ...op.geU, ...op.brIf(1),
  // pa = ap + ir·kc·8; pb = bp + jr·kc·8
  ...op.get(AP), ...op.get(IR), ...op.get(KC), ...op.mul, ...op.i32(3), ...op.shl, ...op.add, ...op.set(PA),
  ...op.get(BP), ...op.get(JR), ...op.get(KC), ...op.mul, ...op.i32(3), ...op.shl, ...op.add, ...op.set(PB),
  ...Array.from({ length: MR * NV }, (_, i) => [...op.zero, ...op.set(V0 + i)]).flat(),
  ...op.get(KC), ...op.set(P),
  // One step of p: B row (NR/2 vectors), then per row of A a splat and NR/2 multiply-adds.
  ...(() => {
    const stepAt = (u) => [
      ...Array.from({ length: NV }, (_, v) => [...op.get(PB), ...op.load(8 * NR * u + 16 * v), ...op.set(BV(v))]).flat(),
      ...Array.from({ length: MR }, (_, r) => [
        ...op.get(PA), ...op.load64Splat(8 * MR * u + 8 * r), ...op.set(ASPLAT),
        ...Array.from({ length: NV }, (_, v) => [
          ...op.get(ACC(r, v)), ...op.get(ASPLAT), ...op.get(BV(v)), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(ACC(r, v)),
        ]).flat(),
      ]).flat(),
    ];
    const advance = (u) => [
      ...op.get(PA), ...op.i32(8 * MR * u), ...op.add, ...op.set(PA),
      ...op.get(PB), ...op.i32(8 * NR * u), ...op.add, ...op.set(PB),
      ...op.get(P), ...op.i32(u), ...op.sub, ...op.set(P),
    ];
    const main = [
      ...op.block, ...op.loop, // $P: UNROLL steps per trip
      ...op.get(P), ...op.i32(UNROLL), ...op.ltU, ...op.brIf(1),
      ...Array.from({ length: UNROLL }, (_, u) => stepAt(u)).flat(),
      ...advance(UNROLL),
      ...op.br(0),
      ...op.end, ...op.end,
    ];
    if (UNROLL === 1) return main;
    // the kc mod UNROLL steps left over, one at a time
    return [...main, ...op.block, ...op.loop, ...op.get(P), ...op.eqz, ...op.brIf(1), ...stepAt(0), ...advance(1), ...op.br(0), ...op.end, ...op.end];
  })(),
  // pc = c + (ir·ldc + jr)·8; each row: C += acc
  ...op.get(C), ...op.get(IR), ...op.get(LDC), ...op.mul, ...op.get(JR), ...op.add, ...op.i32(3), ...op.shl, ...op.add, ...op.set(PC),
  // The first slab stores its sums (C needs no zeroing); later slabs add to C.
  ...op.get(FIRST), ...op.if,
  ...Array.from({ length: MR }, (_, r) => [
    ...Array.from({ length: NV }, (_, v) => [...op.get(PC), ...op.get(ACC(r, v)), ...op.store(16 * v)]).flat(),
    ...op.get(PC), ...op.get(LDCB), ...op.add, ...op.set(PC),
  ]).flat(),
  ...op.else,
  ...Array.from({ length: MR }, (_, r) => [
    ...Array.from({ length: NV }, (_, v) => [
      ...op.get(PC), ...op.get(PC), ...op.load(16 * v), ...op.get(ACC(r, v)), ...op.f64x2Add, ...op.store(16 * v),
    ]).flat(),
    ...op.get(PC), ...op.get(LDCB), ...op.add, ...op.set(PC),
  ]).flat(),
  ...op.end,
  ...op.get(IR), ...op.i32(MR), ...op.add, ...op.set(IR),
  ...op.br(0),
  ...op.end, ...op.end, // $I
  ...op.get(JR), ...op.i32(NR), ...op.add, ...op.set(JR),
  ...op.br(0),
  ...op.end, ...op.end, // $J
  ...op.end,
];
const locals = vec([[...u32(7), I32], [...u32(MR * NV + NV + 1), V128]]);
const code = [...locals, ...body];

// The memory is imported (env.memory), so the caller and its worker threads can hand every
// instance one memory. Its limits byte says shared (0x03: min, max, shared; the threads
// proposal) or not (0x01: min, max); the bytes are otherwise identical, so the generated file
// holds one array and the offset of that byte. A shared memory must declare a maximum.
export const MAX_PAGES = 1024; // 64 MiB: the threaded product's whole packed A, B and C
const LIMITS_SHARED = 0x03;
const LIMITS_PLAIN = 0x01;
const head = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, ...vec(new Array(8).fill([I32])), ...vec([])]])),
];
const importBody = vec([[...str('env'), ...str('memory'), 0x02, LIMITS_SHARED, ...u32(1), ...u32(MAX_PAGES)]]);
const importSection = section(2, importBody);
// section id, section size, entry count, the two names, the kind byte: then the limits byte.
const limitsAt = head.length + (importSection.length - importBody.length) + u32(1).length + str('env').length + str('memory').length + 1;
const bytes = [
  ...head,
  ...importSection,
  ...section(3, vec([u32(0)])),
  ...section(7, vec([[...str('kernel'), 0x00, ...u32(0)]])),
  ...section(10, vec([[...u32(code.length), ...code]])),
];
if (bytes[limitsAt] !== LIMITS_SHARED) throw new Error(`build-gemm-wasm: the limits byte is not at ${limitsAt}`);

// Validate both variants before writing: a malformed module must fail here, not at a user's import.
for (const shared of [true, false]) {
  const variant = Uint8Array.from(bytes);
  variant[limitsAt] = shared ? LIMITS_SHARED : LIMITS_PLAIN;
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
  new WebAssembly.Instance(new WebAssembly.Module(variant), { env: { memory } });
}

const out = resolve(dirname(fileURLToPath(import.meta.url)), '../src/kernels/gemm-wasm.generated.ts');
const lines = [];
for (let i = 0; i < bytes.length; i += 24) lines.push(`  ${bytes.slice(i, i + 24).join(', ')},`);
writeFileSync(
  out,
  `// Generated by packages/core/scripts/build-gemm-wasm.mjs: do not edit; rerun the script.\n` +
    `/** Micro-tile of the WebAssembly kernel: rows of A and columns of B per tile. */\n` +
    `export const WASM_MR = ${MR};\nexport const WASM_NR = ${NR};\n\n` +
    `/** Pages (64 KiB) the imported memory may grow to; a shared memory must be created with this maximum. */\n` +
    `export const WASM_MAX_PAGES = ${MAX_PAGES};\n\n` +
    `/**\n * The module's bytes (${bytes.length}): imports memory \`env.memory\` (1 to ${MAX_PAGES} pages), exports\n` +
    ` * \`kernel(ap, bp, c, mc, nc, kc, ldc, first)\`. \`shared\` picks a shared memory import (threads) or a plain one.\n */\n` +
    `export function gemmWasmBytes(shared: boolean): Uint8Array {\n` +
    `  const bytes = BYTES.slice();\n` +
    `  bytes[${limitsAt}] = shared ? ${LIMITS_SHARED} : ${LIMITS_PLAIN}; // the memory import's limits flag\n` +
    `  return bytes;\n}\n\n` +
    `const BYTES = new Uint8Array([\n${lines.join('\n')}\n]);\n`,
);
console.log(`wrote ${out} (${bytes.length} bytes, MR=${MR}, NR=${NR})`);

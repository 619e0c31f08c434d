import { type Shape, broadcastStrides, sizeOf } from '../shape.js';

/**
 * Visits `outShape` row by row for several operands read through broadcast strides.
 * Adjacent axes that are contiguous for every operand are merged first, so a
 * same-shape or scalar case is one row. `visit` gets the operands' start offsets, their
 * strides along the row, the output offset and the row length; it is called once per
 * row, never per element, so kernels keep their own tight loops.
 */
export function forEachRow(
  outShape: Shape,
  operandShapes: readonly Shape[],
  visit: (offsets: readonly number[], rowStrides: readonly number[], outOffset: number, n: number) => void,
): void {
  const total = sizeOf(outShape);
  if (total === 0) return;
  const k = operandShapes.length;
  const full = operandShapes.map((s) => broadcastStrides(s, outShape));
  // Merge axes: drop size-1 axes, fuse axis d into d+1 when every operand is contiguous across them.
  const sizes: number[] = [];
  const strides: number[][] = operandShapes.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    const n = outShape[d]!;
    if (n === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && full.every((st, j) => strides[j]![last] === st[d]! * n)) {
      sizes[last] = sizes[last]! * n;
      for (let j = 0; j < k; j++) strides[j]![last] = full[j]![d]!;
    } else {
      sizes.push(n);
      for (let j = 0; j < k; j++) strides[j]!.push(full[j]![d]!);
    }
  }
  if (sizes.length === 0) {
    sizes.push(1);
    for (let j = 0; j < k; j++) strides[j]!.push(0);
  }
  const inner = sizes.length - 1;
  const n = sizes[inner]!;
  const rowStrides = strides.map((s) => s[inner]!);
  const offsets = new Array<number>(k).fill(0);
  const idx = new Array<number>(inner).fill(0);
  const rows = total / n;
  let outOffset = 0;
  for (let r = 0; r < rows; r++) {
    visit(offsets, rowStrides, outOffset, n);
    outOffset += n;
    for (let d = inner - 1; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!;
      if (idx[d]! < sizes[d]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * sizes[d]!;
      idx[d] = 0;
    }
  }
}

/** A binary kernel over one strided row: `o[oi+k] = f(a[ai+k*sa], b[bi+k*sb])` for k < n. */
export type BinaryRowKernel = (
  a: Float64Array, ai: number, sa: number,
  b: Float64Array, bi: number, sb: number,
  o: Float64Array, oi: number, n: number,
) => void;

/**
 * Applies a binary row kernel with NumPy broadcasting into `out` (the size of `outShape`).
 * `out` may be `a` or `b` itself when that operand has `outShape`: each element is read once,
 * at the position it is written.
 */
export function broadcastBinary(
  a: Float64Array, aShape: Shape,
  b: Float64Array, bShape: Shape,
  outShape: Shape, kernel: BinaryRowKernel, out: Float64Array,
): void {
  const n = out.length;
  // Fast paths: equal sizes, or a scalar on either side.
  if (a.length === n && b.length === n) kernel(a, 0, 1, b, 0, 1, out, 0, n);
  else if (a.length === n && b.length === 1) kernel(a, 0, 1, b, 0, 0, out, 0, n);
  else if (a.length === 1 && b.length === n) kernel(a, 0, 0, b, 0, 1, out, 0, n);
  else if (a.length === n && isTrailingBlock(bShape, outShape)) {
    // A bias row against a batch ([batch, n] + [n]): one kernel call per row, no stride walk.
    const m = b.length;
    for (let o = 0; o < n; o += m) kernel(a, o, 1, b, 0, 1, out, o, m);
  } else if (b.length === n && isTrailingBlock(aShape, outShape)) {
    const m = a.length;
    for (let o = 0; o < n; o += m) kernel(a, 0, 1, b, o, 1, out, o, m);
  } else if (a.length === n && isColumn(bShape, outShape)) {
    // One value per row against a batch ([batch, n] - [batch, 1], softmax's max): a scalar row each.
    const m = n / b.length;
    for (let r = 0, o = 0; o < n; r++, o += m) kernel(a, o, 1, b, r, 0, out, o, m);
  } else if (b.length === n && isColumn(aShape, outShape)) {
    const m = n / a.length;
    for (let r = 0, o = 0; o < n; r++, o += m) kernel(a, r, 0, b, o, 1, out, o, m);
  } else {
    forEachRow(outShape, [aShape, bShape], (off, st, oi, len) => {
      kernel(a, off[0]!, st[0]!, b, off[1]!, st[1]!, out, oi, len);
    });
  }
}

/**
 * True when `shape` (ignoring leading 1s) equals the trailing dimensions of `outShape`, so
 * its values repeat as one contiguous block per leading index.
 */
function isTrailingBlock(shape: Shape, outShape: Shape): boolean {
  let lead = 0;
  while (lead < shape.length && shape[lead] === 1) lead++;
  const off = outShape.length - shape.length;
  for (let i = lead; i < shape.length; i++) if (shape[i] !== outShape[off + i]) return false;
  return shape.length - lead > 0;
}

/**
 * True when `shape` is `outShape` with its last axis (only) of size 1, the last axis of
 * `outShape` longer than 1 and nothing else broadcast: one value per row.
 */
function isColumn(shape: Shape, outShape: Shape): boolean {
  const r = outShape.length;
  if (shape.length !== r || r === 0 || shape[r - 1] !== 1 || outShape[r - 1] === 1) return false;
  for (let d = 0; d < r - 1; d++) if (shape[d] !== outShape[d]) return false;
  return true;
}

/** Copies `x` broadcast to `outShape` into `out`. */
export function broadcastCopy(x: Float64Array, xShape: Shape, outShape: Shape, out: Float64Array): void {
  // The VJPs of full reductions (one value everywhere) and of bias adds (a row per sample).
  // Loops rather than fill(v): a builtin called with a double boxes it, garbage on every replay.
  if (x.length === 1) {
    const v = x[0]!;
    for (let i = 0; i < out.length; i++) out[i] = v;
    return;
  }
  if (x.length > 0 && isTrailingBlock(xShape, outShape)) {
    for (let o = 0; o < out.length; o += x.length) out.set(x, o);
    return;
  }
  if (x.length > 0 && isColumn(xShape, outShape)) {
    const m = out.length / x.length;
    for (let r = 0, o = 0; r < x.length; r++) {
      const v = x[r]!;
      for (let e = o + m; o < e; o++) out[o] = v;
    }
    return;
  }
  forEachRow(outShape, [xShape], (off, st, oi, n) => {
    const xi = off[0]!;
    const s = st[0]!;
    for (let k = 0; k < n; k++) out[oi + k] = x[xi + k * s]!;
  });
}

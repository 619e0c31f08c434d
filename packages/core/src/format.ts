import type { Tensor } from './tensor.js';
import { fmtShape } from './errors.js';

/** Up to 6 significant digits, trimmed; integers print without a decimal point. */
export function fmtNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

const MAX_SHOWN = 6;

/** `Tensor[2,2] [[1, 2], [3, 4]]`, eliding the middle of long axes with `...`. */
export function formatTensor(t: Tensor): string {
  const { shape, data } = t;
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const render = (dim: number, offset: number): string => {
    if (dim === shape.length) return fmtNumber(data[offset]!);
    const n = shape[dim]!;
    const idx = n <= MAX_SHOWN ? [...Array(n).keys()] : [0, 1, 2, -1, n - 3, n - 2, n - 1];
    return `[${idx.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * strides[dim]!))).join(', ')}]`;
  };
  return `Tensor${fmtShape(shape)} ${render(0, 0)}`;
}

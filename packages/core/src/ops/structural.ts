/**
 * Structural ops: reshape, transpose, broadcastTo, sum, and sumTo, the adjoint of broadcastTo (the
 * one helper every broadcasting VJP ends in). The bottom layer of the op families: these
 * import no other family, and their VJPs are written with each other.
 */
import { ArgumentError, ShapeError, fmtShape, showValue } from '../errors.js';
import { MAX_RANK, arrayArg, shapeArg } from '../args.js';
import { type Shape, broadcastShapes, reducedShape, sameShape, sizeOf, stridesOf } from '../shape.js';
import { apply, defineOp, isRecording } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { broadcastCopy } from '../kernels/strided.js';
import { sumKernel } from '../kernels/reduce.js';
import { type Unary, tensorArg } from './define.js';
import { type ReduceAttrs, reduceAttrs, reduceShape } from './axes.js';

// ---------------------------------------------------------------- reshape

export const reshapeOp = defineOp<Unary, { shape: Shape }, 'x', never>({
  name: 'reshape',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x reshape(x): g reshaped back to the shape of x', tex: String.raw`\frac{\partial}{\partial x}\operatorname{reshape}(x):\ g \text{ reshaped back to the shape of } x` },
  },
  shape: (_s, { shape }) => shape,
  forward: ([x]) => x.data, // tensors are immutable, so the data is shared
  vjp: { x: (g, { shapes: [sx] }) => reshape(g, sx!) },
});

/**
 * The same values in a new shape; one dimension may be -1 (inferred).
 * @param x any shape @param shape the new shape, same number of elements
 * @throws ShapeError when the sizes differ or more than one dimension is -1.
 * @example reshape(arange(6), [2, -1]).shape // [2, 3]
 * @group Ops: structural
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  tensorArg('reshape', 'x', x);
  const dims = arrayArg('reshape', 'shape', shape);
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) {
      throw new ShapeError(`reshape: dimension ${i} of shape [${dims.slice(0, 8).map(showValue).join(',')}${dims.length > 8 ? ',…' : ''}] must be a non-negative integer or -1 (inferred), got ${showValue(d)}`);
    }
  }
  const free = shape.filter((d) => d === -1).length;
  if (dims.length > MAX_RANK) throw new ShapeError(`reshape: the new shape has ${dims.length} dimensions, more than the limit of ${MAX_RANK}`);
  if (free > 1) throw new ShapeError(`reshape: at most one dimension may be -1, got ${fmtShape(shape)}`);
  let target = [...shape];
  if (free === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot infer -1 in ${fmtShape(shape)} for a tensor of shape ${fmtShape(x.shape)} (${x.size} elements); ` +
          `the other dimensions' product (${known}) must be non-zero and divide ${x.size}`,
      );
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)} (${sizeOf(target)} elements); the sizes must match`,
    );
  }
  if (sameShape(target, x.shape)) return x;
  return apply(reshapeOp, [x], { shape: target });
}

// ---------------------------------------------------------------- transpose

export const transposeOp = defineOp<Unary, { perm: readonly number[] }, 'x', never>({
  name: 'transpose',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x transpose(x): g transposed back by the inverse permutation', tex: String.raw`\frac{\partial}{\partial x}x^\top:\ g \text{ transposed back by the inverse permutation}` },
  },
  shape: ([s], { perm }) => perm.map((p) => s![p]!),
  into: (inputs, { perm }, outShape, out) => {
    const x = inputs[0];
    const xs = x.data;
    if (perm.length === 2 && perm[0] === 1) {
      const r = x.shape[0]!;
      const c = x.shape[1]!;
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = xs[i * c + j]!;
      return;
    }
    const inStrides = stridesOf(x.shape);
    const st = perm.map((p) => inStrides[p]!);
    const rank = outShape.length;
    const idx = new Array<number>(rank).fill(0);
    let src = 0;
    for (let k = 0; k < out.length; k++) {
      out[k] = xs[src]!;
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]!++;
        src += st[d]!;
        if (idx[d]! < outShape[d]!) break;
        src -= st[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
  },
  vjp: {
    x: (g, { attrs: { perm } }) => {
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return transpose(g, inv);
    },
  },
});

/**
 * Permutes axes: output axis i is input axis `perm[i]`. Default: reverse all axes.
 * @example transpose(x).shape // [3, 2] for x: [2, 3]
 * @group Ops: structural
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  tensorArg('transpose', 'x', x);
  if (perm !== undefined) {
    const given = arrayArg('transpose', 'perm', perm);
    given.forEach((v) => {
      if (typeof v !== 'number') throw new ArgumentError(`transpose: perm entries must be integers, got ${showValue(v)}`);
    });
  }
  const p = perm ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  const ok = p.length === x.shape.length && [...p].sort((a, b) => a - b).every((v, i) => v === i);
  if (!ok) {
    throw new ShapeError(`transpose: perm [${p.join(',')}] is not a permutation of the ${x.shape.length} axes of ${fmtShape(x.shape)}`);
  }
  if (p.every((v, i) => v === i)) return x;
  return apply(transposeOp, [x], { perm: p });
}

// ---------------------------------------------------------------- broadcastTo / sumTo

export const broadcastToOp = defineOp<Unary, { shape: Shape }, 'x', never>({
  name: 'broadcastTo',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x broadcastTo(x): g summed over the broadcast axes, back to the shape of x', tex: String.raw`\frac{\partial}{\partial x}\operatorname{broadcastTo}(x):\ g \text{ summed over the broadcast axes}` },
  },
  shape: (_s, { shape }) => shape,
  into: (xs, { shape }, _outShape, out) => broadcastCopy(xs[0].data, xs[0].shape, shape, out),
  vjp: { x: (g, { shapes: [sx] }) => sumTo(g, sx!) },
});

/**
 * Repeats `x` along broadcast axes to `shape` (NumPy rules).
 * @throws ShapeError if `x` does not broadcast to exactly `shape`.
 * @group Ops: structural
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  tensorArg('broadcastTo', 'x', x);
  const target = shapeArg('broadcastTo', shape);
  const fits = x.shape.length <= shape.length && sameShape(broadcastShapes('broadcastTo', [x.shape, shape]), shape);
  if (!fits) throw new ShapeError(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}; each axis of x must equal the target's or be 1`);
  if (sameShape(x.shape, shape)) return x;
  return apply(broadcastToOp, [x], { shape: target });
}

/**
 * Sums `g` down to `shape`, undoing NumPy broadcasting: the one helper every
 * broadcasting VJP ends in (the adjoint of `broadcastTo`).
 * @throws ShapeError if `shape` does not broadcast to `g.shape`.
 * @group Ops: structural
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  tensorArg('sumTo', 'g', g);
  arrayArg('sumTo', 'shape', shape);
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (i < lead || (target === 1 && g.shape[i] !== 1)) axes.push(i);
    else if (target !== g.shape[i]) {
      throw new ShapeError(`sumTo: cannot reduce ${fmtShape(g.shape)} to ${fmtShape(shape)}; the target must broadcast to the source`);
    }
  }
  if (lead < 0) throw new ShapeError(`sumTo: cannot reduce ${fmtShape(g.shape)} to the larger rank ${fmtShape(shape)}`);
  return reshape(sum(g, axes), shape);
}

// ---------------------------------------------------------------- sum

/** g (reduced shape) back to the input's shape `shape`, for reductions' VJPs. */
export function expandBack(g: Tensor, shape: Shape, { axes }: ReduceAttrs): Tensor {
  return broadcastTo(reshape(g, reducedShape(shape, axes, true)), shape);
}

export const sumOp = defineOp<Unary, ReduceAttrs, 'x', never>({
  name: 'sum',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x Σ x = 1 for each summed element: g broadcast back over the summed axes', tex: String.raw`\frac{\partial}{\partial x}\textstyle\sum x = 1:\ g \text{ broadcast back over the summed axes}` },
  },
  shape: reduceShape('sum'),
  into: (xs, { axes }, _outShape, out) => sumKernel(xs[0].data, xs[0].shape, axes, out),
  vjp: { x: (g, { shapes: [sx], attrs }) => expandBack(g, sx!, attrs) },
});

/**
 * Σ over `axes` (default: all; negative axes count from the end), dropping them unless `keepDims`.
 * @param x any shape @returns x's shape without (or with size-1) reduced axes
 * @throws ShapeError for an axis out of range; ArgumentError for an axis listed twice.
 * @example sum(tensor([[1, 2], [3, 4]]), 0) // [4, 6]
 * @group Ops: reductions
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return apply(sumOp, [x], reduceAttrs('sum', x, axes, keepDims));
}

// ---------------------------------------------------------------- named

export const namedOp = defineOp<Unary, { name: string }, 'x', never>({
  name: 'named',
  inputs: ['x'],
  saves: [],
  rules: {
    x: { text: '∂/∂x named(x) = 1 (an identity: g passes through)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{named}(x) = 1\ \text{(an identity: } g \text{ passes through)}` },
  },
  shape: ([s]) => s!,
  forward: ([x]) => x.data, // an identity: the values are shared
  vjp: { x: (g) => g },
});

/** Longest accepted label: a name is for reading in a table, not for storing data. */
const MAX_NAME = 200;

/**
 * Labels a value: an identity on the tape that gives `x` a name (PyTorch's `retain_grad`
 * plus a label). Names appear in `traceTape` tables, DOT and Mermaid, in `steps()`, and are
 * what `traceTape(...).grad(name)` and `compareAt` look gradients up by. Outside a trace it
 * returns `x` itself, so labelling costs nothing in code that is not being differentiated.
 * @param x any shape @param name a non-empty label such as `'hpreact'` @returns x (same shape, same values)
 * @throws ArgumentError when x is not a Tensor or name is not a non-empty string.
 * @example traceTape((w) => sum(tanh(named(mul(w, 2), 'z'))), scalar(0.5)).grad('z')
 * @group Ops: structural
 */
export function named(x: Tensor, name: string): Tensor {
  tensorArg('named', 'x', x);
  if (typeof name !== 'string' || name === '' || name.length > MAX_NAME) {
    throw new ArgumentError(`named: name must be a non-empty string of at most ${MAX_NAME} characters, got ${typeof name === 'string' ? `a string of length ${name.length}` : showValue(name)}; label values like named(z, 'hpreact')`);
  }
  if (!isRecording()) return x;
  return apply(namedOp, [x], { name });
}

/** This family's slice of the op table. */
export const structuralOps = { reshape: reshapeOp, transpose: transposeOp, broadcastTo: broadcastToOp, sum: sumOp, named: namedOp } as const;

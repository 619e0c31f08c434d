/** Matrix products. One primitive, `matmul` on matrices with transpose flags; vectors are reshaped around it. Imports the structural family. */
import { ShapeError, checkOptions, fmtShape } from '../errors.js';
import { boolArg } from '../args.js';
import { type Shape, checkCount } from '../shape.js';
import { apply, defineOp } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { gemmInto } from '../kernels/matmul.js';
import { type Binary, tensorArg } from './define.js';
import { reshape } from './structural.js';

/**
 * `transA`/`transB`: read the stored operand as its transpose.
 * @group Ops: linear algebra
 */
export interface MatmulAttrs {
  readonly transA: boolean;
  readonly transB: boolean;
}

function dims(s: Shape, t: boolean): [number, number] {
  return t ? [s[1]!, s[0]!] : [s[0]!, s[1]!];
}

export const matmulOp = defineOp<Binary, MatmulAttrs, 'a' | 'b', 'a' | 'b'>({
  name: 'matmul',
  inputs: ['a', 'b'],
  saves: ['a', 'b'],
  rules: {
    a: { text: '∂/∂a (a·b): g·bᵀ (a matrix product shaped like a; transposed back when a is read as aᵀ)', tex: String.raw`\frac{\partial}{\partial a}(a b):\ g\,b^\top` },
    b: { text: '∂/∂b (a·b): aᵀ·g (a matrix product shaped like b; transposed back when b is read as bᵀ)', tex: String.raw`\frac{\partial}{\partial b}(a b):\ a^\top g` },
  },
  shape: ([sa, sb], { transA, transB }) => {
    const [m, ka] = dims(sa!, transA);
    const [kb, n] = dims(sb!, transB);
    if (ka !== kb) {
      const show = (s: Shape, t: boolean, name: string): string => `${name}${fmtShape(s)}${t ? 'ᵀ' : ''}`;
      throw new ShapeError(
        `matmul: inner dimensions must match, got ${show(sa!, transA, 'a')} and ${show(sb!, transB, 'b')} (${ka} vs ${kb}); ` +
          `a's last dimension must equal b's first`,
      );
    }
    return [m, n];
  },
  // Indexing, not destructuring: array patterns allocate an iterator per call, and compile's replay calls this every step.
  into: (ab, { transA, transB }, outShape, out) => {
    const a = ab[0];
    const k = transA ? a.shape[0]! : a.shape[1]!;
    gemmInto(a.data, ab[1].data, out, outShape[0]!, outShape[1]!, k, transA, transB);
  },
  // C = op(A) op(B). Transpose flags keep every product in place:
  //   ∂A: G op(B)ᵀ, stored transposed when transA;  ∂B: op(A)ᵀ G, stored transposed when transB.
  vjp: {
    a: (g, { saved: { b }, attrs: { transA, transB } }) =>
      transA ? mm(b, g, transB, true) : mm(g, b, false, !transB),
    b: (g, { saved: { a }, attrs: { transA, transB } }) =>
      transB ? mm(g, a, true, transA) : mm(a, g, !transA, false),
  },
});

function mm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return apply(matmulOp, [a, b], { transA, transB });
}

/**
 * Matrix product `a @ b`.
 * - `[m,k] @ [k,n] → [m,n]`, `[m,k] @ [k] → [m]`, `[k] @ [k,n] → [n]`, `[k] @ [k] → []`.
 * - `transA` / `transB` multiply by the transpose of an operand without copying it.
 * @throws ShapeError when the inner dimensions differ or a rank is not 1 or 2; ArgumentError for a non-Tensor or an unknown option.
 * @example matmul(x, w, { transB: true }) // x: [batch, in], w: [out, in] → [batch, out]
 * @group Ops: linear algebra
 */
export function matmul(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  tensorArg('matmul', 'a', a);
  tensorArg('matmul', 'b', b);
  checkOptions('matmul', opts, ['transA', 'transB']);
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.shape.length !== 1 && t.shape.length !== 2) {
      throw new ShapeError(`matmul: ${name} must be a vector or a matrix, got ${name}${fmtShape(t.shape)}; reshape it to rank 1 or 2`);
    }
  }
  const transA = boolArg('matmul', 'transA', opts.transA, false);
  const transB = boolArg('matmul', 'transB', opts.transB, false);
  // Checked here, before vectors are reshaped, so the message shows the caller's shapes.
  const ka = a.shape.length === 1 ? a.shape[0]! : dims(a.shape, transA)[1];
  const kb = b.shape.length === 1 ? b.shape[0]! : dims(b.shape, transB)[0];
  if (ka !== kb) {
    const show = (s: Shape, t: boolean, name: string): string => `${name}${fmtShape(s)}${t && s.length === 2 ? 'ᵀ' : ''}`;
    throw new ShapeError(
      `matmul: inner dimensions must match, got ${show(a.shape, transA, 'a')} and ${show(b.shape, transB, 'b')} (${ka} vs ${kb}); ` +
        `a's last dimension must equal b's first`,
    );
  }
  // The product's size is m·n, which small operands can make huge ([n,1] @ [1,n]).
  checkCount([a.shape.length === 2 ? dims(a.shape, transA)[0] : 1, b.shape.length === 2 ? dims(b.shape, transB)[1] : 1], 'matmul');
  const a2 = a.shape.length === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.shape.length === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  // A transposed vector is the same vector: the flags only matter for matrices.
  const c = mm(a2, b2, transA && a.shape.length === 2, transB && b.shape.length === 2);
  if (a.shape.length === 2 && b.shape.length === 2) return c;
  const out: number[] = [];
  if (a.shape.length === 2) out.push(c.shape[0]!);
  if (b.shape.length === 2) out.push(c.shape[1]!);
  return reshape(c, out);
}

/** This family's slice of the op table. */
export const linalgOps = { matmul: matmulOp } as const;

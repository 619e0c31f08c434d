/**
 * Second order as functions: `jacobian` (reverse mode, one pullback per output entry) and
 * `hessian` (forward over reverse, one JVP of the gradient per input entry), over
 * parameter trees, with JAX's layout: a block is shaped `[...out, ...in]`.
 */
import { GradError, ShapeError, describeValue, fmtShape } from './errors.js';
import { functionArg } from './args.js';
import { MAX_ELEMENTS } from './shape.js';
import { type Tree, flattenTree, unflattenTree } from './pytree.js';
import { noGrad } from './tape.js';
import { Tensor, zeros } from './tensor.js';
import { type Argnums, type Grads, checkArgnumsKind, grad, jvp, normalizeArgnums, vjp } from './autodiff.js';
import { concat, slice } from './ops/indexing.js';
import { reshape } from './ops/structural.js';

/**
 * `T` with every Tensor leaf replaced by `U`: how a Jacobian of a tree output, or a Hessian of a tree argument, nests.
 * @group Autodiff
 */
export type NestTree<T, U> = T extends Tensor ? U : { -readonly [K in keyof T]: NestTree<T[K], U> };

/**
 * What `jacobian(f, argnums)` returns: per output leaf, the gradients' structure, each leaf shaped `[...out, ...in]`.
 * @group Autodiff
 */
export type Jacobian<Out, Args extends readonly unknown[], N extends Argnums> = NestTree<Out, Grads<Args, N>>;

/**
 * What `hessian(f, argnums)` returns: per argument leaf a, per argument leaf b, `∂²f/∂a∂b` shaped `[...a, ...b]`.
 * @group Autodiff
 */
export type Hessian<Args extends readonly unknown[], N extends Argnums> = N extends number
  ? NestTree<Args[N], Args[N]>
  : { -readonly [K in keyof N]: N[K] extends number ? { -readonly [L in keyof N]: N[L] extends number ? NestTree<Args[N[K]], Args[N[L]]> : never } : never };

/** `f` as a function of the `nums` arguments only, the others held at `args`. */
function restrict(f: (...a: never[]) => unknown, args: readonly unknown[], nums: readonly number[]): (...ps: unknown[]) => unknown {
  return (...ps) => {
    const all = [...args];
    nums.forEach((i, k) => (all[i] = ps[k]));
    return (f as (...a: unknown[]) => unknown)(...all);
  };
}

/** The one-hot tensor e_k of `shape`. */
function basis(shape: readonly number[], size: number, k: number): Tensor {
  const d = new Float64Array(size);
  d[k] = 1;
  return new Tensor(d, shape);
}

/** `tree`'s structure with its leaves (in flattenTree order) replaced by `values` (of any kind). */
function replaceLeaves(tree: unknown, values: readonly unknown[]): unknown {
  let i = 0;
  const build = (v: unknown): unknown => {
    if (v instanceof Tensor) return values[i++];
    if (Array.isArray(v)) return v.map(build);
    const o: Record<string, unknown> = {};
    const src = v as Readonly<Record<string, unknown>>;
    // defineProperty: a '__proto__' key stays an own key (as in unflattenTree).
    for (const k of Object.keys(src)) Object.defineProperty(o, k, { value: build(src[k]), enumerable: true, writable: true, configurable: true });
    return o;
  };
  return build(tree);
}

/** Refuses a result past MAX_ELEMENTS before any of it is computed. */
function checkEntries(where: string, what: string, rows: number, cols: number, fix: string): void {
  const n = rows * cols;
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(
      `${where}: the ${what} would have ${rows.toLocaleString('en-US')} × ${cols.toLocaleString('en-US')} = ${n < 1e21 ? n.toLocaleString('en-US') : n.toExponential(3)} entries, ` +
        `more than the limit of ${MAX_ELEMENTS.toLocaleString('en-US')} (2^27, 1 GiB of float64); ${fix}`,
    );
  }
}

/** Rows (each shaped like `leaf`) stacked into one tensor `[...outShape, ...leaf.shape]`, with tensor ops so it stays differentiable. */
function stackRows(rows: readonly Tensor[], outShape: readonly number[], leaf: Tensor): Tensor {
  const shape = [...outShape, ...leaf.shape];
  if (rows.length === 0 || leaf.size === 0) return zeros(shape);
  return reshape(concat(rows.map((r) => reshape(r, [1, leaf.size])), 0), shape);
}

/**
 * `jacobian(f, argnums)(...args)`: the Jacobian of `f` at `args`, by reverse mode, one row
 * per output entry (one pullback with the basis cotangent e_k). For `f: [3] -> [2]` it is
 * shaped `[2, 3]`: entry `[i, j]` is ∂f_i/∂x_j (JAX's `[...out, ...in]` layout). A tree
 * argument gives a tree of such blocks in its structure; an array `argnums` a tuple; a tree
 * output a tree (over the output's leaves) of those. Differentiable again when f's VJPs are.
 * @param f `(...args) => Tensor` (or arrays/objects of Tensors), out: `[...out]`
 * @param argnums which argument(s) to differentiate (default 0); an array gives a tuple
 * @returns per output leaf and argument leaf, a tensor `[...out, ...in]`
 * @throws ShapeError before any row is computed, if the result would exceed MAX_ELEMENTS entries
 * @throws GradError for bad `argnums` or an output that is not a Tensor tree
 * @example
 * jacobian((x: Tensor) => mul(x, x))(tensor([1, 2])) // Tensor[2,2] [[2, 0], [0, 4]]
 * @group Autodiff
 */
export function jacobian<Args extends readonly unknown[], Out extends Tree, const N extends Argnums = 0>(
  f: (...args: Args) => Out,
  argnums?: N,
): (...args: Args) => Jacobian<Out, Args, N> {
  functionArg('jacobian', 'f', f);
  checkArgnumsKind('jacobian', argnums);
  const which: Argnums = argnums ?? 0;
  return (...args: Args) => {
    const nums = normalizeArgnums('jacobian', which, args.length);
    const inLeaves = nums.map((i) => flattenTree(args[i], 'jacobian', `argument ${i}`));
    const g = restrict(f, args, nums);
    let outLeaves: Tensor[] = [];
    const checked = (...ps: unknown[]): Tree => {
      const out = g(...ps);
      try {
        outLeaves = flattenTree(out, 'jacobian');
      } catch {
        throw new GradError(`jacobian: f must return a Tensor (or arrays/objects of Tensors), got ${describeValue(out)}`);
      }
      return out as Tree;
    };
    const [y, pull] = vjp(checked, ...nums.map((i) => args[i] as Tree));
    const inSize = inLeaves.flat().reduce((s, t) => s + t.size, 0);
    const outSize = outLeaves.reduce((s, t) => s + t.size, 0);
    checkEntries('jacobian', `Jacobian of an output of ${outSize} entries (${outLeaves.map((o) => fmtShape(o.shape)).join(', ')}) in ${inSize} input entries`, outSize, inSize, 'use vjp (one row) or jvp (one column) instead of the whole matrix');
    const perOut = outLeaves.map((o, m) => {
      const rows: Tensor[][] = inLeaves.flat().map(() => []);
      for (let k = 0; k < o.size; k++) {
        const seeds = outLeaves.map((p, j) => (j === m ? basis(p.shape, p.size, k) : zeros(p.shape)));
        const cts = pull(unflattenTree(y, seeds) as Tree);
        cts.flatMap((c, a) => flattenTree(c, 'jacobian', `the gradient of argument ${nums[a]}`)).forEach((c, l) => rows[l]!.push(c));
      }
      let l = 0;
      const blocks = nums.map((i, a) => unflattenTree(args[i], inLeaves[a]!.map((leaf) => stackRows(rows[l++]!, o.shape, leaf))));
      return typeof which === 'number' ? blocks[0] : blocks;
    });
    return (y instanceof Tensor ? perOut[0] : replaceLeaves(y, perOut)) as Jacobian<Out, Args, N>;
  };
}

/**
 * `hessian(f, argnums)(...args)`: the Hessian of a scalar `f`, forward over reverse: one
 * `jvp` of the gradient per input entry (the basis tangent e_j gives column j). For
 * `f: [n] -> scalar` it is shaped `[n, n]`; a tree argument `{ a, b }` gives
 * `{ a: { a: H_aa, b: H_ab }, b: { a: H_ba, b: H_bb } }` with `H_ab: [...a, ...b]`
 * (JAX's `hessian`); an array `argnums` a tuple of tuples. Every op's VJP is written with
 * tensor ops, so this works for all of them (a customOp needs a differentiable VJP).
 * @param f `(...args) => Tensor` of size 1
 * @param argnums which argument(s) (default 0); an array gives a tuple of tuples
 * @returns blocks `∂²f/∂a∂b` shaped `[...a, ...b]`
 * @throws ShapeError before computing, if the Hessian would exceed MAX_ELEMENTS entries
 * @throws GradError if f is not scalar, for bad `argnums`, or through a first-order-only customOp
 * @example
 * hessian((x: Tensor) => sum(mul(x, mul(x, x))))(tensor([1, 2])) // Tensor[2,2] [[6, 0], [0, 12]]
 * @group Autodiff
 */
export function hessian<Args extends readonly unknown[], const N extends Argnums = 0>(
  f: (...args: Args) => Tensor,
  argnums?: N,
): (...args: Args) => Hessian<Args, N> {
  functionArg('hessian', 'f', f);
  checkArgnumsKind('hessian', argnums);
  const which: Argnums = argnums ?? 0;
  return (...args: Args) => {
    const nums = normalizeArgnums('hessian', which, args.length);
    const perArg = nums.map((i) => flattenTree(args[i], 'hessian', `argument ${i}`));
    const leaves = perArg.flat();
    const sizes = leaves.map((t) => t.size);
    const n = sizes.reduce((s, v) => s + v, 0);
    checkEntries('hessian', `Hessian in ${n} input entries`, n, n, 'use hvp (one Hessian-vector product) instead of the whole matrix');
    const value = noGrad(() => f(...args));
    if (!(value instanceof Tensor) || value.size !== 1) {
      throw new GradError(`hessian: f must return a scalar, got ${value instanceof Tensor ? `shape ${fmtShape(value.shape)}` : describeValue(value)}; reduce it with sum() or mean()`);
    }
    const g = restrict(f, args, nums);
    // The gradient in all differentiated leaves, as one flat [n] vector.
    const flatGrad = (...ls: Tensor[]): Tensor => {
      let k = 0;
      const trees = perArg.map((a, j) => unflattenTree(args[nums[j]!], ls.slice(k, (k += a.length))));
      const gs = grad((...ps: unknown[]) => g(...ps) as Tensor, trees.map((_, j) => j))(...trees) as unknown[];
      return concat(gs.flatMap((t) => flattenTree(t, 'hessian')).map((t) => reshape(t, [t.size])), 0);
    };
    const cols: Tensor[] = [];
    leaves.forEach((leaf, b) => {
      for (let q = 0; q < leaf.size; q++) {
        const tangents = leaves.map((t, j) => (j === b ? basis(t.shape, t.size, q) : zeros(t.shape)));
        cols.push(reshape(jvp(flatGrad, leaves, tangents)[1], [n, 1]));
      }
    });
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((s, v) => s + v, 0));
    const full = n === 0 ? zeros([0, 0]) : concat(cols, 1);
    const block = (a: number, b: number): Tensor => {
      const shape = [...leaves[a]!.shape, ...leaves[b]!.shape];
      if (sizes[a] === 0 || sizes[b] === 0) return zeros(shape);
      return reshape(slice(full, [[offsets[a]!, offsets[a]! + sizes[a]!], [offsets[b]!, offsets[b]! + sizes[b]!]]), shape);
    };
    // Leaf index of the first leaf of each argument; H_ab is argument a's tree of argument b's trees of blocks.
    const first = perArg.map((_, j) => perArg.slice(0, j).reduce((s, a) => s + a.length, 0));
    const h = (a: number, b: number): unknown =>
      replaceLeaves(args[nums[a]!], perArg[a]!.map((_, la) => unflattenTree(args[nums[b]!], perArg[b]!.map((_, lb) => block(first[a]! + la, first[b]! + lb)))));
    return (typeof which === 'number' ? h(0, 0) : nums.map((_, a) => nums.map((_, b) => h(a, b)))) as Hessian<Args, N>;
  };
}

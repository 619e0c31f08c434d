import { ArgumentError } from './errors.js';
import { Tensor } from './tensor.js';

/** A tensor, or arrays / plain objects nesting tensors: a parameter tree. */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Appends the leaves of `v` to `out`; false at the first leaf that is not a Tensor. */
function collect(v: unknown, out: Tensor[]): boolean {
  if (v instanceof Tensor) {
    out.push(v);
    return true;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!collect(v[i], out)) return false;
    return true;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) if (!collect(v[k], out)) return false;
    return true;
  }
  return false;
}

/** The path of the first non-Tensor leaf (only computed for the error message). */
function badLeaf(v: unknown, p: string): { path: string; value: unknown } | null {
  if (v instanceof Tensor) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = badLeaf(v[i], `${p}[${i}]`);
      if (r !== null) return r;
    }
    return null;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      const r = badLeaf(v[k], `${p}.${k}`);
      if (r !== null) return r;
    }
    return null;
  }
  return { path: p, value: v };
}

/**
 * Leaves of a tree in a fixed order (arrays by index, objects by insertion order).
 * @throws ArgumentError naming the path of the first leaf that is not a Tensor.
 */
export function flattenTree(tree: unknown, where: string, path = ''): Tensor[] {
  const out: Tensor[] = [];
  if (collect(tree, out)) return out;
  const bad = badLeaf(tree, path) ?? { path, value: tree };
  const v = bad.value;
  throw new ArgumentError(
    `${where}: ${bad.path || 'the value'} is ${typeof v === 'number' ? `the number ${v}` : typeof v}, not a Tensor; ` +
      `differentiable arguments must be Tensors or arrays/objects of Tensors (wrap numbers with tensor())`,
  );
}

/** Rebuilds `tree`'s structure with `leaves` (in `flattenTree` order). */
export function unflattenTree(tree: unknown, leaves: readonly Tensor[]): unknown {
  let i = 0;
  const build = (v: unknown): unknown => {
    if (v instanceof Tensor) return leaves[i++];
    if (Array.isArray(v)) return v.map(build);
    if (isPlainObject(v)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v)) o[k] = build(v[k]);
      return o;
    }
    return v;
  };
  return build(tree);
}

import { ArgumentError } from './errors.js';
import { Tensor } from './tensor.js';

/** A tensor, or arrays / plain objects nesting tensors: a parameter tree. */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `p.k` for an identifier key, `p["k"]` otherwise, so any key reads back unambiguously. */
function keyPath(p: string, k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `${p}.${k}` : `${p}[${JSON.stringify(k)}]`;
}

/**
 * Appends the leaves of `v` to `out` (and, when `paths` is given, each leaf's path from `p`);
 * false at the first leaf that is not a Tensor. The one walk that fixes the leaf order.
 */
function collect(v: unknown, out: Tensor[], paths?: string[], p = ''): boolean {
  if (v instanceof Tensor) {
    out.push(v);
    paths?.push(p);
    return true;
  }
  if (Array.isArray(v)) {
    // Paths are built only when asked for: grad flattens its arguments on every call.
    for (let i = 0; i < v.length; i++) if (!collect(v[i], out, paths, paths === undefined ? '' : `${p}[${i}]`)) return false;
    return true;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) if (!collect(v[k], out, paths, paths === undefined ? '' : keyPath(p, k))) return false;
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
      const r = badLeaf(v[k], keyPath(p, k));
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

/**
 * `flattenTree` with each leaf's path beside it: `W`, `layers[0].b`, `[1]`, `["a key"]`
 * (`''` for a tree that is a single Tensor). Tape renderers label arguments with these.
 * @throws ArgumentError as `flattenTree` does.
 * @example flattenTreeWithPaths({ W: w, layers: [{ b }] }, 'traceTape.named').paths // ['W', 'layers[0].b']
 */
export function flattenTreeWithPaths(tree: unknown, where: string, path = ''): { leaves: Tensor[]; paths: string[] } {
  const leaves: Tensor[] = [];
  const paths: string[] = [];
  if (!collect(tree, leaves, paths)) flattenTree(tree, where, path); // throws, naming the bad leaf
  return { leaves, paths: paths.map((p) => (p.startsWith('.') ? p.slice(1) : p)) };
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

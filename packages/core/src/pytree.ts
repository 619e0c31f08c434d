import { ArgumentError, describeValue } from './errors.js';
import { Tensor } from './tensor.js';

/**
 * A tensor, or arrays / plain objects nesting tensors: a parameter tree.
 * @group Autodiff
 */
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
 * How deep a parameter tree may nest. Real trees are a few levels deep; a deeper one is a
 * mistake (or a structure that contains itself), and walking it would overflow the stack.
 */
export const MAX_TREE_DEPTH = 256;

/**
 * Appends the leaves of `v` to `out` (and, when `paths` is given, each leaf's path from `p`);
 * false at the first leaf that is not a Tensor. The one walk that fixes the leaf order.
 * Throws at MAX_TREE_DEPTH levels (the depth is the only bookkeeping on this hot path;
 * whether a cycle caused it is worked out only for the message).
 */
function collect(v: unknown, out: Tensor[], paths: string[] | undefined, p: string, depth: number, where: string, root: unknown): boolean {
  if (v instanceof Tensor) {
    out.push(v);
    paths?.push(p);
    return true;
  }
  if (depth === MAX_TREE_DEPTH) throw treeTooDeep(where, root);
  if (Array.isArray(v)) {
    // Paths are built only when asked for: grad flattens its arguments on every call.
    for (let i = 0; i < v.length; i++) if (!collect(v[i], out, paths, paths === undefined ? '' : `${p}[${i}]`, depth + 1, where, root)) return false;
    return true;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) if (!collect(v[k], out, paths, paths === undefined ? '' : keyPath(p, k), depth + 1, where, root)) return false;
    return true;
  }
  return false;
}

/** The error for a tree past MAX_TREE_DEPTH: names the path of a self-reference if there is one. */
function treeTooDeep(where: string, root: unknown): ArgumentError {
  const cycle = findCycle(root);
  if (cycle !== null) {
    return new ArgumentError(
      `${where}: the tree refers to itself: ${cycle.path || 'the value'} is ${cycle.ancestor || 'the whole tree'} again; ` +
        'a parameter tree must be a tree of Tensors (arrays and plain objects), without cycles',
    );
  }
  return new ArgumentError(`${where}: the tree nests more than ${MAX_TREE_DEPTH} levels deep; flatten it into fewer levels of arrays/objects`);
}

/** An iterative depth-first search for a container that contains one of its ancestors. */
function findCycle(root: unknown): { path: string; ancestor: string } | null {
  interface Frame { readonly v: object; readonly path: string; readonly keys: readonly (string | number)[]; i: number }
  const open = (v: unknown, path: string): Frame | null => {
    if (Array.isArray(v)) return { v, path, keys: v.map((_, i) => i), i: 0 };
    if (isPlainObject(v)) return { v, path, keys: Object.keys(v), i: 0 };
    return null;
  };
  const first = open(root, '');
  if (first === null) return null;
  const stack: Frame[] = [first];
  // Containers on the current path, to their depth: a child found here is a cycle.
  const onPath = new Map<object, number>([[first.v, 0]]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i === top.keys.length) {
      onPath.delete(stack.pop()!.v);
      continue;
    }
    const key = top.keys[top.i++]!;
    const child: unknown = (top.v as Record<string | number, unknown>)[key];
    const path = typeof key === 'number' ? `${top.path}[${key}]` : keyPath(top.path, key);
    const at = typeof child === 'object' && child !== null ? onPath.get(child) : undefined;
    if (at !== undefined) return { path: strip(path), ancestor: strip(stack[at]!.path) };
    const f = open(child, path);
    if (f !== null) {
      onPath.set(f.v, stack.length);
      stack.push(f);
    }
  }
  return null;
}

function strip(p: string): string {
  return p.startsWith('.') ? p.slice(1) : p;
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
  if (collect(tree, out, undefined, '', 0, where, tree)) return out;
  const bad = badLeaf(tree, path) ?? { path, value: tree };
  const v = bad.value;
  throw new ArgumentError(
    `${where}: ${bad.path || 'the value'} is ${typeof v === 'number' ? `the number ${v}` : describeValue(v)}, not a Tensor; ` +
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
  if (!collect(tree, leaves, paths, '', 0, where, tree)) flattenTree(tree, where, path); // throws, naming the bad leaf
  return { leaves, paths: paths.map(strip) };
}

/** Rebuilds `tree`'s structure with `leaves` (in `flattenTree` order). */
export function unflattenTree(tree: unknown, leaves: readonly Tensor[]): unknown {
  let i = 0;
  const build = (v: unknown): unknown => {
    if (v instanceof Tensor) return leaves[i++];
    if (Array.isArray(v)) return v.map(build);
    if (isPlainObject(v)) {
      const o: Record<string, unknown> = {};
      // defineProperty, not assignment: a user key '__proto__' (from JSON.parse, say) stays an own key instead of replacing the prototype.
      for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: build(v[k]), enumerable: true, writable: true, configurable: true });
      return o;
    }
    return v;
  };
  return build(tree);
}

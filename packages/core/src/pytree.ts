import { ArgumentError } from './errors.js';
import { Tensor } from './tensor.js';

/** A tensor, or arrays / plain objects nesting tensors: a parameter tree. */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Leaves of a tree in a fixed order (arrays by index, objects by insertion order). */
export function flattenTree(tree: unknown, where: string, path = ''): Tensor[] {
  const out: Tensor[] = [];
  const walk = (v: unknown, p: string): void => {
    if (v instanceof Tensor) out.push(v);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}[${i}]`));
    else if (isPlainObject(v)) for (const k of Object.keys(v)) walk(v[k], `${p}.${k}`);
    else {
      throw new ArgumentError(
        `${where}: ${p || 'the value'} is ${typeof v === 'number' ? `the number ${v}` : typeof v}, not a Tensor; ` +
          `differentiable arguments must be Tensors or arrays/objects of Tensors (wrap numbers with tensor())`,
      );
    }
  };
  walk(tree, path);
  return out;
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

/**
 * The page's whole UI layer: one element builder. The views are a few forms, an SVG graph and
 * canvases redrawn from state, which plain DOM does directly; a framework would add a runtime
 * and a second idea of state for no gain here.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Readonly<Record<string, string | number | boolean | EventListener | undefined>>;

/**
 * Makes an element: attributes (an `on…` function becomes an event listener, `true`/`false`
 * toggles a boolean attribute), then children (strings become text nodes; null/false are skipped).
 * @example h('button', { type: 'button', onclick: () => step() }, 'Step')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, with attributes and children as for {@link h}. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.startsWith('on') ? k.slice(2) : k, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

/** Replaces all of `el`'s children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

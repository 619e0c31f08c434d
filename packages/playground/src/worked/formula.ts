/**
 * The formula panel: the selected number's formula from the derivation in symbols, then for
 * this number with the symbols, with the numbers substituted, and the result (KaTeX); the line
 * `tapegrad explain` prints; the tape's value beside it; and the numbers it is made from.
 */
import katex from 'katex';
import { h, replace } from '../dom.js';
import { type Given, type Quantity } from './quantities.js';
import { show } from './notation.js';

function tex(source: string): HTMLElement {
  const el = h('div', { class: 'worked-tex' });
  katex.render(source, el, { throwOnError: false, displayMode: true });
  return el;
}

function tapeLine(q: Quantity): HTMLElement {
  if (q.tape === undefined) {
    return h('p', { class: 'muted' }, 'The tape records z inside its matrix product and does not keep it as a value of its own; it checks z through a = σ(z), which it does record.');
  }
  const diff = Math.abs(q.value - q.tape);
  const by = q.kind === 'delta' ? ' (read off as ∂C₀/∂b, which equals δ)' : '';
  return h(
    'p',
    { class: 'worked-tape' },
    `By the tape${by}: `,
    h('span', { class: 'mono', 'data-tape-value': String(q.tape) }, String(q.tape)),
    ' ',
    diff === 0 ? h('span', { class: 'ok' }, '✓ the same number') : h('span', { class: diff <= 1e-12 * Math.abs(q.tape) ? 'ok' : 'bad' }, `differs by ${diff.toExponential(2)}`),
  );
}

/**
 * Fills `el` with the formula of `q`.
 * @param el the panel's body @param q the selected number
 * @param byId computed numbers by id @param givenById given numbers by id
 * @param select called with the id of a number picked from the "made from" list
 */
export function renderFormula(el: HTMLElement, q: Quantity, byId: ReadonlyMap<string, Quantity>, givenById: ReadonlyMap<string, Given>, select: (id: string) => void): void {
  const parts = q.uses.map((id) => {
    const c = byId.get(id);
    if (c !== undefined) {
      return h('li', {}, h('button', { type: 'button', class: 'worked-chip', 'data-id': id, onclick: () => select(id) }, `${c.name} = ${show(c.value)}`));
    }
    const g = givenById.get(id);
    return g === undefined ? null : h('li', {}, h('span', { class: 'worked-chip worked-chip-given' }, `${g.name} = ${show(g.value)}`));
  });
  const t = q.tex;
  replace(
    el,
    h('h3', { class: 'worked-formula-title' }, q.name, h('span', { class: 'muted' }, ` — ${q.what}`)),
    h('p', { class: 'worked-label' }, 'The derivation’s formula'),
    h('div', { class: 'scroll-x' }, tex(t.general)),
    h('p', { class: 'worked-label' }, 'This number: symbols, then numbers, then the result'),
    h('div', { class: 'scroll-x' }, tex(`\\begin{aligned} ${t.lhs} &= ${t.symbols} \\\\ &= ${t.numbers} \\\\ &= ${t.result} \\end{aligned}`)),
    h('p', {}, q.why),
    h('p', { class: 'worked-label' }, 'As tapegrad explain prints it'),
    h('div', { class: 'scroll-x' }, h('code', { class: 'worked-line' }, q.line)),
    h('p', { class: 'worked-full' }, 'Full precision: ', h('span', { class: 'mono', 'data-value': String(q.value) }, String(q.value))),
    tapeLine(q),
    parts.length === 0 ? null : h('div', {}, h('p', { class: 'worked-label' }, 'Made from'), h('ul', { class: 'worked-chips' }, ...parts)),
  );
}

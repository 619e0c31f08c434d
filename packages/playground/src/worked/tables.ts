/**
 * The worked example's numbers as tables: the given inputs, targets and parameters, the
 * forward pass (z and a per neuron) with the cost, the error terms δ, and the gradients.
 * Every computed number is a button that selects it.
 */
import { h } from '../dom.js';
import { type WorkedNumbers } from './model.js';
import { type Given, type Quantity } from './quantities.js';
import { show, sub, sup } from './notation.js';

type Cell = HTMLElement | string;

/** A computed number as a button carrying its full-precision value. */
export function numButton(q: Quantity, select: (id: string) => void): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'worked-num',
      'data-id': q.id,
      'data-quantity': q.name,
      'data-value': String(q.value),
      'aria-label': `${q.name} = ${show(q.value)}: show its formula`,
      'aria-pressed': 'false',
      onclick: () => select(q.id),
    },
    show(q.value),
  );
}

/** A given number (input, target, weight, bias): shown, not clickable. */
export function givenSpan(g: Given): HTMLElement {
  return h('span', { class: 'worked-given', 'data-id': g.id, 'data-value': String(g.value), title: `${g.name} = ${g.value}` }, show(g.value));
}

function table(head: readonly string[], rows: readonly (readonly Cell[])[], caption?: string): HTMLElement {
  return h(
    'div',
    { class: 'scroll-x' },
    h(
      'table',
      { class: 'nums worked-table' },
      caption === undefined ? null : h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows.map(([first, ...rest]) => h('tr', {}, h('th', { scope: 'row' }, first ?? ''), ...rest.map((c) => h('td', {}, c))))),
    ),
  );
}

/** Looks a number up; the ids are built from the same sizes, so a miss is a programming error. */
function lookup<T>(m: ReadonlyMap<string, T>, id: string): T {
  const v = m.get(id);
  if (v === undefined) throw new Error(`worked: no number ${id}`);
  return v;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The four panels of numbers.
 * @param n the computed example (for the sizes)
 * @param byId computed quantities by id @param givenById given numbers by id
 * @param select called with the id of a clicked number
 */
export function numberPanels(n: WorkedNumbers, byId: ReadonlyMap<string, Quantity>, givenById: ReadonlyMap<string, Given>, select: (id: string) => void): HTMLElement[] {
  const L = n.sizes.length - 1;
  const q = (id: string): HTMLButtonElement => numButton(lookup(byId, id), select);
  const g = (id: string): HTMLElement => givenSpan(lookup(givenById, id));
  const word = (l: number): string => (l === L ? 'output' : 'hidden');

  const given: HTMLElement[] = [
    table(['', ...range(n.sizes[0] ?? 0).map((k) => `k = ${k}`)], [['input x = a⁽⁰⁾', ...range(n.sizes[0] ?? 0).map((k) => g(`a0_${k}`))]]),
    table(['', ...range(n.sizes[L] ?? 0).map((j) => `j = ${j}`)], [['target y', ...range(n.sizes[L] ?? 0).map((j) => g(`y_${j}`))]]),
  ];
  for (let l = 1; l <= L; l++) {
    const nIn = n.sizes[l - 1] ?? 0;
    given.push(
      table(
        ['', ...range(nIn).map((k) => `w_j${sub(k)}${sup(l)}`), `b${sup(l)}`],
        range(n.sizes[l] ?? 0).map((j) => [`${word(l)} j = ${j}`, ...range(nIn).map((k) => g(`w${l}_${j}${k}`)), g(`b${l}_${j}`)]),
        `W${sup(l)} (row j: neuron j's weights) and b${sup(l)}`,
      ),
    );
  }

  const forwardRows: Cell[][] = [];
  for (let l = 1; l <= L; l++) for (const j of range(n.sizes[l] ?? 0)) forwardRows.push([`${word(l)} ${j}`, q(`z${l}_${j}`), q(`a${l}_${j}`)]);
  const deltaRows: Cell[][] = [];
  for (let l = L; l >= 1; l--) for (const j of range(n.sizes[l] ?? 0)) deltaRows.push([`${word(l)} ${j}`, q(`d${l}_${j}`)]);
  const grads: HTMLElement[] = [];
  for (let l = L; l >= 1; l--) {
    const nIn = n.sizes[l - 1] ?? 0;
    grads.push(
      table(
        ['', ...range(nIn).map((k) => `∂C₀/∂w_j${sub(k)}${sup(l)}`), `∂C₀/∂b_j${sup(l)}`],
        range(n.sizes[l] ?? 0).map((j) => [`${word(l)} j = ${j}`, ...range(nIn).map((k) => q(`dw${l}_${j}${k}`)), q(`db${l}_${j}`)]),
        `Layer ${l} (${word(l)}): ∂C₀/∂w_jk${sup(l)} = δ_j${sup(l)} a_k${sup(l - 1)}, ∂C₀/∂b_j${sup(l)} = δ_j${sup(l)}`,
      ),
    );
  }
  return [
    h('section', { class: 'panel worked-section', 'aria-label': 'Given numbers' }, h('h3', {}, '0 · Given: input, target, weights and biases'), h('div', { class: 'worked-tables' }, ...given)),
    h(
      'section',
      { class: 'panel worked-section', 'aria-label': 'Forward pass' },
      h('h3', {}, '1 · Forward pass and cost'),
      table(['neuron', 'z = Σ w·a + b', 'a = σ(z)'], forwardRows),
      h('p', { class: 'worked-cost-row' }, `Cost C₀ = Σ_j (a_j${sup(L)} − y_j)² = `, q('C0')),
    ),
    h('section', { class: 'panel worked-section', 'aria-label': 'Backward pass' }, h('h3', {}, '2 · Backward pass: error terms δ = ∂C₀/∂z'), table(['neuron', 'δ'], deltaRows)),
    h('section', { class: 'panel worked-section', 'aria-label': 'Gradients' }, h('h3', {}, '3 · Gradients of the cost'), h('div', { class: 'worked-tables' }, ...grads)),
  ];
}

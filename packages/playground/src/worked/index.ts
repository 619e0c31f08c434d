/**
 * View 4: the worked 2-3-2 network of the derivation, every forward and backward number
 * shown, each a button that shows its formula (symbols, numbers, result) as `tapegrad explain`
 * works it. The selected number is kept in the address (`#/worked?n=<id>`).
 */
import './worked.css';
import { h } from '../dom.js';
import { type View } from '../view.js';
import { networkDiagram } from './diagram.js';
import { renderFormula } from './formula.js';
import { computeWorked } from './model.js';
import { givens, maxRelativeDifference, quantities, type Quantity } from './quantities.js';
import { paramsFor, selectionFrom } from './selection.js';
import { numberPanels } from './tables.js';

/** The ids to highlight as the ingredients of `q`: what it uses, and the weight a weight gradient is about. */
function ingredients(q: Quantity): Set<string> {
  const ids = new Set(q.uses);
  if (q.kind === 'dW') ids.add(`w${q.layer}_${q.j}${q.k}`);
  return ids;
}

export const worked: View = {
  id: 'worked',
  title: 'Worked 2-3-2',
  mount(root, ctx) {
    const numbers = computeWorked();
    const qs = quantities(numbers);
    const byId = new Map(qs.map((q) => [q.id, q]));
    const givenById = new Map(givens(numbers).map((g) => [g.id, g]));
    const initial = selectionFrom(ctx.params, byId);
    let selected = initial.quantity;

    const message = h('p', { class: 'error', role: 'status' }, initial.message ?? '');
    if (initial.message === undefined) message.hidden = true;
    const formula = h('div', { class: 'worked-formula' });
    const side = h('aside', { class: 'panel worked-side', 'aria-label': 'Formula of the selected number', 'aria-live': 'polite' }, formula);

    const update = (): void => {
      renderFormula(formula, selected, byId, givenById, (id) => select(id, true));
      const used = ingredients(selected);
      for (const el of root.querySelectorAll<Element>('[data-id]')) {
        if (side.contains(el)) continue;
        const id = el.getAttribute('data-id') ?? '';
        el.classList.toggle('is-selected', id === selected.id);
        el.classList.toggle('is-used', used.has(id));
        if (el instanceof HTMLButtonElement) el.setAttribute('aria-pressed', String(id === selected.id));
      }
    };
    const select = (id: string, focusIt = false): void => {
      const q = byId.get(id);
      if (q === undefined) return;
      selected = q;
      message.hidden = true;
      ctx.setParams(paramsFor(q));
      update();
      if (focusIt) root.querySelector<HTMLElement>(`.worked-main button.worked-num[data-id="${q.id}"]`)?.focus();
    };

    const worst = maxRelativeDifference(qs);
    const agreement =
      worst === 0
        ? 'they agree exactly.'
        : `the largest relative difference is ${worst.toExponential(2)}.`;
    root.append(
      h('h2', {}, 'The worked 2-3-2 network'),
      h('p', { class: 'lead' }, 'Click any number (or Tab to it and press Enter) to see how it is computed: the formula from the worked example of the derivation, the same formula with this network’s numbers, and the result.'),
      h(
        'p',
        { class: 'muted worked-note' },
        'Notation as in the derivation: layer ⁽²⁾ is its (L), the output; ⁽¹⁾ is (L−1), the hidden layer; ⁽⁰⁾ is (L−2), the input. Every neuron uses the sigmoid σ. One training sample, cost C₀ = Σ_j (a_j⁽²⁾ − y_j)².',
      ),
      message,
      h(
        'div',
        { class: 'worked-layout' },
        h(
          'div',
          { class: 'worked-main' },
          h('div', { class: 'panel worked-diagram-panel scroll-x' }, networkDiagram(numbers, byId, (id) => select(id))),
          h('p', { class: 'worked-summary' }, `${qs.length} numbers, each computed by the derivation’s formulas (nn’s forward pass and delta recurrence) and again by automatic differentiation on the tape (backpropTape): `, h('span', { class: worst <= 1e-12 ? 'ok' : 'bad' }, agreement)),
          ...numberPanels(numbers, byId, givenById, (id) => select(id)),
        ),
        side,
      ),
    );
    update();
    return () => {};
  },
};

/**
 * The derivative lab's text panels: the verdict (with the worst point), the readout at one
 * sample point, and the list of functions the expressions may call. Full-precision values sit
 * in `data-value` attributes; the text shows them with fmtNumber's few digits.
 */
import { EXPR_FUNCTIONS, fmtNumber } from '@tapegrad/core';
import { h } from '../dom.js';
import { type Curves } from './model.js';

/** A number shown briefly, its exact value in `data-value`. */
function num(v: number, cls = 'mono'): HTMLElement {
  return h('span', { class: cls, 'data-value': String(v) }, fmtNumber(v));
}

/** The verdict on the curves' check: agrees, or where it fails, the worst point, the diagnosis and the tolerance. */
export function renderVerdict(c: Curves): HTMLElement {
  const v = c.verdict;
  const w = c.worst;
  return h(
    'div',
    { 'data-ok': String(v.ok), 'data-failures': c.flagged.reduce((k, b) => k + b, 0) },
    h('p', { class: `deriv-lab-headline ${v.ok ? 'ok' : 'bad'}` }, v.headline),
    v.where === null ? null : h('p', { class: 'deriv-lab-where' }, v.where),
    v.ok
      ? null
      : h('p', { class: 'deriv-lab-worst' }, `Worst at ${c.mode === 'loss' ? 'a' : 'z'} = `, num(w.x), ': yours ', num(w.mine), ", tape's ", num(w.tape), ` (${fmtNumber(w.ratio)}× the tolerance).`),
    v.diagnosis === null ? null : h('p', { class: 'deriv-lab-diagnosis' }, v.diagnosis),
    h('p', { class: 'muted deriv-lab-tolerance' }, v.tolerance),
  );
}

/** The page's words for each mode: the inputs' labels and hints, the variable, the legend. */
export const WORDS = {
  act: { fLabel: 'f(z) =', fHint: 'an elementwise function of z', dfLabel: "your f'(z) =", dfHint: 'in z, and a = f(z) if you like (as in 1 - a^2 for tanh)', x: 'z', legend: ['f(z)', "tape's f'(z)", "your f'(z)"] },
  loss: { fLabel: 'L(a, y) =', fHint: "one output's loss term: a is the prediction, y the target", dfLabel: 'your ∂L/∂a =', dfHint: 'in a and y', x: 'a', legend: ['L(a, y)', "tape's ∂L/∂a", 'your ∂L/∂a'] },
} as const;

/** The row labels of the readout, per mode. */
const LABELS = {
  act: ['z', 'f(z)', "your f'(z)", "tape's f'(z)"],
  loss: ['a', 'L(a, y)', 'your ∂L/∂a', "tape's ∂L/∂a"],
} as const;

/** The values at sample `i`, one per row (narrow enough for a phone): the point, f, yours, the tape's, the gap, and whether it fails. */
export function renderReadout(c: Curves, i: number): HTMLElement {
  const mine = c.mine[i]!;
  const tape = c.tape[i]!;
  const fails = c.flagged[i] === 1;
  const [x, f, yours, tapes] = LABELS[c.mode];
  const row = (label: string, v: number): HTMLElement => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, num(v, '')));
  return h(
    'table',
    { class: 'nums deriv-lab-readout', 'data-index': i },
    h(
      'tbody',
      {},
      row(x, c.z[i]!),
      row(f, c.f[i]!),
      row(yours, mine),
      row(tapes, tape),
      row('|gap|', Math.abs(mine - tape)),
      h('tr', {}, h('th', { scope: 'row' }, 'verdict'), h('td', { class: fails ? 'bad' : 'ok', 'data-fails': String(fails) }, fails ? 'fails' : 'agrees')),
    ),
  );
}

/** The elementwise functions an expression may call, in a collapsed list. */
export function functionsHint(): HTMLElement {
  return h(
    'details',
    { class: 'muted deriv-lab-functions' },
    h('summary', {}, 'What can I type?'),
    h('p', {}, "Numbers, the variables (z, and a = f(z) in your f'; for a loss a and y), + − * / ^ and parentheses, and these functions (they work entry by entry, as an activation or a loss term must):"),
    h('ul', {}, ...[...EXPR_FUNCTIONS].filter(([, fn]) => fn.elementwise).map(([name, fn]) => h('li', {}, h('code', {}, name), ` ${fn.help}`))),
  );
}

/**
 * The derivative lab's text panels: the verdict (with the worst point), the readout at one
 * sample point, and the list of functions the expressions may call. Full-precision values sit
 * in `data-value` attributes; the text shows them with fmtNumber's few digits.
 */
import { EXPR_FUNCTIONS, fmtNumber } from '@tapegrad/core';
import { h } from '../dom.js';
import { type Curves } from './model.js';
import { verdictOf } from './report.js';

/** A number shown briefly, its exact value in `data-value`. */
function num(v: number, cls = 'mono'): HTMLElement {
  return h('span', { class: cls, 'data-value': String(v) }, fmtNumber(v));
}

/** The verdict on `c.check`: agrees, or where it fails, the worst point, the diagnosis and the tolerance. */
export function renderVerdict(c: Curves): HTMLElement {
  const v = verdictOf(c.check);
  const w = c.check.worst;
  return h(
    'div',
    { 'data-ok': String(v.ok), 'data-failures': c.check.failures },
    h('p', { class: `deriv-lab-headline ${v.ok ? 'ok' : 'bad'}` }, v.headline),
    v.where === null ? null : h('p', { class: 'deriv-lab-where' }, v.where),
    v.ok
      ? null
      : h(
          'p',
          { class: 'deriv-lab-worst' },
          'Worst at z = ',
          num(w.z),
          ": yours ",
          num(w.df),
          ", tape's ",
          num(w.tape),
          ` (${fmtNumber(w.ratio)}× the tolerance).`,
        ),
    v.diagnosis === null ? null : h('p', { class: 'deriv-lab-diagnosis' }, v.diagnosis),
    h('p', { class: 'muted deriv-lab-tolerance' }, v.tolerance),
  );
}

/** The values at sample `i`, one per row (narrow enough for a phone): z, f, yours, the tape's, the gap, and whether the point fails. */
export function renderReadout(c: Curves, i: number): HTMLElement {
  const mine = c.mine[i]!;
  const tape = c.tape[i]!;
  const fails = c.flagged[i] === 1;
  const row = (label: string, v: number): HTMLElement => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, num(v, '')));
  return h(
    'table',
    { class: 'nums deriv-lab-readout', 'data-index': i },
    h(
      'tbody',
      {},
      row('z', c.z[i]!),
      row('f(z)', c.f[i]!),
      row("your f'(z)", mine),
      row("tape's f'(z)", tape),
      row('|gap|', Math.abs(mine - tape)),
      h('tr', {}, h('th', { scope: 'row' }, 'verdict'), h('td', { class: fails ? 'bad' : 'ok', 'data-fails': String(fails) }, fails ? 'fails' : 'agrees')),
    ),
  );
}

/** The functions an expression may call, as one muted line. */
export function functionsHint(): HTMLElement {
  return h(
    'details',
    { class: 'muted deriv-lab-functions' },
    h('summary', {}, 'What can I type?'),
    h('p', {}, "Numbers, z (and a in your f'), + − * / ^ and parentheses, and these functions:"),
    h('ul', {}, ...[...EXPR_FUNCTIONS].map(([name, fn]) => h('li', {}, h('code', {}, name), ` ${fn.help}`))),
  );
}

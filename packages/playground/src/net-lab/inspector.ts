/**
 * The neuron inspector: for the chosen neuron and sample, z, a, f′(z) and δ, the delta
 * recurrence typeset with KaTeX, the same formula with its numbers substituted, and the
 * neuron's incoming weights with their ∂C/∂w for that sample.
 */
import katex from 'katex';
import { fmtNumber } from '@tapegrad/core';
import { type Loss, type MLP } from '@tapegrad/nn';
import { h, replace } from '../dom.js';
import { type Dataset } from './datasets.js';
import { type NeuronInspection, type NeuronRef, inspectNeuron, recurrence, weightedSum } from './inspect.js';
import { weightName } from './diagram.js';

/** A number as TeX: `-1.5e-7` → `-1.5\times10^{-7}`, negatives in parentheses when `paren`. */
export function texNumber(v: number, paren = false): string {
  const s = fmtNumber(v);
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(s);
  const body = m === null ? s : `${(m[1] ?? '').replace(/\.?0+$/, '')}\\times10^{${Number(m[2])}}`;
  return paren && v < 0 ? `(${body})` : body;
}

/** The general recurrence for this neuron, and the same with its numbers. */
export function recurrenceTex(ins: NeuronInspection, logits: boolean): { general: string; numbers: string } {
  const l = ins.layer;
  const j = ins.unit + 1;
  const next = ins.next;
  if (next !== null) {
    const terms = next.w.map((w, k) => `${texNumber(w, true)}\\cdot${texNumber(next.delta[k] ?? NaN, true)}`);
    // Up to three products fit on a line; more are summed here and listed in the table below.
    const sum = terms.length <= 3 ? terms.join(' + ') : `\\textstyle\\sum_{k=1}^{${terms.length}} W_{k${j}}\\delta_k = ${texNumber(weightedSum(ins))}`;
    return {
      general: `\\delta^{(${l})}_{${j}} = \\Big(\\sum_k W^{(${l + 1})}_{k${j}}\\,\\delta^{(${l + 1})}_k\\Big)\\, f'\\big(z^{(${l})}_{${j}}\\big)`,
      numbers: `= \\big(${sum}\\big)\\cdot ${texNumber(ins.fprime, true)} = ${texNumber(recurrence(ins))}`,
    };
  }
  const dC = logits ? `\\frac{\\partial C}{\\partial z^{(${l})}} = \\sigma(z) - y` : `\\frac{\\partial C}{\\partial a^{(${l})}}`;
  return {
    general: `\\delta^{(${l})} = ${dC}${logits ? '' : `\\; f'\\big(z^{(${l})}\\big)`}`,
    numbers: logits
      ? `= \\sigma(${texNumber(ins.z)}) - ${ins.label} = ${texNumber(recurrence(ins))}`
      : `= ${texNumber(ins.dCda ?? NaN, true)}\\cdot ${texNumber(ins.fprime, true)} = ${texNumber(recurrence(ins))}`,
  };
}

function tex(src: string, display = true): HTMLElement {
  const el = h('div', { class: 'net-lab-tex' });
  katex.render(src, el, { throwOnError: false, displayMode: display });
  return el;
}

const num = (cls: string, v: number): HTMLElement => h('td', { class: cls, 'data-value': String(v) }, fmtNumber(v));

/** The recurrence's terms for a hidden neuron: W^(l+1)_kj, δ^(l+1)_k and their product, one row per k. */
function termsTable(ins: NeuronInspection): HTMLElement | null {
  const next = ins.next;
  if (next === null) return null;
  const l = ins.layer + 1;
  return h(
    'div',
    { class: 'scroll-x' },
    h(
      'table',
      { class: 'nums net-lab-terms' },
      h('tr', {}, h('th', {}, 'k'), h('th', {}, `W${l}[k,${ins.unit + 1}]`), h('th', {}, `δ${l}[k]`), h('th', {}, 'product')),
      ...next.w.map((w, k) => {
        const d = next.delta[k] ?? NaN;
        return h('tr', {}, h('td', {}, String(k + 1)), num('', w), num('', d), num('', w * d));
      }),
      h('tr', {}, h('th', { colspan: 3 }, `× f′(z) = ${fmtNumber(ins.fprime)} gives δ`), num('net-lab-recurrence', recurrence(ins))),
    ),
  );
}

/** The inspector panel: `show` renders a neuron for the current weights; `sample` is the chosen sample's index. */
export interface Inspector {
  readonly el: HTMLElement;
  show(model: MLP, loss: Loss, logits: boolean, data: Dataset, ref: NeuronRef | null): void;
  sample(): number;
}

/** @param initialSample the sample to start with @param onSample called when the user picks another sample */
export function createInspector(initialSample: number, onSample: (i: number) => void): Inspector {
  let sample = initialSample;
  const body = h('div', {});
  const msg = h('p', { class: 'error', role: 'alert' });
  const input = h('input', { type: 'number', min: 0, step: 1, value: String(sample), class: 'net-lab-sample', inputmode: 'numeric' });
  const el = h(
    'section',
    { class: 'panel net-lab-inspector', 'aria-label': 'Neuron inspector' },
    h('h3', {}, 'Neuron inspector'),
    h('div', { class: 'row' }, h('label', {}, 'Sample', input)),
    msg,
    body,
  );
  let last: Parameters<Inspector['show']> | null = null;
  input.addEventListener('change', () => {
    const v = Number(input.value);
    const n = last?.[3].n ?? 0;
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      msg.textContent = `Sample must be an integer from 0 to ${n - 1}.`;
      return;
    }
    msg.textContent = '';
    sample = v;
    onSample(v);
    if (last !== null) render(...last);
  });

  function render(model: MLP, loss: Loss, logits: boolean, data: Dataset, ref: NeuronRef | null): void {
    last = [model, loss, logits, data, ref];
    input.max = String(data.n - 1);
    if (sample >= data.n) sample = 0;
    if (ref === null) {
      replace(body, h('p', { class: 'muted' }, 'Click a neuron in the diagram (or Tab to it and press Enter) to see its z, a and δ for one sample.'));
      return;
    }
    const ins = inspectNeuron(model, loss, data, ref, sample);
    const L = model.layers.length;
    const name = ref.layer === L ? 'Output neuron' : `Layer ${ref.layer}, neuron ${ref.unit + 1}`;
    const f = recurrenceTex(ins, logits);
    replace(
      body,
      h('p', {}, h('strong', {}, name), ` (${ins.activation}) on sample ${sample}: x = (${fmtNumber(ins.x[0])}, ${fmtNumber(ins.x[1])}), label ${ins.label}`),
      h(
        'table',
        { class: 'nums net-lab-zad' },
        h('tr', {}, h('th', {}, 'z = w·a + b'), num('net-lab-z', ins.z)),
        h('tr', {}, h('th', {}, 'a = f(z)'), num('net-lab-a', ins.a)),
        h('tr', {}, h('th', {}, 'f′(z)'), num('net-lab-fprime', ins.fprime)),
        h('tr', {}, h('th', {}, 'δ = ∂C/∂z'), num('net-lab-delta', ins.delta)),
      ),
      h('div', { class: 'scroll-x' }, tex(f.general), tex(f.numbers)),
      termsTable(ins),
      h('p', { class: 'muted' }, `δ is nn's closed-form backprop for this one sample; the formula and table above recompute it from the substituted numbers.`),
      h('h3', {}, 'Incoming weights (this sample)'),
      h(
        'div',
        { class: 'scroll-x' },
        h(
          'table',
          { class: 'nums' },
          h('tr', {}, h('th', {}, 'weight'), h('th', {}, 'value'), h('th', {}, '∂C/∂w = δ·a')),
          ...ins.incoming.w.map((w, k) => h('tr', {}, h('th', {}, weightName(ref.layer, ref.unit, k)), num('', w), num('', ins.incoming.dw[k] ?? NaN))),
          h('tr', {}, h('th', {}, `b${ref.layer}[${ref.unit + 1}]`), num('', ins.incoming.b), num('', ins.incoming.db)),
        ),
      ),
    );
  }

  return { el, show: render, sample: () => sample };
}

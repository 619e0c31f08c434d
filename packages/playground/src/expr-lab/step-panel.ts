/**
 * The step panel: what the step just taken did, in words and numbers. Forward: the op and
 * the values it was applied to. Backward: the upstream g = ∂out/∂value, then for each input
 * the op's local rule (typeset with KaTeX, its plain text as the accessible name), the
 * contribution g × local (the factor left out when g is too small or large to divide by) and the input's running total, with "2 of 2: they add up" where a
 * value is used more than once. At the end, the gradient of every variable.
 */
import { type BackwardStep, type Tensor, fmtNumber, fmtValue } from '@tapegrad/core';
import katex from 'katex';
import { h } from '../dom.js';
import { entryLabel, exactText, type LabTrace, localFactor } from './model.js';
import { type Frame, forwardEnd } from './replay.js';

/** A value shown briefly, with its full-precision text in `data-value` for tests and copying. */
function num(t: Tensor, cls = ''): HTMLElement {
  return h('span', { class: `mono exprlab-num ${cls}`.trim(), 'data-value': exactText(t), title: exactText(t) }, fmtValue(t));
}

/** How a formula names the value made by entry `k`. */
function ref(trace: LabTrace, k: number | null, value: Tensor): string {
  return k === null ? fmtValue(value) : entryLabel(trace.record.entries[k]!);
}

/**
 * Builds the panel's content for `frame`.
 * @returns the elements to put in the panel, in order
 */
export function stepPanel(trace: LabTrace, frame: Frame): HTMLElement[] {
  const f = forwardEnd(trace);
  const b = trace.steps.backward.length;
  const out: HTMLElement[] = [];
  const { entries, outputEntry } = trace.record;
  const outLabel = outputEntry === null ? 'out' : entryLabel(entries[outputEntry]!);

  if (entries.length === 0) {
    // No variable: nothing is traced, so there is no tape to replay.
    return [h('p', { class: 'exprlab-what' }, 'out = ', num(trace.record.output, 'exprlab-out'), '. This expression has no variables, so the tape records nothing: constants are not traced. Add a variable, for example ', h('code', {}, '2*x'), '.')];
  }
  if (f === 0) out.push(h('p', { class: 'exprlab-what' }, `out is the variable ${outLabel} itself: no op runs, and ∂out/∂${outLabel} = 1.`));
  if (frame.phase === 'start') {
    const vars = [...trace.values].map(([n, v]) => `${n} = ${fmtNumber(v)}`).join(', ');
    out.push(h('p', { class: 'exprlab-what' }, h('strong', {}, 'Start. '), `The variables are set (${vars}); no op has run yet. Press Step to run the first op.`));
  }
  if (frame.forward !== null) {
    const fw = frame.forward;
    const k = frame.pos;
    const label = entryLabel(entries[fw.entry]!);
    out.push(
      h('p', { class: 'exprlab-what' }, h('strong', {}, `Forward, op ${k} of ${f}: `), `${label} = ${fw.op}(${fw.inputs.map((i) => ref(trace, i.from, i.value)).join(', ')})`),
      h('p', { class: 'exprlab-formula mono' }, `${label} = ${fw.op}(${fw.inputs.map((i) => fmtValue(i.value)).join(', ')}) = `, num(fw.value, 'exprlab-made')),
    );
  }
  if (frame.phase === 'forward-done') {
    out.push(
      h('p', { class: 'exprlab-what' }, h('strong', {}, 'The forward pass is done: '), `out = ${outLabel} = `, num(trace.record.output, 'exprlab-out')),
      h('p', {}, 'The backward pass starts at the output with ∂out/∂out = 1. Press Step: each op passes g (∂out/∂its value) on to its inputs, times its local derivative.'),
    );
  }
  if (frame.backward !== null) out.push(...backwardStep(trace, frame.backward, frame.pos - f, b));
  if (frame.phase === 'done') out.push(...summary(trace, frame));
  return out;
}

function backwardStep(trace: LabTrace, step: BackwardStep, k: number, total: number): HTMLElement[] {
  const { entries } = trace.record;
  const label = entryLabel(entries[step.entry]!);
  const fw = trace.steps.forward[step.entry]!;
  const head = h('p', { class: 'exprlab-what' }, h('strong', {}, `Backward, step ${k} of ${total}: `), `${label} = ${step.op}(${fw.inputs.map((i) => ref(trace, i.from, i.value)).join(', ')}) passes its g on.`);
  const g = h('p', { class: 'exprlab-formula' }, 'upstream ', h('span', { class: 'mono' }, `g = ∂out/∂${label} = `), num(step.g, 'exprlab-g'));
  const cards = step.inputs.map((inp, i) => {
    const from = ref(trace, inp.from, fw.inputs[i]?.value ?? step.g);
    const title = h('div', { class: 'exprlab-in-head' }, h('span', { class: 'mono exprlab-in-name' }, from), h('span', { class: 'muted' }, ` as input ${inp.input} of ${step.op}`));
    if (inp.from === null) return h('div', { class: 'exprlab-in' }, title, h('p', { class: 'muted' }, 'a constant: no gradient flows to it'));
    const rule = h('dd', { class: 'exprlab-rule' });
    if (inp.rule === null) rule.append(h('span', { class: 'muted' }, '(this op has no rule text)'));
    else {
      const scalarOnly = step.g.size === 1 && (inp.contribution?.size ?? 1) === 1;
      // Nothing is broadcast between scalars, so the rule's broadcasting clause says nothing here.
      const text = scalarOnly ? inp.rule.text.replace(', summed over broadcast axes', '') : inp.rule.text;
      const tex = scalarOnly ? inp.rule.tex.replace(String.raw`\quad\text{(summed over broadcast axes)}`, '') : inp.rule.tex;
      const span = h('span', { class: 'exprlab-tex', role: 'img', 'aria-label': text, title: text });
      katex.render(tex, span, { throwOnError: false });
      rule.append(span);
    }
    const rows: HTMLElement[] = [h('dt', {}, 'local rule'), rule];
    if (inp.contribution === null || inp.total === null) rows.push(h('dt', {}, 'gradient'), h('dd', { class: 'muted' }, 'none flows through this input'));
    else {
      const arrival = trace.arrivals[step.step]?.[i];
      const uses = trace.uses.get(inp.from) ?? 1;
      const factor = inp.contribution.size === 1 && step.g.size === 1 ? localFactor(step.g.data[0] ?? 0, inp.contribution.data[0] ?? 0) : null;
      const local = factor === null ? '' : `g × ${fmtNumber(factor)} = `;
      const before = arrival?.before ?? null;
      rows.push(
        h('dt', {}, 'contribution'),
        h('dd', {}, h('span', { class: 'mono' }, local), num(inp.contribution, 'exprlab-contribution')),
        h('dt', {}, 'running total'),
        h('dd', {},
          h('span', { class: 'mono' }, `∂out/∂${from} = ${before === null ? '' : `${fmtValue(before)} + ${fmtValue(inp.contribution)} = `}`),
          num(inp.total, 'exprlab-running'),
          uses > 1 && arrival !== undefined ? h('span', { class: 'exprlab-fanout' }, `contribution ${arrival.ordinal} of ${uses}${arrival.ordinal > 1 ? ': they add up' : ` (${from} is used ${uses} times)`}`) : null,
        ),
      );
    }
    return h('div', { class: 'exprlab-in', 'data-to': inp.from }, title, h('dl', {}, ...rows));
  });
  const list = h('div', { class: 'exprlab-ins' }, ...cards);
  return [head, g, list];
}

function summary(trace: LabTrace, frame: Frame): HTMLElement[] {
  const vars = trace.record.entries.filter((e) => e.argument !== null);
  return [
    h('p', { class: 'exprlab-what' }, h('strong', {}, 'The backward pass is done. '), 'Every gradient has all its contributions:'),
    h('ul', { class: 'exprlab-grads' },
      ...vars.map((e) => {
        const g = frame.grads.get(e.index);
        return h('li', { 'data-var': entryLabel(e) }, h('span', { class: 'mono' }, `∂out/∂${entryLabel(e)} = `), g === undefined ? h('span', { class: 'muted' }, '0 (out does not depend on it)') : num(g.total, 'exprlab-final'));
      }),
    ),
  ];
}

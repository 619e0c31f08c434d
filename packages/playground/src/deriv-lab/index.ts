/**
 * View 3, the derivative lab: type an activation f(z) and your hand derivative f'(z); the plot
 * shows f, yours and the tape's, the points where they disagree marked in red with nn's
 * diagnosis; then hand the activation to the network lab.
 */
import './deriv-lab.css';
import { h, replace } from '../dom.js';
import { type View, type ViewContext } from '../view.js';
import { analyse, type Curves, type InputErrors } from './model.js';
import { drawPlot } from './plot.js';
import { PRESETS, paramsFromState, presetOf, readoutIndex, stateFromParams, type DerivState } from './state.js';
import { renderReadout, renderVerdict, functionsHint } from './panels.js';

const OWN = 'own';

function mount(root: HTMLElement, ctx: ViewContext): () => void {
  let state: DerivState = stateFromParams(ctx.params);
  let good: Curves | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const field = (id: string, label: string, value: string, hint: string) => {
    const input = h('input', { type: 'text', class: 'expr', id, value, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${id}-error ${id}-hint` });
    const error = h('div', { class: 'error', id: `${id}-error`, role: 'status' });
    const wrap = h('div', { class: 'deriv-lab-field' }, h('label', { for: id }, label), input, h('div', { class: 'muted deriv-lab-hint', id: `${id}-hint` }, hint), error);
    return { input, error, wrap };
  };
  const f = field('deriv-f', 'f(z) =', state.f, 'an elementwise function of z');
  const df = field('deriv-df', "your f'(z) =", state.df, 'in z, and a = f(z) if you like (as in 1 - a^2 for tanh)');
  const lo = h('input', { type: 'number', id: 'deriv-lo', value: state.lo, step: 'any', 'aria-describedby': 'deriv-range-error' });
  const hi = h('input', { type: 'number', id: 'deriv-hi', value: state.hi, step: 'any', 'aria-describedby': 'deriv-range-error' });
  const rangeError = h('div', { class: 'error', id: 'deriv-range-error', role: 'status' });
  const preset = h(
    'select',
    { id: 'deriv-preset' },
    ...PRESETS.map((p) => h('option', { value: p.id }, `${p.label}${p.right ? '' : ' (wrong)'}`)),
    h('option', { value: OWN }, 'your own'),
  );
  const verdict = h('div', { class: 'deriv-lab-verdict', 'aria-live': 'polite' });
  const stale = h('p', { class: 'muted deriv-lab-stale', hidden: true }, 'The plot shows the last expressions that worked; fix the one marked above to update it.');
  const useIt = h('button', { type: 'button', class: 'primary', id: 'deriv-use', onclick: () => ctx.go('net', new URLSearchParams({ act: 'custom', af: state.f, adf: state.df })) }, 'Use it in the network lab');
  const plotBox = h('div', { class: 'deriv-lab-plotbox' });
  const slider = h('input', { type: 'range', id: 'deriv-at', min: 0, max: 0, step: 1, value: 0 });
  const readout = h('div', { class: 'scroll-x' });

  const readState = (): DerivState => ({ f: f.input.value, df: df.input.value, lo: lo.value, hi: hi.value, at: state.at });
  const syncPreset = (): void => {
    preset.value = presetOf(state)?.id ?? OWN;
  };

  let plot: ReturnType<typeof drawPlot> | null = null;
  const showReadout = (i: number): void => {
    if (good === null) return;
    slider.value = String(i);
    plot?.setCursor(i);
    replace(readout, renderReadout(good, i));
  };

  /** Draws the last good curves at the plot box's width (again after a resize changes it). */
  let drawnWidth = 0;
  const redraw = (): void => {
    if (good === null) return;
    drawnWidth = plotBox.clientWidth;
    plot = drawPlot(good, drawnWidth, pick);
    replace(plotBox, plot.svg);
    plot.setCursor(Number(slider.value));
  };
  let frame = 0;
  const onResize = (): void => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (plotBox.clientWidth !== drawnWidth) redraw();
    });
  };
  window.addEventListener('resize', onResize);

  /** Shows sample i; `record` (a click, a finished slider move, not every hover) also puts it in the address. */
  const pick = (i: number, record: boolean): void => {
    if (good === null) return;
    showReadout(i);
    if (record) {
      state = { ...state, at: String(good.z[i]!) };
      ctx.setParams(paramsFromState(state));
    }
  };

  const showErrors = (e: InputErrors): void => {
    f.error.textContent = e.f ?? '';
    df.error.textContent = e.df ?? '';
    rangeError.textContent = e.range ?? '';
    const mark = (el: HTMLElement, bad: boolean): void => {
      if (bad) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    };
    mark(f.input, e.f !== undefined);
    mark(df.input, e.df !== undefined);
    mark(lo, e.range !== undefined);
    mark(hi, e.range !== undefined);
  };

  const update = (): void => {
    ctx.setParams(paramsFromState(state));
    syncPreset();
    const result = analyse(state);
    showErrors(result.ok ? {} : result.errors);
    useIt.disabled = !result.ok;
    stale.hidden = result.ok || good === null;
    if (!result.ok) return;
    const c = result.curves;
    const z = c.z;
    good = c;
    redraw();
    replace(verdict, renderVerdict(c));
    slider.max = String(z.length - 1);
    const worst = c.check.ok ? null : c.check.worst.z;
    showReadout(readoutIndex(z, state.at, worst));
  };

  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state = { ...readState(), at: '' };
      update();
    }, 150);
  };
  for (const el of [f.input, df.input, lo, hi]) el.addEventListener('input', later);
  preset.addEventListener('change', () => {
    const p = PRESETS.find((q) => q.id === preset.value);
    if (p === undefined) {
      f.input.focus();
      return;
    }
    f.input.value = p.f;
    df.input.value = p.df;
    clearTimeout(timer);
    state = { ...readState(), at: '' };
    update();
  });
  slider.addEventListener('input', () => pick(Number(slider.value), false));
  slider.addEventListener('change', () => pick(Number(slider.value), true));

  root.append(
    h('h2', {}, 'Derivative lab'),
    h('p', { class: 'lead' }, "Write an activation f(z) and your own derivative f'(z). The plot compares yours with the tape's; red marks the z where they disagree, with what the mistake looks like. Start from a preset or type your own."),
    h(
      'div',
      { class: 'grid2' },
      h(
        'div',
        { class: 'panel deriv-lab-inputs' },
        h('div', { class: 'row' }, h('label', { for: 'deriv-preset' }, 'Start from'), preset),
        f.wrap,
        df.wrap,
        h(
          'div',
          { class: 'row deriv-lab-range' },
          h('label', { for: 'deriv-lo' }, 'z from'),
          lo,
          h('label', { for: 'deriv-hi' }, 'to'),
          hi,
        ),
        rangeError,
        functionsHint(),
      ),
      h('div', { class: 'panel' }, h('h3', {}, 'Your derivative against the tape'), verdict, stale, h('div', { class: 'row' }, useIt)),
    ),
    h(
      'div',
      { class: 'panel deriv-lab-plotpanel' },
      h(
        'div',
        { class: 'row deriv-lab-legend', 'aria-hidden': 'true' },
        h('span', {}, h('i', { class: 'deriv-lab-key deriv-lab-key-f' }), 'f(z)'),
        h('span', {}, h('i', { class: 'deriv-lab-key deriv-lab-key-tape' }), "tape's f'(z)"),
        h('span', {}, h('i', { class: 'deriv-lab-key deriv-lab-key-mine' }), "your f'(z)"),
        h('span', {}, h('i', { class: 'deriv-lab-key deriv-lab-key-bad' }), "yours where it disagrees (and a red mark under the axis)"),
      ),
      plotBox,
      h('div', { class: 'deriv-lab-at' }, h('label', { for: 'deriv-at' }, 'Look at a point'), slider),
      readout,
    ),
  );
  update();
  return () => {
    clearTimeout(timer);
    cancelAnimationFrame(frame);
    window.removeEventListener('resize', onResize);
  };
}

/** The derivative lab view. */
export const derivLab: View = { id: 'deriv', title: 'Derivative lab', mount };

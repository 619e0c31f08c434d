/**
 * View 3, the derivative lab: type an activation f(z) and your hand derivative f'(z) (or a loss
 * L(a, y) and your ∂L/∂a); the plot shows the function, yours and the tape's derivative, the
 * points where they disagree marked in red with nn's diagnosis; then hand the activation (or the
 * loss and its gradient) to the network lab.
 */
import './deriv-lab.css';
import { h, replace } from '../dom.js';
import { type View, type ViewContext } from '../view.js';
import { analyseLoss } from './loss-model.js';
import { analyse, type Analysis, type Curves, type InputErrors } from './model.js';
import { functionsHint, renderReadout, renderVerdict, WORDS } from './panels.js';
import { drawPlot } from './plot.js';
import { defaultState, paramsFromState, presetOf, presetsOf, readoutIndex, stateFromParams, stateOfPreset, type DerivState, type Mode } from './state.js';

const OWN = 'own';

/** An input with its label, hint and error line. */
function field(id: string, label: string, hint: string, input: HTMLInputElement): { label: HTMLLabelElement; hint: HTMLElement; error: HTMLElement; wrap: HTMLElement } {
  input.id = id;
  input.setAttribute('aria-describedby', `${id}-error ${id}-hint`);
  const l = h('label', { for: id }, label);
  const hintEl = h('div', { class: 'muted deriv-lab-hint', id: `${id}-hint` }, hint);
  const error = h('div', { class: 'error', id: `${id}-error`, role: 'status' });
  return { label: l, hint: hintEl, error, wrap: h('div', { class: 'deriv-lab-field' }, l, input, hintEl, error) };
}

function mount(root: HTMLElement, ctx: ViewContext): () => void {
  let state: DerivState = stateFromParams(ctx.params);
  let good: Curves | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const text = (): HTMLInputElement => h('input', { type: 'text', class: 'expr', spellcheck: 'false', autocomplete: 'off' });
  const fIn = text();
  const dfIn = text();
  const f = field('deriv-f', '', '', fIn);
  const df = field('deriv-df', '', '', dfIn);
  const lo = h('input', { type: 'number', id: 'deriv-lo', step: 'any', 'aria-describedby': 'deriv-range-error' });
  const hi = h('input', { type: 'number', id: 'deriv-hi', step: 'any', 'aria-describedby': 'deriv-range-error' });
  const loLabel = h('label', { for: 'deriv-lo' });
  const rangeError = h('div', { class: 'error', id: 'deriv-range-error', role: 'status' });
  const yIn = h('input', { type: 'number', id: 'deriv-y', step: 'any', 'aria-describedby': 'deriv-y-error' });
  const yError = h('div', { class: 'error', id: 'deriv-y-error', role: 'status' });
  const yRow = h('div', {}, h('div', { class: 'row' }, h('label', { for: 'deriv-y' }, 'at the target y ='), yIn), yError);
  const preset = h('select', { id: 'deriv-preset' });
  const modes = (['act', 'loss'] as const).map((m) => h('input', { type: 'radio', name: 'deriv-mode', id: `deriv-mode-${m}`, value: m }));
  const verdict = h('div', { class: 'deriv-lab-verdict', 'aria-live': 'polite' });
  const stale = h('p', { class: 'muted deriv-lab-stale', hidden: true }, 'The plot shows the last expressions that worked; fix the one marked above to update it.');
  const useIt = h('button', { type: 'button', class: 'primary', id: 'deriv-use' }, 'Use it in the network lab');
  const lossNote = h('p', { class: 'muted deriv-lab-lossnote' }, 'The network lab trains with your loss on a = its sigmoid output, in (0, 1), and y ∈ {0, 1}: check it on that range.');
  const legend = h('div', { class: 'row deriv-lab-legend', 'aria-hidden': 'true' });
  const plotBox = h('div', { class: 'deriv-lab-plotbox' });
  const slider = h('input', { type: 'range', id: 'deriv-at', min: 0, max: 0, step: 1, value: 0 });
  const readout = h('div', { class: 'scroll-x' });

  /** Puts the state's texts into the inputs, and the mode's labels, presets and legend on the page. */
  const fill = (): void => {
    const w = WORDS[state.mode];
    for (const r of modes) r.checked = r.value === state.mode;
    f.label.textContent = w.fLabel;
    f.hint.textContent = w.fHint;
    df.label.textContent = w.dfLabel;
    df.hint.textContent = w.dfHint;
    loLabel.textContent = `${w.x} from`;
    fIn.value = state.f;
    dfIn.value = state.df;
    lo.value = state.lo;
    hi.value = state.hi;
    yIn.value = state.y;
    yRow.hidden = state.mode !== 'loss';
    lossNote.hidden = state.mode !== 'loss';
    replace(preset, ...presetsOf(state.mode).map((p) => h('option', { value: p.id }, `${p.label}${p.right ? '' : ' (wrong)'}`)), h('option', { value: OWN }, 'your own'));
    const key = (cls: string, label: string): HTMLElement => h('span', {}, h('i', { class: `deriv-lab-key ${cls}` }), label);
    replace(legend, key('deriv-lab-key-f', w.legend[0]), key('deriv-lab-key-tape', w.legend[1]), key('deriv-lab-key-mine', w.legend[2]), key('deriv-lab-key-bad', 'yours where it disagrees (and a red mark under the axis)'));
  };
  const readState = (): DerivState => ({ mode: state.mode, f: fIn.value, df: dfIn.value, lo: lo.value, hi: hi.value, y: yIn.value, at: state.at });

  let plot: ReturnType<typeof drawPlot> | null = null;
  const showReadout = (i: number): void => {
    if (good === null) return;
    slider.value = String(i);
    plot?.setCursor(i);
    replace(readout, renderReadout(good, i));
  };
  /** Shows sample i; `record` (a click, a finished slider move, not every hover) also puts it in the address. */
  const pick = (i: number, record: boolean): void => {
    if (good === null) return;
    showReadout(i);
    if (record) {
      state = { ...state, at: String(good.z[i]!) };
      ctx.setParams(paramsFromState(state));
    }
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

  const showErrors = (e: InputErrors): void => {
    const show = (el: HTMLElement, input: readonly HTMLElement[], msg: string | undefined): void => {
      el.textContent = msg ?? '';
      for (const i of input) {
        if (msg === undefined) i.removeAttribute('aria-invalid');
        else i.setAttribute('aria-invalid', 'true');
      }
    };
    show(f.error, [fIn], e.f);
    show(df.error, [dfIn], e.df);
    show(rangeError, [lo, hi], e.range);
    show(yError, [yIn], e.y);
  };

  /** Analyses the state, shows the result (or the errors under the inputs); true when it worked. */
  const update = (): boolean => {
    ctx.setParams(paramsFromState(state));
    preset.value = presetOf(state)?.id ?? OWN;
    const result: Analysis<Curves> = state.mode === 'loss' ? analyseLoss(state) : analyse(state);
    showErrors(result.ok ? {} : result.errors);
    useIt.disabled = !result.ok;
    stale.hidden = result.ok || good === null;
    if (!result.ok) return false;
    const c = result.curves;
    good = c;
    slider.max = String(c.z.length - 1);
    redraw();
    replace(verdict, renderVerdict(c));
    showReadout(readoutIndex(c.z, state.at, c.verdict.ok ? null : c.worst.x));
    return true;
  };

  /** Whether typed text waits for the debounce below (the state does not have it yet). */
  let pending = false;
  const later = (): void => {
    clearTimeout(timer);
    pending = true;
    timer = setTimeout(() => {
      pending = false;
      state = { ...readState(), at: '' };
      update();
    }, 150);
  };
  // A click right after typing must send what is typed, not the state of the last debounce:
  // take the inputs now, and go only if they check out (else their messages are shown).
  useIt.addEventListener('click', () => {
    if (pending) {
      clearTimeout(timer);
      pending = false;
      state = { ...readState(), at: '' };
      if (!update()) return;
    }
    const to = state.mode === 'loss' ? { loss: 'custom', lf: state.f, ldf: state.df } : { act: 'custom', af: state.f, adf: state.df };
    ctx.go('net', new URLSearchParams(to));
  });
  for (const el of [fIn, dfIn, lo, hi, yIn]) el.addEventListener('input', later);
  const load = (next: DerivState): void => {
    clearTimeout(timer);
    pending = false;
    state = next;
    good = null;
    fill();
    update();
  };
  preset.addEventListener('change', () => {
    const p = presetsOf(state.mode).find((q) => q.id === preset.value);
    if (p === undefined) fIn.focus();
    else load(stateOfPreset(state.mode, p));
  });
  for (const r of modes) r.addEventListener('change', () => load(defaultState(r.value === 'loss' ? 'loss' : 'act')));
  slider.addEventListener('input', () => pick(Number(slider.value), false));
  slider.addEventListener('change', () => pick(Number(slider.value), true));

  const modeLabel = (m: Mode, text: string): HTMLElement => h('label', { for: `deriv-mode-${m}` }, modes[m === 'act' ? 0 : 1]!, text);
  root.append(
    h('h2', {}, 'Derivative lab'),
    h('p', { class: 'lead' }, "Write an activation f(z) and your own derivative f'(z) (or a loss and its gradient). The plot compares yours with the tape's; red marks where they disagree, with what the mistake looks like. Start from a preset or type your own."),
    h(
      'div',
      { class: 'grid2' },
      h(
        'div',
        { class: 'panel deriv-lab-inputs' },
        h('fieldset', { class: 'row deriv-lab-modes' }, h('legend', {}, 'Check'), modeLabel('act', 'an activation f(z)'), modeLabel('loss', 'a loss L(a, y)')),
        h('div', { class: 'row' }, h('label', { for: 'deriv-preset' }, 'Start from'), preset),
        f.wrap,
        df.wrap,
        h('div', { class: 'row deriv-lab-range' }, loLabel, lo, h('label', { for: 'deriv-hi' }, 'to'), hi),
        rangeError,
        yRow,
        functionsHint(),
      ),
      h('div', { class: 'panel' }, h('h3', {}, 'Your derivative against the tape'), verdict, stale, h('div', { class: 'row' }, useIt), lossNote),
    ),
    h(
      'div',
      { class: 'panel deriv-lab-plotpanel' },
      legend,
      plotBox,
      h('div', { class: 'deriv-lab-at' }, h('label', { for: 'deriv-at' }, 'Look at a point'), slider),
      readout,
    ),
  );
  fill();
  update();
  return () => {
    clearTimeout(timer);
    cancelAnimationFrame(frame);
    window.removeEventListener('resize', onResize);
  };
}

/** The derivative lab view. */
export const derivLab: View = { id: 'deriv', title: 'Derivative lab', mount };

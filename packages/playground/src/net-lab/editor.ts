/**
 * The setup forms: data, network and training. Every change is read back through the same
 * parser as the address (formatConfig → parseConfig), so the form accepts exactly what a link
 * does; a bad value is shown at its own field (aria-invalid) and that field keeps its last valid
 * value, while edits of the other fields still apply.
 */
import { h, replace } from '../dom.js';
import {
  ACTIVATION_KEYS,
  BATCH,
  DECAY,
  GRADIENT_KEYS,
  LOSS_KEYS,
  LR,
  MAX_HIDDEN_LAYERS,
  OPTIMIZER_KEYS,
  WIDTH,
  decayOnSwitch,
  formatConfig,
  isActivationKey,
  isOptimizerKey,
  parseConfig,
  type HiddenLayer,
  type NetConfig,
} from './config.js';
import { DATASET_NAMES, DATASET_TITLES, NOISE, POINTS } from './datasets.js';

const LOSS_TITLES: ReadonlyMap<string, string> = new Map([
  ['bce', 'binary cross-entropy (logit output)'],
  ['mse', 'mean squared error (sigmoid output)'],
  ['halfSumSquares', '½ sum of squares (sigmoid output)'],
  ['huber', 'Huber (sigmoid output)'],
  ['custom', 'custom…'],
]);
const GRADIENT_TITLES: ReadonlyMap<string, string> = new Map([
  ['tape', 'tape (backpropTape)'],
  ['closed', 'closed form (δ recurrence)'],
  ['fd', 'finite differences (slow)'],
]);

/** The three panels and the hooks the view uses to show problems beside their inputs. */
export interface Editor {
  readonly data: HTMLElement;
  readonly network: HTMLElement;
  readonly training: HTMLElement;
  /** CSV problems (line by line), or none. */
  csvErrors(errors: readonly string[]): void;
  /** A problem with the custom activation (its parse error), or null. */
  customError(message: string | null): void;
  /** The custom loss's problems: one for L, one for dL/da (null where the text is fine). */
  lossErrors(lf: string | null, ldf: string | null): void;
}

let uid = 0;

function select(options: readonly string[], value: string, titles: ReadonlyMap<string, string>, attrs: Record<string, string> = {}): HTMLSelectElement {
  const el = h('select', attrs, ...options.map((o) => h('option', { value: o, selected: o === value }, titles.get(o) ?? o)));
  el.value = value;
  return el;
}

function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'net-lab-field' }, h('span', {}, label), input, hint === undefined ? null : h('span', { class: 'muted' }, hint));
}

function numberInput(value: number, range: { min: number; max: number }, step: string, name: string): HTMLInputElement {
  return h('input', { type: 'number', min: range.min, max: range.max, step, value: String(value), name, class: 'net-lab-num' });
}

/**
 * @param initial the setup to show
 * @param onChange called with each valid new setup (the view rebuilds what it changes)
 */
export function createEditor(initial: NetConfig, onChange: (c: NetConfig) => void): Editor {
  const id = `net-lab-${++uid}`;
  let config = initial;
  let layers: HiddenLayer[] = initial.hidden.map((l) => ({ ...l }));

  // Data.
  const dataSel = select([...DATASET_NAMES, 'csv'], config.data, new Map([...DATASET_TITLES, ['csv', 'Your CSV']]), { name: 'data' });
  const points = numberInput(config.points, POINTS, '1', 'n');
  const noise = h('input', { type: 'range', min: NOISE.min, max: NOISE.max, step: NOISE.step, value: String(config.noise), name: 'noise' });
  const noiseOut = h('output', { class: 'mono' }, String(config.noise));
  const seed = numberInput(config.seed, { min: 0, max: 1e9 }, '1', 'seed');
  const csvText = h('textarea', { class: 'expr net-lab-csv', rows: 5, name: 'csv', id: `${id}-csv`, placeholder: 'x1,x2,label\n0.5,-0.2,1\n-0.7,0.1,0' });
  csvText.value = config.csv;
  const csvFile = h('input', { type: 'file', accept: '.csv,text/csv,text/plain', name: 'csvfile' });
  const csvUse = h('button', { type: 'button' }, 'Use this CSV');
  const csvMsg = h('div', { class: 'error', role: 'alert' });
  const std = h('input', { type: 'checkbox', name: 'std', checked: config.standardise });
  const stdNote = h('p', { class: 'muted net-lab-small' });
  const csvBox = h(
    'div',
    { class: 'net-lab-csvbox' },
    h('label', { for: `${id}-csv`, class: 'net-lab-block' }, 'Paste rows x1,x2,label (label 0 or 1), or pick a file:'),
    csvText,
    h('div', { class: 'row' }, csvUse, h('label', {}, 'File', csvFile)),
    h('label', { class: 'net-lab-block' }, std, ' Standardise inputs (x1 and x2 minus their mean, over their standard deviation)'),
    stdNote,
    csvMsg,
  );
  const generated = h('div', { class: 'row' }, field('Points', points), field('Noise', noise), noiseOut);
  const dataMsg = h('div', { class: 'error', role: 'alert' });
  const data = h('section', { class: 'panel', 'aria-label': 'Data' }, h('h3', {}, 'Data'), h('div', { class: 'row' }, field('Data set', dataSel), field('Seed', seed)), generated, csvBox, dataMsg);

  // Network.
  const layerList = h('div', { class: 'net-lab-layers' });
  const allAct = select(['', ...ACTIVATION_KEYS.filter((k) => k !== 'custom'), 'custom'], '', new Map([['', 'set all…'], ['custom', 'custom f(z)']]), { name: 'allact' });
  const addLayer = h('button', { type: 'button' }, '+ Add layer');
  const af = h('input', { type: 'text', class: 'expr', name: 'af', value: config.af, spellcheck: 'false', autocomplete: 'off' });
  const adf = h('input', { type: 'text', class: 'expr', name: 'adf', value: config.adf, spellcheck: 'false', autocomplete: 'off' });
  const customMsg = h('div', { class: 'error', role: 'alert' });
  const customBox = h(
    'div',
    { class: 'net-lab-custom' },
    h('label', { class: 'net-lab-block' }, 'Custom f(z) =', af),
    h('label', { class: 'net-lab-block' }, 'Your f′(z) = (in z, and a = f(z))', adf),
    h('p', { class: 'muted' }, 'The tape differentiates f itself; the closed form uses your f′. A wrong f′ breaks their agreement.'),
    customMsg,
  );
  const netMsg = h('div', { class: 'error', role: 'alert' });
  const network = h(
    'section',
    { class: 'panel', 'aria-label': 'Network' },
    h('h3', {}, 'Network'),
    h('p', { class: 'muted net-lab-small' }, '2 inputs → hidden layers → 1 output'),
    layerList,
    h('div', { class: 'row' }, addLayer, h('label', {}, 'Activation for all', allAct)),
    customBox,
    netMsg,
  );

  // Training.
  const loss = select(LOSS_KEYS, config.loss, LOSS_TITLES, { name: 'loss' });
  const opt = select(OPTIMIZER_KEYS, config.optimizer, new Map(), { name: 'opt' });
  const lr = numberInput(config.lr, LR, 'any', 'lr');
  const batch = numberInput(config.batch, BATCH, '1', 'batch');
  const wd = numberInput(config.weightDecay, DECAY, 'any', 'wd');
  const gradRadios = GRADIENT_KEYS.map((k) => h('input', { type: 'radio', name: `${id}-grad`, value: k, checked: k === config.gradient }));
  const lf = h('input', { type: 'text', class: 'expr', name: 'lf', value: config.lf, spellcheck: 'false', autocomplete: 'off', id: `${id}-lf` });
  const ldf = h('input', { type: 'text', class: 'expr', name: 'ldf', value: config.ldf, spellcheck: 'false', autocomplete: 'off', id: `${id}-ldf` });
  const lfMsg = h('div', { class: 'error', role: 'alert', id: `${id}-lf-msg` });
  const ldfMsg = h('div', { class: 'error', role: 'alert', id: `${id}-ldf-msg` });
  lf.setAttribute('aria-describedby', lfMsg.id);
  ldf.setAttribute('aria-describedby', ldfMsg.id);
  const lossBox = h(
    'div',
    { class: 'net-lab-customloss' },
    h('p', { class: 'muted' }, 'a is the network’s output after a sigmoid, so a is in (0, 1); y is the point’s label, 0 or 1.'),
    h('label', { class: 'net-lab-block', for: lf.id }, 'Loss L(a, y) ='),
    lf,
    lfMsg,
    h('label', { class: 'net-lab-block', for: ldf.id }, 'Your dL/da (in a and y) ='),
    ldf,
    ldfMsg,
    h('p', { class: 'muted' }, 'The tape differentiates L itself; the closed form uses your dL/da. A wrong dL/da breaks their agreement.'),
  );
  const trainMsg = h('div', { class: 'error', role: 'alert' });
  const training = h(
    'section',
    { class: 'panel', 'aria-label': 'Training' },
    h('h3', {}, 'Training'),
    h('div', { class: 'net-lab-fields' }, field('Loss', loss), field('Optimizer', opt), field('Learning rate', lr), field('Batch size', batch), field('Weight decay', wd)),
    lossBox,
    h('fieldset', { class: 'net-lab-grad' }, h('legend', {}, 'Gradient used for training'), ...gradRadios.map((r, i) => h('label', {}, r, GRADIENT_TITLES.get(GRADIENT_KEYS[i] ?? '') ?? ''))),
    trainMsg,
  );

  let widthInputs: HTMLInputElement[] = [];
  function renderLayers(): void {
    widthInputs = [];
    replace(
      layerList,
      ...layers.map((l, i) => {
        const w = numberInput(l.width, WIDTH, '1', `width${i + 1}`);
        w.setAttribute('aria-label', `Layer ${i + 1} width`);
        widthInputs.push(w);
        const a = select(ACTIVATION_KEYS, l.act, new Map([['custom', 'custom f(z)']]), { 'aria-label': `Layer ${i + 1} activation`, name: `act${i + 1}` });
        const rm = h('button', { type: 'button', 'aria-label': `Remove layer ${i + 1}`, title: 'Remove this layer' }, '−');
        w.addEventListener('change', () => {
          layers[i] = { width: Number(w.value), act: layers[i]?.act ?? l.act };
          emit(netMsg, false);
        });
        a.addEventListener('change', () => {
          const v = a.value;
          if (isActivationKey(v)) layers[i] = { width: layers[i]?.width ?? l.width, act: v };
          emit(netMsg, false);
        });
        rm.addEventListener('click', () => {
          layers.splice(i, 1);
          emit(netMsg);
          // The button is gone with its row: keep the keyboard in the layer list.
          (layerList.querySelector('button') ?? addLayer).focus();
        });
        return h('div', { class: 'row net-lab-layer' }, h('span', { class: 'muted' }, `Layer ${i + 1}`), w, a, rm);
      }),
      layers.length === 0 ? h('p', { class: 'muted' }, 'No hidden layer: a logistic regression, a straight boundary.') : null,
    );
    addLayer.disabled = layers.length >= MAX_HIDDEN_LAYERS;
    customBox.hidden = !layers.some((l) => l.act === 'custom');
  }

  /** The form as the address would hold it. */
  function read(): URLSearchParams {
    const p = formatConfig({ ...config, hidden: layers, af: af.value, adf: adf.value, lf: lf.value, ldf: ldf.value, csv: csvText.value });
    p.set('data', dataSel.value);
    if (dataSel.value === 'csv') {
      p.set('csv', csvText.value);
      p.set('std', std.checked ? '1' : '0');
    } else {
      p.delete('csv');
      p.delete('std');
      p.set('n', points.value);
      p.set('noise', noise.value);
    }
    p.set('seed', seed.value);
    p.set('loss', loss.value);
    if (loss.value === 'custom') {
      p.set('lf', lf.value);
      p.set('ldf', ldf.value);
    }
    p.set('opt', opt.value);
    p.set('lr', lr.value);
    p.set('batch', batch.value);
    p.set('wd', wd.value);
    p.set('grad', gradRadios.find((r) => r.checked)?.value ?? config.gradient);
    return p;
  }

  /** The fields a parameter's message is shown at. */
  const fields: ReadonlyMap<string, HTMLElement> = new Map<string, HTMLElement>([
    ['data', dataSel],
    ['n', points],
    ['noise', noise],
    ['seed', seed],
    ['loss', loss],
    ['opt', opt],
    ['lr', lr],
    ['batch', batch],
    ['wd', wd],
  ]);
  const shownErrors: HTMLElement[] = [];
  const invalid: HTMLElement[] = [];

  function clearFieldErrors(): void {
    for (const m of [dataMsg, netMsg, trainMsg]) m.textContent = '';
    for (const e of shownErrors.splice(0)) e.remove();
    for (const el of invalid.splice(0)) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
  }

  function markInvalid(el: HTMLElement, describedBy?: string): void {
    el.setAttribute('aria-invalid', 'true');
    if (describedBy !== undefined) el.setAttribute('aria-describedby', describedBy);
    invalid.push(el);
  }

  /** Shows a parameter's message at its field (widths and activations: under the layer list; otherwise `fallback`). */
  function showFieldError(key: string, message: string, fallback: HTMLElement): void {
    const el = fields.get(key);
    if (el !== undefined) {
      const msg = h('div', { class: 'error net-lab-fielderr', role: 'alert', id: `${id}-err-${key}` }, message);
      (el.closest('label') ?? el).after(msg);
      shownErrors.push(msg);
      markInvalid(el, msg.id);
      return;
    }
    const panel = key === 'layers' || key === 'act' ? netMsg : fallback;
    panel.textContent = panel.textContent === '' ? message : `${panel.textContent}\n${message}`;
    if (key === 'layers') for (const w of widthInputs) if (!(Number.isInteger(Number(w.value)) && w.value.trim() !== '' && Number(w.value) >= WIDTH.min && Number(w.value) <= WIDTH.max)) markInvalid(w);
  }

  /**
   * Applies the form: each refused value is shown at its field and replaced, for this setup, by
   * the running setup's value; the rest applies. `rerender` rebuilds the layer rows (after adding
   * or removing one; not while one is being edited, which would drop its focus).
   */
  function emit(msgEl: HTMLElement, rerender = true): void {
    clearFieldErrors();
    const p = read();
    const running = formatConfig(config);
    const bad = new Set<string>();
    for (const m of parseConfig(p).messages) {
      const key = m.slice(0, Math.max(0, m.indexOf(':')));
      bad.add(key);
      showFieldError(key, m, msgEl);
    }
    for (const key of bad) {
      const v = running.get(key);
      if (v === null) p.delete(key);
      else p.set(key, v);
    }
    const { config: next } = parseConfig(p);
    if (rerender) renderLayers();
    customBox.hidden = !layers.some((l) => l.act === 'custom');
    const changed = formatConfig(next).toString() !== running.toString();
    config = next;
    // A refused width keeps its text (and its message on the next edit) until it is fixed.
    if (!bad.has('layers') && !bad.has('act')) layers = next.hidden.map((l) => ({ ...l }));
    showData();
    if (changed) onChange(config);
  }

  function showData(): void {
    const csv = dataSel.value === 'csv';
    csvBox.hidden = !csv;
    generated.hidden = csv;
    stdNote.textContent = std.checked ? 'The network sees z-scores: each input has mean 0 and standard deviation 1.' : 'Inputs are used as given: values far from [-1, 1] saturate tanh and sigmoid.';
    lossBox.hidden = loss.value !== 'custom';
    noiseOut.textContent = noise.value;
  }

  for (const el of [dataSel, points, noise, seed]) el.addEventListener('change', () => emit(dataMsg));
  noise.addEventListener('input', () => (noiseOut.textContent = noise.value));
  csvUse.addEventListener('click', () => emit(csvMsg));
  std.addEventListener('change', () => emit(csvMsg));
  csvFile.addEventListener('change', () => {
    const file = csvFile.files?.[0];
    if (file === undefined) return;
    file.text().then(
      (text) => {
        csvText.value = text;
        dataSel.value = 'csv';
        emit(csvMsg);
      },
      (err: unknown) => (csvMsg.textContent = `Could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
  addLayer.addEventListener('click', () => {
    layers.push({ width: layers[layers.length - 1]?.width ?? 4, act: layers[layers.length - 1]?.act ?? 'tanh' });
    emit(netMsg);
  });
  allAct.addEventListener('change', () => {
    const v = allAct.value;
    if (!isActivationKey(v)) return;
    layers = layers.map((l) => ({ ...l, act: v }));
    allAct.value = '';
    emit(netMsg);
  });
  for (const el of [af, adf]) el.addEventListener('change', () => emit(customMsg));
  for (const el of [lf, ldf]) el.addEventListener('change', () => emit(trainMsg));
  opt.addEventListener('change', () => {
    const o = opt.value;
    const w = Number(wd.value);
    if (isOptimizerKey(o) && wd.value.trim() !== '' && Number.isFinite(w)) wd.value = String(decayOnSwitch(o, w));
  });
  for (const el of [loss, opt, lr, batch, wd, ...gradRadios]) el.addEventListener('change', () => emit(trainMsg));

  renderLayers();
  showData();
  return {
    data,
    network,
    training,
    csvErrors(errors) {
      csvMsg.textContent = errors.join('\n');
    },
    customError(message) {
      customMsg.textContent = message ?? '';
    },
    lossErrors(lfError, ldfError) {
      lfMsg.textContent = lfError ?? '';
      ldfMsg.textContent = ldfError ?? '';
      lf.setAttribute('aria-invalid', String(lfError !== null));
      ldf.setAttribute('aria-invalid', String(ldfError !== null));
    },
  };
}

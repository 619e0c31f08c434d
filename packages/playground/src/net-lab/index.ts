/**
 * View 2, the Network lab: train a small network on 2-D data and watch the decision boundary,
 * the loss, the weights and their gradients; switch the gradient between the tape, the closed
 * form and finite differences with their agreement shown live; inspect a neuron's z, a and δ.
 */
import './net-lab.css';
import { fmtNumber } from '@tapegrad/core';
import { h, replace } from '../dom.js';
import { type View } from '../view.js';
import { dataFor, hiddenFor, lossFor, sameModel } from './build.js';
import { formatConfig, parseConfig, type NetConfig } from './config.js';
import { extentOf } from './datasets.js';
import { createDiagram, type Diagram } from './diagram.js';
import { createEditor } from './editor.js';
import { createHeatmap, type Heatmap } from './heatmap.js';
import { type NeuronRef } from './inspect.js';
import { createInspector } from './inspector.js';
import { createLossPlot } from './loss-plot.js';
import { StepRate, runSlice } from './runner.js';
import { FD_OK, TC_OK } from './thresholds.js';
import { AGREE_EVERY, FD_BATCH, FD_EVERY, FD_MAX_PARAMS, FD_TRAIN_BATCH, Trainer } from './trainer.js';

const INSPECT_EVERY_MS = 250;
/** Steps/s is measured over this much wall time (drawing included). */
const RATE_WINDOW_MS = 2000;
/** While training, the heatmap, loss curve, diagram and numbers are redrawn at most this often. */
const DRAW_EVERY_MS = 80;

function parseNeuron(v: string | null): NeuronRef | null {
  const m = v === null ? null : /^(\d+)\.(\d+)$/.exec(v);
  return m === null ? null : { layer: Number(m[1]), unit: Number(m[2]) };
}

function stat(label: string, cls: string): { el: HTMLElement; value: HTMLElement } {
  const value = h('span', { class: `mono ${cls}`, 'data-value': 'NaN' }, '–');
  return { el: h('div', { class: 'net-lab-stat' }, h('span', { class: 'muted' }, label), value), value };
}

/** A max relative difference in brief: `0 (identical)`, `3.2e-16`, or – before the first check. */
function agreementText(v: number): string {
  if (v === 0) return '0 (identical)';
  return Number.isNaN(v) ? '–' : v.toExponential(1);
}

function setStat(el: HTMLElement, v: number, text = Number.isFinite(v) ? fmtNumber(v) : '–'): void {
  el.dataset['value'] = String(v);
  el.textContent = text;
}

export const netLab: View = {
  id: 'net',
  title: 'Network lab',
  mount(root, ctx) {
    const parsed = parseConfig(ctx.params);
    let config: NetConfig = parsed.config;
    let neuron = parseNeuron(ctx.params.get('neuron'));
    const sample0 = Number(ctx.params.get('sample') ?? 0);
    let running = false;
    // Slices are chained through a message channel: a zero-delay yield to the browser's event
    // loop (input and painting run in between) that, unlike timers and animation frames, is not
    // throttled when the browser decides the page is in the background (headless Chromium does).
    const channel = new MessageChannel();
    let queued = false;
    const yieldThen = (): void => {
      if (queued) return;
      queued = true;
      channel.port2.postMessage(null);
    };
    channel.port1.onmessage = () => {
      queued = false;
      tick();
    };
    let lastInspect = 0;
    let lastDraw = 0;
    const rate = new StepRate(RATE_WINDOW_MS);

    const play = h('button', { type: 'button', class: 'primary net-lab-play', 'aria-pressed': 'false' }, 'Play');
    const stepBtn = h('button', { type: 'button', class: 'net-lab-stepbtn' }, 'One step');
    const reset = h('button', { type: 'button', class: 'net-lab-reset' }, 'Reset');
    const runMsg = h('div', { class: 'error', role: 'alert' });
    const sStep = stat('Step', 'net-lab-steps');
    const sLoss = stat('Loss', 'net-lab-lossval');
    const sAcc = stat('Accuracy', 'net-lab-acc');
    const sRate = stat('Steps/s', 'net-lab-rate');
    const sTc = stat('tape vs closed form', 'net-lab-agree-tc');
    const sFd = stat('finite diff. vs tape', 'net-lab-agree-fd');
    const agreeNote = h('p', { class: 'muted net-lab-small' });
    const vizBox = h('div', { class: 'net-lab-viz' });
    const diagramBox = h('div', {});
    const inspector = createInspector(Number.isInteger(sample0) && sample0 >= 0 ? sample0 : 0, () => {
      record();
    });
    const editor = createEditor(config, (next) => {
      const keep = trainer !== null && sameModel(config, next);
      const running = config;
      config = next;
      // The address records the setup that runs: written only once its Trainer is built.
      if (rebuild(keep)) record();
      else config = running;
    });

    let trainer: Trainer | null = null;
    let heatmap: Heatmap | null = null;
    let diagram: Diagram | null = null;
    const lossPlot = createLossPlot();

    function record(): void {
      const p = formatConfig(config);
      if (neuron !== null) p.set('neuron', `${neuron.layer}.${neuron.unit}`);
      if (inspector.sample() !== 0) p.set('sample', String(inspector.sample()));
      ctx.setParams(p);
    }

    function selectNeuron(ref: NeuronRef): void {
      neuron = ref;
      diagram?.select(ref);
      record();
      drawInspector();
    }

    /** Builds the setup's run; false (the last working run kept, the reason shown) when its Trainer cannot be built. */
    function rebuild(keep: boolean): boolean {
      const { data, csvErrors } = dataFor(config);
      editor.csvErrors(csvErrors);
      const { hidden, customError } = hiddenFor(config);
      editor.customError(customError);
      const { customLoss, lfError, ldfError } = lossFor(config);
      editor.lossErrors(lfError, ldfError);
      const prev = trainer;
      let next: Trainer;
      let problem = '';
      try {
        next = new Trainer({ ...config, data, hidden, ...(customLoss === undefined ? {} : { customLoss }) });
        if (keep && prev !== null) next.continueFrom(prev);
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
        pause();
        // Keep the last working run; on first load, show the setup trained by the tape instead.
        if (prev !== null || config.gradient === 'tape') {
          runMsg.textContent = prev === null ? problem : `${problem}. The previous setup keeps running, and the address keeps it.`;
          return false;
        }
        try {
          next = new Trainer({ ...config, data, hidden, gradient: 'tape', ...(customLoss === undefined ? {} : { customLoss }) });
        } catch {
          runMsg.textContent = problem;
          return false;
        }
        problem += '. Showing the tape’s gradient meanwhile.';
      }
      runMsg.textContent = problem;
      trainer = next;
      const sizes = next.model.layers.map((l) => l.outputSize);
      if (neuron !== null && (neuron.layer < 1 || neuron.layer > sizes.length || neuron.unit >= (sizes[neuron.layer - 1] ?? 0))) neuron = null;
      heatmap = createHeatmap(data, extentOf(data));
      replace(vizBox, h('figure', {}, heatmap.el, h('figcaption', { class: 'muted' }, 'Decision boundary: blue = class 1, orange = class 0')), h('figure', {}, lossPlot.el));
      diagram = createDiagram([2, ...sizes], next.model.layers.map((l) => l.activation.name), selectNeuron);
      diagram.select(neuron);
      replace(diagramBox, diagram.el);
      rate.reset();
      draw();
      drawInspector();
      return true;
    }

    function drawInspector(): void {
      if (trainer === null) return;
      try {
        inspector.show(trainer.model, trainer.loss, trainer.output === 'identity', trainer.data, neuron);
      } catch (err) {
        runMsg.textContent = err instanceof Error ? err.message : String(err);
      }
    }

    function draw(): void {
      const t = trainer;
      if (t === null) return;
      heatmap?.draw(t);
      const loss = t.record();
      lossPlot.draw(t.history);
      diagram?.update(t.model, t.lastGrads);
      setStat(sStep.value, t.steps, String(t.steps));
      setStat(sLoss.value, loss);
      const acc = t.accuracy();
      setStat(sAcc.value, acc, `${(100 * acc).toFixed(1)}%`);
      const r = rate.rate();
      setStat(sRate.value, r, Number.isFinite(r) ? r.toFixed(0) : '–');
      const { tapeVsClosed: tc, fdVsTape: fd, fdStep, checkStep } = t.agreement;
      setStat(sTc.value, tc, agreementText(tc));
      sTc.value.classList.toggle('bad', tc >= TC_OK);
      sTc.value.classList.toggle('ok', tc < TC_OK);
      setStat(sFd.value, fd, agreementText(fd));
      sFd.value.classList.toggle('bad', fd >= FD_OK);
      sFd.value.classList.toggle('ok', fd < FD_OK);
      const fdNote = t.params > FD_MAX_PARAMS ? ` — skipped: ${t.params} parameters, over ${FD_MAX_PARAMS}` : t.gradient === 'fd' ? `, on the step's batch (finite differences train on at most ${FD_TRAIN_BATCH} samples a step: 2 forward passes per parameter)` : ` on ≤ ${FD_BATCH} samples`;
      agreeNote.textContent =
        t.steps === 0
          ? `Agreement: the max relative difference between two methods’ gradients, checked every ${AGREE_EVERY} steps (tape vs closed form) and every ${FD_EVERY} (finite differences vs tape).`
          : `Max relative difference between the gradients: tape vs closed form every ${AGREE_EVERY} steps on the step's batch (last at step ${checkStep}); finite differences vs tape every ${t.gradient === 'fd' ? AGREE_EVERY : FD_EVERY} steps${fdNote} (last at step ${fdStep}).`;
    }

    /** One step; false (and paused, with the reason shown) when it failed or the loss stopped being finite. */
    function safeStep(): boolean {
      const t = trainer;
      if (t === null) return false;
      try {
        const c = t.step();
        if (!Number.isFinite(c) || !t.model.layers.every((l) => l.W.every(Number.isFinite))) {
          runMsg.textContent = `The loss became ${c}: the training diverged. Lower the learning rate and press Reset.`;
          pause();
          return false;
        }
        return true;
      } catch (err) {
        runMsg.textContent = err instanceof Error ? err.message : String(err);
        pause();
        return false;
      }
    }

    function tick(): void {
      if (!running) return;
      let ok = true;
      const n = runSlice(() => {
        if (ok) ok = safeStep();
      }, () => performance.now());
      const now = performance.now();
      rate.add(n, now);
      if (now - lastDraw >= DRAW_EVERY_MS || !running) {
        lastDraw = now;
        draw();
      }
      if (now - lastInspect > INSPECT_EVERY_MS) {
        lastInspect = now;
        drawInspector();
      }
      if (running) yieldThen();
    }

    function pause(): void {
      running = false;
      play.textContent = 'Play';
      play.setAttribute('aria-pressed', 'false');
      stepBtn.disabled = false;
    }

    play.addEventListener('click', () => {
      if (running) {
        pause();
        draw();
        drawInspector();
        return;
      }
      running = true;
      runMsg.textContent = '';
      play.textContent = 'Pause';
      play.setAttribute('aria-pressed', 'true');
      stepBtn.disabled = true;
      rate.reset();
      rate.add(0, performance.now());
      yieldThen();
    });
    stepBtn.addEventListener('click', () => {
      if (safeStep()) {
        draw();
        drawInspector();
      }
    });
    reset.addEventListener('click', () => {
      pause();
      rebuild(false);
    });

    root.append(
      h('h2', {}, 'Network lab'),
      h(
        'p',
        { class: 'lead' },
        'Press Play to train a small network on 2-D points and watch its decision boundary form. Click a neuron in the diagram to see its z, a and δ; switch the gradient between tape, closed form and finite differences and watch them agree.',
      ),
      h('p', { class: 'error', role: 'alert' }, parsed.messages.length > 0 ? `Some values in the address were not used:\n${parsed.messages.join('\n')}` : ''),
      h(
        'div',
        { class: 'panel net-lab-bar' },
        h('div', { class: 'row' }, play, stepBtn, reset),
        h('div', { class: 'net-lab-stats' }, sStep.el, sLoss.el, sAcc.el, sRate.el, sTc.el, sFd.el),
        agreeNote,
        runMsg,
      ),
      h(
        'div',
        { class: 'net-lab-main' },
        h('div', { class: 'net-lab-col' }, editor.data, editor.network, editor.training),
        h('div', { class: 'net-lab-col' }, h('section', { class: 'panel', 'aria-label': 'Decision boundary and loss' }, vizBox)),
        h('div', { class: 'net-lab-col' }, h('section', { class: 'panel', 'aria-label': 'Network diagram' }, h('h3', {}, 'Network'), diagramBox), inspector.el),
      ),
    );
    rebuild(false);
    return () => {
      pause();
      channel.port1.close();
    };
  },
};

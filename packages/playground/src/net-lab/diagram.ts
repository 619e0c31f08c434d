/**
 * The network diagram (SVG): a column of neurons per layer and a line per weight, coloured by
 * the weight's sign (blue +, orange −) with width and opacity by its magnitude. Hovering or
 * clicking a weight shows its value and ∂C/∂w (the gradient the last step used) in a readout;
 * by keyboard the weights are one tab stop (a roving tabindex: arrow keys move between them,
 * focus or Enter/Space shows one). Neurons are buttons (click, or focus and Enter/Space) that
 * open the inspector.
 */
import { fmtNumber } from '@tapegrad/core';
import { type LayerGrads, type MLP } from '@tapegrad/nn';
import { h, replace, s } from '../dom.js';
import { type NeuronRef } from './inspect.js';

const W = 420;
const PAD_X = 34;

/** The diagram: `update` recolours the weights from the model (cheap: attributes only). */
export interface Diagram {
  readonly el: HTMLElement;
  update(model: MLP, grads: readonly LayerGrads[] | null): void;
  /** Marks the inspected neuron (or none). */
  select(ref: NeuronRef | null): void;
}

interface Edge {
  readonly line: SVGLineElement;
  readonly layer: number;
  readonly to: number;
  readonly from: number;
}

/** A weight's name as the page writes it: W2[3,1] is layer 2's weight from unit 1 below to unit 3 (counted from 1). */
export function weightName(layer: number, to: number, from: number): string {
  return `W${layer}[${to + 1},${from + 1}]`;
}

/**
 * @param sizes layer widths `[2, ...hidden, 1]` @param actNames each layer's activation name (layer 1 first)
 * @param onSelect called with the neuron a click or Enter/Space chose
 */
export function createDiagram(sizes: readonly number[], actNames: readonly string[], onSelect: (ref: NeuronRef) => void): Diagram {
  const maxN = Math.max(...sizes);
  const gap = Math.min(34, Math.max(14, 300 / maxN));
  const H = Math.max(140, gap * maxN + 40);
  const r = Math.min(11, gap * 0.36);
  const colX = (l: number): number => PAD_X + (l * (W - 2 * PAD_X)) / Math.max(1, sizes.length - 1);
  const rowY = (l: number, j: number): number => H / 2 + (j - ((sizes[l] ?? 1) - 1) / 2) * gap;
  const readout = h('p', { class: 'net-lab-readout mono', 'aria-live': 'polite' }, 'Hover or click a weight (or Tab to the weights and use the arrow keys) to see its value and ∂C/∂w.');
  const edges: Edge[] = [];
  const edgeGroup = s('g', {});
  const nodeGroup = s('g', {});
  const nodes = new Map<string, SVGGElement>();
  let model: MLP | null = null;
  let grads: readonly LayerGrads[] | null = null;
  let shown: Edge | null = null;

  const showEdge = (e: Edge): void => {
    shown = e;
    if (model === null) return;
    const layer = model.layers[e.layer - 1];
    if (layer === undefined) return;
    const k = e.to * layer.inputSize + e.from;
    const w = layer.W[k] ?? NaN;
    const g = grads?.[e.layer - 1]?.W.data[k];
    replace(
      readout,
      `${weightName(e.layer, e.to, e.from)} = `,
      h('span', { class: 'net-lab-w', 'data-value': String(w) }, fmtNumber(w)),
      '   ∂C/∂w = ',
      g === undefined ? h('span', { class: 'muted' }, '(take a step)') : h('span', { class: 'net-lab-dw', 'data-value': String(g) }, fmtNumber(g)),
    );
  };

  for (let l = 1; l < sizes.length; l++) {
    for (let to = 0; to < sizes[l]!; to++) {
      for (let from = 0; from < sizes[l - 1]!; from++) {
        const name = weightName(l, to, from);
        const line = s('line', { x1: colX(l - 1), y1: rowY(l - 1, from), x2: colX(l), y2: rowY(l, to), class: 'net-lab-edge', role: 'button', 'aria-label': `${name}: show its value and ∂C/∂w`, tabindex: edges.length === 0 ? 0 : -1, 'data-name': name });
        const e: Edge = { layer: l, to, from, line };
        const index = edges.length;
        const pick = (): void => showEdge(e);
        line.addEventListener('mouseenter', pick);
        line.addEventListener('click', pick);
        line.addEventListener('focus', pick);
        line.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            pick();
            return;
          }
          const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : ev.key === 'Home' ? -index : ev.key === 'End' ? edges.length - 1 - index : 0;
          const next = edges[index + step];
          if (step === 0 || next === undefined) return;
          ev.preventDefault();
          line.setAttribute('tabindex', '-1');
          next.line.setAttribute('tabindex', '0');
          next.line.focus();
        });
        edges.push(e);
        edgeGroup.append(e.line);
      }
    }
  }
  sizes.forEach((n, l) => {
    for (let j = 0; j < n; j++) {
      const x = colX(l);
      const y = rowY(l, j);
      if (l === 0) {
        nodeGroup.append(s('g', { class: 'net-lab-node net-lab-input' }, s('circle', { cx: x, cy: y, r }), s('text', { x: x - r - 4, y: y + 4, 'text-anchor': 'end' }, `x${j + 1}`)));
        continue;
      }
      const ref: NeuronRef = { layer: l, unit: j };
      const out = l === sizes.length - 1;
      const label = out ? `output neuron (${actNames[l - 1] ?? ''}): inspect z, a and δ` : `layer ${l} neuron ${j + 1} (${actNames[l - 1] ?? ''}): inspect z, a and δ`;
      const g = s(
        'g',
        { class: 'net-lab-node', tabindex: 0, role: 'button', 'aria-label': label, 'data-layer': l, 'data-unit': j },
        s('circle', { cx: x, cy: y, r }),
        out ? s('text', { x: x + r + 4, y: y + 4 }, 'out') : null,
      );
      g.addEventListener('click', () => onSelect(ref));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          onSelect(ref);
        }
      });
      nodes.set(`${l}.${j}`, g);
      nodeGroup.append(g);
    }
  });
  const svg = s('svg', { class: 'net-lab-diagram', viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': 'Network diagram' }, edgeGroup, nodeGroup);
  return {
    el: h('div', {}, svg, readout),
    update(m, gs) {
      model = m;
      grads = gs;
      let big = 1e-12;
      for (const layer of m.layers) for (const w of layer.W) big = Math.max(big, Math.abs(w));
      for (const e of edges) {
        const layer = m.layers[e.layer - 1];
        const w = layer?.W[e.to * layer.inputSize + e.from] ?? 0;
        const t = Math.min(1, Math.abs(w) / big);
        e.line.setAttribute('stroke', w >= 0 ? 'var(--pos)' : 'var(--neg)');
        e.line.setAttribute('stroke-width', (0.6 + 4 * t).toFixed(2));
        e.line.setAttribute('stroke-opacity', (0.2 + 0.8 * t).toFixed(2));
      }
      if (shown !== null) showEdge(shown);
    },
    select(ref) {
      for (const [key, g] of nodes) g.classList.toggle('net-lab-selected', ref !== null && key === `${ref.layer}.${ref.unit}`);
    },
  };
}

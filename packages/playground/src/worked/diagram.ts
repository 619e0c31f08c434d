/**
 * The 2-3-2 network drawn as an SVG: input values, each neuron's activation a and error term
 * δ (both clickable to their formula), the weights as edges (highlighted, with their values,
 * when the selected number uses them), the targets and the cost.
 */
import { s } from '../dom.js';
import { type WorkedNumbers } from './model.js';
import { type Quantity } from './quantities.js';
import { show, sub, sup } from './notation.js';

const COL_X = [70, 270, 470];
const ROW_GAP = 100;
const MID_Y = 160;
const R = 31;
const WIDTH = 640;
const HEIGHT = 330;

const nodeY = (i: number, n: number): number => MID_Y + (i - (n - 1) / 2) * ROW_GAP;

/** Makes an SVG group act as a button: focusable, labelled, Enter and Space select. */
function clickable(q: Quantity, select: (id: string) => void, cls: string, ...children: SVGElement[]): SVGGElement {
  const activate = (): void => select(q.id);
  return s(
    'g',
    {
      class: `worked-num ${cls}`,
      tabindex: 0,
      role: 'button',
      'aria-label': `${q.name} = ${show(q.value)}: show its formula`,
      'data-id': q.id,
      'data-quantity': q.name,
      'data-value': String(q.value),
      onclick: activate,
      onkeydown: (e: Event) => {
        if (e instanceof KeyboardEvent && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          activate();
        }
      },
    },
    ...children,
  );
}

/**
 * The network diagram.
 * @param n the computed numbers (sizes, x, y)
 * @param byId the computed quantities by id (a, δ and the cost are drawn from them)
 * @param select called with a quantity's id when its node or pill is activated
 */
export function networkDiagram(n: WorkedNumbers, byId: ReadonlyMap<string, Quantity>, select: (id: string) => void): SVGSVGElement {
  const sizes = n.sizes;
  const L = sizes.length - 1;
  const edges: SVGElement[] = [];
  const labels: SVGElement[] = [];
  const nodes: SVGElement[] = [];
  for (let l = 1; l <= L; l++) {
    const nIn = sizes[l - 1] ?? 0;
    const nOut = sizes[l] ?? 0;
    for (let j = 0; j < nOut; j++) {
      for (let k = 0; k < nIn; k++) {
        const w = n.W[l]?.[j * nIn + k] ?? NaN;
        const x1 = (COL_X[l - 1] ?? 0) + R;
        const y1 = nodeY(k, nIn);
        const x2 = (COL_X[l] ?? 0) - R;
        const y2 = nodeY(j, nOut);
        edges.push(s('line', { class: 'worked-edge', 'data-id': `w${l}_${j}${k}`, x1, y1, x2, y2 }, s('title', {}, `w${sub(j, k)}${sup(l)} = ${w}`)));
        // The weight's value, shown (by CSS) only while the selected number uses it: near the
        // neuron it feeds, where the edges into one neuron are spread apart.
        labels.push(s('text', { class: 'worked-edge-label', 'data-id': `w${l}_${j}${k}`, x: x1 + 0.68 * (x2 - x1), y: y1 + 0.68 * (y2 - y1) - 4 }, `w${sub(j, k)}${sup(l)} ${show(w)}`));
      }
    }
  }
  for (let l = 0; l <= L; l++) {
    const x = COL_X[l] ?? 0;
    const width = sizes[l] ?? 0;
    for (let j = 0; j < width; j++) {
      const y = nodeY(j, width);
      const label = (name: string, value: number): SVGElement[] => [
        s('circle', { cx: x, cy: y, r: R }),
        s('text', { x, y: y - 7, class: 'worked-node-name' }, name),
        s('text', { x, y: y + 11, class: 'worked-node-value' }, show(value)),
      ];
      if (l === 0) {
        nodes.push(s('g', { class: 'worked-given worked-node', 'data-id': `a0_${j}`, 'data-value': String(n.x[j] ?? NaN) }, ...label(`x${sub(j)}`, n.x[j] ?? NaN)));
        continue;
      }
      const a = byId.get(`a${l}_${j}`);
      const d = byId.get(`d${l}_${j}`);
      if (a !== undefined) nodes.push(clickable(a, select, 'worked-node', ...label(a.name, a.value)));
      if (d !== undefined) {
        nodes.push(
          clickable(
            d,
            select,
            'worked-pill',
            s('rect', { x: x - 52, y: y + R + 5, width: 104, height: 22, rx: 11 }),
            s('text', { x, y: y + R + 20 }, `δ${sub(j)}${sup(l)} ${show(d.value)}`),
          ),
        );
      }
    }
  }
  const lastX = COL_X[L] ?? 0;
  const nOut = sizes[L] ?? 0;
  const extras: SVGElement[] = [];
  for (let j = 0; j < nOut; j++) {
    const y = nodeY(j, nOut);
    extras.push(s('line', { class: 'worked-edge worked-cost-edge', x1: lastX + R, y1: y, x2: 575 - 34, y2: MID_Y }));
    extras.push(s('text', { class: 'worked-target', 'data-id': `y_${j}`, 'data-value': String(n.y[j] ?? NaN), x: lastX + R + 8, y: y + (j === 0 ? -12 : 22) }, `y${sub(j)} = ${show(n.y[j] ?? NaN)}`));
  }
  const cost = byId.get('C0');
  if (cost !== undefined) {
    extras.push(
      clickable(cost, select, 'worked-node worked-cost', s('rect', { x: 575 - 34, y: MID_Y - 26, width: 80, height: 52, rx: 8 }), s('text', { x: 575 + 6, y: MID_Y - 6, class: 'worked-node-name' }, 'C₀'), s('text', { x: 575 + 6, y: MID_Y + 13, class: 'worked-node-value' }, show(cost.value))),
    );
  }
  const headings = ['input a⁽⁰⁾', 'hidden a⁽¹⁾', 'output a⁽²⁾'].map((t, i) => s('text', { class: 'worked-col', x: COL_X[i] ?? 0, y: 14 }, t));
  return s(
    'svg',
    { class: 'worked-diagram', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': 'The 2-3-2 network: each neuron shows its activation a and, below it, its error term δ' },
    ...headings,
    ...edges,
    ...extras,
    ...nodes,
    ...labels,
  );
}

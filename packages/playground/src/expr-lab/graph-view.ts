/**
 * The tape drawn as SVG at one replay position: a box per value with its name, its value
 * once computed and ∂out/∂value once known (the running total, marked "1 of 2" until every
 * contribution has arrived), the step just taken highlighted, and the arrows it reads
 * (forward) or passes its g back along (backward) drawn bold.
 */
import { fmtValue } from '@tapegrad/core';
import { s } from '../dom.js';
import { type Layout } from './layout.js';
import { exactText, type LabNode, type LabTrace } from './model.js';
import { type Frame } from './replay.js';

/** The smallest scale a graph is shrunk to to fit its panel (12 px text stays at least 9 px). */
const MIN_SCALE = 0.75;

/**
 * Builds the graph's SVG.
 * @param trace the traced expression @param layout its layout @param frame what the cursor position shows
 * @param available the width it has, in CSS pixels (0: unknown)
 * @param onPick called with a value's entry when its box is clicked or Enter/Space is pressed on it
 */
export function graphSvg(trace: LabTrace, layout: Layout, frame: Frame, available: number, onPick: (entry: number) => void): SVGSVGElement {
  // A graph a little too wide (a phone) is scaled to fit; a much wider one keeps its size and scrolls.
  const scale = available > 0 && layout.width > available && available / layout.width >= MIN_SCALE ? available / layout.width : 1;
  const svg = s('svg', {
    class: 'exprlab-svg',
    width: Math.floor(layout.width * scale),
    height: Math.ceil(layout.height * scale),
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    // A group, not an img: an img's children are hidden from screen readers, and the boxes are buttons.
    role: 'group',
    'aria-label': `The tape of ${trace.source}: ${trace.record.entries.length} values, the output last`,
  });
  svg.append(
    s('defs', {},
      s('marker', { id: 'exprlab-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 9, markerHeight: 9, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'exprlab-arrowhead' })),
      s('marker', { id: 'exprlab-arrow-on', viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 12, markerHeight: 12, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'exprlab-arrowhead-on' })),
    ),
  );
  const backward = frame.backward !== null;
  for (const { edge, points } of layout.paths) {
    if (points.length === 0) continue;
    const on = frame.current !== null && edge.toEntry === frame.current;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    // Backward, the gradient flows against the arrow: the bold arrow points back at the input.
    const ends = on && backward ? { 'marker-start': 'url(#exprlab-arrow-on)' } : { 'marker-end': `url(#exprlab-arrow${on ? '-on' : ''})` };
    svg.append(s('path', { d, class: `exprlab-edge${on ? ' exprlab-edge-on' : ''}${on && backward ? ' exprlab-edge-back' : ''}`, 'data-from': edge.from, 'data-to': edge.to, ...ends }));
  }
  for (const node of trace.nodes) {
    const box = layout.boxes.get(node.id);
    if (box !== undefined) svg.append(nodeGroup(node, box, frame, onPick));
  }
  return svg;
}

function nodeGroup(node: LabNode, box: { x: number; y: number; width: number; height: number }, frame: Frame, onPick: (entry: number) => void): SVGGElement {
  const left = box.x - box.width / 2;
  const top = box.y - box.height / 2;
  const entry = node.entry;
  const isCurrent = entry !== null && entry === frame.current;
  const classes = ['exprlab-node', `exprlab-${node.kind}`];
  if (node.isOutput) classes.push('exprlab-output');
  if (isCurrent) classes.push(frame.backward !== null ? 'exprlab-current-back' : 'exprlab-current');
  const backward = frame.phase === 'backward' || frame.phase === 'done';
  const pick = entry === null
    ? {}
    : {
        'data-entry': entry,
        tabindex: 0,
        role: 'button',
        'aria-label': `${node.label}${node.kind === 'op' ? ` = ${node.title}(…)` : ''}: ${backward ? 'go to the step where its gradient is complete' : 'go to the step that computes it'}`,
        onclick: () => onPick(entry),
        onkeydown: (ev: Event) => {
          if (!(ev instanceof KeyboardEvent) || (ev.key !== 'Enter' && ev.key !== ' ')) return;
          ev.preventDefault();
          onPick(entry);
        },
      };
  const g = s('g', { class: classes.join(' '), 'data-node': node.id, ...pick });
  g.append(s('rect', { x: left, y: top, width: box.width, height: box.height, rx: node.kind === 'constant' ? 14 : 8 }));
  if (node.kind === 'constant') {
    g.append(s('text', { x: box.x, y: box.y + 4, 'text-anchor': 'middle', class: 'exprlab-const-text', 'data-value': exactText(node.value) }, short(node.title, 8)));
    return g;
  }
  const tag = node.kind === 'op' ? `${node.label}${node.isOutput ? ' · out' : ''}` : node.isOutput ? 'out' : 'variable';
  g.append(
    s('text', { x: left + 8, y: top + 17, class: 'exprlab-title' }, short(node.title, 12)),
    s('text', { x: left + box.width - 8, y: top + 17, 'text-anchor': 'end', class: 'exprlab-tag' }, tag),
  );
  const known = entry !== null && frame.known.has(entry);
  g.append(
    known
      ? s('text', { x: left + 8, y: top + 36, class: 'exprlab-value', 'data-value': exactText(node.value) }, `= ${fmtValue(node.value)}`)
      : s('text', { x: left + 8, y: top + 36, class: 'exprlab-value exprlab-unknown' }, '= ?'),
  );
  const grad = entry === null ? undefined : frame.grads.get(entry);
  if (grad !== undefined) {
    g.append(
      s('text', { x: left + 8, y: top + 54, class: `exprlab-grad${grad.final ? '' : ' exprlab-partial'}`, 'data-grad': exactText(grad.total), 'data-final': String(grad.final) },
        `∂out/∂${short(node.label, 6)} = ${fmtValue(grad.total)}`),
    );
    // Not all contributions in yet: a badge on the box's corner says how many have arrived.
    if (!grad.final) {
      const text = `${grad.received} of ${grad.expected} in`;
      const w = text.length * 6.6 + 10;
      g.append(
        s('rect', { x: left + box.width - w - 4, y: top - 12, width: w, height: 15, rx: 7.5, class: 'exprlab-badge' }),
        s('text', { x: left + box.width - 4 - w / 2, y: top - 1.5, 'text-anchor': 'middle', class: 'exprlab-badge-text' }, text),
      );
    }
  }
  return g;
}

/** A label cut to `n` characters (a long variable name or a vector constant would overflow the box). */
function short(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

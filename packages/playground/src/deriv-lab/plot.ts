/**
 * The derivative lab's plot, an SVG drawn at the size of its box: f, the tape's f' and yours
 * over the range; where yours fails, its line turns red, the range is shaded and each failing
 * sample has a red mark under the axis (its z in `data-value`); a cursor at the readout's point.
 */
import { fmtNumber } from '@tapegrad/core';
import { s } from '../dom.js';
import { type Curves } from './model.js';
import { niceTicks, yExtent } from './report.js';

const M = { l: 44, r: 10, t: 10, b: 36 };
/** The rug of failing points sits in the bottom margin, under the x axis labels. */
const RUG = 6;

/** The drawing's size for a box `width` px wide: 1:1 with the page (so text stays 11 px), flatter on wide screens. */
export function plotSize(width: number): { w: number; h: number } {
  const w = Math.round(Math.min(1200, Math.max(300, width)));
  return { w, h: Math.round(Math.min(420, Math.max(240, w * 0.62))) };
}

/** The plot and a function that moves its cursor to sample `i`. */
export interface Plot {
  readonly svg: SVGSVGElement;
  setCursor(i: number): void;
}

/**
 * A path through the finite points of `ys` where `keep(i)` (default all); a non-finite value or
 * a left-out point breaks the line. A kept run reaches halfway to a left-out finite neighbour,
 * so an overlay of some points covers its stretch of the full line exactly.
 */
function pathOf(z: Float64Array, ys: Float64Array, x: (v: number) => number, y: (v: number) => number, keep: (i: number) => boolean = () => true): string {
  const pt = (zv: number, v: number): string => `${x(zv).toFixed(2)},${y(v).toFixed(2)}`;
  const mid = (i: number): string => pt((z[i - 1]! + z[i]!) / 2, (ys[i - 1]! + ys[i]!) / 2);
  let d = '';
  let pen = false;
  for (let i = 0; i < z.length; i++) {
    const finite = Number.isFinite(ys[i]!);
    if (finite && keep(i)) {
      if (!pen) d += i > 0 && Number.isFinite(ys[i - 1]!) ? `M${mid(i)}L` : 'M';
      else d += 'L';
      d += pt(z[i]!, ys[i]!);
      pen = true;
    } else {
      if (pen && finite) d += `L${mid(i)}`;
      pen = false;
    }
  }
  return d;
}

/**
 * Draws `c` over its range, `width` px wide. `onPick(i, click)` is called with the sample nearest
 * to a pointer moving over the plot (`click` false) or pressed on it (true); the slider under the
 * plot is the keyboard way to the same place.
 */
export function drawPlot(c: Curves, width: number, onPick: (i: number, click: boolean) => void): Plot {
  const { lo, hi } = c;
  const { w: W, h: H } = plotSize(width);
  const x0 = c.mode === 'loss' ? 'a' : 'z';
  const names = c.mode === 'loss' ? "L(a, y), your ∂L/∂a and the tape's" : "f, your f' and the tape's f'";
  const ext = yExtent([c.f, c.mine, c.tape]);
  const x = (v: number): number => M.l + ((v - lo) / (hi - lo)) * (W - M.l - M.r);
  const y = (v: number): number => M.t + ((ext.hi - v) / (ext.hi - ext.lo)) * (H - M.t - M.b);
  const bottom = H - M.b;
  const half = (hi - lo) / c.z.length / 2;
  const clipId = 'deriv-lab-clip';
  const grid = [
    ...niceTicks(lo, hi, Math.max(4, Math.round(W / 120))).map((t) =>
      s('g', {}, s('line', { x1: x(t), x2: x(t), y1: M.t, y2: bottom, class: t === 0 ? 'deriv-lab-axis' : 'deriv-lab-grid' }), s('text', { x: x(t), y: bottom + 14, 'text-anchor': 'middle' }, fmtNumber(t))),
    ),
    ...niceTicks(ext.lo, ext.hi, Math.max(3, Math.round(H / 60))).map((t) =>
      s('g', {}, s('line', { x1: M.l, x2: W - M.r, y1: y(t), y2: y(t), class: t === 0 ? 'deriv-lab-axis' : 'deriv-lab-grid' }), s('text', { x: M.l - 5, y: y(t) + 4, 'text-anchor': 'end' }, fmtNumber(t))),
    ),
  ];
  const bands = c.ranges.map((r) => {
    const from = x(Math.max(lo, r.from - half));
    return s('rect', { class: 'deriv-lab-band', x: from, y: M.t, width: Math.max(1, x(Math.min(hi, r.to + half)) - from), height: bottom - M.t, 'data-from': String(r.from), 'data-to': String(r.to) });
  });
  // One mark per failing sample, in a rug under the axis labels: the exact z in data-value.
  const rugY = bottom + 20;
  const flags: SVGElement[] = [];
  for (let i = 0; i < c.z.length; i++) {
    if (c.flagged[i] !== 1) continue;
    const cx = x(c.z[i]!);
    flags.push(s('rect', { class: 'deriv-lab-flag', x: (cx - 0.8).toFixed(2), y: rugY, width: 1.6, height: RUG, 'data-value': String(c.z[i]!) }));
  }
  const bad = (i: number): boolean => c.flagged[i] === 1;
  const cursor = s('line', { class: 'deriv-lab-cursor', x1: 0, x2: 0, y1: M.t, y2: bottom });
  const svg = s(
    'svg',
    {
      class: 'deriv-lab-plot',
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': `${names} for ${x0} from ${fmtNumber(lo)} to ${fmtNumber(hi)}; ${c.verdict.ok ? 'they agree everywhere' : `they disagree at ${c.flagged.reduce((k, b) => k + b, 0)} points, shaded and marked in red`}`,
      'data-lo': String(lo),
      'data-hi': String(hi),
      'data-n': c.z.length,
    },
    s('defs', {}, s('clipPath', { id: clipId }, s('rect', { x: M.l, y: M.t, width: W - M.l - M.r, height: bottom - M.t }))),
    ...bands,
    ...grid,
    s(
      'g',
      { 'clip-path': `url(#${clipId})` },
      s('path', { class: 'deriv-lab-f', d: pathOf(c.z, c.f, x, y) }),
      s('path', { class: 'deriv-lab-tape', d: pathOf(c.z, c.tape, x, y) }),
      s('path', { class: 'deriv-lab-mine', d: pathOf(c.z, c.mine, x, y) }),
      s('path', { class: 'deriv-lab-mine-bad', d: pathOf(c.z, c.mine, x, y, bad) }),
    ),
    ...flags,
    cursor,
  );
  const pick = (ev: PointerEvent, click: boolean): void => {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) return;
    const zv = lo + (((ev.clientX - box.left) / box.width) * W - M.l) / (W - M.l - M.r) * (hi - lo);
    onPick(Math.min(c.z.length - 1, Math.max(0, Math.round((zv - lo) / (2 * half) - 0.5))), click);
  };
  svg.addEventListener('pointermove', (ev) => pick(ev, false));
  svg.addEventListener('pointerdown', (ev) => pick(ev, true));
  return {
    svg,
    setCursor(i) {
      const cx = x(c.z[i] ?? lo).toFixed(2);
      cursor.setAttribute('x1', cx);
      cursor.setAttribute('x2', cx);
    },
  };
}

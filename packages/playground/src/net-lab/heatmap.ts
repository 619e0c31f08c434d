/**
 * The decision boundary: the model's probability of class 1 on a GRID×GRID grid over the data's
 * square (one batch through nn's predict), painted as a small image scaled up smoothly, with the
 * data points drawn over it.
 */
import { type Tensor, tensorView } from '@tapegrad/core';
import { h } from '../dom.js';
import { type Dataset, type Extent } from './datasets.js';
import { type Trainer } from './trainer.js';

/** Grid cells per side. */
export const GRID = 40;
const SIZE = 360;

/** Class 1 is blue, class 0 orange (the page's --pos and --neg). */
const ONE = [29, 78, 216] as const;
const ZERO = [194, 65, 12] as const;

/** `[GRID², 2]` grid points, row by row from the top (x2 = hi) down. */
function gridPoints(e: Extent): Tensor {
  const pts = new Float64Array(GRID * GRID * 2);
  const step = (e.hi - e.lo) / GRID;
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const k = 2 * (r * GRID + c);
      pts[k] = e.lo + (c + 0.5) * step;
      pts[k + 1] = e.hi - (r + 0.5) * step;
    }
  }
  return tensorView(pts, [GRID * GRID, 2]);
}

/** A heatmap canvas for one data set: `draw(trainer)` repaints it from the model's current weights. */
export interface Heatmap {
  readonly el: HTMLCanvasElement;
  draw(trainer: Trainer): void;
}

/**
 * @param data the points to draw @param extent the square the grid covers
 */
export function createHeatmap(data: Dataset, extent: Extent): Heatmap {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const el = h('canvas', {
    class: 'net-lab-heatmap',
    width: SIZE * dpr,
    height: SIZE * dpr,
    role: 'img',
    'aria-label': 'Decision boundary: the model’s probability of class 1 (blue) or class 0 (orange) over the plane, with the data points',
  });
  const ctx = el.getContext('2d', { willReadFrequently: true });
  const small = h('canvas', { width: GRID, height: GRID });
  const sctx = small.getContext('2d', { willReadFrequently: true });
  const grid = gridPoints(extent);
  const probs = new Float64Array(GRID * GRID);
  const image = sctx?.createImageData(GRID, GRID);
  const toPx = (v: number): number => ((v - extent.lo) / (extent.hi - extent.lo)) * SIZE * dpr;
  return {
    el,
    draw(trainer) {
      if (ctx === null || sctx === null || image === undefined) return;
      trainer.probabilities(grid, probs);
      const px = image.data;
      for (let i = 0; i < probs.length; i++) {
        const p = probs[i]!;
        const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.8;
        const c = p >= 0.5 ? ONE : ZERO;
        const k = 4 * i;
        px[k] = 255 + (c[0] - 255) * t;
        px[k + 1] = 255 + (c[1] - 255) * t;
        px[k + 2] = 255 + (c[2] - 255) * t;
        px[k + 3] = 255;
      }
      sctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(small, 0, 0, SIZE * dpr, SIZE * dpr);
      const r = 3.2 * dpr;
      ctx.lineWidth = dpr;
      ctx.strokeStyle = '#fff';
      for (let i = 0; i < data.n; i++) {
        const c = data.y[i] === 1 ? ONE : ZERO;
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.beginPath();
        ctx.arc(toPx(data.X[2 * i]!), SIZE * dpr - toPx(data.X[2 * i + 1]!), r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    },
  };
}

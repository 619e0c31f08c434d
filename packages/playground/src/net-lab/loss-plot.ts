/** The loss curve: the data set's cost against the step, on a log scale, redrawn from the history. */
import { fmtNumber } from '@tapegrad/core';
import { h } from '../dom.js';

const W = 360;
const H = 150;
const PAD = { l: 8, r: 8, t: 18, b: 16 };

/** A loss-curve canvas: `draw(history)` repaints it from `{ step, loss }` points. */
export interface LossPlot {
  readonly el: HTMLCanvasElement;
  draw(history: readonly { readonly step: number; readonly loss: number }[]): void;
}

export function createLossPlot(): LossPlot {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const el = h('canvas', { class: 'net-lab-loss', width: W * dpr, height: H * dpr, role: 'img', 'aria-label': 'Loss curve: the data set’s loss against the training step (log scale)' });
  const ctx = el.getContext('2d', { willReadFrequently: true });
  return {
    el,
    draw(history) {
      if (ctx === null) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, W, H);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, W, H);
      const finite = history.map((p) => p.loss).filter((v) => Number.isFinite(v) && v > 0);
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#6b6b70';
      if (finite.length === 0) {
        ctx.fillText('loss (no finite values yet)', PAD.l, 12);
        return;
      }
      const lo = Math.log10(Math.min(...finite));
      const hi = Math.log10(Math.max(...finite));
      const span = hi - lo < 1e-9 ? 1 : hi - lo;
      const n = Math.max(1, history[history.length - 1]?.step ?? 1);
      const x = (step: number): number => PAD.l + (step / n) * (W - PAD.l - PAD.r);
      const y = (v: number): number => PAD.t + ((hi - Math.log10(v)) / span) * (H - PAD.t - PAD.b);
      ctx.strokeStyle = '#dcd9d2';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(PAD.l, H - PAD.b + 0.5);
      ctx.lineTo(W - PAD.r, H - PAD.b + 0.5);
      ctx.stroke();
      ctx.strokeStyle = '#1d1d1f';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let started = false;
      history.forEach(({ step, loss: v }) => {
        if (!(Number.isFinite(v) && v > 0)) return;
        if (started) ctx.lineTo(x(step), y(v));
        else ctx.moveTo(x(step), y(v));
        started = true;
      });
      ctx.stroke();
      ctx.fillText(`loss ${fmtNumber(10 ** hi)} (log scale)`, PAD.l, 12);
      const last = `${fmtNumber(10 ** lo)} min · step ${history[history.length - 1]?.step ?? 0}`;
      ctx.fillText(last, W - PAD.r - ctx.measureText(last).width, H - 3);
    },
  };
}

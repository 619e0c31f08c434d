/**
 * From a setup to what the lab trains: the data (generated, or the user's CSV) and each hidden
 * layer's activation (nn's built-ins, or the user's f and f′ through customActivation). Problems
 * come back as messages for the page, with a working fallback, never as a throw.
 */
import { type Activation, type Loss, getActivation, getLoss } from '@tapegrad/nn';
import { customActivation, customLoss, customPartError } from '../custom.js';
import { type NetConfig } from './config.js';
import { parseCsv, standardise } from './csv.js';
import { type Dataset, makeDataset } from './datasets.js';

/** The data for a setup (a CSV z-scored when `standardise`); a bad CSV gives its errors and the default XOR set meanwhile. */
export function dataFor(c: NetConfig): { data: Dataset; csvErrors: readonly string[] } {
  if (c.data !== 'csv') return { data: makeDataset(c.data, c.points, c.noise, c.seed), csvErrors: [] };
  const r = parseCsv(c.csv);
  if (r.ok) return { data: c.standardise ? standardise(r.data) : r.data, csvErrors: [] };
  return { data: makeDataset('xor', c.points, c.noise, c.seed), csvErrors: [...r.errors, 'Showing the XOR set until the CSV is fixed.'] };
}

/** Each hidden layer's activation; a custom f or f′ that does not parse gives its message and tanh meanwhile. */
export function hiddenFor(c: NetConfig): { hidden: { width: number; activation: Activation }[]; customError: string | null } {
  let custom: Activation | null = null;
  let customError: string | null = null;
  if (c.hidden.some((l) => l.act === 'custom')) {
    try {
      custom = customActivation(c.af, c.adf);
    } catch (err) {
      customError = `${err instanceof Error ? err.message : String(err)}\nUsing tanh for the custom layers until it is fixed.`;
    }
  }
  const hidden = c.hidden.map((l) => ({ width: l.width, activation: l.act === 'custom' ? (custom ?? getActivation('tanh')) : getActivation(l.act) }));
  return { hidden, customError };
}

/**
 * The custom loss of a setup (undefined unless its loss is `custom`): built from `lf` and `ldf`
 * with customLoss; when either does not parse, each text's own message (null when it is fine)
 * and mean squared error meanwhile.
 */
export function lossFor(c: NetConfig): { customLoss?: Loss; lfError: string | null; ldfError: string | null } {
  if (c.loss !== 'custom') return { lfError: null, ldfError: null };
  const lfError = customPartError('loss', c.lf)?.message ?? null;
  const ldfError = customPartError('grad', c.ldf)?.message ?? null;
  if (lfError === null && ldfError === null) return { customLoss: customLoss(c.lf, c.ldf), lfError, ldfError };
  const note = 'Using mean squared error until it is fixed.';
  return { customLoss: getLoss('meanSquared'), lfError: lfError === null ? null : `${lfError}\n${note}`, ldfError: ldfError === null ? null : `${ldfError}\n${note}` };
}

/** Whether two setups train the same network on the same data (so a change of optimizer settings can keep the weights). */
export function sameModel(a: NetConfig, b: NetConfig): boolean {
  const sameData = a.data === b.data && a.seed === b.seed && (a.data === 'csv' ? a.csv === b.csv && a.standardise === b.standardise : a.points === b.points && a.noise === b.noise);
  const sameNet = a.hidden.length === b.hidden.length && a.hidden.every((l, i) => l.width === b.hidden[i]?.width && l.act === b.hidden[i]?.act);
  const usesCustom = a.hidden.some((l) => l.act === 'custom');
  const sameLoss = a.loss === b.loss && (a.loss !== 'custom' || (a.lf === b.lf && a.ldf === b.ldf));
  return sameData && sameNet && sameLoss && (!usesCustom || (a.af === b.af && a.adf === b.adf));
}

/**
 * The network lab's setup ⇄ the address's parameters. Parsing never throws: a bad or unknown
 * value falls back to its default with a message saying so, so an old or hand-edited link still
 * opens the lab. DOM-free.
 */
import { DATASET_NAMES, NOISE, POINTS, type DatasetName } from './datasets.js';

/** Activations offered for hidden layers (softmax is not elementwise, so not offered); `custom` is the user's f and f′. */
export const ACTIVATION_KEYS = ['tanh', 'relu', 'sigmoid', 'leakyRelu', 'softplus', 'elu', 'gelu', 'swish', 'identity', 'custom'] as const;
export type ActivationKey = (typeof ACTIVATION_KEYS)[number];

/**
 * Losses offered. `bce` is binaryCrossEntropy on a logit (the output layer is identity and the
 * probability is σ(output)); the others compare a sigmoid output with the 0/1 label; `custom`
 * is the user's L(a, y) and dL/da (a the sigmoid output, y the label).
 */
export const LOSS_KEYS = ['bce', 'mse', 'halfSumSquares', 'huber', 'custom'] as const;
export type LossKey = (typeof LOSS_KEYS)[number];

export const OPTIMIZER_KEYS = ['sgd', 'momentum', 'adam', 'adamw'] as const;
export type OptimizerKey = (typeof OPTIMIZER_KEYS)[number];

/** How the training's gradient is computed: nn's backpropTape, backpropClosedForm or finiteDifferenceGradients. */
export const GRADIENT_KEYS = ['tape', 'closed', 'fd'] as const;
export type GradientKey = (typeof GRADIENT_KEYS)[number];

export const MAX_HIDDEN_LAYERS = 6;
export const WIDTH = { min: 1, max: 32 } as const;
export const LR = { min: 1e-6, max: 10 } as const;
export const BATCH = { min: 1, max: 2000 } as const;
export const DECAY = { min: 0, max: 1 } as const;
export const SEED = { min: 0, max: 1e9 } as const;
/** AdamW's weight decay when none is given (PyTorch's and nn's default): at 0 AdamW is Adam. */
export const ADAMW_DECAY = 0.01;

/**
 * The weight decay to show after the optimizer select changes to `optimizer`: AdamW with a
 * decay of 0 would be Adam, so it gets ADAMW_DECAY; any other case keeps `weightDecay`.
 * @example decayOnSwitch('adamw', 0) // 0.01
 */
export function decayOnSwitch(optimizer: OptimizerKey, weightDecay: number): number {
  return optimizer === 'adamw' && weightDecay === 0 ? ADAMW_DECAY : weightDecay;
}

/** One hidden layer: its width and activation. */
export interface HiddenLayer {
  readonly width: number;
  readonly act: ActivationKey;
}

/** Everything a shared link rebuilds (the training state itself is not in the address). */
export interface NetConfig {
  readonly data: DatasetName | 'csv';
  readonly points: number;
  readonly noise: number;
  /** Seeds the data and the weight initialisation. */
  readonly seed: number;
  /** The user's CSV text (used when data is `csv`). */
  readonly csv: string;
  /** Whether the CSV's x1 and x2 are z-scored before training (URL `std=1|0`, with the CSV only). */
  readonly standardise: boolean;
  readonly hidden: readonly HiddenLayer[];
  /** The custom activation's f in z and f′ in z and a (used by layers whose act is `custom`). */
  readonly af: string;
  readonly adf: string;
  readonly loss: LossKey;
  /** The custom loss's L in a (the sigmoid output) and y (the 0/1 label), and its dL/da (used when loss is `custom`). */
  readonly lf: string;
  readonly ldf: string;
  readonly optimizer: OptimizerKey;
  readonly lr: number;
  readonly batch: number;
  readonly weightDecay: number;
  readonly gradient: GradientKey;
}

export const DEFAULT_CONFIG: NetConfig = {
  data: 'xor',
  points: POINTS.default,
  noise: NOISE.default,
  seed: 1,
  csv: '',
  standardise: true,
  hidden: [
    { width: 8, act: 'tanh' },
    { width: 8, act: 'tanh' },
  ],
  af: 'z / (1 + abs(z))',
  adf: '1 / (1 + abs(z))^2',
  loss: 'bce',
  lf: '(a - y)^2',
  ldf: '2*(a - y)',
  optimizer: 'adam',
  lr: 0.03,
  batch: 32,
  weightDecay: 0,
  gradient: 'tape',
};

/** A parsed address: the setup, and one message per value that was refused. */
export interface ParsedConfig {
  readonly config: NetConfig;
  readonly messages: readonly string[];
}

function oneOf<T extends string>(keys: readonly T[], v: string): v is T {
  return (keys as readonly string[]).includes(v);
}

/** Whether `v` names an offered optimizer. */
export function isOptimizerKey(v: string): v is OptimizerKey {
  return oneOf(OPTIMIZER_KEYS, v);
}

/** Whether `v` names an offered hidden activation. */
export function isActivationKey(v: string): v is ActivationKey {
  return oneOf(ACTIVATION_KEYS, v);
}

/**
 * Reads the network lab's parameters: `data n noise seed csv std layers act af adf loss lf ldf opt lr batch wd grad`.
 * `layers` lists hidden widths (`8,8`; empty for none); `act` is one activation for every hidden
 * layer or one per layer (`tanh,relu`).
 * @returns the setup (defaults where a value is missing or bad) and a message per bad value
 * @example parseConfig(new URLSearchParams('data=spiral&layers=16,16&lr=abc')).messages // ['lr: "abc" is not a number …']
 */
export function parseConfig(params: URLSearchParams): ParsedConfig {
  const messages: string[] = [];
  const d = DEFAULT_CONFIG;
  const str = (key: string): string | undefined => params.get(key) ?? undefined;
  const choice = <T extends string>(key: string, keys: readonly T[], fallback: T): T => {
    const v = str(key);
    if (v === undefined) return fallback;
    if (oneOf(keys, v)) return v;
    messages.push(`${key}: "${clip(v)}" is not one of ${keys.join(', ')}; using ${fallback}`);
    return fallback;
  };
  const num = (key: string, range: { min: number; max: number }, fallback: number, integer = false): number => {
    const v = str(key);
    if (v === undefined) return fallback;
    const x = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < range.min || x > range.max) {
      messages.push(`${key}: "${clip(v)}" is not ${integer ? 'an integer' : 'a number'} in [${range.min}, ${range.max}]; using ${fallback}`);
      return fallback;
    }
    return x;
  };

  const data = choice('data', [...DATASET_NAMES, 'csv'] as const, d.data);
  const optimizer = choice('opt', OPTIMIZER_KEYS, d.optimizer);
  const hidden = parseHidden(str('layers'), str('act'), messages);
  return {
    config: {
      data,
      points: num('n', POINTS, d.points, true),
      noise: roundToStep(num('noise', NOISE, d.noise), NOISE.step),
      seed: num('seed', SEED, d.seed, true),
      csv: str('csv') ?? '',
      standardise: choice('std', ['1', '0'] as const, d.standardise ? '1' : '0') === '1',
      hidden,
      af: str('af') ?? d.af,
      adf: str('adf') ?? d.adf,
      loss: choice('loss', LOSS_KEYS, d.loss),
      lf: str('lf') ?? d.lf,
      ldf: str('ldf') ?? d.ldf,
      optimizer,
      lr: num('lr', LR, d.lr),
      batch: num('batch', BATCH, d.batch, true),
      weightDecay: num('wd', DECAY, optimizer === 'adamw' ? ADAMW_DECAY : d.weightDecay),
      gradient: choice('grad', GRADIENT_KEYS, d.gradient),
    },
    messages,
  };
}

/** `x` rounded to a multiple of `step` (a step like 0.01, so k / 100 is the nearest float to the decimal). */
function roundToStep(x: number, step: number): number {
  return Math.round(x / step) / Math.round(1 / step);
}

function clip(v: string): string {
  return v.length > 30 ? `${v.slice(0, 30)}…` : v;
}

function parseHidden(layers: string | undefined, act: string | undefined, messages: string[]): HiddenLayer[] {
  const fallback = DEFAULT_CONFIG.hidden;
  let widths = fallback.map((l) => l.width);
  if (layers !== undefined) {
    const parts = layers.trim() === '' ? [] : layers.split(',').map((p) => p.trim());
    const ws = parts.map(Number);
    if (parts.length > MAX_HIDDEN_LAYERS) {
      messages.push(`layers: at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${parts.length}; using ${widths.join(',')}`);
    } else if (ws.some((w, i) => parts[i] === '' || !Number.isInteger(w) || w < WIDTH.min || w > WIDTH.max)) {
      messages.push(`layers: "${clip(layers)}" must list widths, integers in [${WIDTH.min}, ${WIDTH.max}], like 8,8; using ${widths.join(',')}`);
    } else {
      widths = ws;
    }
  }
  const base: ActivationKey = fallback[0]?.act ?? 'tanh';
  let acts: ActivationKey[] = widths.map(() => base);
  if (act !== undefined && widths.length > 0) {
    const parts = act.split(',').map((p) => p.trim());
    const bad = parts.find((p) => !oneOf(ACTIVATION_KEYS, p));
    if (bad !== undefined) {
      messages.push(`act: "${clip(bad)}" is not one of ${ACTIVATION_KEYS.join(', ')}; using ${base}`);
    } else if (parts.length === 1) {
      const one = parts[0];
      if (one !== undefined && isActivationKey(one)) acts = widths.map(() => one);
    } else if (parts.length === widths.length) {
      acts = parts.filter(isActivationKey);
    } else {
      messages.push(`act: ${parts.length} activations for ${widths.length} hidden layers; give one, or one per layer; using ${base}`);
    }
  }
  return widths.map((width, i) => ({ width, act: acts[i] ?? base }));
}

/**
 * Writes a setup as the lab's parameters (the inverse of {@link parseConfig}): `csv` only for
 * the CSV data set, `af`/`adf` only when a layer uses the custom activation, `lf`/`ldf` only
 * for the custom loss, `act` once when
 * every hidden layer shares it.
 * @example formatConfig(DEFAULT_CONFIG).toString() // 'data=xor&n=200&noise=0.1&seed=1&layers=8%2C8&act=tanh&…'
 */
export function formatConfig(c: NetConfig): URLSearchParams {
  const p = new URLSearchParams();
  p.set('data', c.data);
  if (c.data === 'csv') {
    p.set('csv', c.csv);
    p.set('std', c.standardise ? '1' : '0');
  } else {
    p.set('n', String(c.points));
    p.set('noise', String(c.noise));
  }
  p.set('seed', String(c.seed));
  p.set('layers', c.hidden.map((l) => l.width).join(','));
  const acts = c.hidden.map((l) => l.act);
  const first = acts[0];
  if (first !== undefined) p.set('act', acts.every((a) => a === first) ? first : acts.join(','));
  if (acts.includes('custom')) {
    p.set('af', c.af);
    p.set('adf', c.adf);
  }
  p.set('loss', c.loss);
  if (c.loss === 'custom') {
    p.set('lf', c.lf);
    p.set('ldf', c.ldf);
  }
  p.set('opt', c.optimizer);
  p.set('lr', String(c.lr));
  p.set('batch', String(c.batch));
  p.set('wd', String(c.weightDecay));
  p.set('grad', c.gradient);
  return p;
}

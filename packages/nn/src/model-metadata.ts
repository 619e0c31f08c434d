/**
 * The optional metadata of a model file (version 2): what the data around the network were
 * (feature and class names, the input standardiser, ...). One checker serves both directions:
 * `saveModel` raises its complaints as ArgumentError (the caller's value), `loadModel` as
 * ModelFormatError (the file's). Keys are read as own properties only, so a file or a caller's
 * object never reaches `Object.prototype` (`"constructor"` is an unknown key, not a function).
 */
import { describeValue, showValue } from '@tapegrad/core';
import { isObject, own } from './args.js';

/**
 * What a model file may say about the data around the network (every key optional).
 * Widths: `featureNames` and `standardizer` have one entry per network input, `classNames` one
 * per output (or two for a single-output binary classifier).
 * @group Serialization
 */
export interface ModelMetadata {
  /** The input columns' names, in input order: length = input width, unique, non-empty. */
  readonly featureNames?: readonly string[];
  /** The predicted column's name. */
  readonly target?: string;
  /** What the network predicts: class scores or values. */
  readonly task?: 'classification' | 'regression';
  /** The classes' names, in output order: length = output width (2 when the network has one output), unique. Classification only. */
  readonly classNames?: readonly string[];
  /** How inputs were scaled before the network: `x' = (x - mean) / std`, both of input width, every std finite and > 0. */
  readonly standardizer?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** How regression outputs map back to the target's units: `y = out * std + mean`, std finite and > 0. Regression only. */
  readonly targetStandardizer?: { readonly mean: number; readonly std: number };
  /** The name of the loss the network was trained with. */
  readonly loss?: string;
}

/** The metadata keys, in the order a file writes them. */
export const METADATA_KEYS = ['featureNames', 'target', 'task', 'classNames', 'standardizer', 'targetStandardizer', 'loss'] as const;
type Key = (typeof METADATA_KEYS)[number];
const TASKS = ['classification', 'regression'] as const;

/** A key as a message names it: plain keys as they are, anything odd quoted and cut. */
function keyText(k: string): string {
  return /^[\w$-]{1,40}$/.test(k) ? `'${k}'` : JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k);
}

/** Refuses keys outside `known`, naming the first stranger and the list. */
function onlyKeys(o: Record<string, unknown>, known: readonly string[], what: string, fail: (msg: string) => never): void {
  const bad = Object.keys(o).find((k) => !known.includes(k));
  if (bad !== undefined) fail(`${what} has an unknown key ${keyText(bad)}; the known keys are ${known.map((k) => `'${k}'`).join(', ')}`);
}

function names(v: unknown, what: string, fail: (msg: string) => never): string[] {
  if (!Array.isArray(v)) fail(`${what} must be an array of names (strings), got ${describeValue(v)}`);
  const out: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string' || s === '') fail(`${what}[${i}] must be a non-empty string, got ${s === '' ? 'an empty string' : showValue(s)}`);
    const first = seen.get(s);
    if (first !== undefined) fail(`${what}[${i}] repeats the name ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)} of ${what}[${first}]; names must be unique`);
    seen.set(s, i);
    out.push(s);
  }
  return out;
}

function nameText(v: unknown, what: string, fail: (msg: string) => never): string {
  if (typeof v !== 'string' || v === '') fail(`${what} must be a non-empty string, got ${v === '' ? 'an empty string' : showValue(v)}`);
  return v;
}

function finite(v: unknown, what: string, fail: (msg: string) => never, positive: boolean): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0);
  if (!ok) fail(`${what} must be ${positive ? 'a finite number > 0 (a spread of 0 cannot be divided by)' : 'a finite number'}, got ${showValue(v)}`);
  return v as number;
}

function finiteArray(v: unknown, n: number, what: string, fail: (msg: string) => never, positive: boolean): number[] {
  if (!Array.isArray(v)) fail(`${what} must be an array of ${n} numbers (one per network input), got ${describeValue(v)}`);
  if (v.length !== n) fail(`${what} has ${v.length} values but the network has ${n} inputs; give one per input`);
  return v.map((x: unknown, i: number) => finite(x, `${what}[${i}]`, fail, positive));
}

/**
 * Checks metadata against the network's widths and returns a fresh copy holding only the keys
 * given (a key whose value is `undefined` counts as absent).
 * @param raw the caller's object (saveModel) or the file's (loadModel)
 * @param widths the network's input and output widths
 * @param fail raises one complaint, `metadata.<key> ...`, as the caller's error class
 */
export function readMetadata(raw: unknown, widths: { readonly inputs: number; readonly outputs: number }, fail: (msg: string) => never): ModelMetadata {
  if (!isObject(raw)) fail(`metadata must be an object (keys ${METADATA_KEYS.map((k) => `'${k}'`).join(', ')}), got ${describeValue(raw)}`);
  onlyKeys(raw, METADATA_KEYS, 'metadata', fail);
  const get = (k: Key): unknown => own(raw, k);
  const meta: { -readonly [K in Key]?: ModelMetadata[K] } = {};

  const task = get('task');
  if (task !== undefined) {
    if (typeof task !== 'string' || !(TASKS as readonly string[]).includes(task)) fail(`metadata.task must be 'classification' or 'regression', got ${showValue(task)}`);
    meta.task = task as (typeof TASKS)[number];
  }
  const featureNames = get('featureNames');
  if (featureNames !== undefined) {
    const list = names(featureNames, 'metadata.featureNames', fail);
    if (list.length !== widths.inputs) fail(`metadata.featureNames lists ${list.length} names but the network has ${widths.inputs} inputs; give one name per input, in input order`);
    meta.featureNames = list;
  }
  const target = get('target');
  if (target !== undefined) meta.target = nameText(target, 'metadata.target', fail);
  const classNames = get('classNames');
  if (classNames !== undefined) {
    if (meta.task === 'regression') fail("metadata.classNames describe a classifier's outputs, but metadata.task is 'regression'; drop one of them");
    const list = names(classNames, 'metadata.classNames', fail);
    const expected = widths.outputs === 1 ? 2 : widths.outputs;
    if (list.length !== expected) {
      const why = widths.outputs === 1 ? 'the network has one output (a binary classifier: name the class for output 0, then for output 1)' : `the network has ${widths.outputs} outputs; give one name per output, in output order`;
      fail(`metadata.classNames lists ${list.length} names but ${why}`);
    }
    meta.classNames = list;
  }
  const st = get('standardizer');
  if (st !== undefined) {
    if (!isObject(st)) fail(`metadata.standardizer must be an object { mean, std } with one number per input, got ${describeValue(st)}`);
    onlyKeys(st, ['mean', 'std'], 'metadata.standardizer', fail);
    const mean = finiteArray(own(st, 'mean'), widths.inputs, 'metadata.standardizer.mean', fail, false);
    const std = finiteArray(own(st, 'std'), widths.inputs, 'metadata.standardizer.std', fail, true);
    meta.standardizer = { mean, std };
  }
  const ts = get('targetStandardizer');
  if (ts !== undefined) {
    if (meta.task === 'classification') fail("metadata.targetStandardizer scales a regression output, but metadata.task is 'classification'; drop one of them");
    if (!isObject(ts)) fail(`metadata.targetStandardizer must be an object { mean, std } of two numbers, got ${describeValue(ts)}`);
    onlyKeys(ts, ['mean', 'std'], 'metadata.targetStandardizer', fail);
    meta.targetStandardizer = { mean: finite(own(ts, 'mean'), 'metadata.targetStandardizer.mean', fail, false), std: finite(own(ts, 'std'), 'metadata.targetStandardizer.std', fail, true) };
  }
  const loss = get('loss');
  if (loss !== undefined) meta.loss = nameText(loss, 'metadata.loss', fail);
  return meta;
}

type MetadataValue = NonNullable<ModelMetadata[Key]>;

/**
 * Checked metadata as JSON text, keys in file order. `num` writes one number (serialize's
 * writer: the shortest round-tripping decimal, the sign of zero kept), so every value reads
 * back bit for bit, as the parameters do.
 */
export function metadataJson(meta: ModelMetadata, num: (v: number) => string): string {
  const numbers = (x: number | readonly number[]): string => (typeof x === 'number' ? num(x) : `[${x.map(num).join(',')}]`);
  const text = (v: MetadataValue): string => (typeof v === 'object' && 'mean' in v ? `{"mean":${numbers(v.mean)},"std":${numbers(v.std)}}` : JSON.stringify(v));
  const parts: string[] = [];
  for (const k of METADATA_KEYS) {
    const v = meta[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${text(v)}`);
  }
  return `{${parts.join(',')}}`;
}

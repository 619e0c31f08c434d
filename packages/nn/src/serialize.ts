/**
 * Model files: JSON with a format tag, a version, the widths, and per layer its activation
 * name, W and b. Loading validates everything before building anything, so a corrupt or
 * mismatched file is a `ModelFormatError`, never a half-loaded model.
 */
import { ArgumentError, checkOptions, describeValue } from '@tapegrad/core';
import { checkModel, isActivation } from './args.js';
import { type Activation, getActivation } from './activations.js';
import { ModelFormatError } from './errors.js';
import { type DenseLayer, type MLP, dense } from './model.js';

const FORMAT = 'tapegrad-mlp';
const VERSION = 1;

/**
 * A parameter array as JSON text. Number-to-string is the shortest decimal that reads back as
 * the same double, so every finite value round-trips exactly; JSON.stringify alone would
 * write -0 as 0, so the sign of zero is written here (JSON.parse reads "-0" back as -0).
 */
function numbersJson(arr: Float64Array): string {
  return `[${Array.from(arr, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}]`;
}

/**
 * Serialises a model as JSON; every parameter reads back bit for bit, the sign of zero included.
 * @returns a JSON string `{ format, version, sizes, layers: [{ activation, inputSize, outputSize, W, b }] }`
 * @throws ArgumentError when a parameter is NaN or infinite (JSON cannot hold it).
 * @example loadModel(saveModel(model))
 */
export function saveModel(model: MLP): string {
  checkModel(model, 'saveModel');
  const layers = model.layers.map((l, i) => {
    for (const [key, arr] of [['W', l.W], ['b', l.b]] as const) {
      const bad = arr.findIndex((v: number) => !Number.isFinite(v));
      if (bad >= 0) throw new ArgumentError(`saveModel: layer ${i + 1} ${key}[${bad}] is ${arr[bad]}; JSON cannot store non-finite numbers, so the model cannot be saved`);
    }
    const head = JSON.stringify({ activation: l.activation.name, inputSize: l.inputSize, outputSize: l.outputSize });
    return `${head.slice(0, -1)},"W":${numbersJson(l.W)},"b":${numbersJson(l.b)}}`;
  });
  const sizes = [model.layers[0]!.inputSize, ...model.layers.map((l) => l.outputSize)];
  return `{"format":${JSON.stringify(FORMAT)},"version":${VERSION},"sizes":${JSON.stringify(sizes)},"layers":[${layers.join(',')}]}`;
}

/** A value read from the file, for a message: strings quoted (and cut), numbers as they are, anything else by kind (never stringified whole: it may be huge or deep). */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return describeValue(v);
}

function fail(msg: string): never {
  throw new ModelFormatError(`loadModel: ${msg}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function numbers(v: unknown, n: number, what: string): Float64Array {
  if (!Array.isArray(v)) fail(`${what} must be an array of ${n} numbers, got ${v === null ? 'null' : typeof v}`);
  if (v.length !== n) fail(`${what} has ${v.length} values but its shape needs ${n}; the file is truncated or belongs to another network`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    // JSON.parse turns an overflowing literal such as 1e999 into Infinity; print it as that, not as JSON's null.
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${what}[${i}] must be a finite number, got ${shown(x)}`);
    out[i] = x;
  }
  return out;
}

/**
 * Reads a model saved by `saveModel`. User activations (from `defineActivation`) are found by name in `opts.activations`.
 * @param json the saved text
 * @param opts `{ activations?: Activation[] }` extra activations to resolve names against
 * @returns the model
 * @throws ArgumentError for bad options (activations not an array of Activation objects, duplicate names, unknown keys);
 *   ModelFormatError for invalid JSON, another format or version, unknown activations, widths that do not
 *   chain, or parameter arrays of the wrong length or with non-numbers. Nothing is built until all checks pass.
 * @example loadModel(saveModel(model)).layers.length
 */
export function loadModel(json: string, opts: { activations?: readonly Activation[] } = {}): MLP {
  // The options are the caller's, not the file's: a bad one is an ArgumentError.
  checkOptions('loadModel', opts, ['activations']);
  const given: unknown = opts.activations ?? [];
  if (!Array.isArray(given)) throw new ArgumentError(`loadModel: activations must be an array of Activation objects (from defineActivation), got ${describeValue(given)}`);
  const extra = new Map<string, Activation>();
  given.forEach((a: unknown, i: number) => {
    if (!isActivation(a)) throw new ArgumentError(`loadModel: activations[${i}] must be an Activation (name, tape, forward, backward), got ${describeValue(a)}`);
    const act = a as Activation;
    if (extra.has(act.name)) throw new ArgumentError(`loadModel: activations lists two activations named '${act.name}'; names must be unique`);
    extra.set(act.name, act);
  });
  if (typeof json !== 'string') fail(`expected a JSON string, got ${describeValue(json)}`);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    fail(`the text is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(doc)) fail('the file must hold a JSON object');
  if (doc.format !== FORMAT) fail(`format is ${shown(doc.format)}, expected "${FORMAT}"; this is not a tapegrad model file`);
  if (doc.version !== VERSION) fail(`version ${shown(doc.version)} is not supported (this tapegrad reads version ${VERSION})`);
  const { layers, sizes } = doc;
  if (!Array.isArray(layers) || layers.length === 0) fail('"layers" must be a non-empty array');
  if (!Array.isArray(sizes) || sizes.length !== layers.length + 1) {
    fail(`"sizes" must list ${layers.length + 1} widths for ${layers.length} layers, got ${Array.isArray(sizes) ? `${sizes.length} entries` : describeValue(sizes)}`);
  }
  const specs = layers.map((raw: unknown, i: number) => {
    const where = `layer ${i + 1}`;
    if (!isRecord(raw)) fail(`${where} must be an object`);
    const nIn = raw.inputSize;
    const nOut = raw.outputSize;
    if (typeof nIn !== 'number' || !Number.isInteger(nIn) || nIn < 1) fail(`${where} inputSize must be a positive integer, got ${shown(nIn)}`);
    if (typeof nOut !== 'number' || !Number.isInteger(nOut) || nOut < 1) fail(`${where} outputSize must be a positive integer, got ${shown(nOut)}`);
    if (sizes[i] !== nIn || sizes[i + 1] !== nOut) {
      fail(`${where} is ${nIn}→${nOut} but "sizes" ${sizes.length <= 16 && sizes.every((v) => typeof v === 'number') ? JSON.stringify(sizes) : `(${sizes.length} entries)`} says ${String(sizes[i])}→${String(sizes[i + 1])}; the widths must chain`);
    }
    const name = raw.activation;
    if (typeof name !== 'string') fail(`${where} activation must be a name, got ${shown(name)}`);
    let act = extra.get(name);
    if (act === undefined) {
      try {
        act = getActivation(name);
      } catch {
        fail(`${where} uses activation '${name}', which is not built in; pass it to loadModel(json, { activations: [yourActivation] })`);
      }
    }
    const W = numbers(raw.W, nIn * nOut, `${where} W ([${nOut},${nIn}])`);
    const b = numbers(raw.b, nOut, `${where} b ([${nOut}])`);
    return { nIn, nOut, act, W, b };
  });
  const built: DenseLayer[] = specs.map((s) => dense(s.nIn, s.nOut, s.act, { W: s.W, b: s.b }));
  return { layers: built };
}

/**
 * Model files: JSON with a format tag, a version, the widths, optional metadata (feature and
 * class names, the standardiser, ...: `ModelMetadata`), and per layer its activation name, W
 * and b. Loading validates everything before building anything, so a corrupt or mismatched
 * file is a `ModelFormatError`, never a half-loaded model. Version 2 (written since metadata
 * exists) adds the optional `metadata` key; version 1 files still load.
 */
import { ArgumentError, checkOptions, describeValue } from '@tapegrad/core';
import { checkModel, isActivation, isObject, own } from './args.js';
import { type Activation, getActivation } from './activations.js';
import { ModelFormatError } from './errors.js';
import { type DenseLayer, type MLP, dense } from './model.js';
import { type ModelMetadata, metadataJson, readMetadata } from './model-metadata.js';

const FORMAT = 'tapegrad-mlp';
const VERSION = 2;
const READS = [1, 2];
/** The top-level keys of a file; anything else is refused (a misspelt "metdata" would otherwise drop the metadata unseen). */
const FILE_KEYS = ['format', 'version', 'sizes', 'metadata', 'layers'];

/**
 * A number as JSON text. Number-to-string is the shortest decimal that reads back as the same
 * double, so every finite value round-trips exactly; JSON.stringify alone would write -0 as 0,
 * so the sign of zero is written here (JSON.parse reads "-0" back as -0).
 */
function numberText(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function numbersJson(arr: Float64Array): string {
  return `[${Array.from(arr, numberText).join(',')}]`;
}

/** The options of `saveModel`. @group Serialization */
export interface SaveModelOptions {
  /** What the file says about the data around the network; checked against the network's widths. */
  readonly metadata?: ModelMetadata;
}

/** The options of `loadModel` and `readModelFile`. @group Serialization */
export interface LoadModelOptions {
  /** User activations (from `defineActivation`) that the file's layers may name. */
  readonly activations?: readonly Activation[];
}

/** A model file read whole: the network and its metadata (`{}` when the file has none). @group Serialization */
export interface ModelFile {
  readonly model: MLP;
  readonly metadata: ModelMetadata;
}

/**
 * Serialises a model (and optional metadata) as JSON, version 2; every parameter and every
 * metadata number reads back bit for bit, the sign of zero included.
 * @param model the network
 * @param opts `{ metadata? }`: feature names (one per input), class names (one per output),
 *   the input standardiser, ...; the `metadata` key is written only when given
 * @returns a JSON string `{ format, version: 2, sizes, metadata?, layers: [{ activation, inputSize, outputSize, W, b }] }`
 * @throws ArgumentError for unknown options, metadata that breaks a rule (names per width, std > 0,
 *   unknown keys, ...), or a parameter that is NaN or infinite (JSON cannot hold it).
 * @example loadModel(saveModel(model))
 * @example readModelFile(saveModel(model, { metadata: { featureNames: ['x', 'y'] } })).metadata.featureNames // ['x', 'y']
 * @group Serialization
 */
export function saveModel(model: MLP, opts: SaveModelOptions = {}): string {
  checkOptions('saveModel', opts, ['metadata']);
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
  const given: unknown = opts.metadata;
  const widths = { inputs: sizes[0]!, outputs: sizes[sizes.length - 1]! };
  const meta =
    given === undefined
      ? ''
      : `,"metadata":${metadataJson(
          readMetadata(given, widths, (msg) => {
            throw new ArgumentError(`saveModel: ${msg}`);
          }),
          numberText,
        )}`;
  return `{"format":${JSON.stringify(FORMAT)},"version":${VERSION},"sizes":${JSON.stringify(sizes)}${meta},"layers":[${layers.join(',')}]}`;
}

/** A value read from the file, for a message: strings quoted (and cut), numbers as they are, anything else by kind (never stringified whole: it may be huge or deep). */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return describeValue(v);
}

function numbers(v: unknown, n: number, what: string, fail: (msg: string) => never): Float64Array {
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

/** The one reader behind `loadModel` and `readModelFile`; `where` names the caller in messages. */
function readFile(where: string, json: unknown, opts: LoadModelOptions): ModelFile {
  const fail: (msg: string) => never = (msg) => {
    throw new ModelFormatError(`${where}: ${msg}`);
  };
  // The options are the caller's, not the file's: a bad one is an ArgumentError.
  checkOptions(where, opts, ['activations']);
  const given: unknown = opts.activations ?? [];
  if (!Array.isArray(given)) throw new ArgumentError(`${where}: activations must be an array of Activation objects (from defineActivation), got ${describeValue(given)}`);
  const extra = new Map<string, Activation>();
  given.forEach((a: unknown, i: number) => {
    if (!isActivation(a)) throw new ArgumentError(`${where}: activations[${i}] must be an Activation (name, tape, forward, backward), got ${describeValue(a)}`);
    const act = a as Activation;
    if (extra.has(act.name)) throw new ArgumentError(`${where}: activations lists two activations named '${act.name}'; names must be unique`);
    extra.set(act.name, act);
  });
  if (typeof json !== 'string') fail(`expected a JSON string, got ${describeValue(json)}`);
  let doc: unknown;
  try {
    doc = JSON.parse(json as string);
  } catch (e) {
    fail(`the text is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(doc)) fail('the file must hold a JSON object');
  const format = own(doc, 'format');
  if (format === 'tapegrad-cli-model') {
    fail(`format is "tapegrad-cli-model", a file from an older \`tapegrad train --save\`; save the model again with this version's \`tapegrad train --save\`, or pass JSON.stringify(file.model) to ${where}`);
  }
  if (format !== FORMAT) fail(`format is ${shown(format)}, expected "${FORMAT}"; this is not a tapegrad model file`);
  const version = own(doc, 'version');
  if (typeof version !== 'number' || !READS.includes(version)) fail(`version ${shown(version)} is not supported (this tapegrad reads versions ${READS.join(' and ')})`);
  const stranger = Object.keys(doc).find((k) => !FILE_KEYS.includes(k));
  if (stranger !== undefined) fail(`the file has an unknown key ${shown(stranger)}; a model file holds ${FILE_KEYS.map((k) => `"${k}"`).join(', ')}`);
  const rawMeta = own(doc, 'metadata');
  if (version === 1 && rawMeta !== undefined) fail('a version 1 file has no "metadata" (version 2 added it); set "version" to 2 or remove "metadata"');
  const layers = own(doc, 'layers');
  const sizes = own(doc, 'sizes');
  if (!Array.isArray(layers) || layers.length === 0) fail('"layers" must be a non-empty array');
  if (!Array.isArray(sizes) || sizes.length !== layers.length + 1) {
    fail(`"sizes" must list ${layers.length + 1} widths for ${layers.length} layers, got ${Array.isArray(sizes) ? `${sizes.length} entries` : describeValue(sizes)}`);
  }
  const specs = layers.map((raw: unknown, i: number) => {
    const at = `layer ${i + 1}`;
    if (!isObject(raw)) fail(`${at} must be an object`);
    const nIn = own(raw, 'inputSize');
    const nOut = own(raw, 'outputSize');
    if (typeof nIn !== 'number' || !Number.isInteger(nIn) || nIn < 1) fail(`${at} inputSize must be a positive integer, got ${shown(nIn)}`);
    if (typeof nOut !== 'number' || !Number.isInteger(nOut) || nOut < 1) fail(`${at} outputSize must be a positive integer, got ${shown(nOut)}`);
    if (sizes[i] !== nIn || sizes[i + 1] !== nOut) {
      fail(`${at} is ${nIn}→${nOut} but "sizes" ${sizes.length <= 16 && sizes.every((v) => typeof v === 'number') ? JSON.stringify(sizes) : `(${sizes.length} entries)`} says ${String(sizes[i])}→${String(sizes[i + 1])}; the widths must chain`);
    }
    const name = own(raw, 'activation');
    if (typeof name !== 'string') fail(`${at} activation must be a name, got ${shown(name)}`);
    let act = extra.get(name);
    if (act === undefined) {
      try {
        act = getActivation(name);
      } catch {
        fail(`${at} uses activation '${name}', which is not built in; pass it to ${where}(json, { activations: [yourActivation] })`);
      }
    }
    const W = numbers(own(raw, 'W'), nIn * nOut, `${at} W ([${nOut},${nIn}])`, fail);
    const b = numbers(own(raw, 'b'), nOut, `${at} b ([${nOut}])`, fail);
    return { nIn, nOut, act, W, b };
  });
  const widths = { inputs: specs[0]!.nIn, outputs: specs[specs.length - 1]!.nOut };
  const metadata = rawMeta === undefined ? {} : readMetadata(rawMeta, widths, fail);
  const built: DenseLayer[] = specs.map((s) => dense(s.nIn, s.nOut, s.act, { W: s.W, b: s.b }));
  return { model: { layers: built }, metadata };
}

/**
 * Reads a model saved by `saveModel` (file versions 1 and 2; the metadata is checked but not
 * returned: `readModelFile` returns it). User activations (from `defineActivation`) are found
 * by name in `opts.activations`.
 * @param json the saved text
 * @param opts `{ activations?: Activation[] }` extra activations to resolve names against
 * @returns the model
 * @throws ArgumentError for bad options (activations not an array of Activation objects, duplicate names, unknown keys);
 *   ModelFormatError for invalid JSON, another format or version, unknown keys, unknown activations, widths that do not
 *   chain, parameter arrays of the wrong length or with non-numbers, or metadata that breaks a rule (see `ModelMetadata`).
 *   Nothing is built until all checks pass.
 * @example loadModel(saveModel(model)).layers.length
 * @group Serialization
 */
export function loadModel(json: string, opts: LoadModelOptions = {}): MLP {
  return readFile('loadModel', json, opts).model;
}

/**
 * Reads a model file whole: the network and its metadata (`{}` for a file without, such as
 * every version 1 file). Checks exactly what `loadModel` checks.
 * @param json the saved text
 * @param opts `{ activations?: Activation[] }` extra activations to resolve names against
 * @returns `{ model, metadata }`
 * @throws ArgumentError for bad options; ModelFormatError for a file `loadModel` refuses, named `readModelFile`.
 * @example readModelFile(text).metadata.classNames // ['setosa', 'versicolor', 'virginica']
 * @group Serialization
 */
export function readModelFile(json: string, opts: LoadModelOptions = {}): ModelFile {
  return readFile('readModelFile', json, opts);
}

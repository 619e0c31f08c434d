/**
 * Model files on the command line: `train --save` writes nn's format (the network plus its
 * metadata: feature and class names, standardisers, ...), which nn's `loadModel` and
 * `readModelFile` read; `predict` and `export` read it back through `readModelOption`. Files
 * that tapegrad 0.1.0's `train --save` wrote (`"format": "tapegrad-cli-model"`) are converted
 * on read: every field they hold has a place in the new metadata, so nothing is lost and no
 * one has to retrain.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelFormatError, readModelFile, type ModelFile, type ModelMetadata } from '@tapegrad/nn';
import { DataError } from './errors.js';
import { type Io } from './io.js';

/** The format tag of 0.1.0's `train --save` files. */
export const OLD_CLI_FORMAT = 'tapegrad-cli-model';

/** A model file as a command read it, and whether it came in the 0.1.0 format. */
export interface ReadModel extends ModelFile {
  readonly converted: boolean;
}

/**
 * Reads the model file a `--model` option names (relative to the caller's directory).
 * @param command the command, as messages name it (`tapegrad predict`)
 * @throws DataError (exit 3) for a file that cannot be read or is no model file, naming the option,
 *   the path and nn's rule
 */
export function readModelOption(command: string, io: Io, path: string): ReadModel {
  const where = resolve(io.cwd, path);
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : code || String(e);
    throw new DataError(`${command} --model: cannot read ${path} (${why}${where === path ? '' : `: ${where}`}); give the file \`tapegrad train --save\` wrote`);
  }
  try {
    return parseModelText(text);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new DataError(`${command} --model: ${path}: ${e.message}`);
    throw e;
  }
}

/**
 * A model file's text: nn's format (versions 1 and 2), or 0.1.0's CLI format converted.
 * @throws ModelFormatError for text that is neither, with nn's rule (or the old field at fault)
 */
export function parseModelText(text: string): ReadModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: nn says so in its own words.
    return { ...readModelFile(text), converted: false };
  }
  if (!isRecord(parsed) || !Object.hasOwn(parsed, 'format') || parsed['format'] !== OLD_CLI_FORMAT) return { ...readModelFile(text), converted: false };
  return { ...convertOld(parsed), converted: true };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field `key` of a 0.1.0 file, own properties only; null and absent are both absent. */
function field(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) && o[key] !== null ? o[key] : undefined;
}

/**
 * 0.1.0's `{ format: 'tapegrad-cli-model', version: 1, features, target, task, classes, featureMean,
 * featureStd, targetMean, targetStd, loss, model }` as nn's version 2: the fields become metadata and
 * nn validates the whole (lengths against the widths, std > 0, ...).
 */
function convertOld(o: Record<string, unknown>): ModelFile {
  const fail = (rule: string): never => {
    throw new ModelFormatError(`a ${OLD_CLI_FORMAT} file (tapegrad 0.1.0) ${rule}; re-save the model with \`tapegrad train --save\``);
  };
  const known = ['format', 'version', 'features', 'target', 'task', 'classes', 'featureMean', 'featureStd', 'targetMean', 'targetStd', 'loss', 'model'];
  const stranger = Object.keys(o).find((k) => !known.includes(k));
  if (stranger !== undefined) fail(`has an unknown key ${JSON.stringify(stranger.slice(0, 40))}; its keys are ${known.join(', ')}`);
  if (field(o, 'version') !== 1) fail(`must have version 1, got ${JSON.stringify(field(o, 'version') ?? null)}`);
  const model = field(o, 'model');
  if (!isRecord(model)) fail("must hold the network under 'model'");
  const meta: Record<string, unknown> = {};
  const put = (key: keyof ModelMetadata, v: unknown): void => {
    if (v !== undefined) meta[key] = v;
  };
  put('featureNames', field(o, 'features'));
  put('target', field(o, 'target'));
  put('task', field(o, 'task'));
  put('classNames', field(o, 'classes'));
  const [mean, std] = [field(o, 'featureMean'), field(o, 'featureStd')];
  if ((mean === undefined) !== (std === undefined)) fail('must give featureMean and featureStd together');
  if (mean !== undefined) put('standardizer', { mean, std });
  const [tMean, tStd] = [field(o, 'targetMean'), field(o, 'targetStd')];
  if ((tMean === undefined) !== (tStd === undefined)) fail('must give targetMean and targetStd together');
  if (tMean !== undefined) put('targetStandardizer', { mean: tMean, std: tStd });
  put('loss', field(o, 'loss'));
  // nn's reader checks the network and every metadata rule; its version 2 is the version-1 network plus metadata.
  return readModelFile(JSON.stringify({ ...(model as Record<string, unknown>), version: 2, metadata: meta }));
}

/**
 * The network-width options, one meaning each, in every command that builds a network:
 * `--hidden 8,8` gives the hidden widths only (the ends come from the data, or from the
 * command's default ends), `--sizes 4,8,8,3` gives every width, input to output. The old
 * `--layers` (hidden widths in train, every width elsewhere) and compare's `--batch` are
 * usage errors that say what replaced them, with the user's own numbers rewritten.
 */
import { type OptionReader } from './args.js';
import { UsageError } from './errors.js';

/** The option table entries of the width options, and of `--layers`, kept only to explain its replacement. */
export const WIDTH_OPTIONS = {
  hidden: { type: 'string' },
  sizes: { type: 'string' },
  layers: { type: 'string', short: 'l' },
} as const;

/** `--batch-size` and the replaced `--batch`. */
export const BATCH_OPTIONS = {
  'batch-size': { type: 'string', short: 'b' },
  batch: { type: 'string' },
} as const;

/** What the width options asked for: hidden widths (ends to be filled in) or every width. */
export type WidthChoice = { readonly option: '--hidden'; readonly hidden: readonly number[] } | { readonly option: '--sizes'; readonly sizes: readonly number[] };

/** The ends the data fixes, for messages: `Iris (4 features, 3 classes)`; unknown before the file is read. */
export interface DataEnds {
  readonly inputs: number;
  readonly outputs: number;
  /** How the message names them, e.g. `Iris's 4 features and 3 classes`. */
  readonly label: string;
}

/**
 * Reads `--hidden` / `--sizes` where the data fixes the input and output widths (train, iris).
 * @param ends the data's widths when known before reading it (Iris), for the `--layers` message
 * @throws UsageError for `--layers` (with the replacement spelled out), both options at once, or a bad list
 */
export function readDataWidths(o: OptionReader, defaultHidden: readonly number[], ends: DataEnds | null): WidthChoice {
  const layers = o.string('layers');
  if (layers !== undefined) {
    const hidden = layersValue(o, { allowEmpty: true });
    if (hidden === null) throw new UsageError(`${o.command} --layers: ${REPLACED}; see \`${o.command} --help\``);
    const asSizes = ends === null ? `--sizes <inputs>,${hidden.join(',')}${hidden.length > 0 ? ',' : ''}<outputs> with your data's widths at the ends` : `--sizes ${[ends.inputs, ...hidden, ends.outputs].join(',')} for ${ends.label}`;
    throw new UsageError(`${o.command} --layers: ${REPLACED}; --layers ${quoteList(layers)} meant hidden widths here, so write --hidden ${quoteList(layers)}, or ${asSizes}`);
  }
  const choice = readChoice(o);
  return choice ?? { option: '--hidden', hidden: defaultHidden };
}

/**
 * Every width, for the data's `inputs` and `outputs`: `--hidden h` gives `[inputs, ...h, outputs]`;
 * `--sizes s` must start and end with the data's widths.
 * @throws UsageError naming the data's widths when `--sizes` does not match them
 */
export function sizesForData(command: string, choice: WidthChoice, inputs: number, outputs: number, what: string): number[] {
  if (choice.option === '--hidden') return [inputs, ...choice.hidden, outputs];
  const s = choice.sizes;
  if (s[0] !== inputs || s[s.length - 1] !== outputs) {
    const hidden = s.slice(1, -1);
    throw new UsageError(
      `${command} --sizes: ${s.join(',')} must start with the data's ${inputs} input${inputs === 1 ? '' : 's'} and end with its ${outputs} output${outputs === 1 ? '' : 's'} (${what}); ` +
        `write --sizes ${[inputs, ...hidden, outputs].join(',')}, or --hidden ${hidden.length > 0 ? hidden.join(',') : "''"} and let the data fix the ends`,
    );
  }
  return [...s];
}

/**
 * Reads `--hidden` / `--sizes` where nothing fixes the ends (compare, explain, graph): `--hidden h`
 * keeps the command's default input and output widths, `--sizes` gives them all.
 * @param defaults the command's default sizes, input first, e.g. `[4, 8, 3]`
 * @returns every width and the option it came from (for messages), or the defaults with option `--sizes`
 * @throws UsageError for `--layers` (with the replacement spelled out), both options at once, or a bad list
 */
export function readFreeWidths(o: OptionReader, defaults: readonly number[]): { sizes: number[]; option: '--hidden' | '--sizes' } {
  const first = defaults[0]!;
  const last = defaults[defaults.length - 1]!;
  const layers = o.string('layers');
  if (layers !== undefined) {
    const sizes = layersValue(o, { minLength: 2 });
    if (sizes === null) throw new UsageError(`${o.command} --layers: ${REPLACED}; see \`${o.command} --help\``);
    const keepsEnds = sizes[0] === first && sizes[sizes.length - 1] === last;
    const inner = sizes.slice(1, -1).join(',');
    const hidden = keepsEnds
      ? `, or --hidden ${inner === '' ? "''" : inner} (${first} inputs and ${last} outputs are the defaults here)`
      : ` (--hidden ${inner === '' ? "''" : inner} would keep this command's default ends, ${[first, ...sizes.slice(1, -1), last].join(',')})`;
    throw new UsageError(`${o.command} --layers: ${REPLACED}; --layers ${quoteList(layers)} meant every width here, so write --sizes ${sizes.join(',')}${hidden}`);
  }
  const choice = readChoice(o);
  if (choice === null) return { sizes: [...defaults], option: '--sizes' };
  return choice.option === '--hidden' ? { sizes: [first, ...choice.hidden, last], option: '--hidden' } : { sizes: [...choice.sizes], option: '--sizes' };
}

/**
 * `--batch-size`, after refusing the replaced `--batch`.
 * @throws UsageError for `--batch` (pointing to `--batch-size`) or a bad value
 */
export function readBatchSize(o: OptionReader, fallback: number, range: { max?: number } = {}): number {
  const old = o.string('batch');
  if (old !== undefined) throw new UsageError(`${o.command} --batch: renamed --batch-size (as in tapegrad train), so write --batch-size ${quoteList(old)}; see \`${o.command} --help\``);
  return o.number('batch-size', fallback, { integer: true, min: 1, ...range });
}

const REPLACED = 'replaced by two options with one meaning each: --hidden (the hidden widths only) and --sizes (every width, input to output)';

/** A user's list as a message shows it: `''` for an empty one, cut past 60 characters. */
function quoteList(v: string): string {
  if (v.trim() === '') return "''";
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}

/** The numbers of a `--layers` value, or null when it is not a valid list (then only the replacement is named). */
function layersValue(o: OptionReader, opts: { allowEmpty?: boolean; minLength?: number }): number[] | null {
  try {
    return o.sizes('layers', [], opts);
  } catch (e) {
    if (e instanceof UsageError) return null;
    throw e;
  }
}

function readChoice(o: OptionReader): WidthChoice | null {
  const hidden = o.string('hidden');
  const sizes = o.string('sizes');
  if (hidden !== undefined && sizes !== undefined) {
    throw new UsageError(`${o.command}: pass --hidden or --sizes, not both (--hidden ${quoteList(hidden)} gives the hidden widths, --sizes ${quoteList(sizes)} every width); see \`${o.command} --help\``);
  }
  if (hidden !== undefined) return { option: '--hidden', hidden: o.sizes('hidden', [], { allowEmpty: true }) };
  if (sizes !== undefined) return { option: '--sizes', sizes: o.sizes('sizes', [], { minLength: 2 }) };
  return null;
}

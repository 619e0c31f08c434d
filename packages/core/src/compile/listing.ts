/**
 * What a compiled program looks like to a reader: its instructions, the buffers they write,
 * and what compilation did (instructions dropped, buffers shared, writes in place).
 */
import { formatTable } from '../format.js';
import type { Shape } from '../shape.js';
import type { Program, ProgramLine, ProgramStats } from './program.js';

/**
 * A compiled program for one argument signature, as `compile(f).lower(...args)` returns it.
 * @group Compilation
 */
export interface CompiledProgram {
  /** The argument leaves, in order: `%0`, `%1`, ... with their paths in the arguments (`[0].W`). */
  readonly args: readonly { readonly value: number; readonly name: string; readonly shape: Shape }[];
  /** The instructions, in execution order (forward and backward pass alike). */
  readonly lines: readonly ProgramLine[];
  /** Which value each output leaf is (`%n`, or `const` for a tensor made outside the function). */
  readonly outputs: readonly string[];
  readonly stats: ProgramStats;
  /** Why this signature runs eagerly instead (a custom op's opaque functions), or null when it is compiled. */
  readonly eager: string | null;
  /** The listing as a table, with a summary line first. */
  toString(): string;
}

/** @internal The public view of a program. */
export function describeProgram(p: Program, argShapes: readonly Shape[], outputs: readonly string[]): CompiledProgram {
  const args = p.argNames.map((name, i) => ({ value: i, name, shape: argShapes[i]! }));
  return {
    args,
    lines: p.lines,
    outputs,
    stats: p.stats,
    eager: null,
    toString: () => {
      const s = p.stats;
      const head =
        `compiled: ${s.instructions} instructions from ${s.recorded} recorded ops (${s.recorded - s.instructions} unused dropped), ` +
        `${s.buffers} buffer${s.buffers === 1 ? '' : 's'} (${fmtBytes(s.bufferBytes)}) for ${s.instructions} values, ${s.inPlace} written in place`;
      const argRows = args.map((a) => [`%${a.value}`, 'argument', a.name || '(the argument)', `[${a.shape.join(',')}]`, '-']);
      const rows = p.lines.map((l) => [
        `%${l.value}`,
        l.op,
        l.inputs.join(', '),
        `[${l.shape.join(',')}]`,
        l.inPlaceOf === null ? `b${l.buffer}` : `b${l.buffer} (over %${l.inPlaceOf})`,
      ]);
      return `${head}\n${formatTable(['value', 'op', 'inputs', 'shape', 'buffer'], [...argRows, ...rows])}\noutputs: ${outputs.join(', ')}`;
    },
  };
}

/** The view of a signature that runs eagerly. */
export function describeEager(reason: string, argNames: readonly string[], argShapes: readonly Shape[]): CompiledProgram {
  return {
    args: argNames.map((name, i) => ({ value: i, name, shape: argShapes[i]! })),
    lines: [],
    outputs: [],
    stats: { recorded: 0, instructions: 0, buffers: 0, bufferBytes: 0, inPlace: 0 },
    eager: reason,
    toString: () => `not compiled, runs eagerly: ${reason}`,
  };
}

function fmtBytes(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}

import { TapegradError } from '@tapegrad/core';

/** Something the benchmark suite cannot do: a bad option, a peer that cannot start, a non-finite result. */
export class BenchError extends TapegradError {}

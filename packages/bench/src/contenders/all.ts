import { type Contender } from '../harness.js';
import { jaxEager, jaxEagerF64, jaxJit, jaxJitF64 } from './jax.js';
import { tapegradAnomaly, tapegradClosed, tapegradCompiled, tapegradTape, tapegradTape1Thread, tapegradTapeTs } from './tapegrad.js';
import { tfjsCpu, tfjsWasm } from './tfjs.js';

/** Every contender, tapegrad's first (the ratio columns divide by them); each jax-js mode in float32 then float64, side by side. */
export const allContendersList: readonly Contender[] = [tapegradTape, tapegradCompiled, tapegradClosed, tapegradTapeTs, tapegradAnomaly, tapegradTape1Thread, tfjsCpu, tfjsWasm, jaxEager, jaxEagerF64, jaxJit, jaxJitF64];

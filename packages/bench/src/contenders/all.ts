import { type Contender } from '../harness.js';
import { jaxEager, jaxJit } from './jax.js';
import { tapegradAnomaly, tapegradClosed, tapegradCompiled, tapegradTape, tapegradTape1Thread, tapegradTapeTs } from './tapegrad.js';
import { tfjsCpu, tfjsWasm } from './tfjs.js';

/** Every contender, tapegrad's first (the ratio columns divide by them). */
export const allContendersList: readonly Contender[] = [tapegradTape, tapegradCompiled, tapegradClosed, tapegradTapeTs, tapegradAnomaly, tapegradTape1Thread, tfjsCpu, tfjsWasm, jaxEager, jaxJit];

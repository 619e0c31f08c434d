/**
 * User activations: you give f as core ops and your hand-derived f'; the tape differentiates
 * f, the closed form uses your f' (in `backward`, the one place an activation states it).
 */
import { type Tensor, noGrad, tensorView, ArgumentError, checkOptions, describeValue, fmtShape } from '@tapegrad/core';
import type { Activation } from './activations.js';

/**
 * What `defineActivation` needs: the function as core ops, and your hand-derived derivative.
 * @group Activations
 */
export interface ActivationSpec {
  readonly name: string;
  /** f built from core ops (elementwise). The tape differentiates this. */
  readonly f: (z: Tensor) => Tensor;
  /** Your derivative f'(z), given z and a = f(z). The closed form uses this. */
  readonly df: (z: number, a: number) => number;
  /** Optional: your second derivative f''(z), given z and a = f(z). `checkActivation` then checks it too. */
  readonly d2f?: (z: number, a: number) => number;
}

/**
 * A user activation: the tape differentiates `f`, the closed-form backprop uses your `df`.
 * Run `checkActivation` to see whether `df` really is f's derivative (and where it is not), and
 * `d2f`, when you give one, f's second derivative (against the tape's grad of grad).
 * @param spec `{ name, f, df, d2f? }`; f must be elementwise ([batch, n] → [batch, n])
 * @returns an Activation usable in `createMLP`
 * @throws ArgumentError for a missing name, non-function f/df/d2f, or an unknown key.
 * @example
 * const cube = defineActivation({ name: 'cube', f: (z) => mul(z, mul(z, z)), df: (z) => 3 * z * z, d2f: (z) => 6 * z });
 * @group Activations
 */
export function defineActivation(spec: ActivationSpec): Activation {
  if (spec === null || typeof spec !== 'object') throw new ArgumentError(`defineActivation: pass { name, f, df }, got ${describeValue(spec)}`);
  checkOptions('defineActivation', spec, ['name', 'f', 'df', 'd2f']);
  const { name, f, df, d2f } = spec;
  if (typeof name !== 'string' || name === '') throw new ArgumentError('defineActivation: name must be a non-empty string');
  if (typeof f !== 'function') throw new ArgumentError(`defineActivation '${name}': f must be a function (z: Tensor) => Tensor built from core ops`);
  if (typeof df !== 'function') throw new ArgumentError(`defineActivation '${name}': df must be a function (z: number, a: number) => number`);
  if (d2f !== undefined && typeof d2f !== 'function') throw new ArgumentError(`defineActivation '${name}': d2f must be a function (z: number, a: number) => number, or left out`);
  const apply = (z: Float64Array, out: Float64Array, cols: number): void => {
    const rows = cols > 0 ? z.length / cols : 0;
    const a = noGrad(() => f(tensorView(z, [rows, cols])));
    if (a.size !== z.length) {
      throw new ArgumentError(`activation '${name}': f must be elementwise, but it maps [${rows},${cols}] to ${fmtShape(a.shape)}`);
    }
    out.set(a.data);
  };
  return {
    name,
    elementwise: true,
    tape: f,
    forward: apply,
    backward: (z, a, g, out) => {
      for (let i = 0; i < z.length; i++) out[i] = g[i]! * df(z[i]!, a[i]!);
    },
    ...(d2f === undefined
      ? {}
      : {
          d2f: (z: Float64Array, a: Float64Array, out: Float64Array): void => {
            for (let i = 0; i < z.length; i++) out[i] = d2f(z[i]!, a[i]!);
          },
        }),
  };
}

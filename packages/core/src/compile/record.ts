/**
 * Tracing for `compile`: runs the function once on stand-ins for its arguments and writes
 * down every primitive it applies, forward pass and backward pass alike (the VJPs are core
 * ops too, so a `grad` inside the function is recorded as the ops it runs). Values are told
 * apart by their data: an op that shares its input's data (reshape) adds no instruction.
 */
import type { Shape } from '../shape.js';
import { type CompileRecorder, type KernelOp, compileHook } from '../tape.js';
import { Tensor } from '../tensor.js';

/** An instruction's input: a value of the program (by slot), or a tensor made outside it (a leaf, read live). */
export type Operand =
  | { readonly kind: 'slot'; readonly slot: number; readonly shape: Shape }
  | { readonly kind: 'leaf'; readonly tensor: Tensor };

/** One recorded primitive application. */
export interface Instruction {
  readonly op: KernelOp;
  readonly operands: readonly Operand[];
  readonly attrs: unknown;
  readonly outShape: Shape;
  /** The slot it writes. */
  readonly out: number;
}

/** A recorder bound to one trace; `slotOf` maps a tensor met later (an output) to its operand. */
export class Recorder implements CompileRecorder {
  private readonly slots = new Map<Float64Array, number>();
  readonly slotSizes: number[] = [];
  readonly instructions: Instruction[] = [];
  /** The first custom op met while tracing: its forward and VJPs are opaque functions, so the call cannot be compiled. */
  customName: string | null = null;

  /** Registers the argument stand-ins, in order, as slots 0, 1, ... */
  constructor(args: readonly Tensor[]) {
    for (const t of args) this.newSlot(t);
  }

  private newSlot(t: Tensor): number {
    const s = this.slotSizes.length;
    this.slots.set(t.data, s);
    this.slotSizes.push(t.size);
    return s;
  }

  operand(t: Tensor): Operand {
    const slot = this.slots.get(t.data);
    return slot === undefined ? { kind: 'leaf', tensor: t } : { kind: 'slot', slot, shape: t.shape };
  }

  op(op: KernelOp, inputs: readonly Tensor[], attrs: unknown, out: Tensor): void {
    // Shares an input's data (reshape, named): the same value under another shape.
    if (this.slots.has(out.data)) return;
    for (const t of inputs) if (t.data === out.data) return; // an alias of a leaf stays that leaf
    const operands = inputs.map((t) => this.operand(t));
    this.instructions.push({ op, operands, attrs, outShape: out.shape, out: this.newSlot(out) });
  }

  custom(name: string): void {
    this.customName ??= name;
  }
}

/** Runs `fn` with `rec` listening (nested traces restore the outer recorder). */
export function recording<T>(rec: Recorder, fn: () => T): T {
  const prev = compileHook.rec;
  compileHook.rec = rec;
  try {
    return fn();
  } finally {
    compileHook.rec = prev;
  }
}

/** True while some compile is tracing (a compiled function called inside it runs eagerly, so the outer trace sees its ops). */
export function isCompiling(): boolean {
  return compileHook.rec !== null;
}

/** A stand-in for an argument leaf: the same values in a buffer of its own, so two arguments never share a slot. */
export function standIn(t: Tensor): Tensor {
  return new Tensor(Float64Array.from(t.data), t.shape);
}

/**
 * A recorded trace turned into a fixed program: unused instructions dropped, every value
 * given a preallocated buffer (reused once the value is dead, and an elementwise op written
 * over an input that dies there), and each instruction bound to its kernel, its inputs and
 * its output buffer, so a replay is one loop of kernel calls that allocates nothing.
 */
import { type Shape, sameShape } from '../shape.js';
import { type KernelOp } from '../tape.js';
import { Tensor, rebindData } from '../tensor.js';
import type { Instruction, Operand, Recorder } from './record.js';

type Run = (inputs: readonly Tensor[], attrs: unknown, outShape: Shape, out: Float64Array) => void;

/** One bound instruction of a replay. */
interface Step {
  readonly run: Run;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly outShape: Shape;
  readonly out: Float64Array;
}

/**
 * An instruction as the listing shows it: what it computes, from what, into which buffer.
 * @group Compilation
 */
export interface ProgramLine {
  /** The value it writes, `%n`. */
  readonly value: number;
  readonly op: string;
  /** Its inputs: `%n` for a program value (an argument or an earlier line), `const[2,3]` for a tensor made outside the function. */
  readonly inputs: readonly string[];
  readonly shape: Shape;
  /** The buffer it writes, `b0`, `b1`, ... (buffers are shared by values whose lifetimes do not overlap). */
  readonly buffer: number;
  /** The input whose buffer it overwrites (`%n`), when it runs in place; null otherwise. */
  readonly inPlaceOf: number | null;
}

/**
 * Counts for a compiled program, against the eager tape it came from.
 * @group Compilation
 */
export interface ProgramStats {
  /** Primitives the traced call applied (forward and backward). */
  readonly recorded: number;
  /** Instructions kept (the rest computed nothing the outputs use). */
  readonly instructions: number;
  /** Preallocated buffers, and their total size in bytes (arguments are read in place, not copied). */
  readonly buffers: number;
  readonly bufferBytes: number;
  /** Instructions that write over one of their inputs. */
  readonly inPlace: number;
}

function runOf(op: KernelOp): Run {
  const into = op.into;
  if (into !== undefined) return into as Run;
  // An op declared with `forward` only (a user's defineOp): its result is copied into the buffer.
  return (inputs, attrs, outShape, out) => out.set(op.forward(inputs, attrs, outShape));
}

/** A program for one argument signature. */
export class Program {
  readonly lines: readonly ProgramLine[];
  readonly stats: ProgramStats;
  readonly argNames: readonly string[];
  private readonly steps: readonly Step[];
  /** Wrappers reading an argument, re-pointed at each call's argument data. */
  private readonly rebinds: readonly { readonly t: Tensor; readonly arg: number }[];
  /**
   * Per output leaf: an argument index with the shape it is returned in (a reshape of an
   * argument is the argument's data under another shape), a fixed tensor over its buffer, or
   * a leaf tensor.
   */
  private readonly outputs: readonly ({ readonly arg: number; readonly shape: Shape } | { readonly tensor: Tensor; readonly owned: boolean })[];
  /**
   * The buffers output tensors are made over: the only ones a caller can hold, and so pass
   * back in (as the tensor, a reshape of it or a tensorView of its data: the same array).
   * Compared by identity: reading `.buffer` would make V8 give a small array an ArrayBuffer.
   */
  private readonly outputBuffers: readonly Float64Array[];
  private readonly nArgs: number;

  constructor(rec: Recorder, outputs: readonly Operand[], argData: readonly Float64Array[], argNames: readonly string[]) {
    this.argNames = argNames;
    const nArgs = argData.length;
    this.nArgs = nArgs;
    const all = rec.instructions;
    // Keep what the outputs need, walking back from them.
    const needed = new Uint8Array(rec.slotSizes.length);
    for (const o of outputs) if (o.kind === 'slot') needed[o.slot] = 1;
    const keepFlags = new Uint8Array(all.length);
    for (let i = all.length - 1; i >= 0; i--) {
      const ins = all[i]!;
      if (needed[ins.out] !== 1) continue;
      keepFlags[i] = 1;
      for (const o of ins.operands) if (o.kind === 'slot') needed[o.slot] = 1;
    }
    const kept: Instruction[] = all.filter((_, i) => keepFlags[i] === 1);
    // Last reader of each value; outputs live to the end.
    const lastUse = new Int32Array(rec.slotSizes.length).fill(-1);
    kept.forEach((ins, k) => {
      for (const o of ins.operands) if (o.kind === 'slot') lastUse[o.slot] = k;
    });
    for (const o of outputs) if (o.kind === 'slot') lastUse[o.slot] = kept.length;

    const phys: (Float64Array | null)[] = rec.slotSizes.map((_, s) => (s < nArgs ? argData[s]! : null));
    const bufferId = new Map<Float64Array, number>();
    const free = new Map<number, Float64Array[]>();
    const lines: ProgramLine[] = [];
    let inPlace = 0;
    let bytes = 0;
    for (let k = 0; k < kept.length; k++) {
      const ins = kept[k]!;
      const size = rec.slotSizes[ins.out]!;
      let buf: Float64Array | null = null;
      let over: number | null = null;
      if (ins.op.elementwise === true) {
        for (const o of ins.operands) {
          if (o.kind !== 'slot' || o.slot < nArgs || lastUse[o.slot] !== k || !sameShape(o.shape, ins.outShape)) continue;
          // Every read of that value here must be aligned with the output (not x + reshape(x)).
          if (!ins.operands.every((p) => p.kind !== 'slot' || p.slot !== o.slot || sameShape(p.shape, ins.outShape))) continue;
          buf = phys[o.slot]!;
          over = o.slot;
          inPlace++;
          break;
        }
      }
      if (buf === null) {
        const list = free.get(size);
        buf = list !== undefined && list.length > 0 ? list.pop()! : null;
        if (buf === null) {
          buf = new Float64Array(size);
          bufferId.set(buf, bufferId.size);
          bytes += size * 8;
        }
      }
      phys[ins.out] = buf;
      // Values read for the last time here free their buffers for later instructions.
      for (const o of ins.operands) {
        if (o.kind !== 'slot' || o.slot < nArgs || lastUse[o.slot] !== k || o.slot === over) continue;
        const b = phys[o.slot]!;
        if (b === buf) continue;
        lastUse[o.slot] = -2; // freed once even when read twice (x * x)
        let list = free.get(b.length);
        if (list === undefined) free.set(b.length, (list = []));
        list.push(b);
      }
      lines.push({
        value: ins.out,
        op: ins.op.name,
        inputs: ins.operands.map((o) => (o.kind === 'slot' ? `%${o.slot}` : `const[${o.tensor.shape.join(',')}]`)),
        shape: ins.outShape,
        buffer: bufferId.get(buf)!,
        inPlaceOf: over,
      });
    }

    const rebinds: { t: Tensor; arg: number }[] = [];
    const wrap = (slot: number, shape: Shape): Tensor => {
      const t = new Tensor(phys[slot]!, shape);
      if (slot < nArgs) rebinds.push({ t, arg: slot });
      return t;
    };
    this.steps = kept.map((ins) => ({
      run: runOf(ins.op),
      inputs: ins.operands.map((o) => (o.kind === 'leaf' ? o.tensor : wrap(o.slot, o.shape))),
      attrs: ins.attrs,
      outShape: ins.outShape,
      out: phys[ins.out]!,
    }));
    this.rebinds = rebinds;
    this.outputs = outputs.map((o) => {
      if (o.kind === 'leaf') return { tensor: o.tensor, owned: false };
      if (o.slot < nArgs) return { arg: o.slot, shape: o.shape };
      return { tensor: new Tensor(phys[o.slot]!, o.shape), owned: true };
    });
    this.outputBuffers = this.outputs.flatMap((o) => ('owned' in o && o.owned ? [o.tensor.data] : []));
    this.lines = lines;
    this.stats = { recorded: all.length, instructions: kept.length, buffers: bufferId.size, bufferBytes: bytes, inPlace };
  }

  /**
   * Replays the program on `args` (argument leaves, in order, shaped as traced).
   * @param reuse return tensors over the program's own buffers (overwritten by the next run) instead of copies
   */
  run(args: Tensor[], reuse: boolean): Tensor[] {
    this.execute(args);
    return this.collect(args, reuse);
  }

  /**
   * Replays the program without collecting its outputs (the caller holds tensors over the output buffers).
   * An argument over one of the output buffers (a reused output passed back in, as a recurrence
   * `state = step(state)` does) is first replaced in `args` by a copy: the replay writes those
   * buffers while it still reads the argument. That case alone allocates.
   */
  execute(args: Tensor[]): void {
    const own = this.outputBuffers;
    if (own.length > 0) {
      // `args` may hold more leaves than this signature's (the caller's array is reused across signatures).
      for (let i = 0; i < this.nArgs; i++) {
        const a = args[i]!;
        for (let j = 0; j < own.length; j++) {
          if (a.data === own[j]) {
            args[i] = new Tensor(a.data.slice(), a.shape);
            break;
          }
        }
      }
    }
    const rebinds = this.rebinds;
    for (let i = 0; i < rebinds.length; i++) {
      const r = rebinds[i]!;
      rebindData(r.t, args[r.arg]!.data);
    }
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      s.run(s.inputs, s.attrs, s.outShape, s.out);
    }
  }

  /** True when some output is an argument itself (its tensor then changes with each call). */
  get returnsArgument(): boolean {
    return this.outputs.some((o) => 'arg' in o);
  }

  private collect(args: readonly Tensor[], reuse: boolean): Tensor[] {
    const outs = this.outputs;
    const result = new Array<Tensor>(outs.length);
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      if ('arg' in o) {
        const a = args[o.arg]!;
        result[i] = sameShape(a.shape, o.shape) ? a : new Tensor(a.data, o.shape);
      } else result[i] = reuse || !o.owned ? o.tensor : new Tensor(o.tensor.data.slice(), o.tensor.shape);
    }
    return result;
  }
}

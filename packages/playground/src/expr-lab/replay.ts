/**
 * The replay cursor, without any DOM. One cursor runs over
 * `[start, forward op 1 … F, backward step 1 … B]`: position p ≤ F means the first p ops have
 * run (the variables are known from the start); position F + b means the forward pass is
 * done and the first b backward steps have passed their g on. What each position shows (the
 * values known, the running gradients, the step just taken) is a {@link Frame}.
 */
import { type BackwardStep, type ForwardStep, type Tensor, ones } from '@tapegrad/core';
import { type LabTrace } from './model.js';

/** The cursor's moves: the page's buttons and keys. */
export type Move = 'reset' | 'back' | 'step' | 'forward' | 'backward';

/** Where the replay is. */
export type Phase = 'start' | 'forward' | 'forward-done' | 'backward' | 'done';

/** What is known of one value's gradient ∂out/∂value at a cursor position. */
export interface GradState {
  /** The running total: the sum of the contributions that have arrived. */
  readonly total: Tensor;
  readonly received: number;
  /** How many contributions it gets in all; `final` when all have arrived. */
  readonly expected: number;
  readonly final: boolean;
}

/** Everything the page shows at one cursor position. */
export interface Frame {
  readonly pos: number;
  readonly phase: Phase;
  /** Entries whose values have been computed (variables always). */
  readonly known: ReadonlySet<number>;
  /** The entry of the step just taken (highlighted), or null at the start. */
  readonly current: number | null;
  /** The forward step just taken, when the cursor is in the forward pass (or at its end). */
  readonly forward: ForwardStep | null;
  /** The backward step just taken, and its index, when the cursor is in the backward pass. */
  readonly backward: BackwardStep | null;
  /** ∂out/∂value so far, by entry: the output's seed 1 once the forward pass is done, then every contribution that has arrived. */
  readonly grads: ReadonlyMap<number, GradState>;
}

/** The cursor position of the end of the forward pass (all values known; the default when an expression is typed). */
export function forwardEnd(t: LabTrace): number {
  return t.forwardOps.length;
}

/**
 * A cursor position kept inside `[0, t.length]`; anything that is not a finite number is the end of the forward pass.
 * @example clampPos(t, 99) === t.length
 */
export function clampPos(t: LabTrace, pos: number): number {
  if (!Number.isFinite(pos)) return forwardEnd(t);
  return Math.max(0, Math.min(t.length, Math.trunc(pos)));
}

/**
 * Applies a move: `step` one op on, `back` one op back (inverse of each other inside the
 * range), `forward` to the end of the forward pass, `backward` to the end of the backward
 * pass, `reset` to the start. Moves past either end stay at it.
 */
export function move(t: LabTrace, pos: number, m: Move): number {
  switch (m) {
    case 'reset':
      return 0;
    case 'back':
      return clampPos(t, pos - 1);
    case 'step':
      return clampPos(t, pos + 1);
    case 'forward':
      return forwardEnd(t);
    case 'backward':
      return t.length;
  }
}

/** Whether a move would change the position (the page disables the buttons that would not). */
export function canMove(t: LabTrace, pos: number, m: Move): boolean {
  return move(t, pos, m) !== pos;
}

function phaseOf(t: LabTrace, pos: number): Phase {
  const f = forwardEnd(t);
  if (pos === 0 && f > 0) return 'start';
  if (pos < f) return 'forward';
  if (pos === t.length) return 'done';
  return pos === f ? 'forward-done' : 'backward';
}

/**
 * What the page shows at cursor position `pos` (clamped into range).
 * @example frameAt(t, t.length).grads.get(0)?.total // ∂out/∂(the first variable), final
 */
export function frameAt(t: LabTrace, at: number): Frame {
  const pos = clampPos(t, at);
  const f = forwardEnd(t);
  const { entries, outputEntry } = t.record;
  const known = new Set<number>();
  for (const e of entries) if (e.argument !== null) known.add(e.index);
  for (let k = 0; k < Math.min(pos, f); k++) known.add(t.forwardOps[k]!);

  const grads = new Map<number, GradState>();
  const b = Math.max(0, pos - f);
  if (pos >= f && outputEntry !== null) {
    const out = entries[outputEntry]!;
    grads.set(outputEntry, { total: ones([...out.outputShape]), received: 1, expected: 1, final: true });
  }
  for (let s = 0; s < b; s++) {
    for (const i of t.steps.backward[s]!.inputs) {
      if (i.from === null || i.total === null) continue;
      const received = (grads.get(i.from)?.received ?? 0) + 1;
      const expected = t.uses.get(i.from) ?? received;
      grads.set(i.from, { total: i.total, received, expected, final: received >= expected });
    }
  }

  const forward = pos > 0 && pos <= f ? (t.steps.forward[t.forwardOps[pos - 1]!] ?? null) : null;
  const backward = b > 0 ? (t.steps.backward[b - 1] ?? null) : null;
  const current = backward?.entry ?? forward?.entry ?? null;
  return { pos, phase: phaseOf(t, pos), known, current, forward, backward, grads };
}

/**
 * Where clicking a value's box takes the cursor. In the forward pass (and at its end): to the
 * op that computes it (a variable: the start). In the backward pass: to the step where its
 * gradient is complete (the last contribution arrives; the output: the end of the forward pass,
 * where its seed ∂out/∂out = 1 is set).
 * @param backward whether the cursor is in the backward pass
 */
export function positionOf(t: LabTrace, entry: number, backward: boolean): number {
  if (!backward) {
    const k = t.forwardOps.indexOf(entry);
    return k < 0 ? 0 : k + 1;
  }
  let last = -1;
  t.steps.backward.forEach((s, k) => {
    if (s.inputs.some((i) => i.from === entry && i.total !== null)) last = k;
  });
  return last < 0 ? forwardEnd(t) : forwardEnd(t) + last + 1;
}

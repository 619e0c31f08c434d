/**
 * Training without freezing the page: each slice runs gradient steps for a time budget
 * (BUDGET_MS), then the view redraws once and yields to the browser (a message to itself, so
 * input and painting run between slices). A Web Worker would need the weights copied back for
 * every redraw of the heatmap, the diagram and the inspector, which all read the live model;
 * a 2-8-8-1 step on 500 points takes a few milliseconds, so main-thread slices are enough.
 * Slices are not tied to requestAnimationFrame or timers: a browser may run those at 1 Hz for a
 * page it thinks is not shown (headless Chromium does), and a redraw outside a frame callback is
 * simply painted at the next frame.
 * DOM-free: the clock is passed in, so node tests drive it.
 */

/** Time spent stepping per frame, in ms (a 60 Hz frame is 16.7 ms; the rest is for drawing and input). */
export const BUDGET_MS = 10;

/**
 * Runs `step` until `budgetMs` have passed (at least once).
 * @returns how many steps ran
 */
export function runSlice(step: () => void, now: () => number, budgetMs = BUDGET_MS): number {
  const t0 = now();
  let n = 0;
  do {
    step();
    n++;
  } while (now() - t0 < budgetMs);
  return n;
}

/** Steps per second over the last `windowMs` of wall time (drawing included, so it is what the user sees). */
export class StepRate {
  readonly #windowMs: number;
  readonly #marks: { t: number; steps: number }[] = [];
  #total = 0;

  constructor(windowMs = 1000) {
    this.#windowMs = windowMs;
  }

  /** Records that `steps` steps finished at time `t` (ms). */
  add(steps: number, t: number): void {
    this.#total += steps;
    this.#marks.push({ t, steps: this.#total });
    while (this.#marks.length > 2 && t - this.#marks[1]!.t >= this.#windowMs) this.#marks.shift();
  }

  /** Forgets the history (after a pause, the idle time must not count). */
  reset(): void {
    this.#marks.length = 0;
    this.#total = 0;
  }

  /** Steps per second between the oldest and newest mark in the window; NaN until two marks span some time. */
  rate(): number {
    const first = this.#marks[0];
    const last = this.#marks[this.#marks.length - 1];
    if (first === undefined || last === undefined || last.t <= first.t) return NaN;
    return ((last.steps - first.steps) * 1000) / (last.t - first.t);
  }
}

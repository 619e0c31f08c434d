/**
 * The lab's inputs: the expression box with its error line, one slider and number box per
 * variable, and the replay buttons. Each reports what the user did; the view decides.
 */
import { h, replace } from '../dom.js';
import { type Move } from './replay.js';
import { parseNumber } from './url.js';

/** The slider range; the number box takes any finite value. */
export const SLIDER = { min: -3, max: 3, step: 0.01 } as const;

/** The variables' sliders, rebuilt only when the set of names changes (so dragging keeps focus). */
export interface VariableControls {
  readonly el: HTMLElement;
  /** Shows these variables with these values. */
  set(values: ReadonlyMap<string, number>): void;
}

/**
 * One row per variable: `name [slider] [number]`. The two inputs mirror each other; either
 * calls `onChange(name, value)` with a finite number (a half-typed number box is ignored).
 */
export function variableControls(onChange: (name: string, value: number) => void): VariableControls {
  const el = h('div', { class: 'exprlab-vars' });
  let names = '';
  const rows = new Map<string, { range: HTMLInputElement; box: HTMLInputElement }>();
  return {
    el,
    set(values) {
      const key = JSON.stringify([...values.keys()]);
      if (key !== names) {
        names = key;
        rows.clear();
        const made = [...values.keys()].map((name, k) => {
          const id = `exprlab-var-${k}`;
          const range = h('input', { type: 'range', id, min: SLIDER.min, max: SLIDER.max, step: SLIDER.step, class: 'exprlab-range', 'data-var': name });
          const box = h('input', { type: 'number', step: 'any', class: 'exprlab-box', 'data-var': name, 'aria-label': `${name}, exact value` });
          range.addEventListener('input', () => {
            const v = parseNumber(range.value);
            if (v === null) return;
            box.value = String(v);
            onChange(name, v);
          });
          box.addEventListener('input', () => {
            const v = parseNumber(box.value);
            if (v === null) return;
            range.value = String(v);
            onChange(name, v);
          });
          rows.set(name, { range, box });
          return h('div', { class: 'exprlab-var' }, h('label', { for: id, class: 'mono exprlab-var-name' }, name), range, box);
        });
        replace(el, ...(made.length === 0 ? [h('p', { class: 'muted' }, 'This expression has no variables: it is a constant.')] : made));
      }
      for (const [name, v] of values) {
        const row = rows.get(name);
        if (row === undefined) continue;
        if (parseNumber(row.range.value) !== v) row.range.value = String(v);
        // Leave a box the user is typing in alone unless it says another number.
        if (parseNumber(row.box.value) !== v) row.box.value = String(v);
      }
    },
  };
}

/** The replay buttons and the position line. */
export interface ReplayControls {
  readonly el: HTMLElement;
  /** Marks the buttons whose move would not change the position as aria-disabled (the view ignores them) and writes the position line. */
  update(enabled: (m: Move) => boolean, position: string): void;
}

interface ButtonSpec {
  readonly move: Move;
  readonly text: string;
  readonly title: string;
}

const BUTTONS: readonly ButtonSpec[] = [
  { move: 'reset', text: 'Reset', title: 'Back to the start: only the variables are known' },
  { move: 'back', text: '◀ Back', title: 'Undo the last op' },
  { move: 'step', text: 'Step ▶', title: 'Run the next op, forward or backward' },
];
const JUMPS: readonly ButtonSpec[] = [
  { move: 'forward', text: 'Forward pass', title: 'Jump to the end of the forward pass: every value computed' },
  { move: 'backward', text: 'Backward pass', title: 'Jump to the end of the backward pass: every gradient complete' },
];

/** Reset / Back / Step, then "jump to the end of the" Forward pass / Backward pass. */
export function replayControls(onMove: (m: Move) => void): ReplayControls {
  const buttons = new Map<Move, HTMLButtonElement>();
  // aria-disabled rather than disabled: a button that cannot move keeps keyboard focus
  // (a disabled one would drop it to the page when Step reaches the end).
  const make = (b: ButtonSpec): HTMLButtonElement => {
    const el = h('button', { type: 'button', class: b.move === 'step' ? 'primary' : '', title: b.title, 'data-move': b.move, onclick: () => onMove(b.move) }, b.text);
    buttons.set(b.move, el);
    return el;
  };
  const position = h('span', { class: 'exprlab-pos muted', 'aria-live': 'polite' });
  const el = h('div', { class: 'exprlab-controls', role: 'toolbar', 'aria-label': 'Replay the passes' },
    h('div', { class: 'exprlab-btns' }, ...BUTTONS.map(make)),
    h('div', { class: 'exprlab-btns' }, h('span', { class: 'muted exprlab-jump' }, 'jump to the end of the'), ...JUMPS.map(make)),
    position,
  );
  return {
    el,
    update(enabled, text) {
      for (const [m, b] of buttons) b.setAttribute('aria-disabled', String(!enabled(m)));
      position.textContent = text;
    },
  };
}

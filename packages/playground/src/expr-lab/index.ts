/**
 * View 1, the Expression lab: type an expression, set its variables, and replay the tape's
 * forward and backward passes one op at a time on its graph. State (expression, values,
 * cursor) lives in the address; the data comes from model.ts and replay.ts, the drawing
 * from graph-view.ts and step-panel.ts.
 */
import './expr-lab.css';
import { h, replace } from '../dom.js';
import { type View } from '../view.js';
import { replayControls, variableControls } from './controls.js';
import { graphSvg } from './graph-view.js';
import { type Layout, layoutGraph } from './layout.js';
import { buildTrace, type LabTrace } from './model.js';
import { canMove, clampPos, forwardEnd, frameAt, move, type Move, positionOf } from './replay.js';
import { stepPanel } from './step-panel.js';
import { readState, writeState } from './url.js';

/** How long typing must pause before the expression is re-traced and laid out (as in the derivative lab). */
export const TYPING_DELAY_MS = 150;

/** Below this width the graph is laid out top to bottom. */
const NARROW = 640;

const KEYS: ReadonlyMap<string, Move> = new Map([
  ['ArrowRight', 'step'],
  ['ArrowDown', 'step'],
  ['ArrowLeft', 'back'],
  ['ArrowUp', 'back'],
  ['Home', 'reset'],
  ['End', 'backward'],
]);

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The Expression lab view (`#/expr?e=…&v.<name>=…&at=…`). */
export const exprLab: View = {
  id: 'expr',
  title: 'Expression lab',
  mount(root, ctx) {
    const initial = readState(ctx.params);
    let source = initial.expr;
    let values = new Map(initial.values);
    // Every value set this visit: a variable deleted while editing gets its value back when retyped.
    const memory = new Map(initial.values);
    let trace: LabTrace | null = null;
    let pos = 0;
    // Kept while the graph's shape is the same: dragging a slider re-traces but need not re-lay out.
    let layout: { shape: string; dir: 'LR' | 'TB'; layout: Layout } | null = null;

    const input = h('input', { type: 'text', class: 'expr', id: 'exprlab-expr', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off', value: source, 'aria-describedby': 'exprlab-error' });
    const error = h('div', { class: 'error exprlab-error', id: 'exprlab-error', role: 'alert' });
    const vars = variableControls((name, v) => {
      values.set(name, v);
      memory.set(name, v);
      retrace(true);
    });
    const controls = replayControls((m) => go(m));
    const graph = h('div', { class: 'exprlab-graph scroll-x', tabindex: 0, role: 'group', 'aria-label': 'The tape as a graph. Arrow keys step forward and back, Home resets, End runs the backward pass to the end.' });
    const panel = h('div', { class: 'panel exprlab-panel', 'aria-live': 'polite' });

    root.append(
      h('h2', {}, 'Expression lab'),
      h('p', { class: 'lead' }, 'Type an expression and set its variables; then press Step to watch the tape compute every value, and keep stepping to see the chain rule pass ∂out/∂value back, op by op, adding up where a value is used twice.'),
      h('div', { class: 'panel exprlab-inputs' },
        h('label', { for: 'exprlab-expr', class: 'exprlab-expr-label' }, 'out ='),
        input,
        error,
        vars.el,
      ),
      controls.el,
      h('div', { class: 'panel exprlab-graph-panel' }, graph, h('p', { class: 'muted exprlab-hint' }, 'Each box: the value it holds and, once the backward pass reaches it, ∂out/∂value. Click a box to go to its step; with the graph focused, ← → step.')),
      panel,
    );

    /** Re-traces at the current text and values; the cursor stays when the graph's shape is the same. */
    function retrace(keepCursor: boolean, at: number | null = null): void {
      let next: LabTrace;
      try {
        next = buildTrace(source, memory);
      } catch (err) {
        replace(error, message(err));
        input.setAttribute('aria-invalid', 'true');
        save();
        return;
      }
      replace(error);
      input.removeAttribute('aria-invalid');
      const same = keepCursor && trace !== null && trace.shapeKey === next.shapeKey;
      pos = at !== null ? clampPos(next, at) : same ? clampPos(next, pos) : forwardEnd(next);
      trace = next;
      values = new Map(next.values);
      vars.set(values);
      render();
    }

    function save(): void {
      ctx.setParams(writeState({ expr: source, values, at: trace === null ? null : pos }));
    }

    function go(m: Move): void {
      if (trace === null || !canMove(trace, pos, m)) return;
      pos = move(trace, pos, m);
      renderKeepingFocus();
    }

    /** Renders; a box that had the focus (the SVG is rebuilt) gets it back, so arrow keys keep working. */
    function renderKeepingFocus(entry: string | null = null): void {
      const active = document.activeElement;
      const had = entry ?? (active instanceof SVGElement && graph.contains(active) ? active.getAttribute('data-entry') : null);
      render();
      const box = had === null ? null : graph.querySelector(`[data-entry="${had}"]`);
      if (box instanceof SVGElement) box.focus();
    }

    /** A click (or Enter) on a value's box: go to its step, and keep the keyboard focus on that box. */
    function pick(entry: number): void {
      if (trace === null) return;
      pos = positionOf(trace, entry, pos > forwardEnd(trace));
      renderKeepingFocus(String(entry));
    }

    function render(): void {
      save();
      const t = trace;
      if (t === null) {
        replace(graph, h('p', { class: 'muted' }, 'Fix the expression above to see its graph.'));
        replace(panel);
        controls.update(() => false, '');
        return;
      }
      const frame = frameAt(t, pos);
      const dir = root.clientWidth > 0 && root.clientWidth < NARROW ? 'TB' : 'LR';
      if (layout === null || layout.shape !== t.shapeKey || layout.dir !== dir) layout = { shape: t.shapeKey, dir, layout: layoutGraph(t.nodes, t.edges, dir) };
      if (t.nodes.length === 0) replace(graph, h('p', { class: 'muted' }, 'No graph: with no variable, nothing is traced.'));
      else replace(graph, graphSvg(t, layout.layout, frame, graph.clientWidth, pick));
      replace(panel, ...stepPanel(t, frame));
      const f = forwardEnd(t);
      const where = pos <= f ? `forward: ${pos} of ${f} ops run` : `backward: ${pos - f} of ${t.steps.backward.length} steps`;
      controls.update((m) => canMove(t, pos, m), `${where} · position ${pos} of ${t.length}`);
    }

    // Typing is debounced: each keystroke would re-trace and re-lay out the graph. While a
    // re-trace is pending the graph panel is aria-busy (the e2e waits for it to clear).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graphPanel = graph.parentElement;
    input.addEventListener('input', () => {
      source = input.value;
      clearTimeout(timer);
      graphPanel?.setAttribute('aria-busy', 'true');
      timer = setTimeout(() => {
        timer = undefined;
        graphPanel?.removeAttribute('aria-busy');
        // A syntax error is shown under the input and the last good graph stays.
        retrace(true);
      }, TYPING_DELAY_MS);
    });
    graph.addEventListener('keydown', (ev) => {
      const m = KEYS.get(ev.key);
      if (m === undefined || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      ev.preventDefault();
      go(m);
    });
    let raf = 0;
    const onResize = (): void => {
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(() => render());
    };
    window.addEventListener('resize', onResize);

    retrace(false, initial.at);
    if (trace === null) render();
    return () => {
      clearTimeout(timer);
      window.removeEventListener('resize', onResize);
      cancelAnimationFrame(raf);
    };
  },
};

import { type Tensor, ExprError, evaluateExpr, grad, parseExpr, scalar } from '@tapegrad/core';
import dagre from '@dagrejs/dagre';
import { describe, expect, it, vi } from 'vitest';
import { layoutGraph } from './layout.js';
import { DEFAULT_EXPR, DEFAULT_VALUES, GraphTooLargeError, MAX_BOXES, NEW_VARIABLE_VALUE, buildTrace, localFactor } from './model.js';
import { type Move, canMove, clampPos, forwardEnd, frameAt, move, positionOf } from './replay.js';
import { readState, writeState } from './url.js';

/** ∂out/∂(each variable) by core's `grad`, independently of the tape record the lab replays. */
function gradByCore(source: string, values: ReadonlyMap<string, number>): Map<string, number> {
  const tree = parseExpr(source);
  const params: Record<string, Tensor> = Object.fromEntries([...values].map(([k, v]) => [k, scalar(v)]));
  const g = grad((p: Record<string, Tensor>) => evaluateExpr(source, tree, new Map(Object.entries(p))))(params);
  return new Map(Object.entries(g).map(([k, t]) => [k, t.data[0]!]));
}

describe('the expression lab model', () => {
  const t = buildTrace(DEFAULT_EXPR, DEFAULT_VALUES);

  it('draws one box per tape entry, variables named, x read twice', () => {
    expect(t.nodes.map((n) => n.title)).toEqual(['w', 'x', 'b', 'mul', 'add', 'tanh', 'mul']);
    expect(t.nodes.filter((n) => n.isOutput).map((n) => n.id)).toEqual(['n6']);
    expect(t.edges.filter((e) => e.from === 'n1').map((e) => e.to)).toEqual(['n3', 'n6']);
    expect(t.uses.get(1)).toBe(2);
    expect(t.length).toBe(4 + 4);
  });

  it('gives a constant its own box, wired to the op that reads it', () => {
    const c = buildTrace('2*x + 1', new Map([['x', 3]]));
    expect(c.nodes.filter((n) => n.kind === 'constant').map((n) => n.title)).toEqual(['2', '1']);
    expect(c.edges.filter((e) => e.fromEntry === null).length).toBe(2);
    const f = frameAt(c, c.length);
    expect(f.backward?.inputs.some((i) => i.from === null)).toBe(true);
  });

  it.each([
    [DEFAULT_EXPR, DEFAULT_VALUES],
    ['x*x*x + sin(x)*y - y/x', new Map([['x', 0.7], ['y', -1.3]])],
    ['sigmoid(a*b) * log1p(a^2) + softplus(b - a)', new Map([['a', 2.25], ['b', -0.6]])],
  ])('after the full backward pass the replay shows exactly core grad of %s', (src, vals) => {
    const tr = buildTrace(src, vals);
    const f = frameAt(tr, tr.length);
    expect(f.phase).toBe('done');
    const want = gradByCore(src, vals);
    for (const e of tr.record.entries.filter((x) => x.argument !== null)) {
      const g = f.grads.get(e.index);
      expect(g?.final).toBe(true);
      // The same ops in the same order: bit for bit, not merely close.
      expect(g?.total.data[0]).toBe(want.get(e.name ?? ''));
    }
  });

  it('starts a new variable at a value that is not 0 or 1, and keeps the given ones', () => {
    const tr = buildTrace('w*q', new Map([['w', 2]]));
    expect([...tr.values]).toEqual([['w', 2], ['q', NEW_VARIABLE_VALUE]]);
  });

  it('raises the typed errors the page shows: a caret message for a typo or an op that cannot run', () => {
    expect(() => buildTrace('tanh(w*', new Map())).toThrow(ExprError);
    try {
      buildTrace('tanh(w*', new Map());
    } catch (err) {
      expect(err instanceof Error ? err.message : '').toMatch(/\^/);
    }
    // An op's own error (softmax has no axis on a scalar) comes back with the column too.
    expect(() => buildTrace('1 + softmax(x)', new Map())).toThrow(/column 5/);
    expect(() => buildTrace('nope(x)', new Map())).toThrow(ExprError);
  });

  it('keeps the shape key across values and changes it with the wiring', () => {
    const a = buildTrace(DEFAULT_EXPR, new Map([['w', 2]]));
    expect(a.shapeKey).toBe(t.shapeKey);
    expect(buildTrace('tanh(w*x + b) * b', DEFAULT_VALUES).shapeKey).not.toBe(t.shapeKey);
    expect(buildTrace('tanh(w*x + 2) * x', DEFAULT_VALUES).shapeKey).not.toBe(buildTrace('tanh(w*x + 3) * x', DEFAULT_VALUES).shapeKey);
  });

  it('lays the graph out with every box inside the canvas, the output last', () => {
    for (const dir of ['LR', 'TB'] as const) {
      const l = layoutGraph(t.nodes, t.edges, dir);
      for (const b of l.boxes.values()) {
        expect(b.x - b.width / 2).toBeGreaterThanOrEqual(0);
        expect(b.y - b.height / 2).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width / 2).toBeLessThanOrEqual(l.width + 1);
        expect(b.y + b.height / 2).toBeLessThanOrEqual(l.height + 1);
      }
      const axis = (id: string): number => (dir === 'LR' ? l.boxes.get(id)!.x : l.boxes.get(id)!.y);
      for (const id of ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']) expect(axis(id)).toBeLessThan(axis('n6'));
      expect(l.paths).toHaveLength(t.edges.length);
      expect(l.paths.every((p) => p.points.length >= 2)).toBe(true);
    }
  });
});

describe('the replay cursor', () => {
  const t = buildTrace(DEFAULT_EXPR, DEFAULT_VALUES);
  const F = forwardEnd(t);

  it('stays in bounds', () => {
    expect(move(t, 0, 'back')).toBe(0);
    expect(move(t, t.length, 'step')).toBe(t.length);
    expect(clampPos(t, -5)).toBe(0);
    expect(clampPos(t, 1e9)).toBe(t.length);
    expect(clampPos(t, Number.NaN)).toBe(F);
    expect(canMove(t, 0, 'back')).toBe(false);
    expect(canMove(t, 0, 'reset')).toBe(false);
    expect(canMove(t, t.length, 'backward')).toBe(false);
    expect(canMove(t, t.length, 'back')).toBe(true);
  });

  it('step and back are inverses inside the range', () => {
    for (let p = 0; p < t.length; p++) expect(move(t, move(t, p, 'step'), 'back')).toBe(p);
    for (let p = 1; p <= t.length; p++) expect(move(t, move(t, p, 'back'), 'step')).toBe(p);
  });

  it('jumps: forward to the end of the forward pass, backward to the end, reset to the start', () => {
    const jumps: [Move, number][] = [['forward', F], ['backward', t.length], ['reset', 0]];
    for (let p = 0; p <= t.length; p++) for (const [m, want] of jumps) expect(move(t, p, m)).toBe(want);
  });

  it('walks the phases: values appear op by op, then gradients step by step', () => {
    const phases = Array.from({ length: t.length + 1 }, (_, p) => frameAt(t, p).phase);
    expect(phases).toEqual(['start', 'forward', 'forward', 'forward', 'forward-done', 'backward', 'backward', 'backward', 'done']);
    expect([...frameAt(t, 0).known].sort()).toEqual([0, 1, 2]);
    expect(frameAt(t, 2).known.has(4)).toBe(true);
    expect(frameAt(t, 2).known.has(5)).toBe(false);
    expect(frameAt(t, 2).current).toBe(4);
    expect(frameAt(t, F - 1).grads.size).toBe(0);
    expect(frameAt(t, F).grads.get(6)?.total.data[0]).toBe(1);
  });

  it('shows x partial (1 of 2) after the first backward step, final after the last', () => {
    const one = frameAt(t, F + 1).grads.get(1);
    expect(one).toMatchObject({ received: 1, expected: 2, final: false });
    expect(one?.total.data[0]).toBe(t.record.entries[5]!.value.data[0]);
    const done = frameAt(t, t.length).grads.get(1);
    expect(done).toMatchObject({ received: 2, expected: 2, final: true });
    expect(done?.total.data[0]).toBe(t.record.grad('x').data[0]);
    expect(t.arrivals[3]?.[1]).toMatchObject({ ordinal: 2 });
    expect(t.arrivals[3]?.[1]?.before?.data[0]).toBe(one?.total.data[0]);
  });
});

describe('the lab in the address', () => {
  it('round-trips expression, values (as exact float64s) and cursor', () => {
    const state = { expr: 'tanh(w*x + b) * x & ?=#', values: new Map([['w', 0.1 + 0.2], ['x', -1e-300], ['e', 3]]), at: 5 };
    const back = readState(new URLSearchParams(writeState(state).toString()));
    expect(back.expr).toBe(state.expr);
    expect([...back.values]).toEqual([...state.values]);
    expect(back.at).toBe(5);
  });

  it('opens at the default expression and values with no parameters, and ignores junk numbers', () => {
    const d = readState(new URLSearchParams());
    expect(d.expr).toBe(DEFAULT_EXPR);
    expect([...d.values]).toEqual([...DEFAULT_VALUES]);
    expect(d.at).toBeNull();
    const j = readState(new URLSearchParams('e=x&v.x=abc&v.y=Infinity&v.=3&at=1.5'));
    expect(j.values.size).toBe(0);
    expect(j.at).toBeNull();
  });
});

describe('clicking a value', () => {
  const t = buildTrace(DEFAULT_EXPR, DEFAULT_VALUES);
  const F = forwardEnd(t);

  it('in the forward pass goes to the op that computes it (a variable: the start)', () => {
    expect(positionOf(t, 0, false)).toBe(0);
    for (const [k, e] of t.forwardOps.entries()) {
      expect(positionOf(t, e, false)).toBe(k + 1);
      expect(frameAt(t, positionOf(t, e, false)).current).toBe(e);
    }
  });

  it('in the backward pass goes to where its gradient is complete', () => {
    expect(positionOf(t, 6, true)).toBe(F);
    for (const e of t.record.entries) {
      const p = positionOf(t, e.index, true);
      expect(frameAt(t, p).grads.get(e.index)?.final).toBe(true);
      if (p > F) expect(frameAt(t, p - 1).grads.get(e.index)?.final ?? false).toBe(false);
    }
    // x: its second contribution arrives at the last step.
    expect(positionOf(t, 1, true)).toBe(t.length);
  });
});

/** A balanced sum of `leaves` copies of `leaf`: ((x+x)+(x+x))+…, wide rather than deep. */
function balanced(leaves: number, leaf = 'x'): string {
  let parts = Array.from({ length: leaves }, () => leaf);
  while (parts.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < parts.length; i += 2) next.push(i + 1 < parts.length ? `(${parts[i]}+${parts[i + 1]})` : parts[i]!);
    parts = next;
  }
  return parts[0]!;
}

describe('a graph too large to draw', () => {
  it('is refused with how many values it has and what to do, before any layout', () => {
    const layout = vi.spyOn(dagre, 'layout');
    try {
      // 2048 leaves: 2047 adds and x, once a tab-freezing minute of dagre layout.
      expect(() => buildTrace(balanced(2048), new Map([['x', 1]]))).toThrow(GraphTooLargeError);
      expect(() => buildTrace(balanced(2048), new Map([['x', 1]]))).toThrow(`This expression puts 2048 values on the tape; the lab draws at most ${MAX_BOXES} boxes, so its graph is not shown. Shorten it, or explore one part of it at a time.`);
      // Constants are boxes too: x, 32 muls and 31 adds are 64 entries, with the 32 twos 96 boxes.
      expect(() => buildTrace(balanced(32, '(x*2)'), new Map())).toThrow(/puts 64 values on the tape \(96 boxes/);
      expect(layout).not.toHaveBeenCalled();
    } finally {
      layout.mockRestore();
    }
  });

  it('is drawn up to the limit', () => {
    const t = buildTrace(balanced(MAX_BOXES), new Map([['x', 1]]));
    expect(t.nodes).toHaveLength(MAX_BOXES);
    expect(layoutGraph(t.nodes, t.edges, 'LR').boxes.size).toBe(MAX_BOXES);
    expect(() => buildTrace(balanced(MAX_BOXES + 1), new Map([['x', 1]]))).toThrow(GraphTooLargeError);
  });
});

describe('the factor in "g × local = contribution"', () => {
  it('is the op\'s local derivative for ordinary numbers', () => {
    const t = buildTrace('w*x', new Map([['w', 0.8], ['x', 1.5]]));
    const step = t.steps.backward[0]!;
    const factors = step.inputs.map((i) => localFactor(step.g.data[0]!, i.contribution!.data[0]!));
    expect(factors).toEqual([1.5, 0.8]);
  });

  it('is left out when g is too small or large to divide by, or the quotient is not finite', () => {
    // y*(x*1e-300) at y = 1e-300: the inner mul's g is 1e-300 and x's contribution 1e-600
    // underflows to 0, which divided back would read "g × 0" instead of g × 1e-300.
    const t = buildTrace('y*(x*1e-300)', new Map([['y', 1e-300], ['x', 0.5]]));
    const inner = t.steps.backward.find((s) => s.g.data[0] === 1e-300)!;
    const toX = inner.inputs.find((i) => i.from !== null)!;
    expect(toX.contribution?.data[0]).toBe(0);
    expect(localFactor(inner.g.data[0]!, toX.contribution!.data[0]!)).toBeNull();
    expect(localFactor(0, 0)).toBeNull();
    expect(localFactor(1e300, 1)).toBeNull();
    expect(localFactor(Number.NaN, 1)).toBeNull();
    expect(localFactor(1e-100, Number.POSITIVE_INFINITY)).toBeNull();
    expect(localFactor(1e-140, 3e-140)).toBeCloseTo(3, 12);
  });
});

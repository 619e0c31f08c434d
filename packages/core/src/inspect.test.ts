import { describe, expect, it } from 'vitest';
import { type Tensor, add, exp, mul, scalar, sum, tensor, traceTape } from './index.js';
import { tapeLength } from './tape.js';

// f(x, y) = (x + y)·y at x = 2, y = 3: value 15; ∂f/∂(x+y) = y = 3, ∂f/∂x = 3, ∂f/∂y = (x + y) + y = 8.
const f = (x: Tensor, y: Tensor): Tensor => mul(add(x, y), y);
const rec = traceTape(f, scalar(2), scalar(3));

describe('traceTape', () => {
  it('records one entry per op, arguments first, with inputs pointing at the entries that made them', () => {
    expect(rec.entries.map((e) => e.op)).toEqual(['variable', 'variable', 'add', 'mul']);
    expect(rec.entries.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(rec.entries[2]!.inputs).toEqual([{ from: 0, shape: [] }, { from: 1, shape: [] }]);
    expect(rec.entries[3]!.inputs).toEqual([{ from: 2, shape: [] }, { from: 1, shape: [] }]);
    expect(rec.entries[3]!.outputShape).toEqual([]);
    expect(rec.outputEntry).toBe(3);
    expect(rec.output.item()).toBe(15);
    expect(tapeLength()).toBe(0);
  });

  it('says what each VJP saved, and carries values and gradients', () => {
    expect(rec.entries.map((e) => e.saved)).toEqual([[], [], [], ['a', 'b']]);
    expect(rec.entries.map((e) => e.value.item())).toEqual([2, 3, 5, 15]);
    expect(rec.entries.map((e) => e.grad?.item())).toEqual([3, 8, 3, 1]);
  });

  it('renders a fixed-width table', () => {
    expect(rec.toTable()).toBe(
      [
        '#  op        inputs     output  saved',
        '-  --------  ---------  ------  -----',
        '0  variable  argument   []      -',
        '1  variable  argument   []      -',
        '2  add       #0[] #1[]  []      -',
        '3  mul       #2[] #1[]  []      a,b',
      ].join('\n'),
    );
  });

  it('exports Graphviz DOT, arguments and output highlighted, with values and gradients on request', () => {
    expect(rec.toDot({ values: true })).toBe(
      [
        'digraph tape {',
        '  rankdir=LR;',
        '  node [shape=box, fontname="monospace"];',
        '  n0 [label="#0 variable []\\nvalue 2\\ngrad 3", style=filled, fillcolor="#dde8ff"];',
        '  n1 [label="#1 variable []\\nvalue 3\\ngrad 8", style=filled, fillcolor="#dde8ff"];',
        '  n2 [label="#2 add []\\nvalue 5\\ngrad 3"];',
        '  n0 -> n2;',
        '  n1 -> n2;',
        '  n3 [label="#3 mul []\\nvalue 15\\ngrad 1", style=filled, fillcolor="#ffe8cc"];',
        '  n2 -> n3;',
        '  n1 -> n3;',
        '}',
      ].join('\n'),
    );
    expect(rec.toDot()).toContain('n2 [label="#2 add []"];');
  });

  it('exports a Mermaid flowchart', () => {
    expect(rec.toMermaid()).toBe(
      ['flowchart LR', '  n0["#0 variable []"]', '  n1["#1 variable []"]', '  n2["#2 add []"]', '  n0 --> n2', '  n1 --> n2', '  n3["#3 mul []"]', '  n2 --> n3', '  n1 --> n3'].join(
        '\n',
      ),
    );
    expect(rec.toMermaid({ values: true })).toContain('n3["#3 mul []<br/>value 15<br/>grad 1"]');
  });

  it('shows constants as such: const inputs in the table, gray ellipses in DOT, circles in Mermaid', () => {
    const r = traceTape((x) => sum(mul(x, scalar(2))), tensor([1, 2]));
    expect(r.toTable().split('\n')[3]).toBe('1  mul       #0[2] const[]  [2]     a,b');
    expect(r.entries[1]!.inputs[1]).toEqual({ from: null, shape: [] });
    expect(r.toDot()).toContain('  c0 [label="const []", shape=ellipse, color=gray];\n  c0 -> n1;');
    expect(r.toMermaid({ values: true })).toContain('  c0(("const []")) --> n1');
    // Vectors of up to 4 values are shown in full: the gradient of Σ 2x is [2, 2].
    expect(r.toMermaid({ values: true })).toContain('n0["#0 variable [2]<br/>value [1, 2]<br/>grad [2, 2]"]');
  });

  it('a non-scalar output has no gradients; an output that ignores the inputs has no entry', () => {
    const r = traceTape((x) => exp(x), tensor([0, 1]));
    expect(r.entries.map((e) => e.grad)).toEqual([null, null]);
    expect(r.outputEntry).toBe(1);
    const c = traceTape(() => scalar(7), tensor([1]));
    expect(c.outputEntry).toBeNull();
    expect(c.output.item()).toBe(7);
    expect(c.entries.map((e) => e.op)).toEqual(['variable']);
  });
});

import { describe, expect, it } from 'vitest';
import { ArgumentError, GradError, type Tensor, add, fmtValue, exp, grad, mul, named, scalar, sigmoid, sum, tanh, tensor, traceTape, zeros } from './index.js';
import { tapeLength } from './tape.js';
import { callWith } from './testing/untyped.js';

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
      [
        'flowchart LR',
        '  n0["#0 variable []"]',
        '  n1["#1 variable []"]',
        '  n2["#2 add []"]',
        '  n0 --> n2',
        '  n1 --> n2',
        '  n3["#3 mul []"]',
        '  n2 --> n3',
        '  n1 --> n3',
        // The same colours as DOT: arguments blue, the output orange.
        '  classDef arg fill:#dde8ff;',
        '  classDef out fill:#ffe8cc;',
        '  class n0,n1 arg;',
        '  class n3 out;',
      ].join('\n'),
    );
    expect(rec.toMermaid({ values: true })).toContain('n3["#3 mul []<br/>value 15<br/>grad 1"]');
  });

  it('shows constants as such, with their value: in the table, as gray ellipses in DOT, circles in Mermaid', () => {
    const r = traceTape((x) => sum(mul(x, scalar(2))), tensor([1, 2]));
    expect(r.toTable().split('\n')[3]).toBe('1  mul       #0[2] 2   [2]     a,b');
    expect(r.entries[1]!.inputs[1]).toEqual({ from: null, shape: [], value: scalar(2) });
    // A constant's id names the entry and the input position it feeds (input 1 of entry 1).
    expect(r.toDot()).toContain('  c1_1 [label="2", shape=ellipse, color=gray];\n  c1_1 -> n1;');
    expect(r.toMermaid({ values: true })).toContain('  c1_1(("2")) --> n1');
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

describe('traceTape.named', () => {
  // The neuron σ(w·x + b) at w = 0.5, x = 2, b = -1: σ(0) = 0.5, σ'(0) = 1/4.
  const neuron = traceTape.named(({ w, b }) => sigmoid(add(mul(w, 2), b)), { w: scalar(0.5), b: scalar(-1) });

  it('labels each leaf of the parameter tree with its path; ops have argument null', () => {
    expect(neuron.entries.map((e) => e.argument)).toEqual(['w', 'b', null, null, null]);
    expect(neuron.entries.map((e) => e.op)).toEqual(['variable', 'variable', 'mul', 'add', 'sigmoid']);
    expect(neuron.entries.map((e) => e.grad?.item())).toEqual([0.5, 0.25, 0.25, 0.25, 1]);
    const nested = traceTape.named((p) => sum(mul(p.layers[0]!.W, p.scale)), { layers: [{ W: tensor([1, 2]) }], scale: scalar(3) });
    expect(nested.entries.filter((e) => e.argument !== null).map((e) => e.argument)).toEqual(['layers[0].W', 'scale']);
    // Keys that are not identifiers are quoted, so a path reads back unambiguously.
    expect(traceTape.named((p) => p['a b']!, { 'a b': scalar(1) }).entries[0]!.argument).toBe('["a b"]');
    expect(traceTape((x) => x, scalar(1)).entries[0]!.argument).toBe('');
  });

  it('names arguments in the table, where inputs refer to them, with values and gradients on request', () => {
    expect(neuron.toTable({ values: true })).toBe(
      [
        '#  op       inputs    output  saved  value  grad',
        '-  -------  --------  ------  -----  -----  ----',
        '0  w        argument  []      -      0.5    0.5',
        '1  b        argument  []      -      -1     0.25',
        '2  mul      w[] 2     []      a,b    1      0.25',
        '3  add      #2[] b[]  []      -      0      0.25',
        '4  sigmoid  #3[]      []      out    0.5    1',
      ].join('\n'),
    );
    expect(neuron.toTable({ rule: '─' }).split('\n')[1]).toBe('─  ───────  ────────  ──────  ─────');
  });

  it('names arguments in DOT and Mermaid', () => {
    expect(neuron.toDot({ values: true })).toContain('  n0 [label="w []\\nvalue 0.5\\ngrad 0.5", style=filled, fillcolor="#dde8ff"];');
    expect(neuron.toDot()).toContain('  c2_1 [label="2", shape=ellipse, color=gray];');
    expect(neuron.toMermaid()).toContain('  n1["b []"]');
  });

  it('escapes labels for each format: DOT quotes and backslashes, Mermaid entity codes for HTML', () => {
    const r = traceTape.named((p) => sum(p['say "hi"\\<b>']!), { 'say "hi"\\<b>': tensor([1, 2]) });
    // The path quotes the key (JSON), and each format escapes the path in turn.
    expect(r.entries[0]!.argument).toBe('["say \\"hi\\"\\\\<b>"]');
    expect(r.toDot()).toContain('  n0 [label="[\\"say \\\\\\"hi\\\\\\"\\\\\\\\<b>\\"] [2]", style=filled');
    expect(r.toMermaid()).toContain('  n0["[#quot;say \\#quot;hi\\#quot;\\\\#lt;b#gt;#quot;] [2]"]');
    const amp = traceTape.named((p) => p['a&b#x;']!, { 'a&b#x;': scalar(1) });
    expect(amp.toMermaid()).toContain('n0["[#quot;a#amp;b#35;x;#quot;] []"]');
    expect(amp.toTable().split('\n')[2]).toBe('0  ["a&b#x;"]  argument  []      -');
  });

  it('shows a constant of more than 4 values by its shape', () => {
    const r = traceTape((x) => sum(add(x, zeros([2, 3]))), tensor([1, 2, 3]));
    expect(r.entries[1]!.inputs[1]).toMatchObject({ from: null, shape: [2, 3] });
    expect(r.toTable().split('\n')[3]).toBe('1  add       #0[3] const[2,3]  [2,3]   -');
    expect(r.toDot()).toContain('  c1_1 [label="const [2,3]", shape=ellipse, color=gray];');
    expect(r.toDot({ values: true })).toContain('value [2,3] (|max| 3)');
  });

  it("draws a nested grad's own argument as fed by the entry it stands in for, labelled by its path", () => {
    // d/dt Σ W² at W = t is 2t: the inner grad's variable (entry 1) is fed by the outer argument.
    const r = traceTape((t) => sum(grad((p: { W: Tensor }) => sum(mul(p.W, p.W)))({ W: t }).W), tensor([1, 2]));
    expect(r.entries[1]).toMatchObject({ op: 'variable', argument: 'W', inputs: [{ from: 0, shape: [2] }] });
    expect(r.toTable().split('\n').slice(2, 5)).toEqual(['0  variable  argument     [2]     -', '1  W         #0[2]        [2]     -', '2  mul       W[2] W[2]    [2]     a,b']);
    expect(r.toDot()).toContain('  n0 -> n1;');
    expect(r.toMermaid()).toContain('  n0 --> n1');
    expect(r.entries[0]!.grad?.toFlatArray()).toEqual([2, 2]);
  });

  it('rejects arguments and results that are not tensors, naming the fix', () => {
    const id = (x: Tensor): Tensor => x;
    expect(() => callWith(traceTape, id, scalar(1), 2)).toThrow(
      new ArgumentError('traceTape: argument 1 must be a Tensor, got number; wrap numbers with tensor() or scalar(), or pass a parameter tree to traceTape.named'),
    );
    expect(() => callWith(traceTape.named, id, { w: scalar(1), b: [2] })).toThrow("traceTape.named: params.b[0] is the number 2, not a Tensor");
    expect(() => callWith(traceTape, () => 3, scalar(1))).toThrow(new ArgumentError('traceTape: f must return a Tensor, got number'));
    expect(tapeLength()).toBe(0);
  });
});

describe('named values', () => {
  it('label a value on the tape, and grad(name) reads its gradient', () => {
    // f(w) = sum(tanh(z)), z = 2w: ∂f/∂z = 1 - tanh²(z), ∂f/∂w = 2(1 - tanh²(z)).
    const rec = traceTape.named(({ w }) => sum(tanh(named(mul(w, 2), 'z'))), { w: tensor([0.5, -1]) });
    const z = [1, -2];
    expect(Array.from(rec.grad('z').data)).toEqual(z.map((v) => 1 - Math.tanh(v) ** 2));
    expect(Array.from(rec.grad('w').data)).toEqual(z.map((v) => 2 * (1 - Math.tanh(v) ** 2)));
    expect(rec.entries.filter((e) => e.name !== null).map((e) => [e.op, e.name])).toEqual([['variable', 'w'], ['named', 'z']]);
  });

  it('paths of nested parameter trees are names too', () => {
    const rec = traceTape.named(({ params }) => sum(mul(params.W1, 3)), { params: { W1: tensor([1, 2]) } });
    expect(Array.from(rec.grad('params.W1').data)).toEqual([3, 3]);
  });

  it('outside a trace named() is the identity and records nothing', () => {
    const x = tensor([1, 2]);
    expect(named(x, 'x')).toBe(x);
  });

  it('an unknown, repeated or unusable name is a clear error', () => {
    const rec = traceTape((w) => sum(add(named(w, 'a'), named(w, 'a'))), tensor([1]));
    expect(() => rec.grad('b')).toThrow(/no value is named 'b'; the names on this tape are 'a'/);
    expect(() => rec.grad('a')).toThrow(/2 values are named 'a'/);
    const vec = traceTape((w) => named(mul(w, 2), 'y'), tensor([1, 2]));
    expect(() => vec.grad('y')).toThrow(GradError);
    expect(() => named(tensor([1]), '')).toThrow(ArgumentError);
  });

  // tanh(hpreact), hpreact = w·2 + b at w = 0.5, b = -1: hpreact = 0, tanh'(0) = 1, so ∂/∂hpreact = ∂/∂b = 1 and ∂/∂w = 2.
  const layer = traceTape.named(({ w, b }) => tanh(named(add(mul(w, 2), b), 'hpreact')), { w: scalar(0.5), b: scalar(-1) });

  it('show their label in the table, where the entry and the entries using it name it', () => {
    expect(layer.toTable({ values: true })).toBe(
      [
        '#  op       inputs     output  saved  value  grad',
        '-  -------  ---------  ------  -----  -----  ----',
        '0  w        argument   []      -      0.5    2',
        '1  b        argument   []      -      -1     1',
        '2  mul      w[] 2      []      a,b    1      1',
        '3  add      #2[] b[]   []      -      0      1',
        '4  hpreact  #3[]       []      -      0      1',
        '5  tanh     hpreact[]  []      out    0      1',
      ].join('\n'),
    );
  });

  it('are their own node in DOT and Mermaid, labelled by name and filled green, with the tape\'s edges', () => {
    const dot = layer.toDot({ values: true });
    expect(dot).toContain('  n4 [label="hpreact []\\nvalue 0\\ngrad 1", style=filled, fillcolor="#e2f4e2"];\n  n3 -> n4;\n');
    expect(dot).toContain('  n5 [label="#5 tanh []\\nvalue 0\\ngrad 1", style=filled, fillcolor="#ffe8cc"];\n  n4 -> n5;\n');
    expect(layer.toMermaid().split('\n').slice(-10)).toEqual([
      '  n4["hpreact []"]',
      '  n3 --> n4',
      '  n5["#5 tanh []"]',
      '  n4 --> n5',
      '  classDef arg fill:#dde8ff;',
      '  classDef out fill:#ffe8cc;',
      '  classDef named fill:#e2f4e2;',
      '  class n0,n1 arg;',
      '  class n4 named;',
      '  class n5 out;',
    ]);
    // A tape without named() values draws as before: no named class at all.
    expect(traceTape((x) => mul(x, 2), scalar(1)).toMermaid()).not.toContain('named');
  });

  it('a named output is coloured as the output; labels are escaped for each format, line breaks included', () => {
    const r = traceTape((x) => named(mul(named(x, 'a "b"\r\n<i>#x;'), 3), 'y'), scalar(1));
    expect(r.toDot()).toContain('  n1 [label="a \\"b\\"\\n<i>#x; []", style=filled, fillcolor="#e2f4e2"];');
    expect(r.toDot()).toContain('  n3 [label="y []", style=filled, fillcolor="#ffe8cc"];');
    expect(r.toMermaid()).toContain('  n1["a #quot;b#quot;<br/>#lt;i#gt;#35;x; []"]');
    expect(r.toMermaid()).toContain('  class n1 named;\n  class n3 out;');
    expect(r.toTable().split('\n')[4]).toBe('2  mul            a "b"  <i>#x;[] 3  []      a,b');
    // A lone carriage return is a line break too, never a raw control character in the output.
    const cr = traceTape((x) => named(x, 'p\rq'), scalar(1));
    expect(cr.toDot()).toContain('label="p\\nq []"');
    expect(cr.toMermaid()).toContain('n1["p<br/>q []"]');
  });

  it('a value the output does not depend on has a zero gradient', () => {
    const rec = traceTape((w) => {
      named(mul(w, 5), 'unused');
      return sum(w);
    }, tensor([1, 2]));
    expect(Array.from(rec.grad('unused').data)).toEqual([0, 0]);
  });
});

describe('fmtValue', () => {
  it('prints a value as the table and steps() do', () => {
    expect(fmtValue(scalar(0.25))).toBe('0.25');
    expect(fmtValue(tensor([1, 2]))).toBe('[1, 2]');
    expect(fmtValue(tensor([[1, -7], [3, 4], [5, 6]]))).toBe('[3,2] (|max| 7)');
    expect(() => callWith(fmtValue, [3])).toThrow(ArgumentError);
  });
});

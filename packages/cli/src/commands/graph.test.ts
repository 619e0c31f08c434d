import { describe, expect, it } from 'vitest';
import { EXIT } from '../index.js';
import { runIo } from '../testing/run-io.js';

describe('tapegrad graph', () => {
  it('prints DOT with named variables, values and gradients', () => {
    const { code, out } = runIo(['graph', '--expr', 'sigmoid(w*x + b)', '--var', 'w=0.5', '--var', 'x=2', '--var', 'b=-1', '--values']);
    expect(code).toBe(0);
    expect(out.startsWith('digraph tape {')).toBe(true);
    expect(out).toContain('n0 [label="w []\\nvalue 0.5\\ngrad 0.5"');
    expect(out).toContain('n5 [label="#5 sigmoid []\\nvalue 0.5\\ngrad 1"');
    expect(out).toContain('n4 -> n5;');
  });

  it('--format compiled prints the program compile makes of the call and its gradients', () => {
    const { code, out } = runIo(['graph', '--expr', 'sigmoid(w*x + b)', '--var', 'w=0.5', '--var', 'x=2', '--var', 'b=-1', '--format', 'compiled']);
    expect(code).toBe(0);
    expect(out).toMatch(/^compiled: \d+ instructions from \d+ recorded ops/);
    expect(out).toMatch(/%\d+ +sigmoidGrad/);
    expect(out).toMatch(/outputs: %\d+/);
    const net = runIo(['graph', '--sizes', '2,3,2', '--format', 'compiled']);
    expect(net.code).toBe(0);
    expect(net.out).toMatch(/matmul .*\n(.*\n)*.*add .*\(over %\d+\)/);
    const bad = runIo(['graph', '-e', 'x*2', '--var', 'x=1', '--format', 'compiled', '--values']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/--values: the compiled program lists instructions/);
  });

  it('prints Mermaid and tables, literals as constants', () => {
    const m = runIo(['graph', '-e', 'x^2 + 1', '--var', 'x=3', '--format', 'mermaid', '--values']).out;
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('n0["x []<br/>value 3<br/>grad 6"]');
    // The literal 2 is a constant, drawn as a circle with its value, feeding the power (entry 1).
    expect(m).toContain('  c1_1(("2")) --> n1');
    const t = runIo(['graph', '-e', 'sum((x - y)^2)', '--var', 'x=1,2,3', '--var', 'y=0,2,5', '--format', 'table', '--values']).out;
    expect(t).toMatch(/^0 +x +argument +\[3\] +- +\[1, 2, 3\] +\[2, 0, -4\]$/m);
    expect(t).toContain('output = 5');
  });

  it('warns that a vector output has no gradients', () => {
    const { code, err } = runIo(['graph', '-e', 'x*2', '--var', 'x=1,2', '--values']);
    expect(code).toBe(0);
    expect(err).toContain('the output has shape [2], so no gradients are shown; wrap the expression in sum(...)');
  });

  it('DOT and Mermaid edges only join declared nodes', () => {
    const dot = runIo(['graph', '--sizes', '3,4,2', '--loss', 'softmax-ce', '--batch-size', '2', '--values']).out;
    const declared = new Set([...dot.matchAll(/^ {2}(\w+) \[label=/gm)].map((m) => m[1]));
    const edges = [...dot.matchAll(/^ {2}(\w+) -> (\w+);$/gm)];
    expect(edges.length).toBeGreaterThan(10);
    for (const [, a, b] of edges) expect([declared.has(a), declared.has(b)]).toEqual([true, true]);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    const mer = runIo(['graph', '--sizes', '3,4,2', '--format', 'mermaid']).out;
    const nodes = new Set([...mer.matchAll(/^ {2}(n\d+)\[/gm)].map((m) => m[1]));
    for (const [, a, b] of mer.matchAll(/^ {2}(n\d+) --> (n\d+)$/gm)) expect([nodes.has(a), nodes.has(b)]).toEqual([true, true]);
  });

  it('--sizes traces one MLP loss evaluation', () => {
    const { code, out } = runIo(['graph', '--sizes', '2,3,2', '--format', 'table']);
    expect(code).toBe(0);
    for (const name of ['X', 'Y', 'W1', 'b1', 'W2', 'b2']) expect(out).toMatch(new RegExp(`^\\d+ +${name} `, 'm'));
    expect(out).toMatch(/matmul +X\[1,2\] W1\[3,2\]/);
  });

  it('--check-nan: sqrt at 0 stops in the backward pass of sqrt, naming the variable (exit 2)', () => {
    const { code, out, err } = runIo(['graph', '-e', 'sum(sqrt(x))', '--var', 'x=0,4', '--check-nan']);
    expect(code).toBe(EXIT.usage);
    expect(out).toBe('');
    const lines = err.split('\n');
    expect(lines[0]).toBe("tapegrad graph --check-nan: the backward pass of sqrt (tape entry #1) made a non-finite value: the VJP for its input 'x' returned 1 +Inf among 2 values");
    expect(err).toContain("input x    not saved, from #0 variable 'x'");
    // d/dx √x = 1/(2√x): +Inf at 0, 1/(2·2) = 0.25 at 4.
    expect(err).toContain("result     [2] 1 +Inf; the rest = 0.25 (the gradient of #0 variable 'x')");
    expect(err).toContain('hint       sqrt\'s derivative 1/(2√x) is infinite at x = 0');
    // Without --check-nan the graph is drawn, the Infinity in it.
    const plain = runIo(['graph', '-e', 'sum(sqrt(x))', '--var', 'x=0,4', '--format', 'table', '--values']);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/^0 +x +argument .* \[Infinity, 0\.25\]$/m);
  });

  it('--check-nan: log(0) stops in the forward pass at the column of the log; a finite run is unchanged', () => {
    const { code, err } = runIo(['graph', '-e', '2 * log(x)', '--var', 'x=0', '--check-nan']);
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('the forward pass of log (tape entry #1) made a non-finite value: 1 -Inf among 1 value of its output');
    expect(err).toContain('log(0) = −Inf');
    expect(err).toContain('at column 5');
    const args = ['graph', '-e', 'sum(sqrt(x))', '--var', 'x=1,4', '--format', 'table', '--values'];
    expect(runIo([...args, '--check-nan'])).toEqual(runIo(args));
    const model = ['graph', '--sizes', '2,3,2', '--format', 'table', '--values'];
    expect(runIo([...model, '--check-nan'])).toEqual(runIo(model));
  });

  it('exits 2 for expression errors, with the caret', () => {
    const { code, err } = runIo(['graph', '-e', 'sigmoid(w*)', '--var', 'w=1']);
    expect(code).toBe(EXIT.usage);
    expect(err).toBe("tapegrad: graph --expr: expected a number, a name or '(', got ')' at column 11\n  sigmoid(w*)\n            ^\n");
    expect(runIo(['graph']).err).toContain("pass exactly one of --expr '<expression>' or --sizes <widths> (or --hidden)");
  });

  it('--json prints the tape as nodes a script can walk, the same graph DOT draws, with values and gradients under --values', () => {
    const argv = ['graph', '-e', 'x*y + x', '--var', 'x=2', '--var', 'y=3'];
    const { code, out, err } = runIo([...argv, '--json', '--values']);
    expect([code, err]).toEqual([0, '']);
    const g = JSON.parse(out) as { nodes: { id: number; op: string; name: string | null; inputs: { from: number | null }[]; value: { data: unknown[] }; grad: { data: unknown[] } | null }[]; output: { shape: number[]; data: unknown[] }; outputNode: number };
    expect(g.output).toEqual({ shape: [], data: [8] });
    expect(g.nodes.map((n) => [n.id, n.op, n.name])).toEqual([[0, 'variable', 'x'], [1, 'variable', 'y'], [2, 'mul', null], [3, 'add', null]]);
    expect(g.nodes[3]!.inputs.map((i) => i.from)).toEqual([2, 0]);
    expect(g.outputNode).toBe(3);
    // ∂(xy + x)/∂x = y + 1 = 4, ∂/∂y = x = 2.
    expect(g.nodes.map((n) => n.grad?.data[0])).toEqual([4, 2, 1, 1]);
    expect(g.nodes.map((n) => n.value.data[0])).toEqual([2, 3, 6, 8]);
    // Every edge DOT draws is an input of the JSON's nodes.
    const dot = runIo(argv).out;
    const edges = [...dot.matchAll(/n(\d+) -> n(\d+);/g)].map((m) => `${m[1]}->${m[2]}`).sort();
    expect(g.nodes.flatMap((n) => n.inputs.filter((i) => i.from !== null).map((i) => `${i.from}->${n.id}`)).sort()).toEqual(edges);
    // Without --values: the structure only. A constant input carries its value; NaN is a string.
    const plain = JSON.parse(runIo(['graph', '-e', 'log(x) * 2', '--var', 'x=-1', '--json']).out) as { nodes: Record<string, unknown>[]; output: unknown };
    expect(plain.nodes.every((n) => !('value' in n) && !('grad' in n))).toBe(true);
    expect(plain.nodes[2]!['inputs']).toEqual([{ from: 1, shape: [] }, { from: null, shape: [], value: { shape: [], data: [2] } }]);
    expect(plain.output).toEqual({ shape: [], data: ['NaN'] });
    // The network mode too, and --json with --format is refused.
    const net = JSON.parse(runIo(['graph', '--sizes', '2,3,2', '--json']).out) as { nodes: { name: string | null }[] };
    expect(net.nodes.slice(0, 6).map((n) => n.name)).toEqual(['X', 'Y', 'W1', 'b1', 'W2', 'b2']);
    expect(runIo([...argv, '--json', '--format', 'table']).code).toBe(EXIT.usage);
  });
});

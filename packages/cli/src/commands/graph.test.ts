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
    const dot = runIo(['graph', '--model', '3,4,2', '--loss', 'softmax-ce', '--batch', '2', '--values']).out;
    const declared = new Set([...dot.matchAll(/^ {2}(\w+) \[label=/gm)].map((m) => m[1]));
    const edges = [...dot.matchAll(/^ {2}(\w+) -> (\w+);$/gm)];
    expect(edges.length).toBeGreaterThan(10);
    for (const [, a, b] of edges) expect([declared.has(a), declared.has(b)]).toEqual([true, true]);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    const mer = runIo(['graph', '--model', '3,4,2', '--format', 'mermaid']).out;
    const nodes = new Set([...mer.matchAll(/^ {2}(n\d+)\[/gm)].map((m) => m[1]));
    for (const [, a, b] of mer.matchAll(/^ {2}(n\d+) --> (n\d+)$/gm)) expect([nodes.has(a), nodes.has(b)]).toEqual([true, true]);
  });

  it('--model traces one MLP loss evaluation', () => {
    const { code, out } = runIo(['graph', '--model', '2,3,2', '--format', 'table']);
    expect(code).toBe(0);
    for (const name of ['X', 'Y', 'W1', 'b1', 'W2', 'b2']) expect(out).toMatch(new RegExp(`^\\d+ +${name} `, 'm'));
    expect(out).toMatch(/matmul +X\[1,2\] W1\[3,2\]/);
  });

  it('exits 2 for expression errors, with the caret', () => {
    const { code, err } = runIo(['graph', '-e', 'sigmoid(w*)', '--var', 'w=1']);
    expect(code).toBe(EXIT.usage);
    expect(err).toBe("tapegrad: graph --expr: expected a number, a name or '(', got ')' at column 11\n  sigmoid(w*)\n            ^\n");
    expect(runIo(['graph']).err).toContain("pass exactly one of --expr '<expression>' or --model <sizes>");
  });
});

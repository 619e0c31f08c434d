import { describe, expect, it } from 'vitest';
import { ExprError, parseExpr } from '@tapegrad/core';
import { MAX_VAR_DEPTH, parseVar, traceExpression, UsageError } from './index.js';
import { exprUsageError } from './expr-usage.js';
import { runIo } from './testing/run-io.js';

describe('--var values', () => {
  it('parses --var values: numbers, comma lists, JSON matrices', () => {
    expect(parseVar('w=0.5')[1].shape).toEqual([]);
    expect(Array.from(parseVar('x = 1, 2,3')[1].data)).toEqual([1, 2, 3]);
    expect(parseVar('W=[[1,2],[3,4]]')[1].shape).toEqual([2, 2]);
    expect(() => parseVar('1x=2')).toThrow("graph --var: expected name=value (e.g. --var w=0.5, --var x=1,2,3, --var W=[[1,2],[3,4]]), got '1x=2'");
    expect(() => parseVar('x=abc')).toThrow("graph --var x: 'abc' is not a decimal number, a comma list of decimal numbers, or JSON nested arrays of numbers");
    expect(() => parseVar('x=[[1,2],[3]]')).toThrow(/graph --var x: .*ragged/);
  });

  it('--var: JSON nesting is limited before parsing; numbers must be decimal', () => {
    const nested = (n: number): string => `${'['.repeat(n)}1${']'.repeat(n)}`;
    expect(parseVar(`x=${nested(MAX_VAR_DEPTH)}`)[1].shape).toEqual(new Array<number>(MAX_VAR_DEPTH).fill(1));
    expect(() => parseVar(`x=${nested(MAX_VAR_DEPTH + 1)}`)).toThrow(`graph --var x: the value nests ${MAX_VAR_DEPTH + 1} levels deep, more than the ${MAX_VAR_DEPTH} allowed`);
    expect(() => parseVar(`x=${nested(100_000)}`)).toThrow(UsageError);
    for (const v of ['0x10', '0b11', 'Infinity', '1,,2', '1_000']) expect(() => parseVar(`x=${v}`)).toThrow(`'${v}' is not a decimal number`);
    expect(Array.from(parseVar('x=-1.5e2, .5, +3')[1].data)).toEqual([-150, 0.5, 3]);
  });
});

describe('traceExpression', () => {
  it('records variables, literals and ops, with gradients of a scalar output', () => {
    const rec = traceExpression('sigmoid(w*x + b)', ['w=0.5', 'x=2', 'b=-1']);
    expect(rec.entries.map((e) => e.argument)).toEqual(['w', 'x', 'b', null, null, null]);
    expect(rec.entries.map((e) => e.op)).toEqual(['variable', 'variable', 'variable', 'mul', 'add', 'sigmoid']);
    // σ'(0) = 1/4, so ∂/∂w = x/4, ∂/∂x = w/4, ∂/∂b = 1/4.
    expect(rec.entries.slice(0, 3).map((e) => e.grad?.data[0])).toEqual([0.5, 0.125, 0.25]);
  });

  it('rejects a --var the expression does not use', () => {
    expect(() => traceExpression('x + 1', ['x=1', 'y=2'])).toThrow("graph --var: 'y' not used by the expression 'x + 1'; remove it or fix the expression");
  });
});

describe('expression errors as the CLI reports them', () => {
  it("re-phrases core's ExprError under the command's --expr, adding the --var a missing variable needs", () => {
    const e = exprUsageError('graph', new ExprError('x + z', 4, "variable 'z' has no value", 'z'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message.split('\n')).toEqual(["graph --expr: variable 'z' has no value; pass --var z=<number or list> at column 5", '  x + z', '      ^']);
    expect(() => traceExpression('x + z', ['x=1'])).toThrow(ExprError);
  });

  it('graph and explain: exit 2, the message names the command, the column and the caret', () => {
    const g = runIo(['graph', '--expr', 'x + z', '--var', 'x=1']);
    expect(g.code).toBe(2);
    expect(g.err).toBe("tapegrad: graph --expr: variable 'z' has no value; pass --var z=<number or list> at column 5\n  x + z\n      ^\n");
    const x = runIo(['explain', '--expr', 'tanh(x', '--var', 'x=1']);
    expect(x.code).toBe(2);
    expect(x.err).toBe("tapegrad: explain --expr: expected ')' closing tanh(, got the end of the expression at column 7\n  tanh(x\n        ^\n");
    const j = JSON.parse(runIo(['graph', '--expr', '1 +', '--json']).out) as { error: { type: string; exitCode: number } };
    expect(j.error).toMatchObject({ type: 'UsageError', exitCode: 2 });
    expect(() => parseExpr('1 +')).toThrow(/^expression: /);
  });
});

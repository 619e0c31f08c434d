import { describe, expect, it } from 'vitest';
import { scalar, tensor, type Tensor } from '@tapegrad/core';
import { evaluate, ExprError, parseExpr, parseVar, traceExpression, UsageError, variablesOf } from './index.js';

const value = (src: string, vars: Record<string, Tensor> = {}): number[] => Array.from(evaluate(src, parseExpr(src), new Map(Object.entries(vars))).data);

describe('expression language', () => {
  it('follows precedence: ^ over unary minus over * / over + -, ^ right-associative', () => {
    expect(value('1 + 2 * 3')).toEqual([7]);
    expect(value('(1 + 2) * 3')).toEqual([9]);
    expect(value('-2^2')).toEqual([-4]);
    expect(value('2^3^2')).toEqual([512]);
    expect(value('2^-1')).toEqual([0.5]);
    expect(value('8 / 2 / 2')).toEqual([2]);
    expect(value('1 - 2 - 3')).toEqual([-4]);
    expect(value('1.5e1 + .5')).toEqual([15.5]);
  });

  it('calls functions mapped to core ops, with vectors and broadcasting', () => {
    expect(value('sigmoid(w*x + b)', { w: scalar(0.5), x: scalar(2), b: scalar(-1) })).toEqual([0.5]);
    expect(value('sum((x - y)^2)', { x: tensor([1, 2, 3]), y: tensor([0, 2, 5]) })).toEqual([5]);
    expect(value('maximum(x, 0) * 2', { x: tensor([-1, 3]) })).toEqual([0, 6]);
    expect(value('W @ v', { W: tensor([[1, 2], [3, 4]]), v: tensor([1, 1]) })).toEqual([3, 7]);
    expect(value('dot(a, a)', { a: tensor([3, 4]) })).toEqual([25]);
  });

  it('lists variables in order of first use', () => {
    expect(variablesOf(parseExpr('b + w*x + w'))).toEqual(['b', 'w', 'x']);
  });

  it('reports syntax errors with the column and a caret', () => {
    expect(() => parseExpr('1 + * 2')).toThrow(new ExprError('1 + * 2', 4, "expected a number, a name or '(', got '*'"));
    expect(() => parseExpr('(1 + 2')).toThrow("graph --expr: expected ')', got the end of the expression at column 7");
    expect(() => parseExpr('foo(1)')).toThrow("unknown function 'foo' (known: exp, log");
    expect(() => parseExpr('x $ y')).toThrow("unexpected character '$' at column 3");
    expect(() => parseExpr('exp(1, 2)')).toThrow('exp takes 1 argument, got 2 at column 1');
    expect(() => parseExpr('1 2')).toThrow("unexpected '2' after a complete expression at column 3");
    const e = (() => {
      try {
        parseExpr('a + )');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect(String((e as Error).message).split('\n')).toEqual(["graph --expr: expected a number, a name or '(', got ')' at column 5", '  a + )', '      ^']);
  });

  it('names an undefined variable and a shape error with its column', () => {
    expect(() => value('x + z', { x: scalar(1) })).toThrow("variable 'z' has no value; pass --var z=<number or list> at column 5");
    expect(() => value('a + b', { a: tensor([1, 2]), b: tensor([1, 2, 3]) })).toThrow(/at column 3/);
  });

  it('parses --var values: numbers, comma lists, JSON matrices', () => {
    expect(parseVar('w=0.5')[1].shape).toEqual([]);
    expect(Array.from(parseVar('x = 1, 2,3')[1].data)).toEqual([1, 2, 3]);
    expect(parseVar('W=[[1,2],[3,4]]')[1].shape).toEqual([2, 2]);
    expect(() => parseVar('1x=2')).toThrow("graph --var: expected name=value (e.g. --var w=0.5, --var x=1,2,3, --var W=[[1,2],[3,4]]), got '1x=2'");
    expect(() => parseVar('x=abc')).toThrow("graph --var x: 'abc' is not a number, a comma list of numbers, or JSON nested arrays of numbers");
    expect(() => parseVar('x=[[1,2],[3]]')).toThrow(/graph --var x: .*ragged/);
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

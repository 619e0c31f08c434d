import { describe, expect, it } from 'vitest';
import { scalar, tensor, type Tensor } from '@tapegrad/core';
import { ArgumentError } from '@tapegrad/core';
import { evaluate, ExprError, MAX_EXPR_DEPTH, MAX_VAR_DEPTH, parseExpr, parseVar, traceExpression, UsageError, variablesOf, type Expr } from './index.js';

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
    expect(() => parseVar('x=abc')).toThrow("graph --var x: 'abc' is not a decimal number, a comma list of decimal numbers, or JSON nested arrays of numbers");
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

describe('hardening (issue 8)', () => {
  it('function names are own entries: constructor, toString, __proto__ are unknown functions', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(() => parseExpr(`${name}(x)`)).toThrow(new RegExp(`^graph --expr: unknown function '${name}' \\(known: exp, log, .*dot\\) at column 1`));
    }
    // A hand-built call node is checked at evaluation too.
    const call: Expr = { kind: 'call', name: 'constructor', args: [{ kind: 'num', value: 1, pos: 12 }], pos: 0 };
    expect(() => evaluate('constructor(1)', call, new Map())).toThrow("unknown function 'constructor'");
  });

  it('limits nesting: parentheses, unary minus, powers and operator chains, at the limit and one past it', () => {
    const parens = (n: number): string => `${'('.repeat(n)}x${')'.repeat(n)}`;
    // Each paren level is one unary level; the var leaf is one more.
    expect(value(parens(MAX_EXPR_DEPTH - 1), { x: scalar(2) })).toEqual([2]);
    expect(() => parseExpr(parens(MAX_EXPR_DEPTH))).toThrow(`the expression nests more than ${MAX_EXPR_DEPTH} levels deep`);
    expect(() => parseExpr(parens(100_000))).toThrow(ExprError);
    expect(() => parseExpr(`${'-'.repeat(100_000)}x`)).toThrow(`more than ${MAX_EXPR_DEPTH} levels deep`);
    expect(() => parseExpr(`x${'^x'.repeat(100_000)}`)).toThrow(`more than ${MAX_EXPR_DEPTH} levels deep`);
    // A left-deep chain needs no recursion to parse, but evaluating it would: the tree depth counts.
    expect(value(`1${'+1'.repeat(MAX_EXPR_DEPTH - 1)}`)).toEqual([MAX_EXPR_DEPTH]);
    expect(() => parseExpr(`1${'+1'.repeat(MAX_EXPR_DEPTH)}`)).toThrow(`more than ${MAX_EXPR_DEPTH} levels deep`);
    expect(() => parseExpr(`x${'*x'.repeat(100_000)}`)).toThrow(`more than ${MAX_EXPR_DEPTH} levels deep`);
  });

  it('shows a window of a long expression around the error, caret under it', () => {
    const src = `${'x+'.repeat(100)}$${'+x'.repeat(100)}`;
    const lines = (() => {
      try {
        parseExpr(src);
      } catch (e) {
        return (e as Error).message.split('\n');
      }
      return [];
    })();
    expect(lines[0]).toBe("graph --expr: unexpected character '$' at column 201");
    expect(lines[1]).toBe(`  …${src.slice(140, 260)}…`);
    expect(lines[2]!.indexOf('^') - 2).toBe(lines[1]!.slice(2).indexOf('$'));
  });

  it('rejects a literal too large for a float64 instead of reading it as Infinity', () => {
    expect(() => parseExpr('x * 1e999')).toThrow('the number 1e999 is too large for a float64 (at most about 1.8e308) at column 5');
  });

  it('checks hand-built trees: bad nodes, cycles and depth, without recursing', () => {
    expect(() => Reflect.apply(evaluate, undefined, ['x', 5, new Map()])).toThrow(new ArgumentError('evaluate: not an expression tree (a node is number); build it with parseExpr(source)'));
    expect(() => Reflect.apply(variablesOf, undefined, [{ kind: 'bin', op: '%', l: { kind: 'num', value: 1, pos: 0 }, r: { kind: 'num', value: 1, pos: 0 }, pos: 0 }])).toThrow("a bin node's op must be one of + - * / ^ @, got the string \"%\"");
    const loop: { kind: 'neg'; x: unknown; pos: number } = { kind: 'neg', x: null, pos: 0 };
    loop.x = loop;
    expect(() => variablesOf(loop as Expr)).toThrow('the expression tree contains a cycle');
    let deep: Expr = { kind: 'var', name: 'x', pos: 0 };
    for (let i = 0; i < 100_000; i++) deep = { kind: 'neg', x: deep, pos: 0 };
    expect(() => evaluate('x', deep, new Map([['x', scalar(1)]]))).toThrow(`more than ${MAX_EXPR_DEPTH} levels deep`);
    // A shared subtree is walked once: 2^400 paths, 401 nodes.
    let dag: Expr = { kind: 'var', name: 'x', pos: 0 };
    for (let i = 0; i < 400; i++) dag = { kind: 'bin', op: '-', l: dag, r: dag, pos: 0 };
    expect(variablesOf(dag)).toEqual(['x']);
    expect(() => Reflect.apply(evaluate, undefined, ['x', parseExpr('x'), new Map([['x', 3]])])).toThrow("evaluate: variable 'x' must be a tensor, got number");
    expect(() => Reflect.apply(parseExpr, undefined, [null])).toThrow(new ArgumentError("parseExpr: source must be the expression's text (a string), got null"));
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

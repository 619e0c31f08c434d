import { describe, expect, it } from 'vitest';
import { ArgumentError, evaluateExpr as evaluate, EXPR_FUNCTIONS, ExprError, exprFunctionNames, MAX_EXPR_DEPTH, parseExpr, scalar, tensor, traceTape, variablesOf, type Expr, type Tensor } from '../index.js';

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
    expect(() => parseExpr('(1 + 2')).toThrow("expression: expected ')', got the end of the expression at column 7");
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
    expect(e).toBeInstanceOf(ArgumentError);
    expect(String((e as Error).message).split('\n')).toEqual(["expression: expected a number, a name or '(', got ')' at column 5", '  a + )', '      ^']);
  });

  it('names an undefined variable and a shape error with its column', () => {
    expect(() => value('x + z', { x: scalar(1) })).toThrow("variable 'z' has no value at column 5");
    expect(() => value('a + b', { a: tensor([1, 2]), b: tensor([1, 2, 3]) })).toThrow(/at column 3/);
  });
});

describe('hardening (issue 8)', () => {
  it('function names are own entries: constructor, toString, __proto__ are unknown functions', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(() => parseExpr(`${name}(x)`)).toThrow(new RegExp(`^expression: unknown function '${name}' \\(known: exp, log, .*dot\\) at column 1`));
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
    expect(lines[0]).toBe("expression: unexpected character '$' at column 201");
    expect(lines[1]).toBe(`  …${src.slice(140, 260)}…`);
    expect(lines[2]!.indexOf('^') - 2).toBe(lines[1]!.slice(2).indexOf('$'));
  });

  it('rejects a literal too large for a float64 instead of reading it as Infinity', () => {
    expect(() => parseExpr('x * 1e999')).toThrow('the number 1e999 is too large for a float64 (at most about 1.8e308) at column 5');
  });

  it('checks hand-built trees: bad nodes, cycles and depth, without recursing', () => {
    expect(() => Reflect.apply(evaluate, undefined, ['x', 5, new Map()])).toThrow(new ArgumentError('evaluateExpr: not an expression tree (a node is number); build it with parseExpr(source)'));
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
    expect(() => Reflect.apply(evaluate, undefined, ['x', parseExpr('x'), new Map([['x', 3]])])).toThrow("evaluateExpr: variable 'x' must be a tensor, got number");
    expect(() => Reflect.apply(parseExpr, undefined, [null])).toThrow(new ArgumentError("parseExpr: source must be the expression's text (a string), got null"));
  });
});

describe('the public API in core', () => {
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    return null;
  };

  it('ExprError carries source, 1-based column, rule and the missing variable, so a UI can highlight the spot', () => {
    const e = caught(() => parseExpr('2 * tanh(z'));
    expect(e).toBeInstanceOf(ExprError);
    expect(e).toMatchObject({ name: 'ExprError', source: '2 * tanh(z', column: 11, rule: "expected ')' closing tanh(, got the end of the expression", variable: null });
    const u = caught(() => evaluate('a + z', parseExpr('a + z'), new Map([['a', scalar(1)]])));
    expect(u).toMatchObject({ column: 5, rule: "variable 'z' has no value", variable: 'z' });
    // Core says nothing about how a caller gives values (the CLI adds its --var hint).
    expect(String((u as Error).message)).not.toContain('--var');
    // A core error in an op keeps its text as the rule, at the op's column.
    const s = caught(() => evaluate('a + b', parseExpr('a + b'), new Map([['a', tensor([1, 2])], ['b', tensor([1, 2, 3])]])));
    expect(s).toMatchObject({ column: 3 });
    expect((s as ExprError).rule).toMatch(/^add: /);
  });

  it('evaluates elementwise functions on a whole vector, recorded on the tape', () => {
    const z = tensor(Array.from({ length: 400 }, (_, i) => -4 + i / 50));
    const tree = parseExpr('1 - tanh(z)^2');
    const v = evaluate('1 - tanh(z)^2', tree, new Map([['z', z]]));
    expect(v.shape).toEqual([400]);
    for (let i = 0; i < 400; i += 57) expect(v.data[i]).toBe(1 - Math.tanh(z.data[i]!) ** 2);
    const src = 'sum(tanh(z))';
    const rec = traceTape.named((a) => evaluate(src, parseExpr(src), new Map(Object.entries(a))), { z });
    expect(rec.entries.map((e) => e.op)).toEqual(['variable', 'tanh', 'sum']);
    expect(rec.grad('z')!.data[7]).toBe(1 - Math.tanh(z.data[7]!) ** 2);
  });

  it('onValue sees every node once, children first; overrides replace a subexpression', () => {
    const src = 'sin(x) * x';
    const tree = parseExpr(src);
    const seen: string[] = [];
    evaluate(src, tree, new Map([['x', scalar(2)]]), { onValue: (e) => seen.push(e.kind) });
    // Each occurrence of x is its own node (the parser builds a tree); a node shared in a hand-built tree is evaluated once.
    expect(seen).toEqual(['var', 'call', 'var', 'bin']);
    if (tree.kind !== 'bin') throw new Error('expected a product');
    const v = evaluate(src, tree, new Map([['x', scalar(2)]]), { overrides: new Map([[tree.l, scalar(10)]]) });
    expect(v.data[0]).toBe(20);
  });

  it('validates the options bag like the rest of core', () => {
    const tree = parseExpr('x');
    const vars = new Map([['x', scalar(1)]]);
    expect(() => Reflect.apply(evaluate, undefined, ['x', tree, vars, { onvalue: () => 0 }])).toThrow(new ArgumentError("evaluateExpr: unknown option 'onvalue'; valid options are 'onValue', 'overrides'"));
    expect(() => Reflect.apply(evaluate, undefined, ['x', tree, vars, { onValue: 3 }])).toThrow('evaluateExpr: options.onValue must be a function');
    expect(() => Reflect.apply(evaluate, undefined, ['x', tree, vars, { overrides: {} }])).toThrow('evaluateExpr: options.overrides must be a Map');
    expect(() => Reflect.apply(evaluate, undefined, ['x', tree, vars, { overrides: new Map([[tree, 5]]) }])).toThrow('options.overrides must map subexpressions to tensors, got number');
    expect(() => Reflect.apply(evaluate, undefined, ['x', tree, vars, 'fast'])).toThrow('evaluateExpr: options must be an object');
  });

  it('lists the functions, each marked elementwise or not', () => {
    // Written out: the 24 functions the grammar documents, in the order help lists them.
    const names = ['exp', 'log', 'log1p', 'sqrt', 'abs', 'square', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'softplus', 'leakyRelu',
      'sum', 'mean', 'max', 'min', 'logSumExp', 'softmax', 'logSoftmax', 'maximum', 'minimum', 'matmul', 'dot'];
    expect(names.length).toBe(24);
    expect(exprFunctionNames()).toEqual(names);
    expect([...EXPR_FUNCTIONS.keys()]).toEqual(names);
    expect([...EXPR_FUNCTIONS].map(([n]) => n)).toEqual(names);
    expect(EXPR_FUNCTIONS.size).toBe(24);
    const reducing = exprFunctionNames().filter((n) => !EXPR_FUNCTIONS.get(n)!.elementwise);
    expect(reducing).toEqual(['sum', 'mean', 'max', 'min', 'logSumExp', 'softmax', 'logSoftmax', 'matmul', 'dot']);
    // An elementwise function maps a vector entry by entry (the same as on each entry alone).
    const z = tensor([-1.5, 0, 2]);
    for (const n of exprFunctionNames().filter((k) => EXPR_FUNCTIONS.get(k)!.elementwise)) {
      const fn = EXPR_FUNCTIONS.get(n)!;
      const args = (x: Tensor): Tensor[] => Array.from({ length: fn.arity[0] }, () => x);
      const whole = fn.call(args(z)).data;
      for (let i = 0; i < 3; i++) expect(whole[i], n).toBe(fn.call(args(scalar(z.data[i]!))).data[0]);
    }
  });

  it('cannot be changed by an importer: no set, delete or clear, nor a replaced method or entry', () => {
    const exp = EXPR_FUNCTIONS.get('exp')!;
    const planted = { arity: [1, 1] as const, call: ([x]: readonly Tensor[]) => x!, help: 'planted', elementwise: true };
    // Not a Map: Map's own methods refuse it, and it has none of its own that write.
    expect(() => Reflect.apply(Map.prototype.set, EXPR_FUNCTIONS, ['planted', planted])).toThrow(TypeError);
    expect(() => Reflect.apply(Map.prototype.delete, EXPR_FUNCTIONS, ['exp'])).toThrow(TypeError);
    expect(() => Reflect.apply(Map.prototype.clear, EXPR_FUNCTIONS, [])).toThrow(TypeError);
    for (const m of ['set', 'delete', 'clear']) expect(Reflect.get(EXPR_FUNCTIONS, m), m).toBeUndefined();
    // Frozen: no method can be added or replaced, on the table or on its prototype.
    expect(Reflect.set(EXPR_FUNCTIONS, 'set', () => undefined)).toBe(false);
    expect(Reflect.set(EXPR_FUNCTIONS, 'get', () => planted)).toBe(false);
    const proto: unknown = Object.getPrototypeOf(EXPR_FUNCTIONS);
    expect(typeof proto === 'object' && proto !== null && Object.isFrozen(proto)).toBe(true);
    if (typeof proto === 'object' && proto !== null) expect(Reflect.set(proto, 'get', () => planted)).toBe(false);
    // Each function too: what it computes and whether the playground treats it as elementwise.
    expect(Reflect.set(exp, 'elementwise', false)).toBe(false);
    expect(Reflect.set(exp, 'call', planted.call)).toBe(false);
    expect(Reflect.set(exp.arity, 0, 2)).toBe(false);
    expect(EXPR_FUNCTIONS.size).toBe(24);
    expect(EXPR_FUNCTIONS.has('planted')).toBe(false);
    expect(EXPR_FUNCTIONS.get('exp')).toBe(exp);
    expect(exp.elementwise).toBe(true);
    expect(exp.arity).toEqual([1, 1]);
    expect(() => parseExpr('planted(x)')).toThrow("unknown function 'planted'");
    expect(evaluate('exp(x)', parseExpr('exp(x)'), new Map([['x', scalar(1)]])).data[0]).toBe(Math.exp(1));
  });

  it('reads like a Map: get, has, forEach, entries, values', () => {
    expect(EXPR_FUNCTIONS.has('tanh')).toBe(true);
    expect(EXPR_FUNCTIONS.has('constructor')).toBe(false);
    expect(EXPR_FUNCTIONS.get('__proto__')).toBeUndefined();
    const seen: string[] = [];
    EXPR_FUNCTIONS.forEach((fn, name, table) => {
      expect(table).toBe(EXPR_FUNCTIONS);
      expect(fn).toBe(EXPR_FUNCTIONS.get(name));
      seen.push(name);
    });
    expect(seen).toEqual(exprFunctionNames());
    expect([...EXPR_FUNCTIONS.entries()].map(([n]) => n)).toEqual(seen);
    expect([...EXPR_FUNCTIONS.values()].map((f) => f.help)).toEqual(seen.map((n) => EXPR_FUNCTIONS.get(n)!.help));
  });
});

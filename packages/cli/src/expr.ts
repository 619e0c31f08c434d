/**
 * A small arithmetic expression language over named tensors, evaluated with core ops so
 * the tape records it: `sigmoid(w*x + b)`, `sum((a - y)^2)`, `x @ W`.
 *
 * Grammar (lowest precedence first; `^` is right-associative and binds tighter than unary
 * minus, so `-x^2` is `-(x^2)`):
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/' | '@') unary)*
 *   unary   := '-' unary | power
 *   power   := primary ('^' unary)?
 *   primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 */
import * as core from '@tapegrad/core';
import { type Tensor } from '@tapegrad/core';
import { UsageError } from './errors.js';

export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly pos: number }
  | { readonly kind: 'var'; readonly name: string; readonly pos: number }
  | { readonly kind: 'neg'; readonly x: Expr; readonly pos: number }
  | { readonly kind: 'bin'; readonly op: '+' | '-' | '*' | '/' | '^' | '@'; readonly l: Expr; readonly r: Expr; readonly pos: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: number };

/** A syntax or evaluation error in an expression; the message shows the expression with a caret under the position. Exit 2. */
export class ExprError extends UsageError {
  constructor(source: string, pos: number, rule: string) {
    super(`graph --expr: ${rule} at column ${pos + 1}\n  ${source}\n  ${' '.repeat(pos)}^`);
  }
}

/** A function the expression language can call: its arity range, its implementation on tensors, its help line. */
export type Fn = { readonly arity: readonly [number, number]; readonly call: (args: readonly Tensor[]) => Tensor; readonly help: string };

const unary = (f: (x: Tensor) => Tensor, help: string): Fn => ({ arity: [1, 1], call: ([x]) => f(x!), help });
const binary = (f: (a: Tensor, b: Tensor) => Tensor, help: string): Fn => ({ arity: [2, 2], call: ([a, b]) => f(a!, b!), help });

/** Functions an expression may call, each mapped to one core op (or a short composition). */
export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  exp: unary(core.exp, 'e^x'),
  log: unary(core.log, 'natural log'),
  log1p: unary(core.log1p, 'log(1 + x)'),
  sqrt: unary(core.sqrt, '√x'),
  abs: unary(core.abs, '|x|'),
  square: unary(core.square, 'x²'),
  sin: unary(core.sin, 'sine'),
  cos: unary(core.cos, 'cosine'),
  tanh: unary(core.tanh, 'hyperbolic tangent'),
  sigmoid: unary(core.sigmoid, '1 / (1 + e^-x)'),
  relu: unary(core.relu, 'max(x, 0)'),
  softplus: unary(core.softplus, 'log(1 + e^x)'),
  leakyRelu: unary((x) => core.leakyRelu(x), 'x if x > 0 else 0.01·x'),
  sum: unary((x) => core.sum(x), 'sum of all elements'),
  mean: unary((x) => core.mean(x), 'mean of all elements'),
  max: unary((x) => core.max(x), 'largest element'),
  min: unary((x) => core.min(x), 'smallest element'),
  logSumExp: unary((x) => core.logSumExp(x), 'log Σ e^x'),
  softmax: unary((x) => core.softmax(x), 'e^x / Σ e^x (last axis)'),
  logSoftmax: unary((x) => core.logSoftmax(x), 'x - logSumExp(x) (last axis)'),
  maximum: binary(core.maximum, 'elementwise max(a, b)'),
  minimum: binary(core.minimum, 'elementwise min(a, b)'),
  matmul: binary((a, b) => core.matmul(a, b), 'matrix product, same as a @ b'),
  dot: binary((a, b) => core.sum(core.mul(a, b)), 'Σ a·b'),
};

/**
 * Parses an expression.
 * @throws ExprError with the column of the first token that does not fit the grammar.
 * @example parseExpr('sigmoid(w*x + b)')
 */
export function parseExpr(source: string): Expr {
  const toks = tokenize(source);
  let i = 0;
  const peek = (): Token => toks[i]!;
  const take = (): Token => toks[i++]!;
  const expect = (text: string, what: string): void => {
    const t = take();
    if (t.text !== text) throw new ExprError(source, t.pos, `expected ${what}, got ${describe(t)}`);
  };
  const expr = (): Expr => {
    let l = term();
    while (peek().text === '+' || peek().text === '-') {
      const t = take();
      l = { kind: 'bin', op: t.text === '+' ? '+' : '-', l, r: term(), pos: t.pos };
    }
    return l;
  };
  const term = (): Expr => {
    let l = unaryExpr();
    while (peek().text === '*' || peek().text === '/' || peek().text === '@') {
      const t = take();
      l = { kind: 'bin', op: t.text === '*' ? '*' : t.text === '/' ? '/' : '@', l, r: unaryExpr(), pos: t.pos };
    }
    return l;
  };
  const unaryExpr = (): Expr => {
    if (peek().text === '-') {
      const t = take();
      return { kind: 'neg', x: unaryExpr(), pos: t.pos };
    }
    return power();
  };
  const power = (): Expr => {
    const base = primary();
    if (peek().text === '^') {
      const t = take();
      return { kind: 'bin', op: '^', l: base, r: unaryExpr(), pos: t.pos };
    }
    return base;
  };
  const primary = (): Expr => {
    const t = take();
    if (t.kind === 'num') return { kind: 'num', value: Number(t.text), pos: t.pos };
    if (t.kind === 'name') {
      if (peek().text !== '(') return { kind: 'var', name: t.text, pos: t.pos };
      const fn = FUNCTIONS[t.text];
      if (fn === undefined) throw new ExprError(source, t.pos, `unknown function '${t.text}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
      take();
      const args = [expr()];
      while (peek().text === ',') take(), args.push(expr());
      expect(')', `')' closing ${t.text}(`);
      const [lo, hi] = fn.arity;
      if (args.length < lo || args.length > hi) throw new ExprError(source, t.pos, `${t.text} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${args.length}`);
      return { kind: 'call', name: t.text, args, pos: t.pos };
    }
    if (t.text === '(') {
      const e = expr();
      expect(')', "')'");
      return e;
    }
    throw new ExprError(source, t.pos, `expected a number, a name or '(', got ${describe(t)}`);
  };
  const e = expr();
  if (peek().kind !== 'end') throw new ExprError(source, peek().pos, `unexpected ${describe(peek())} after a complete expression`);
  return e;
}

type Token = { readonly kind: 'num' | 'name' | 'op' | 'end'; readonly text: string; readonly pos: number };

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`;
}

function tokenize(source: string): Token[] {
  const toks: Token[] = [];
  const re = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/^@(),]))/y;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(source);
    if (m === null) {
      const at = pos + (source.slice(pos).length - source.slice(pos).trimStart().length);
      throw new ExprError(source, at, `unexpected character '${source[at]}'`);
    }
    const text = m[1] ?? m[2] ?? m[3]!;
    toks.push({ kind: m[1] !== undefined ? 'num' : m[2] !== undefined ? 'name' : 'op', text, pos: m.index + m[0].length - text.length });
    pos = re.lastIndex;
  }
  toks.push({ kind: 'end', text: '', pos: source.length });
  return toks;
}

/**
 * Names of the variables an expression reads, in order of first use.
 * @example variablesOf(parseExpr('b + w*x')) // ['b', 'w', 'x']
 */
export function variablesOf(e: Expr): string[] {
  const out: string[] = [];
  const walk = (x: Expr): void => {
    if (x.kind === 'var') {
      if (!out.includes(x.name)) out.push(x.name);
    } else if (x.kind === 'neg') walk(x.x);
    else if (x.kind === 'bin') walk(x.l), walk(x.r);
    else if (x.kind === 'call') x.args.forEach(walk);
  };
  walk(e);
  return out;
}

/**
 * Evaluates an expression with core ops. Variables come from `vars`; numeric literals are
 * constants (on a traced tape they show up as constant inputs, with their value).
 * @param source the expression text (for messages) @param e its syntax tree
 * @returns the value, recorded on the tape when evaluated inside `traceTape`/`grad`
 * @throws ExprError for an undefined variable, or a core error re-thrown with the column of the op that raised it.
 * @example evaluate('2*x', parseExpr('2*x'), new Map([['x', scalar(3)]])) // 6
 */
export function evaluate(source: string, e: Expr, vars: ReadonlyMap<string, Tensor>): Tensor {
  const ev = (x: Expr): Tensor => {
    switch (x.kind) {
      case 'num':
        return core.scalar(x.value);
      case 'var': {
        const v = vars.get(x.name);
        if (v === undefined) throw new ExprError(source, x.pos, `variable '${x.name}' has no value; pass --var ${x.name}=<number or list>`);
        return v;
      }
      case 'neg':
        return at(x.pos, () => core.neg(ev(x.x)));
      case 'bin': {
        const l = ev(x.l);
        const r = ev(x.r);
        return at(x.pos, () => BINARY[x.op](l, r));
      }
      case 'call': {
        const args = x.args.map(ev);
        return at(x.pos, () => FUNCTIONS[x.name]!.call(args));
      }
    }
  };
  const at = (pos: number, f: () => Tensor): Tensor => {
    try {
      return f();
    } catch (err) {
      if (err instanceof core.TapegradError && !(err instanceof UsageError)) throw new ExprError(source, pos, err.message);
      throw err;
    }
  };
  return ev(e);
}

const BINARY: Record<'+' | '-' | '*' | '/' | '^' | '@', (a: Tensor, b: Tensor) => Tensor> = {
  '+': core.add,
  '-': core.sub,
  '*': core.mul,
  '/': core.div,
  '^': core.pow,
  '@': (a, b) => core.matmul(a, b),
};

/**
 * Parses a `--var` value: a number (`2`), a comma list (`1,2,3` → a vector), or JSON
 * nested arrays (`[[1,2],[3,4]]` → a matrix).
 * @returns the name and the tensor
 * @throws UsageError naming the variable and the accepted forms.
 * @example parseVar('x=1,2,3') // ['x', tensor([1, 2, 3])]
 */
export function parseVar(spec: string): [string, Tensor] {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? '' : spec.slice(0, eq).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`graph --var: expected name=value (e.g. --var w=0.5, --var x=1,2,3, --var W=[[1,2],[3,4]]), got '${spec}'`);
  }
  const text = spec.slice(eq + 1).trim();
  const bad = (): never => {
    throw new UsageError(`graph --var ${name}: '${text}' is not a number, a comma list of numbers, or JSON nested arrays of numbers`);
  };
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return bad();
    }
    if (!isNested(parsed)) return bad();
    try {
      return [name, core.tensor(parsed)];
    } catch (err) {
      if (err instanceof core.TapegradError) throw new UsageError(`graph --var ${name}: ${err.message}`);
      throw err;
    }
  }
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) return bad();
  return [name, nums.length === 1 ? core.scalar(nums[0]!) : core.tensor(nums)];
}

function isNested(v: unknown): v is core.NestedArray {
  return typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) && v.every(isNested);
}

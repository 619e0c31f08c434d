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
import { ArgumentError, describeValue } from '../errors.js';
import { ExprError } from './error.js';
import { callable } from './functions.js';

/**
 * An expression's syntax tree, as {@link parseExpr} builds it. `pos` is the 0-based index in
 * the text of the node's token (an operator's symbol, a call's name), for messages.
 * @group Expressions
 */
export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly pos: number }
  | { readonly kind: 'var'; readonly name: string; readonly pos: number }
  | { readonly kind: 'neg'; readonly x: Expr; readonly pos: number }
  | { readonly kind: 'bin'; readonly op: '+' | '-' | '*' | '/' | '^' | '@'; readonly l: Expr; readonly r: Expr; readonly pos: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: number };

/**
 * How deeply an expression may nest: parentheses, function calls, unary minus, powers and
 * chains of binary operators all count (`a+b+c` is two levels, `((a))` three). Parsing,
 * evaluation and the tape walk recurse this deep, far below the stack limit; a longer sum
 * of many terms is better written as `sum(x)` over a vector.
 * @group Expressions
 */
export const MAX_EXPR_DEPTH = 500;

/**
 * Parses an expression of the language (grammar at the top of this file; functions in
 * {@link @tapegrad/core!EXPR_FUNCTIONS}). Numbers are decimal literals; names are variables, given values
 * when the tree is evaluated ({@link @tapegrad/core!evaluateExpr}).
 * @param source the expression's text
 * @returns its syntax tree
 * @throws ExprError with the column of the first token that does not fit the grammar (an unknown
 *   function, a wrong argument count, nesting past MAX_EXPR_DEPTH, a literal too large for a float64);
 *   ArgumentError when `source` is not a string.
 * @example parseExpr('sigmoid(w*x + b)')
 * @group Expressions
 */
export function parseExpr(source: string): Expr {
  if (typeof source !== 'string') throw new ArgumentError(`parseExpr: source must be the expression's text (a string), got ${describeValue(source)}`);
  const toks = tokenize(source);
  let i = 0;
  // The depth of every node built so far (a leaf is 1), and the current recursion depth:
  // together they keep both the parser's recursion and the tree below MAX_EXPR_DEPTH.
  const depth = new WeakMap<Expr, number>();
  let nesting = 0;
  const tooDeep = (pos: number): never => {
    throw new ExprError(source, pos, `the expression nests more than ${MAX_EXPR_DEPTH} levels deep (parentheses, calls, unary minus, powers and operator chains all count); split it up, or use sum()/mean() over a vector instead of a long chain of + or *`);
  };
  const node = (e: Expr, ...children: Expr[]): Expr => {
    const d = 1 + Math.max(0, ...children.map((c) => depth.get(c) ?? 1));
    if (d > MAX_EXPR_DEPTH) tooDeep(e.pos);
    depth.set(e, d);
    return e;
  };
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
      const r = term();
      l = node({ kind: 'bin', op: t.text === '+' ? '+' : '-', l, r, pos: t.pos }, l, r);
    }
    return l;
  };
  const term = (): Expr => {
    let l = unaryExpr();
    while (peek().text === '*' || peek().text === '/' || peek().text === '@') {
      const t = take();
      const r = unaryExpr();
      l = node({ kind: 'bin', op: t.text === '*' ? '*' : t.text === '/' ? '/' : '@', l, r, pos: t.pos }, l, r);
    }
    return l;
  };
  // Every recursive path (parentheses, call arguments, unary minus, the right side of ^)
  // passes through here, so this one counter bounds the parser's stack.
  const unaryExpr = (): Expr => {
    if (++nesting > MAX_EXPR_DEPTH) tooDeep(peek().pos);
    try {
      if (peek().text === '-') {
        const t = take();
        const x = unaryExpr();
        return node({ kind: 'neg', x, pos: t.pos }, x);
      }
      return power();
    } finally {
      nesting--;
    }
  };
  const power = (): Expr => {
    const base = primary();
    if (peek().text === '^') {
      const t = take();
      const r = unaryExpr();
      return node({ kind: 'bin', op: '^', l: base, r, pos: t.pos }, base, r);
    }
    return base;
  };
  const primary = (): Expr => {
    const t = take();
    if (t.kind === 'num') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw new ExprError(source, t.pos, `the number ${t.text} is too large for a float64 (at most about 1.8e308)`);
      return node({ kind: 'num', value, pos: t.pos });
    }
    if (t.kind === 'name') {
      if (peek().text !== '(') return node({ kind: 'var', name: t.text, pos: t.pos });
      callable(source, t.pos, t.text);
      take();
      const args = [expr()];
      while (peek().text === ',') take(), args.push(expr());
      expect(')', `')' closing ${t.text}(`);
      callable(source, t.pos, t.text, args.length);
      return node({ kind: 'call', name: t.text, args, pos: t.pos }, ...args);
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
  const space = /\s*/y;
  const re = /(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/^@(),]))/y;
  let pos = 0;
  for (;;) {
    // Sticky regexes from `pos`: one pass over the text, no copies of its tail.
    space.lastIndex = pos;
    space.test(source);
    pos = space.lastIndex;
    if (pos >= source.length) break;
    re.lastIndex = pos;
    const m = re.exec(source);
    if (m === null) throw new ExprError(source, pos, `unexpected character '${source[pos]}'`);
    const text = m[1] ?? m[2] ?? m[3]!;
    toks.push({ kind: m[1] !== undefined ? 'num' : m[2] !== undefined ? 'name' : 'op', text, pos });
    pos = re.lastIndex;
  }
  toks.push({ kind: 'end', text: '', pos: source.length });
  return toks;
}

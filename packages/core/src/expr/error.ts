/**
 * The expression language's error: a syntax or evaluation error at a column of the text,
 * with the text excerpted and a caret under the spot.
 */
import { ArgumentError } from '../errors.js';

/** Characters of the expression a message shows around the error (a 100,000-character expression would flood a terminal). */
const EXCERPT = 60;

/**
 * A syntax or evaluation error in an expression. The message reads
 * `expression: <rule> at column N`, then the expression (a window of it when long) and a
 * caret under column N. The fields let a UI highlight the spot instead of parsing the message.
 * @group Expressions
 */
export class ExprError extends ArgumentError {
  /** The expression's text. */
  readonly source: string;
  /** 1-based column of the offending character or token (`source.length + 1` for "the end"). */
  readonly column: number;
  /** What is wrong, without the position: `unknown function 'foo' (known: ...)`. */
  readonly rule: string;
  /** When the error is a variable with no value: its name (a CLI or UI can say how to give one); else null. */
  readonly variable: string | null;

  /**
   * @param source the expression's text @param pos 0-based index of the spot in `source` (an `Expr` node's `pos`;
   *   clamped into the text) @param rule what is wrong @param variable the variable without a value, if that is the error
   */
  constructor(source: string, pos: number, rule: string, variable: string | null = null) {
    const text = typeof source === 'string' ? source : String(source);
    const [shown, caret, at] = excerpt(text, pos);
    super(`expression: ${rule} at column ${at + 1}\n  ${shown}\n  ${' '.repeat(caret)}^`);
    this.source = text;
    this.column = at + 1;
    this.rule = rule;
    this.variable = variable;
  }
}

/**
 * The part of `source` a message shows, the caret's column in it, and the position itself
 * clamped into the text: all of the text when short, else a window around `pos` with `…`
 * marking the cuts.
 */
function excerpt(source: string, at: number): [string, number, number] {
  // A hand-built tree (see evaluateExpr) may carry any position; the caret stays within the text.
  const pos = Math.max(0, Math.min(source.length, Number.isInteger(at) ? at : 0));
  if (source.length <= 2 * EXCERPT) return [source, pos, pos];
  const from = Math.max(0, pos - EXCERPT);
  const to = Math.min(source.length, pos + EXCERPT);
  const head = from > 0 ? '…' : '';
  return [`${head}${source.slice(from, to)}${to < source.length ? '…' : ''}`, pos - from + head.length, pos];
}

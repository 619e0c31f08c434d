/**
 * What a CSV cell counts as a number: decimal notation only, as NumPy's and pandas' float
 * parsers read it, so `0x10`, `1_000`, `Infinity` and `1e` are text, not numbers.
 */

const DECIMAL = /^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;

/**
 * A CSV cell as a number, or null when it is not written in decimal notation: an optional
 * sign, digits with an optional decimal point (`1`, `1.`, `.5`, `-2.25`), and an optional
 * exponent (`1e-3`, `2E+8`). Spaces and tabs around the number are ignored (`' 2.5 '` is
 * 2.5); nothing else is read: not `0x10`, `0b1`, `1_000`, `Infinity`, `NaN`, `1e`, `1,5` or
 * an empty cell. A decimal too large for float64 (`1e400`) gives ±Infinity, for the caller
 * to reject with its own message.
 * @example parseDecimal(' 2.5 ') // 2.5; parseDecimal('0x10') // null; parseDecimal('1e400') // Infinity
 * @group Data
 */
export function parseDecimal(cell: string): number | null {
  return DECIMAL.test(cell) ? Number(cell) : null;
}

/**
 * Why a cell that looks almost like a number is not read as one, in parentheses, or ''.
 * @param s the trimmed cell
 * @example notNumberHint('0x10') // ' (hexadecimal, octal and binary literals are not read; write the value in decimal)'
 */
export function notNumberHint(s: string): string {
  const hint = (text: string): string => ` (${text})`;
  if (/^[+-]?0[xob][0-9a-f]+$/i.test(s)) return hint('hexadecimal, octal and binary literals are not read; write the value in decimal');
  if (/^[+-]?(?:inf|infinity|nan)$/i.test(s)) return hint('NaN and Infinity are not data values; fill in a finite value or drop the row');
  if (/^[+-]?\d[\d_]*_\d[\d_.]*$/.test(s)) return hint("digit separators are not read; write the number without '_'");
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?$/.test(s)) return hint('the exponent has no digits');
  if (/^[+-]?\d+,\d+$/.test(s)) return hint("decimal commas are not read; write '.' for the decimal point");
  return '';
}

/** A cell for a message: long cells cut to 40 characters, line breaks shown as \n. */
export function shownCell(cell: string): string {
  const one = cell.replace(/\r?\n|\r/g, '\\n');
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}

/**
 * The derivation's notation in the two forms the view shows: plain text as `tapegrad explain`
 * prints it (subscripts and superscripts in Unicode, numbers to 6 significant digits) and TeX
 * for KaTeX. Pure string functions, no DOM.
 */

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP = new Map([...'0123456789()'].map((c, i) => [c, '⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾'[i] ?? c]));

/**
 * Unicode subscript of one or more indices, as explain writes them: `sub(0, 1)` is `₀₁`
 * (indices above 9 are separated by a low comma).
 */
export function sub(...idx: readonly number[]): string {
  const parts = idx.map((i) => String(i).replace(/\d/g, (d) => SUB[Number(d)] ?? d));
  return idx.some((i) => i > 9) ? parts.join('‚') : parts.join('');
}

/** The layer superscript `⁽ˡ⁾` for layer `l`. */
export function sup(l: number): string {
  return [...`(${l})`].map((c) => SUP.get(c) ?? c).join('');
}

/** A number to 6 significant digits, as explain shows results: `0.59327`, `-0.0392814`. */
export function show(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** {@link show}, in parentheses when negative: how explain writes a factor, `(-0.0392814)`. */
export function factor(x: number): string {
  return x < 0 ? `(${show(x)})` : show(x);
}

/** {@link show} as TeX: `1.2e-7` becomes `1.2 \times 10^{-7}`. */
export function texNum(x: number): string {
  const s = show(x);
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  return `${m[1] ?? ''} \\times 10^{${Number(m[2])}}`;
}

/** {@link factor} as TeX: negative numbers in parentheses. */
export function texFactor(x: number): string {
  return x < 0 ? `(${texNum(x)})` : texNum(x);
}

/** TeX of a symbol with indices and a layer: `texSym('w', [0, 1], 2)` is `w_{01}^{(2)}`. */
export function texSym(name: string, idx: readonly number[], layer?: number): string {
  const s = idx.length > 0 ? `_{${idx.join('')}}` : '';
  return layer === undefined ? `${name}${s}` : `${name}${s}^{(${layer})}`;
}

/** TeX of ∂C₀/∂(symbol). */
export function texPartial(of: string): string {
  return `\\frac{\\partial C_0}{\\partial ${of}}`;
}

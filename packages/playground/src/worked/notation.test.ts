import { describe, expect, it } from 'vitest';
import { factor, show, sub, sup, texFactor, texNum, texSym } from './notation.js';

describe("the derivation's notation", () => {
  it('writes indices and layers as explain does', () => {
    expect(sub(0, 1)).toBe('₀₁');
    expect(sub(3, 12)).toBe('₃‚₁₂');
    expect(sup(2)).toBe('⁽²⁾');
    expect(texSym('w', [0, 1], 2)).toBe('w_{01}^{(2)}');
    expect(texSym('y', [1])).toBe('y_{1}');
  });

  it('shows 6 significant digits, negative factors in parentheses', () => {
    expect(show(0.5932699921071872)).toBe('0.59327');
    expect(show(-0.039281421305273366)).toBe('-0.0392814');
    expect(factor(-0.039281421305273366)).toBe('(-0.0392814)');
    expect(factor(0.4)).toBe('0.4');
  });

  it('turns exponent notation into TeX', () => {
    expect(texNum(1.23456789e-7)).toBe('1.23457 \\times 10^{-7}');
    expect(texFactor(-2e21)).toBe('(-2 \\times 10^{21})');
    expect(texNum(0.0009496487422435073)).toBe('0.000949649');
  });
});

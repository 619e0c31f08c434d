import { describe, expect, it } from 'vitest';
import { computeWorked } from './model.js';
import { quantities } from './quantities.js';
import { DEFAULT_SELECTION, paramsFor, selectionFrom } from './selection.js';

const qs = quantities(computeWorked());
const byId = new Map(qs.map((q) => [q.id, q]));

describe('the selected number in the address', () => {
  it('round-trips every number through the address', () => {
    for (const q of qs) expect(selectionFrom(new URLSearchParams(paramsFor(q).toString()), byId)).toEqual({ quantity: q, message: undefined });
    expect(new Set(qs.map((q) => q.id)).size).toBe(33);
  });

  it('opens at a hidden δ when the address names none', () => {
    expect(selectionFrom(new URLSearchParams(''), byId).quantity.id).toBe(DEFAULT_SELECTION);
    expect(selectionFrom(new URLSearchParams('n='), byId).message).toBeUndefined();
  });

  it('says so, readably, when the address names a number that does not exist', () => {
    for (const bad of ['zz', '__proto__', 'constructor', 'x'.repeat(500), 'w1_00']) {
      const s = selectionFrom(new URLSearchParams({ n: bad }), byId);
      expect(s.quantity.id).toBe(DEFAULT_SELECTION);
      expect(s.message).toMatch(/^The address names a number “.{1,41}” that this network does not have; showing δ₀⁽¹⁾ instead/);
    }
  });
});

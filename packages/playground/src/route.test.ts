import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatRoute, parseRoute, VIEW_IDS } from './route.js';

describe('route', () => {
  it('reads the view and its parameters from the hash', () => {
    const r = parseRoute('#/net?data=xor&lr=0.03');
    expect(r.view).toBe('net');
    expect(r.params.get('data')).toBe('xor');
    expect(r.params.get('lr')).toBe('0.03');
  });

  it('falls back to the expression lab for an empty, unknown or prototype-named view', () => {
    for (const h of ['', '#', '#/', '#/nowhere', '#/constructor', '#/__proto__?x=1', '#/toString']) {
      expect(parseRoute(h).view).toBe('expr');
    }
  });

  it('round-trips any view and any parameter text, including + & = # and non-ASCII', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VIEW_IDS), fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string())), (view, pairs) => {
        const params = new URLSearchParams(pairs);
        const back = parseRoute(formatRoute({ view, params }));
        expect(back.view).toBe(view);
        expect([...back.params]).toEqual([...params]);
      }),
    );
  });

  it('writes no "?" when there are no parameters', () => {
    expect(formatRoute({ view: 'worked', params: new URLSearchParams() })).toBe('#/worked');
  });
});

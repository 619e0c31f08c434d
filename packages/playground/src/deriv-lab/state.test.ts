import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, defaultState, LOSS_PRESETS, paramsFromState, parseRange, PRESETS, presetOf, readoutIndex, samplePoints, SAMPLES, stateFromParams, type DerivState } from './state.js';

describe('samplePoints', () => {
  it('gives the midpoints of n equal cells, increasing, never an end of the range', () => {
    expect(Array.from(samplePoints(-1, 1, 4))).toEqual([-0.75, -0.25, 0.25, 0.75]);
    const z = samplePoints(-4, 4);
    expect(z.length).toBe(SAMPLES);
    for (let i = 1; i < z.length; i++) expect(z[i]!).toBeGreaterThan(z[i - 1]!);
    expect(z[0]).toBeGreaterThan(-4);
    expect(z[z.length - 1]).toBeLessThan(4);
  });

  it('misses z = 0 and every integer on the default range, where relu- and abs-like kinks sit', () => {
    for (const v of samplePoints(-4, 4)) expect(Math.abs(v - Math.round(v))).toBeGreaterThan(1e-3);
  });
});

describe('the address', () => {
  it('round-trips any state, whatever characters the expressions hold', () => {
    const states: DerivState[] = [
      DEFAULT_STATE,
      { mode: 'act', f: 'z + 1 & 2 = 3 # ? %', df: '1/(1 + exp(-z))', lo: '-0.5', hi: '1e3', y: '1', at: '0.25' },
      { mode: 'loss', f: '(a - y)^2', df: 'a - y', lo: 'oops', hi: '', y: '-2.5', at: '' },
      defaultState('loss'),
    ];
    for (const s of states) {
      const url = paramsFromState(s).toString();
      expect(stateFromParams(new URLSearchParams(url))).toEqual(s);
    }
  });

  it('leaves out an unset readout point and fills missing parameters with the defaults', () => {
    expect([...paramsFromState(DEFAULT_STATE).keys()]).toEqual(['f', 'df', 'lo', 'hi']);
    expect([...paramsFromState(defaultState('loss')).keys()]).toEqual(['mode', 'f', 'df', 'lo', 'hi', 'y']);
    expect(stateFromParams(new URLSearchParams('mode=loss'))).toEqual(defaultState('loss'));
    expect(stateFromParams(new URLSearchParams('f=tanh(z)'))).toEqual({ ...DEFAULT_STATE, f: 'tanh(z)' });
  });

  it('names the network lab parameters f and df take over (see the lab button) and the loaded preset', () => {
    expect(presetOf(DEFAULT_STATE)?.id).toBe('swish');
    expect(presetOf({ ...DEFAULT_STATE, df: 'sigmoid(z) + 0' })).toBeUndefined();
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    expect(new Set(LOSS_PRESETS.map((p) => p.id)).size).toBe(LOSS_PRESETS.length);
    expect(presetOf(defaultState('loss'))?.id).toBe('sq-2');
  });
});

describe('parseRange', () => {
  it('accepts lo < hi and explains everything else', () => {
    expect(parseRange(' -4 ', '4')).toEqual({ ok: true, lo: -4, hi: 4 });
    expect(parseRange('2', '2')).toEqual({ ok: false, error: 'the range needs from < to, got from 2, to 2' });
    expect(parseRange('', '1')).toEqual({ ok: false, error: "from must be a number, got ''" });
    expect(parseRange('0', 'x')).toEqual({ ok: false, error: "to must be a number, got 'x'" });
    expect(parseRange('0', '1e9').ok).toBe(false);
  });

  it('refuses a range narrower than 1e-9 of its size (one ulp at 1 hung the page), keeps one just wide enough', () => {
    expect(parseRange('1', '1.0000000000000002')).toEqual({ ok: false, error: 'the range from 1 to 1.0000000000000002 is too narrow: to − from must be at least 1e-9' });
    expect(parseRange('-1e4', '-9999.999999')).toEqual({ ok: false, error: 'the range from -10000 to -9999.999999 is too narrow: to − from must be at least 0.00001' });
    expect(parseRange('0', '1e-10').ok).toBe(false);
    expect(parseRange('0', '1e-9')).toEqual({ ok: true, lo: 0, hi: 1e-9 });
    expect(parseRange('-1e4', '-9999.9999')).toEqual({ ok: true, lo: -1e4, hi: -9999.9999 });
    expect(parseRange('-1e4', '1e4')).toEqual({ ok: true, lo: -1e4, hi: 1e4 });
    expect(parseRange('-1e4', '10001').ok).toBe(false);
    expect(parseRange('-Infinity', '0').ok).toBe(false);
  });
});

describe('readoutIndex', () => {
  const z = samplePoints(-1, 1, 4);
  it('snaps a typed z to the nearest sample, else the worst point, else the middle', () => {
    expect(readoutIndex(z, '0.3', null)).toBe(2);
    expect(readoutIndex(z, '', -0.8)).toBe(0);
    expect(readoutIndex(z, 'junk', null)).toBe(2);
  });
});

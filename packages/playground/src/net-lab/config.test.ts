import { describe, expect, it } from 'vitest';
import { NOISE } from './datasets.js';
import { ADAMW_DECAY, DEFAULT_CONFIG, decayOnSwitch, formatConfig, parseConfig, type NetConfig } from './config.js';

describe('network config ⇄ URL', () => {
  it('an empty address gives the defaults with no message', () => {
    expect(parseConfig(new URLSearchParams())).toEqual({ config: DEFAULT_CONFIG, messages: [] });
  });

  it('round-trips the defaults and a setup with per-layer and custom activations and CSV data', () => {
    const c: NetConfig = {
      ...DEFAULT_CONFIG,
      data: 'csv',
      csv: 'x1,x2,label\n0,1,1\n1,0,0',
      seed: 42,
      hidden: [
        { width: 3, act: 'relu' },
        { width: 16, act: 'custom' },
        { width: 5, act: 'tanh' },
      ],
      af: 'z^3 + z',
      adf: '3*z^2 + 1',
      loss: 'mse',
      optimizer: 'momentum',
      lr: 0.005,
      batch: 10,
      weightDecay: 0.001,
      gradient: 'fd',
    };
    const customLoss: NetConfig = { ...DEFAULT_CONFIG, loss: 'custom', lf: '-y*log(a) - (1-y)*log(1-a)', ldf: '(a-y)/(a*(1-a))' };
    expect(formatConfig(customLoss).get('lf')).toBe(customLoss.lf);
    for (const cfg of [DEFAULT_CONFIG, c, { ...DEFAULT_CONFIG, hidden: [] }, customLoss]) {
      const url = formatConfig(cfg).toString();
      expect(parseConfig(new URLSearchParams(url))).toEqual({ config: cfg, messages: [] });
    }
    expect(formatConfig(DEFAULT_CONFIG).has('af')).toBe(false);
    expect(formatConfig(DEFAULT_CONFIG).has('csv')).toBe(false);
    expect(formatConfig(DEFAULT_CONFIG).has('lf')).toBe(false);
  });

  it('one act applies to every hidden layer', () => {
    const { config } = parseConfig(new URLSearchParams('layers=4,4,4&act=relu'));
    expect(config.hidden).toEqual([4, 4, 4].map((width) => ({ width, act: 'relu' })));
  });

  it('bad values fall back to their defaults, each with a message, never a throw', () => {
    const p = new URLSearchParams(
      'data=moons&n=5&noise=x&seed=-1&layers=8,0&act=softmax&loss=__proto__&opt=rmsprop&lr=0&batch=2.5&wd=2&grad=magic',
    );
    const { config, messages } = parseConfig(p);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(messages).toHaveLength(12);
    expect(messages[0]).toBe('data: "moons" is not one of circle, xor, spiral, gauss, csv; using xor');
    expect(messages.some((m) => m.startsWith('layers: "8,0" must list widths'))).toBe(true);
    expect(messages.some((m) => m.startsWith('lr: "0" is not a number in [0.000001, 10]'))).toBe(true);
    expect(messages.some((m) => m.startsWith('act: "softmax" is not one of'))).toBe(true);
  });

  it('too many layers and a mismatched act list are refused with a message', () => {
    const a = parseConfig(new URLSearchParams('layers=1,2,3,4,5,6,7'));
    expect(a.config.hidden).toEqual(DEFAULT_CONFIG.hidden);
    expect(a.messages[0]).toMatch(/at most 6 hidden layers/);
    const b = parseConfig(new URLSearchParams('layers=4,4,4&act=relu,tanh'));
    expect(b.config.hidden.map((l) => l.act)).toEqual(['tanh', 'tanh', 'tanh']);
    expect(b.messages[0]).toMatch(/2 activations for 3 hidden layers/);
  });

  it('AdamW without a wd in the address decays by 0.01 (at 0 it would be Adam); a given wd, even 0, is kept', () => {
    expect(ADAMW_DECAY).toBe(0.01);
    expect(parseConfig(new URLSearchParams('opt=adamw')).config.weightDecay).toBe(0.01);
    expect(parseConfig(new URLSearchParams('opt=adamw&wd=0')).config.weightDecay).toBe(0);
    expect(parseConfig(new URLSearchParams('opt=adamw&wd=0.2')).config.weightDecay).toBe(0.2);
    expect(parseConfig(new URLSearchParams('opt=adam')).config.weightDecay).toBe(0);
    // Switching the select to adamw while the decay is 0 sets 0.01; otherwise the decay stays.
    expect(decayOnSwitch('adamw', 0)).toBe(0.01);
    expect(decayOnSwitch('adamw', 0.3)).toBe(0.3);
    expect(decayOnSwitch('adam', 0)).toBe(0);
    expect(decayOnSwitch('sgd', 0.01)).toBe(0.01);
  });

  it('noise is rounded to the slider step 0.01, so a value from an address survives the next edit', () => {
    expect(NOISE.step).toBe(0.01);
    for (const [v, want] of [['0.123', 0.12], ['0.57', 0.57], ['0.355', 0.36], ['1', 1], ['0', 0], ['0.35', 0.35]] as const) {
      const { config } = parseConfig(new URLSearchParams(`noise=${v}`));
      expect(config.noise).toBe(want);
      expect(parseConfig(formatConfig(config)).config.noise).toBe(want);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { StepRate, runSlice } from './runner.js';

describe('runSlice', () => {
  it('steps until the budget is spent, and at least once', () => {
    let t = 0;
    let steps = 0;
    expect(runSlice(() => ((t += 3), steps++), () => t, 10)).toBe(4);
    expect(steps).toBe(4);
    expect(runSlice(() => (t += 50), () => t, 10)).toBe(1);
  });
});

describe('StepRate', () => {
  it('measures steps per second over the window and forgets on reset', () => {
    const r = new StepRate(1000);
    expect(r.rate()).toBeNaN();
    r.add(10, 0);
    for (let t = 16; t <= 3000; t += 16) r.add(10, t);
    expect(r.rate()).toBeCloseTo(625, 0);
    r.reset();
    expect(r.rate()).toBeNaN();
    r.add(5, 5000);
    r.add(5, 5500);
    expect(r.rate()).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng, normal, uniform } from './index.js';

const draw = (rng: Rng, n: number, f: (r: Rng) => number): number[] => Array.from({ length: n }, () => f(rng));

describe('Rng', () => {
  it('the same seed gives the same stream; different seeds give different streams', () => {
    const a = draw(new Rng(42), 50, (r) => r.next());
    expect(draw(new Rng(42), 50, (r) => r.next())).toEqual(a);
    expect(draw(new Rng(43), 50, (r) => r.next())).not.toEqual(a);
    expect(draw(new Rng(42), 20, (r) => r.normal())).toEqual(draw(new Rng(42), 20, (r) => r.normal()));
  });

  it('seed 0 is spread over the whole state (no degenerate zero stream)', () => {
    const xs = draw(new Rng(0), 100, (r) => r.next());
    expect(new Set(xs).size).toBe(100);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('uniform draws have mean 1/2 and variance 1/12 within 5 standard errors', () => {
    const n = 100_000;
    const xs = draw(new Rng(7), n, (r) => r.next());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // SE(mean) = √(1/12 / n) ≈ 9.1e-4; SE(var) = √((1/80 - 1/144) / n) ≈ 2.4e-4 (fourth central moment of U(0,1) is 1/80).
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(v - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('normal() has mean 0, std 1 and the 68% one-sigma mass, each within 5 standard errors', () => {
    const n = 100_000;
    const xs = draw(new Rng(2024), n, (r) => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // For N(0,1): SE(mean) = 1/√n ≈ 3.2e-3, SE(sample variance) = √(2/n) ≈ 4.5e-3. A fixed
    // seed makes the test deterministic; 5 SE means a correct generator fails with
    // probability ~6e-7 for a fresh seed, while a wrong scale (e.g. variance 2) fails by 200 SE.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // P(|Z| < 1) = erf(1/√2) = 0.682689...; SE of a proportion is √(p(1-p)/n) ≈ 1.5e-3.
    const p = 0.6826894921370859;
    const inside = xs.filter((x) => Math.abs(x) < 1).length / n;
    expect(Math.abs(inside - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('int(n) is uniform on 0..n-1 and permutation(n) is a permutation', () => {
    const rng = new Rng(5);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]!++;
    // Each count is Binomial(60000, 1/6): mean 10000, sd ≈ 91.3; 5 sd ≈ 456.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(5 * Math.sqrt(60_000 * (1 / 6) * (5 / 6)));
    const p = Array.from(rng.permutation(10));
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('uniform and normal tensors', () => {
  it('are reproducible from a seed and have the requested shape and range', () => {
    const u = uniform([3, 4], { seed: 1, low: -2, high: 3 });
    expect(u.shape).toEqual([3, 4]);
    expect(uniform([3, 4], { seed: 1, low: -2, high: 3 }).toArray()).toEqual(u.toArray());
    expect(u.data.every((v) => v >= -2 && v < 3)).toBe(true);
    // low + (high - low)·next(), in order.
    const r = new Rng(1);
    expect(Array.from(u.data)).toEqual(draw(r, 12, (g) => -2 + 5 * g.next()));
    expect(uniform([2], { seed: 9 }).data.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('normal applies mean and std to the generator\'s standard normals', () => {
    const t = normal([5], { seed: 3, mean: 10, std: 0.5 });
    const r = new Rng(3);
    expect(Array.from(t.data)).toEqual(draw(r, 5, (g) => 10 + 0.5 * g.normal()));
    expect(normal([2, 2], { seed: 3 }).shape).toEqual([2, 2]);
  });

  it('passing an Rng continues its stream instead of restarting', () => {
    const rng = new Rng(11);
    const a = uniform([3], { rng });
    const b = uniform([3], { rng });
    expect(b.toArray()).not.toEqual(a.toArray());
    expect([...a.data, ...b.data]).toEqual(uniform([6], { seed: 11 }).toFlatArray());
  });
});

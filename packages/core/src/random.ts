import { ArgumentError } from './errors.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * A small, seeded, reproducible generator (sfc32: 128 bits of state, passes PractRand
 * to many terabytes). The same seed gives the same stream on every platform.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new ArgumentError(`Rng: seed must be a finite number, got ${seed}`);
    // splitmix32 spreads any seed, even 0, over the whole state.
    let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box-Muller; the second value of each pair is kept). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

/** Where random values come from: an existing generator, or a seed for a fresh one. */
export type RandomSource = { readonly rng: Rng } | { readonly seed: number };

function rngOf(src: RandomSource): Rng {
  return 'rng' in src ? src.rng : new Rng(src.seed);
}

/**
 * Uniform values in `[low, high)`.
 * @example uniform([2, 3], { seed: 0, low: -1, high: 1 })
 */
export function uniform(shape: readonly number[], opts: RandomSource & { low?: number; high?: number }): Tensor {
  const s = checkShape([...shape], 'uniform');
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  if (!(high >= low)) throw new ArgumentError(`uniform: need low <= high, got low=${low}, high=${high}`);
  const rng = rngOf(opts);
  const data = new Float64Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * rng.next();
  return new Tensor(data, s);
}

/**
 * Normal values with the given `mean` (default 0) and `std` (default 1).
 * @example normal([3], { seed: 1, std: 0.1 })
 */
export function normal(shape: readonly number[], opts: RandomSource & { mean?: number; std?: number }): Tensor {
  const s = checkShape([...shape], 'normal');
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  if (!(std >= 0)) throw new ArgumentError(`normal: std must be >= 0, got ${std}`);
  const rng = rngOf(opts);
  const data = new Float64Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return new Tensor(data, s);
}

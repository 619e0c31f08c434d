import { ArgumentError, checkOptions, describeValue, showValue } from './errors.js';
import { checkSize, sizeOf } from './shape.js';
import { finiteArg, intArg, shapeArg } from './args.js';
import { Tensor } from './tensor.js';

/** splitmix32's finaliser: a bijection of 32-bit integers that spreads every input bit. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A small, seeded, reproducible generator (sfc32: 128 bits of state, passes PractRand
 * to many terabytes). The same seed gives the same stream on every platform.
 *
 * Seeds are integers in [0, 2^53) (every safe non-negative integer), and distinct seeds
 * give distinct states: all 53 bits are mixed in, so `Rng(2 ** 32)` is not `Rng(0)`.
 * Negative, fractional, non-finite and non-number seeds are refused rather than folded
 * onto another seed (`Rng(-1)` used to equal `Rng(2 ** 32 - 1)`, `Rng(0.5)` `Rng(0)`).
 * Seeds below 2^32 give the same streams as before this rule.
 * @group Random
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /**
   * @param seed an integer in [0, 2^53)
   * @throws ArgumentError for a negative, fractional, non-finite or too large seed, or one that is not a number.
   * @example new Rng(42).next() // the same value on every platform
   */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
      const fix = typeof seed === 'string' ? '; pass a number, not a string' : typeof seed === 'number' && Number.isFinite(seed) && seed < 0 ? '; negative seeds are not folded onto positive ones, pick a non-negative one' : '';
      throw new ArgumentError(`Rng: seed must be an integer in [0, 2^53), got ${showValue(seed)}${fix}`);
    }
    const lo = seed % 4294967296;
    const hi = (seed - lo) / 4294967296; // < 2^21
    // splitmix32 spreads any seed, even 0, over the whole state. a and b depend only on the
    // low 32 bits (and determine them, as mix32 is a bijection); the high bits enter d
    // through the bijection mix32, so the map from seeds to states is one-to-one, and
    // seeds below 2^32 (hi = 0) keep the streams they always had.
    let s = (lo ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if (hi !== 0) this.d = (this.d ^ mix32((hi + 0x632be5ab) >>> 0) ^ mix32(0x632be5ab)) >>> 0;
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

  /** A uniform integer in [0, n). @throws ArgumentError unless n is an integer in [1, 2^53). */
  int(n: number): number {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw new ArgumentError(`Rng.int: n must be a positive integer, got ${showValue(n)}`);
    return Math.floor(this.next() * n);
  }

  /**
   * A random permutation of 0..n-1 (Fisher-Yates).
   * @throws ArgumentError unless n is a non-negative integer; ShapeError for more than `MAX_ELEMENTS` entries.
   */
  permutation(n: number): Int32Array {
    intArg('Rng.permutation', 'n', n, 0);
    checkSize([n], 'Rng.permutation');
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

/**
 * Where random values come from: an existing generator, or a seed for a fresh one.
 * @group Random
 */
export type RandomSource = { readonly rng: Rng } | { readonly seed: number };

/** Checks the options of uniform/normal: exactly one of `rng` and `seed`, and no unknown key. */
function rngOf(where: string, src: unknown, extra: readonly string[]): Rng {
  checkOptions(where, src, ['rng', 'seed', ...extra]);
  if (src === undefined) throw new ArgumentError(`${where}: pass { seed } or { rng } so the values are reproducible`);
  const o = src as { rng?: unknown; seed?: unknown };
  if (o.rng !== undefined && o.seed !== undefined) throw new ArgumentError(`${where}: pass either rng or seed, not both`);
  if (o.rng !== undefined) {
    if (!(o.rng instanceof Rng)) throw new ArgumentError(`${where}: rng must be an Rng, got ${describeValue(o.rng)}`);
    return o.rng;
  }
  if (o.seed === undefined) throw new ArgumentError(`${where}: pass { seed } or { rng } so the values are reproducible`);
  return new Rng(o.seed as number);
}

/**
 * Uniform values in `[low, high)`.
 * @throws ArgumentError for low > high, a bound that is not a finite number, or a bad seed or option.
 * @example uniform([2, 3], { seed: 0, low: -1, high: 1 })
 * @group Random
 */
export function uniform(shape: readonly number[], opts: RandomSource & { low?: number; high?: number }): Tensor {
  const s = shapeArg('uniform', shape);
  const rng = rngOf('uniform', opts, ['low', 'high']);
  const low = opts.low === undefined ? 0 : finiteArg('uniform', 'low', opts.low);
  const high = opts.high === undefined ? 1 : finiteArg('uniform', 'high', opts.high);
  if (!(high >= low)) throw new ArgumentError(`uniform: need low <= high, got low=${low}, high=${high}`);
  const data = new Float64Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * rng.next();
  return new Tensor(data, s);
}

/**
 * Normal values with the given `mean` (default 0) and `std` (default 1).
 * @throws ArgumentError for a negative std, a parameter that is not a finite number, or a bad seed or option.
 * @example normal([3], { seed: 1, std: 0.1 })
 * @group Random
 */
export function normal(shape: readonly number[], opts: RandomSource & { mean?: number; std?: number }): Tensor {
  const s = shapeArg('normal', shape);
  const rng = rngOf('normal', opts, ['mean', 'std']);
  const mean = opts.mean === undefined ? 0 : finiteArg('normal', 'mean', opts.mean);
  const std = opts.std === undefined ? 1 : finiteArg('normal', 'std', opts.std);
  if (!(std >= 0)) throw new ArgumentError(`normal: std must be >= 0, got ${std}`);
  const data = new Float64Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return new Tensor(data, s);
}

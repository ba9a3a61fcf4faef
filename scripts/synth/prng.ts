// Seeded random numbers for the synthetic world: mulberry32 plus the few distributions the generator needs.

/**
 * A seeded PRNG and the distributions built on it. Everything the generator draws comes from one of
 * these, so a seed fixes the whole world (Math.random is never used).
 *
 * @example
 * const rng = new Rng(7);
 * rng.normal(); // ~N(0, 1)
 */
export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    // Mix the seed so that small consecutive seeds start from unrelated states.
    this.state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  }

  /**
   * Uniform in [0, 1) (mulberry32).
   *
   * @example
   * new Rng(1).next(); // 0.…
   */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * The bound `next`, for APIs that take a `() => number`.
   *
   * @example
   * generateUscc(rng.uniform, '440300');
   */
  readonly uniform = (): number => this.next();

  /**
   * Standard normal via Box–Muller; the second value of each pair is kept for the next call.
   *
   * @example
   * rng.normal(0.5, 2);
   */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Log-normal: exp(N(mu, sigma)) — the heavy tail of amounts like capital or tax paid.
   *
   * @example
   * rng.logNormal(5, 1); // median e^5
   */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /**
   * Bernoulli draw.
   *
   * @example
   * if (rng.chance(0.05)) missing = true;
   */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * Poisson count. Knuth's product method for small means, a rounded normal approximation above 30
   * (the generator only needs large means for coarse counts, and Knuth is O(mean)).
   *
   * @example
   * rng.poisson(0.3); // usually 0
   */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /**
   * Negative-binomial-like overdispersed count: a Poisson whose mean is itself Gamma-ish (log-normal
   * here, which is close enough and cheap). `dispersion` is the log-sd of the mean.
   *
   * @example
   * rng.overdispersed(1.5, 0.8);
   */
  overdispersed(mean: number, dispersion: number): number {
    const m = mean * Math.exp(this.normal(-0.5 * dispersion * dispersion, dispersion));
    return this.poisson(m);
  }

  /**
   * Index drawn with the given non-negative weights.
   *
   * @example
   * rng.weighted([0.7, 0.2, 0.1]); // 0 most of the time
   */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /**
   * A uniformly chosen element.
   *
   * @example
   * rng.pick([6, 12, 24]);
   */
  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))]!;
  }
}

/**
 * The logistic function.
 *
 * @example
 * sigmoid(0); // 0.5
 */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * A seeded uniform [0, 1) source as a plain function (for callers that need no other draws).
 *
 * @example
 * const r = uniform(7); r(); // 0.…
 */
export function uniform(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

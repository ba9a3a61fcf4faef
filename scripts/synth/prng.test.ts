// Tests for the seeded PRNG and its distributions.
import { describe, expect, it } from 'vitest';
import { Rng, sigmoid } from './prng.ts';

function moments(draw: () => number, n = 50_000): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniforms in [0, 1)', () => {
    const rng = new Rng(1);
    let lo = 1;
    let hi = 0;
    const m = moments(() => {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      return u;
    });
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normals', () => {
    const rng = new Rng(2);
    const m = moments(() => rng.normal());
    expect(Math.abs(m.mean)).toBeLessThan(0.02);
    expect(m.variance).toBeGreaterThan(0.97);
    expect(m.variance).toBeLessThan(1.03);
    expect(moments(() => rng.normal(3, 2)).mean).toBeCloseTo(3, 1);
  });

  it('draws Poisson counts with the right mean, small and large', () => {
    const rng = new Rng(3);
    for (const mean of [0.2, 2.5, 40]) {
      const m = moments(() => rng.poisson(mean), 20_000);
      expect(Math.abs(m.mean - mean) / mean).toBeLessThan(0.05);
      expect(Math.abs(m.variance - mean) / mean).toBeLessThan(0.1);
    }
    expect(rng.poisson(0)).toBe(0);
  });

  it('overdispersed counts keep the mean but spread more', () => {
    const rng = new Rng(4);
    const m = moments(() => rng.overdispersed(2, 0.8), 40_000);
    expect(Math.abs(m.mean - 2)).toBeLessThan(0.1);
    expect(m.variance).toBeGreaterThan(3);
  });

  it('log-normals are heavy-tailed with median e^mu', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 20_001 }, () => rng.logNormal(2, 1)).sort((a, b) => a - b);
    expect(xs[10_000]! / Math.exp(2)).toBeGreaterThan(0.95);
    expect(xs[10_000]! / Math.exp(2)).toBeLessThan(1.05);
    expect(xs[20_000]! / xs[10_000]!).toBeGreaterThan(20);
  });

  it('weighted picks follow the weights', () => {
    const rng = new Rng(6);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weighted([0.7, 0.2, 0.1])]!++;
    expect(counts[0]! / 30_000).toBeCloseTo(0.7, 1);
    expect(counts[2]! / 30_000).toBeCloseTo(0.1, 1);
    expect(new Set(Array.from({ length: 100 }, () => rng.pick(['a', 'b'])))).toEqual(new Set(['a', 'b']));
  });

  it('sigmoid is the logistic function', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 12);
  });
});

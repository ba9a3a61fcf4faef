// Tests for the seeded Gaussian noise: reproducibility, independence across labels and seeds, moments.
import { describe, expect, it } from 'vitest';
import { TEST_SEEDS } from './fixtures.ts';
import { checkSeed, gaussianNoise } from './noise.ts';

const [seed, otherSeed] = TEST_SEEDS;

describe('gaussianNoise', () => {
  it('is a pure function of (seed, label, count, σ), and shorter draws are prefixes', () => {
    const a = gaussianNoise(seed, 'weights', 101, 1.5);
    expect(gaussianNoise(seed, 'weights', 101, 1.5)).toEqual(a);
    expect(Array.from(gaussianNoise(seed, 'weights', 10, 1.5))).toEqual(Array.from(a.subarray(0, 10)));
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it('differs across labels and seeds', () => {
    const a = gaussianNoise(seed, 'round-0', 8, 1);
    expect(gaussianNoise(seed, 'round-1', 8, 1)).not.toEqual(a);
    expect(gaussianNoise(otherSeed, 'round-0', 8, 1)).not.toEqual(a);
  });

  it('scales with σ and is all zeros for σ = 0', () => {
    const unit = gaussianNoise(seed, 'x', 6, 1);
    const scaled = gaussianNoise(seed, 'x', 6, 3);
    for (let i = 0; i < 6; i++) expect(scaled[i]!).toBeCloseTo(3 * unit[i]!, 12);
    expect(gaussianNoise(seed, 'x', 4, 0).every((v) => v === 0)).toBe(true);
  });

  it('has mean 0, variance σ² and normal tails over 100k draws', () => {
    const n = 100_000;
    const draws = gaussianNoise(seed, 'moments', n, 1);
    let sum = 0;
    let sumsq = 0;
    let tails = 0;
    for (const v of draws) {
      sum += v;
      sumsq += v * v;
      if (Math.abs(v) > 1.959964) tails++;
    }
    const mean = sum / n;
    const variance = sumsq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(Math.abs(tails / n - 0.05)).toBeLessThan(0.005);
  });

  it('rejects weak or malformed seeds and bad arguments', () => {
    expect(() => checkSeed('abcdef')).toThrow(/at least 32 hex characters/);
    expect(() => checkSeed(`${seed}0`)).toThrow(/whole bytes/);
    expect(() => checkSeed(`${seed.slice(2)}zz`)).toThrow(/hex/);
    expect(() => gaussianNoise(seed, 'x', -1, 1)).toThrow(/count must be a non-negative integer/);
    expect(() => gaussianNoise(seed, 'x', 2, -1)).toThrow(/sigma must be a finite number ≥ 0/);
  });
});

// Tests for private holdout evaluation: shape, post-processing clamps and noise scale.
import { describe, expect, it } from 'vitest';
import { EVAL_BINS, localEvaluation, metricsFromHistograms } from '../evaluation.ts';
import type { Update } from '../strategy.ts';
import { seededRandom } from '../testing/random.ts';
import { gaussianSigma } from './accounting.ts';
import { privatizeEvaluation } from './dp-evaluation.ts';
import { TEST_SEEDS } from './fixtures.ts';

const seed = TEST_SEEDS[0];
const rng = seededRandom(4);
const prob = Float64Array.from({ length: 3000 }, () => rng.uniform());
const y = prob.map((p) => (rng.uniform() < p ? 1 : 0));
const clean = localEvaluation(prob, y);

/** An evaluation update with the same value in every bin of every histogram. */
function flat(perBin: number, losses: number): Update {
  const bins = () => new Array<number>(EVAL_BINS).fill(perBin);
  return { pos: bins(), neg: bins(), psum: bins(), logLoss: [losses], brier: [losses] };
}

/** Every bin holding many rows of both classes, so no clamp moves the noise. */
const crowded = flat(5000, 1e6);

describe('privatizeEvaluation', () => {
  it('keeps the shape of the update and leaves the input untouched', () => {
    const before = structuredClone(clean);
    const noisy = privatizeEvaluation(clean, 0.05, seed, 'domain-a');
    expect(Object.keys(noisy).sort()).toEqual(Object.keys(clean).sort());
    for (const key of Object.keys(clean)) expect(noisy[key]!.length).toBe(clean[key]!.length);
    expect(clean).toEqual(before);
    expect(metricsFromHistograms(noisy).rows).toBeGreaterThan(0);
  });

  it('clamps counts at 0, psum to [0, pos + neg] per bin, and the losses at 0', () => {
    const noisy = privatizeEvaluation(flat(0, 0), 0.01, seed, 'empty');
    expect(noisy['pos']!.every((v) => v >= 0)).toBe(true);
    expect(noisy['neg']!.every((v) => v >= 0)).toBe(true);
    expect(noisy['psum']!.every((v, b) => v >= 0 && v <= noisy['pos']![b]! + noisy['neg']![b]!)).toBe(true);
    expect(noisy['logLoss']![0]).toBeGreaterThanOrEqual(0);
    expect(noisy['brier']![0]).toBeGreaterThanOrEqual(0);
    // Noise did reach the counts: some bins are positive, none negative.
    expect(noisy['pos']!.some((v) => v > 0)).toBe(true);
    expect(noisy['psum']!.some((v, b) => v === noisy['pos']![b]! + noisy['neg']![b]! && v > 0)).toBe(true);
  });

  it('adds noise of σ = √6/√(2ρ) to the counts and σ·(−ln 1e-15) to the log loss', () => {
    const rho = 0.5;
    const sigma = gaussianSigma(Math.sqrt(6), rho);
    const noisy = privatizeEvaluation(crowded, rho, seed, 'scale');
    for (const key of ['pos', 'neg', 'psum']) {
      const e = noisy[key]!.map((v) => v - 5000);
      const sd = Math.sqrt(e.reduce((a, v) => a + v * v, 0) / e.length);
      expect(Math.abs(sd / sigma - 1)).toBeLessThan(0.1);
    }
    const logLossNoise: number[] = [];
    const brierNoise: number[] = [];
    for (let k = 0; k < 200; k++) {
      const u = privatizeEvaluation(crowded, rho, seed, `scale-${k}`);
      logLossNoise.push(u['logLoss']![0]! - 1e6);
      brierNoise.push(u['brier']![0]! - 1e6);
    }
    const rms = (v: number[]) => Math.sqrt(v.reduce((a, e) => a + e * e, 0) / v.length);
    expect(Math.abs(rms(logLossNoise) / (sigma * -Math.log(1e-15)) - 1)).toBeLessThan(0.2);
    expect(Math.abs(rms(brierNoise) / sigma - 1)).toBeLessThan(0.2);
  });

  it('is reproducible per (seed, label) and differs across labels', () => {
    const a = privatizeEvaluation(clean, 0.1, seed, 'domain-a');
    expect(privatizeEvaluation(clean, 0.1, seed, 'domain-a')).toEqual(a);
    expect(privatizeEvaluation(clean, 0.1, seed, 'domain-b')).not.toEqual(a);
  });

  it('refuses updates of another shape and a non-positive ρ', () => {
    expect(() => privatizeEvaluation({ ...clean, rows: [3000] }, 0.1, seed, 'x')).toThrow(/'rows' .*extra/);
    expect(() => privatizeEvaluation({ ...clean, psum: [1] }, 0.1, seed, 'x')).toThrow(/'psum' .*length/);
    const { brier: _, ...noBrier } = clean;
    expect(() => privatizeEvaluation(noBrier, 0.1, seed, 'x')).toThrow(/'brier' .*missing/);
    expect(() => privatizeEvaluation(clean, 0, seed, 'x')).toThrow(/rho must be a finite number > 0/);
  });
});

// Tests of the MLP's seeded randomness: stable streams, unbiased-looking splits and shuffles.
import { describe, expect, it } from 'vitest';
import { glorotUniform, mixSeed, mulberry32, SEED_TAG, shuffled, splitIndices } from './mlp-random.ts';

describe('MLP seeded randomness', () => {
  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = mulberry32(mixSeed(1, SEED_TAG.init));
    const b = mulberry32(mixSeed(1, SEED_TAG.init));
    const c = mulberry32(mixSeed(2, SEED_TAG.init));
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toStrictEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(mixSeed(1, 2, 3)).not.toBe(mixSeed(1, 3, 2));
  });

  it('splits rows by a seeded hash of the index: about the fraction, disjoint, complete, stable', () => {
    const { train, validation } = splitIndices(20_000, 0.1, 1);
    expect(train.length + validation.length).toBe(20_000);
    expect(validation.length / 20_000).toBeCloseTo(0.1, 1.5);
    const seen = new Set([...train, ...validation]);
    expect(seen.size).toBe(20_000);
    // Row i's side does not depend on how many rows follow it.
    const prefix = splitIndices(1000, 0.1, 1).validation;
    expect(Array.from(prefix)).toStrictEqual(Array.from(validation.filter((i) => i < 1000)));
    expect(splitIndices(100, 0, 1).validation.length).toBe(0);
  });

  it('shuffles into a seeded permutation without touching the input', () => {
    const input = Uint32Array.from({ length: 100 }, (_, i) => i);
    const p = shuffled(input, 5);
    expect(Array.from(input)).toStrictEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p).sort((x, y) => x - y)).toStrictEqual(Array.from(input));
    expect(Array.from(shuffled(input, 5))).toStrictEqual(Array.from(p));
    expect(Array.from(shuffled(input, 6))).not.toStrictEqual(Array.from(p));
  });

  it('draws float32 Glorot kernels within ±√(6 / (fan_in + fan_out)) and zero biases', () => {
    const w = glorotUniform([[4, 2], [2]], 1);
    expect(w.slice(8)).toStrictEqual([0, 0]);
    expect(w.slice(0, 8).every((v) => Math.abs(v) <= Math.sqrt(1) && v === Math.fround(v))).toBe(true);
  });
});

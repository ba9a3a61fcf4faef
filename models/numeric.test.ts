// Tests for the stable scalar helpers.
import { describe, expect, it } from 'vitest';
import { logit, sigmoid, softplus } from './numeric.ts';

describe('sigmoid', () => {
  it('is correct and finite in both tails', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(sigmoid(-2)).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
    // Keeps relative precision far in the lower tail, where 1 − sigmoid(−t) would round to 0.
    expect(sigmoid(-40) / Math.exp(-40)).toBeCloseTo(1, 12);
  });
});

describe('softplus', () => {
  it('equals log(1 + e^t) without overflow', () => {
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
    expect(softplus(3)).toBeCloseTo(Math.log(1 + Math.exp(3)), 14);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-50)).toBeCloseTo(Math.exp(-50), 30);
  });
});

describe('logit', () => {
  it('inverts sigmoid and is infinite at the ends', () => {
    for (const t of [-10, -1, 0, 0.5, 7]) expect(logit(sigmoid(t))).toBeCloseTo(t, 8);
    expect(logit(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(logit(1)).toBe(Number.POSITIVE_INFINITY);
  });
});

// Tests for L2 clipping of standardised rows and of domain updates.
import { describe, expect, it } from 'vitest';
import { splitRows, syntheticCredit } from '../testing/synthetic.ts';
import { clipRows, clipToNorm, l2Norm } from './clipping.ts';
import { CREDIT_STATS } from './fixtures.ts';

const { means, stds } = CREDIT_STATS;

/** The standardised vector of row i (missing at the mean), computed here independently. */
function zOf(x: Float64Array, i: number, d: number, m: readonly number[], s: readonly number[]): number[] {
  return Array.from({ length: d }, (_, j) => {
    const v = x[i * d + j]!;
    return Number.isNaN(v) ? 0 : (v - m[j]!) / s[j]!;
  });
}

describe('clipRows', () => {
  const rows = syntheticCredit(2000, 5);

  it('bounds every standardised row by R exactly, on the values it returns', () => {
    for (const rowNorm of [0.5, 1, 2.5]) {
      const clipped = clipRows(rows, means, stds, rowNorm);
      let touched = 0;
      for (let i = 0; i < rows.n; i++) {
        expect(l2Norm(zOf(clipped.x, i, rows.d, means, stds))).toBeLessThanOrEqual(rowNorm);
        if (l2Norm(zOf(rows.x, i, rows.d, means, stds)) > rowNorm) touched++;
      }
      // The bound must actually bite on this data, or the test proves nothing.
      expect(touched).toBeGreaterThan(rows.n / 10);
    }
  });

  it('keeps rows inside the ball and missing values as they are, and shrinks the rest along z', () => {
    const clipped = clipRows(rows, means, stds, 1);
    expect(clipped.y).toEqual(rows.y);
    for (let i = 0; i < rows.n; i++) {
      const before = zOf(rows.x, i, rows.d, means, stds);
      const after = zOf(clipped.x, i, rows.d, means, stds);
      const norm = l2Norm(before);
      for (let j = 0; j < rows.d; j++) {
        const v = rows.x[i * rows.d + j]!;
        if (Number.isNaN(v)) expect(clipped.x[i * rows.d + j]).toBeNaN();
        else if (norm <= 1) expect(clipped.x[i * rows.d + j]).toBe(v);
        else expect(after[j]!).toBeCloseTo(before[j]! / norm, 6);
      }
    }
  });

  it('holds the bound where a large offset makes raw values round coarsely', () => {
    const coarse = {
      x: Float64Array.from([1e15 + 64, 3, 1e15 - 128, -7]),
      y: Float64Array.from([0, 1]),
      n: 2,
      d: 2,
    };
    const m = [1e15, 0];
    const s = [1e-3, 1];
    const clipped = clipRows(coarse, m, s, 1);
    for (let i = 0; i < 2; i++) expect(l2Norm(zOf(clipped.x, i, 2, m, s))).toBeLessThanOrEqual(1);
  });

  it('rejects statistics of the wrong length', () => {
    const [a] = splitRows(rows, [2000]);
    expect(() => clipRows(a!, [0], [1], 1)).toThrow(/do not match the shape 2000×6/);
  });
});

describe('clipToNorm', () => {
  it('rescales long vectors onto the bound and leaves short ones alone', () => {
    const v = [3, -4, 12];
    const clipped = clipToNorm(v, 1);
    expect(l2Norm(clipped)).toBeLessThanOrEqual(1);
    expect(l2Norm(clipped)).toBeGreaterThan(1 - 1e-12);
    for (let i = 0; i < 3; i++) expect(clipped[i]!).toBeCloseTo(v[i]! / 13, 12);
    expect(clipToNorm([0.1, 0.2], 1)).toEqual([0.1, 0.2]);
  });
});

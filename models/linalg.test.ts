// Tests for the plain-JS weighted Gram matrix and Cholesky solver.
import { describe, expect, it } from 'vitest';
import { choleskySolve, maxAbsDiff, plainOps, xtwxJs } from './linalg.ts';
import { seededRandom } from './testing/random.ts';

/** Textbook triple loop, no symmetry tricks: the reference for xtwxJs. */
function naiveXtwx(x: Float64Array, w: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += x[r * d + i]! * w[r]! * x[r * d + j]!;
      out[i * d + j] = s;
    }
  }
  return out;
}

describe('xtwxJs', () => {
  it('matches a hand-computed 2×2 example', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    expect(Array.from(xtwxJs(x, new Float64Array([1, 1]), 2, 2))).toEqual([10, 14, 14, 20]);
    // Weights scale each row's outer product: 2·[1,2]ᵀ[1,2] + 0.5·[3,4]ᵀ[3,4].
    expect(Array.from(xtwxJs(x, new Float64Array([2, 0.5]), 2, 2))).toEqual([6.5, 10, 10, 16]);
  });

  it('agrees with the naive product on random data and is exactly symmetric', () => {
    const rng = seededRandom(11);
    const n = 200;
    const d = 7;
    const x = Float64Array.from({ length: n * d }, () => rng.normal() * 3);
    const w = Float64Array.from({ length: n }, () => rng.uniform());
    const fast = xtwxJs(x, w, n, d);
    const slow = naiveXtwx(x, w, n, d);
    expect(maxAbsDiff(fast, slow)).toBeLessThan(1e-10);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(fast[i * d + j]).toBe(fast[j * d + i]);
    expect(plainOps.xtwx(x, w, n, d)).toEqual(fast);
  });

  it('rejects mismatched shapes', () => {
    expect(() => xtwxJs(new Float64Array(5), new Float64Array(2), 2, 2)).toThrow(/expected 2×2/);
    expect(() => xtwxJs(new Float64Array(4), new Float64Array(3), 2, 2)).toThrow(/w has 3/);
  });
});

describe('choleskySolve', () => {
  it('solves a small SPD system', () => {
    const x = choleskySolve(new Float64Array([4, 2, 2, 3]), new Float64Array([2, 1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 15);
    expect(x[1]).toBeCloseTo(0, 15);
  });

  it('recovers a known solution of a random SPD system', () => {
    const rng = seededRandom(5);
    const n = 50;
    const d = 6;
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const a = xtwxJs(x, new Float64Array(n).fill(1), n, d);
    for (let i = 0; i < d; i++) a[i * d + i]! += 0.1;
    const truth = Float64Array.from({ length: d }, (_, i) => i - 2.5);
    const b = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) b[i]! += a[i * d + j]! * truth[j]!;
    expect(maxAbsDiff(choleskySolve(a, b, d), truth)).toBeLessThan(1e-12);
  });

  it('throws a clear error for matrices that are not positive definite', () => {
    // Indefinite: eigenvalues 3 and −1.
    expect(() => choleskySolve(new Float64Array([1, 2, 2, 1]), new Float64Array([1, 1]), 2)).toThrow(
      /not symmetric positive definite/,
    );
    // Singular (rank 1).
    expect(() => choleskySolve(new Float64Array([1, 1, 1, 1]), new Float64Array([1, 1]), 2)).toThrow(
      /not symmetric positive definite/,
    );
    expect(() => choleskySolve(new Float64Array([Number.NaN]), new Float64Array([1]), 1)).toThrow(
      /positive definite/,
    );
  });

  it('rejects mismatched shapes', () => {
    expect(() => choleskySolve(new Float64Array(3), new Float64Array(2), 2)).toThrow(/expected 2×2/);
  });
});

describe('maxAbsDiff', () => {
  it('returns the largest gap and propagates NaN so comparisons cannot pass silently', () => {
    expect(maxAbsDiff([1, 2, 3], [1.5, 2, 1])).toBe(2);
    expect(maxAbsDiff([Number.NaN], [0])).toBeNaN();
    expect(() => maxAbsDiff([1], [1, 2])).toThrow(/lengths differ/);
  });
});

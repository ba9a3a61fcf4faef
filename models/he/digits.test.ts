// Tests for fixed-point digit packing: exactness, range, and the decrypted-slot sanity checks.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/random.ts';
import { readDigits, roundDigitSums, writeDigits } from './digits.ts';
import { CkksError } from './errors.ts';
import { aggregateErrorBound, COUNT_GRID, DIGIT_BITS, MAX_ADDENDS, maxAbs, REAL_GRID } from './params.ts';

const roundTrip = (value: number, grid = REAL_GRID): number => {
  const out = new Float64Array(grid.limbs);
  writeDigits(value, grid, out, 0, 'v');
  return readDigits(out, 0, grid);
};

describe('writeDigits / readDigits', () => {
  it('keeps every value exactly down to the grid step, across 2^-50..2^77 and both signs', () => {
    const rng = seededRandom(11);
    for (let k = 0; k < 20_000; k++) {
      const value = (rng.uniform() < 0.5 ? -1 : 1) * 2 ** (-50 + 127 * rng.uniform());
      const back = roundTrip(value);
      // Quantisation to 2^-56 is the only loss: exact for |value| ≥ 2^-3 (ulp ≥ 2^-55).
      expect(Math.abs(back - value)).toBeLessThanOrEqual(2 ** -57);
      if (Math.abs(value) >= 2 ** -3) expect(back).toBe(value);
    }
  });

  it('uses balanced digits no larger than 2^26', () => {
    const out = new Float64Array(REAL_GRID.limbs);
    for (const v of [maxAbs(REAL_GRID) * (1 - 2 ** -52), -1e23, 123456.789, -1e-17]) {
      writeDigits(v, REAL_GRID, out, 0, 'v');
      for (const d of out) expect(Math.abs(d)).toBeLessThanOrEqual(2 ** (DIGIT_BITS - 1));
    }
  });

  it('packs counts exactly and refuses non-integers on the count grid', () => {
    for (const v of [0, 1, -7, 2 ** 27 + 5, 2 ** 53 - 1, -(2 ** 53 - 1)])
      expect(roundTrip(v, COUNT_GRID)).toBe(v);
    expect(() => roundTrip(0.5, COUNT_GRID)).toThrow(/not an integer/);
  });

  it('refuses non-finite and out-of-range values with the element named', () => {
    const out = new Float64Array(5);
    expect(() => writeDigits(Number.NaN, REAL_GRID, out, 0, 'grad[3]')).toThrow(/grad\[3\] is not a finite/);
    expect(() => writeDigits(Number.POSITIVE_INFINITY, REAL_GRID, out, 0, 'x')).toThrow(CkksError);
    expect(() => writeDigits(2 ** 78, REAL_GRID, out, 0, 'x')).toThrow(
      /outside the real grid's range ±2\^78/,
    );
    expect(() => writeDigits(2 ** 53, COUNT_GRID, out, 0, 'x')).toThrow(/range ±2\^53/);
  });

  it('sums of digits decode to the correctly rounded exact sum of the quantised values', () => {
    const rng = seededRandom(5);
    const values = Array.from(
      { length: MAX_ADDENDS },
      () => (rng.uniform() - 0.5) * 2 ** (77 * rng.uniform()),
    );
    const sum = new Float64Array(REAL_GRID.limbs);
    const one = new Float64Array(REAL_GRID.limbs);
    let exact = 0n;
    for (const v of values) {
      writeDigits(v, REAL_GRID, one, 0, 'v');
      for (let j = 0; j < one.length; j++) sum[j]! += one[j]!;
      exact += BigInt(Math.round(v * 2 ** -REAL_GRID.scaleExp));
    }
    expect(readDigits(sum, 0, REAL_GRID)).toBe(Number(exact) * 2 ** REAL_GRID.scaleExp);
    const plain = values.reduce((a, b) => a + b, 0);
    expect(Math.abs(readDigits(sum, 0, REAL_GRID) - plain)).toBeLessThanOrEqual(
      aggregateErrorBound(REAL_GRID, MAX_ADDENDS) + values.reduce((a, b) => a + Math.abs(b), 0) * 2 ** -45,
    );
  });
});

describe('roundDigitSums', () => {
  it('rounds slots near integers and refuses slots that are not digit sums', () => {
    expect(Array.from(roundDigitSums(Float64Array.from([2.0003, -7.9998, 0]), 1))).toEqual([2, -8, 0]);
    expect(() => roundDigitSums(Float64Array.from([3.4]), 1)).toThrow(/slot 0 .* not a sum of 1 digits/);
    expect(() => roundDigitSums(Float64Array.from([2 ** 26 + 1]), 1)).toThrow(CkksError);
    expect(Array.from(roundDigitSums(Float64Array.from([2 ** 26 + 1]), 2))).toEqual([2 ** 26 + 1]);
  });
});

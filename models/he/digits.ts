// Fixed-point digits: a float64 split into balanced base-2^27 integer digits on a grid, and back.

import { CkksError } from './errors.ts';
import { DIGIT_BITS, type Grid, maxAbs, ROUNDING_TOLERANCE } from './params.ts';

const DIGIT_BOUND = 2 ** (DIGIT_BITS - 1);

/**
 * Writes `value` as `grid.limbs` balanced digits (lowest first) into `out[at…]`; throws `CkksError`
 * for a value that is not finite, too large for the grid, or (count grid) not an integer.
 * Every step is exact in float64: scaling by a power of two is exact, and subtracting the
 * value rounded to a coarser power-of-two grid leaves bits the value already had. Only the last
 * `Math.round` (to the grid step) loses anything, at most half a step; count grids refuse to.
 *
 * @example
 * const out = new Float64Array(2);
 * writeDigits(2 ** 27 + 5, COUNT_GRID, out, 0, 'n[0]'); // out = [5, 1]
 */
export function writeDigits(
  value: number,
  grid: Readonly<Grid>,
  out: Float64Array,
  at: number,
  where: string,
) {
  if (!Number.isFinite(value)) throw new CkksError(`ckks: ${where} is not a finite number (${value})`);
  if (!(Math.abs(value) < maxAbs(grid)))
    throw new CkksError(
      `ckks: ${where} = ${value} is outside the ${grid.kind} grid's range ±2^${Math.log2(maxAbs(grid))}`,
    );
  if (grid.kind === 'count' && !Number.isInteger(value))
    throw new CkksError(`ckks: ${where} = ${value} is not an integer but the field is packed as counts`);
  let rest = value * 2 ** -grid.scaleExp;
  for (let j = grid.limbs - 1; j > 0; j--) {
    const weight = 2 ** (DIGIT_BITS * j);
    const digit = Math.round(rest / weight);
    rest -= digit * weight;
    out[at + j] = digit;
  }
  out[at] = Math.round(rest);
}

/**
 * Rounds decrypted digit sums to integers in place, refusing any slot that is not within
 * `ROUNDING_TOLERANCE` of an integer or exceeds what `addends` digits can sum to. Honest
 * ciphertexts never trip this (noise ≪ tolerance); corrupted ones or a wrong key almost surely
 * do, because their slots decrypt to values spread over the whole range modulo q.
 *
 * @example
 * roundDigitSums(Float64Array.from([2.0003, -7.9998]), 3); // [2, -8]
 */
export function roundDigitSums(slots: Float64Array, addends: number): Float64Array {
  const bound = addends * DIGIT_BOUND;
  for (let k = 0; k < slots.length; k++) {
    const v = slots[k]!;
    const r = Math.round(v);
    if (!(Math.abs(v - r) <= ROUNDING_TOLERANCE) || Math.abs(r) > bound) {
      throw new CkksError(
        `ckks: decrypted slot ${k} (${v}) is not a sum of ${addends} digits: the ciphertext was altered, ` +
          'decrypted with the wrong key, or not made by encryptUpdate',
      );
    }
    slots[k] = r;
  }
  return slots;
}

/**
 * Reads one value back from integer digit sums at `slots[at…]`. The digits are combined exactly
 * as a BigInt, so the result is the correctly rounded float64 of the exact fixed-point sum.
 *
 * @example
 * readDigits(Float64Array.from([5, 1]), 0, COUNT_GRID); // 134217733
 */
export function readDigits(slots: Float64Array, at: number, grid: Readonly<Grid>): number {
  let total = 0n;
  for (let j = grid.limbs - 1; j >= 0; j--) {
    total = (total << BigInt(DIGIT_BITS)) + BigInt(slots[at + j]!);
  }
  // Number(bigint) rounds to nearest; scaling by a power of two is then exact (no subnormals here).
  return Number(total) * 2 ** grid.scaleExp;
}

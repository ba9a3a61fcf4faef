// The fixed CKKS parameter set for add-only aggregation, its security level and its precision argument.

/**
 * Ring dimension N. The HomomorphicEncryption.org standard table (ternary secret, classical
 * attacks) allows log2(q) ≤ 109 bits at N = 4096 for 128-bit security, ≤ 75 for 192-bit and ≤ 58
 * for 256-bit. We only add ciphertexts, so no modulus chain is needed: one prime is enough.
 *
 * @example
 * POLY_MODULUS_DEGREE; // 4096 → 2048 real slots per ciphertext
 */
export const POLY_MODULUS_DEGREE = 4096;

/**
 * Real slots per ciphertext (N/2): CKKS slots are complex and we use only their real parts.
 *
 * @example
 * Math.ceil(1808 * 5 / SLOT_COUNT); // 5 ciphertexts for a 41-feature Newton update
 */
export const SLOT_COUNT = POLY_MODULUS_DEGREE / 2;

/**
 * Coefficient modulus bit sizes: a single 60-bit prime q (SEAL's largest prime size). With one
 * prime SEAL disables key switching, which an add-only aggregator never needs, and the ciphertext
 * carries the whole modulus. 60 bits ≤ 109 (the 128-bit limit at N = 4096) and ≤ 75 (the 192-bit
 * limit), so the set gives at least 192-bit classical security; SEAL also enforces tc128 on it.
 *
 * @example
 * COEFF_MODULUS_BITS.reduce((a, b) => a + b, 0); // 60 total bits
 */
export const COEFF_MODULUS_BITS: readonly number[] = [60];

/**
 * The standard's 128-bit limit on log2(q) at N = 4096 (kept here so the claim is checkable).
 *
 * @example
 * COEFF_MODULUS_BITS[0]! <= MAX_COEFF_BITS_128; // true
 */
export const MAX_COEFF_BITS_128 = 109;

/**
 * The security level the set meets per the standard table (192-bit: 60 ≤ 75 bits).
 *
 * @example
 * SECURITY_BITS; // 192
 */
export const SECURITY_BITS = 192;

/**
 * CKKS scale Δ = 2^25. Slots carry *integer* digit sums (see `DIGIT_BITS`), so Δ only has to keep
 * the encryption noise far below ½. Measured on this build: a sum of 128 fresh public-key
 * encryptions has slot noise rms ≈ 1.2e5/Δ ≈ 0.0036. Noise is not identically distributed over
 * slots: its dominant terms are slot(u)·slot(e_pk) and slot(e1)·slot(s), and slot(e_pk), slot(s)
 * are fixed by the key, so a key's worst slot has σ ≈ 2.3–3.1× the rms (measured, 3 keys) and
 * ≤ 4× for all but ~1e-9 of keys, i.e. σ ≤ 0.015. Rounding to the nearest integer then fails
 * with probability < 1e-60 per slot (½ is > 33σ away), and the 0.25 sanity tolerance is ≈ 17σ away.
 *
 * @example
 * 2 ** SCALE_BITS; // 33554432
 */
export const SCALE_BITS = 25;

/**
 * Each value is split into balanced base-2^27 digits, |digit| ≤ 2^26, one digit per slot.
 *
 * @example
 * 2 ** (DIGIT_BITS - 1); // the largest |digit|
 */
export const DIGIT_BITS = 27;

/**
 * The most fresh encryptions one aggregate may sum. A slot then holds |Σ digits| ≤ 128·2^26 =
 * 2^33, whose encoding 2^33·Δ = 2^58 (a coefficient bound too: for real slots the largest
 * coefficient never exceeds the largest slot) stays below q/2 ≈ 2^59 (q = 2^60 − 2^14·…), so
 * sums never wrap modulo q. `sumEncrypted` refuses to exceed it.
 *
 * @example
 * MAX_ADDENDS; // 128
 */
export const MAX_ADDENDS = 128;

/**
 * A decrypted slot must lie within this distance of an integer (≈ 17σ at 128 addends in a key's
 * worst slot), else the ciphertext was corrupted, decrypted under the wrong key or not made by
 * `encryptUpdate`.
 *
 * @example
 * Math.abs(slot - Math.round(slot)) <= ROUNDING_TOLERANCE;
 */
export const ROUNDING_TOLERANCE = 0.25;

/**
 * The two packings a field can use.
 *
 * @example
 * const kind: GridKind = 'count';
 */
export type GridKind = 'real' | 'count';

/**
 * A fixed-point grid: value ≈ Σ_j digit_j · 2^(scaleExp + DIGIT_BITS·j), j < limbs.
 *
 * @example
 * const g: Grid = { kind: 'real', scaleExp: -56, limbs: 5 };
 */
export interface Grid {
  /** `'real'` rounds values to the step; `'count'` accepts only values already on it (integers). */
  kind: GridKind;
  /** Exponent of the lowest digit's weight: the quantisation step is 2^scaleExp. */
  scaleExp: number;
  /** Digits (slots) per value. */
  limbs: number;
}

/**
 * The default grid for real values: step 2^-56 (≈1.4e-17), five digits, |value| < 2^78 (≈3e23).
 * The grid is the same for every field and every domain, so the layout reveals nothing about
 * magnitudes (a per-field exponent chosen from the data would), and sums need no alignment.
 *
 * Precision: encoding rounds each value to the step, |error| ≤ 2^-57 per addend; the digit sums
 * are then exact integers (noise ≪ 0.5), and the decrypted value is the correctly rounded float64
 * of Σ quantised addends. So |CKKS sum − exact sum| ≤ addends·2^-57 + ½ulp (≤ 8.9e-16 + ½ulp for
 * 128 addends), which meets relative error ≤ 1e-6 for every element with |sum| ≥ 1e-9 and is far
 * below the float64 rounding already present in any domain's gradient or Hessian entry.
 *
 * @example
 * maxAbs(REAL_GRID); // 2 ** 78
 */
export const REAL_GRID: Readonly<Grid> = { kind: 'real', scaleExp: -56, limbs: 5 };

/**
 * A grid for integer fields (histogram counts): step 1, two digits, |value| < 2^53. Integer
 * inputs sum exactly, at 2 slots per value instead of 5. Non-integers are refused.
 *
 * @example
 * encryptUpdate(ckks, pk, { pos: [3, 0, 7] }, { counts: ['pos'] });
 */
export const COUNT_GRID: Readonly<Grid> = { kind: 'count', scaleExp: 0, limbs: 2 };

/**
 * The grids by kind.
 *
 * @example
 * GRIDS['count'].limbs; // 2
 */
export const GRIDS: Readonly<Record<GridKind, Readonly<Grid>>> = { real: REAL_GRID, count: COUNT_GRID };

/**
 * Names this parameter set and packing format; envelopes from another version are refused.
 *
 * @example
 * enc.params === PARAMS_ID;
 */
export const PARAMS_ID = `ckks-add/v1/n${POLY_MODULUS_DEGREE}-q${COEFF_MODULUS_BITS.join('.')}-s${SCALE_BITS}-d${DIGIT_BITS}`;

/**
 * The largest magnitude a grid encodes (exclusive): the top digit must stay within ±2^26.
 *
 * @example
 * maxAbs(COUNT_GRID); // 2 ** 53
 */
export function maxAbs(grid: Readonly<Grid>): number {
  return 2 ** (grid.scaleExp + DIGIT_BITS * (grid.limbs - 1) + DIGIT_BITS - 1);
}

/**
 * The worst-case absolute error of an aggregate of `addends` updates on `grid`, before the final
 * float64 rounding (which adds at most half an ulp of the result). Counts are exact.
 *
 * @example
 * aggregateErrorBound(REAL_GRID, 64); // 64 · 2^-57 ≈ 4.4e-16
 */
export function aggregateErrorBound(grid: Readonly<Grid>, addends: number): number {
  return grid.kind === 'count' ? 0 : addends * 2 ** (grid.scaleExp - 1);
}

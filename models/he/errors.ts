// The one error type of the CKKS layer, so callers can tell HE failures from everything else.

/**
 * A CKKS-layer failure with a message naming what is wrong: an unpackable value, a malformed or
 * mismatched envelope, bytes that are not a ciphertext or key of this parameter set, or a
 * decryption that is not a valid digit sum (altered data or the wrong key).
 *
 * @example
 * try { decryptUpdate(ckks, sk, enc); } catch (e) { if (e instanceof CkksError) console.error(e.message); }
 */
export class CkksError extends Error {
  override name = 'CkksError';
}

// The encrypted-update envelope: its public metadata, source ids, and well-formedness checks.

import { createHash } from 'node:crypto';
import { CkksError } from './errors.ts';
import { ciphertextCount, type FieldLayout } from './layout.ts';
import { GRIDS, MAX_ADDENDS } from './params.ts';

/** A fresh encryption's id: the first 16 bytes of SHA-256 over its ciphertexts, hex. */
const SOURCE_ID = /^[0-9a-f]{32}$/;

/**
 * An encrypted update: public metadata plus SEAL ciphertexts. Holds no key material; anyone with
 * the parameters can add two of these, only the secret-key holder can read one.
 *
 * @example
 * const enc: EncryptedUpdate = encryptUpdate(ckks, keys.publicKey, { n: [10], grad: [0.5, -1] });
 */
export interface EncryptedUpdate {
  /** The parameter set and packing format (`PARAMS_ID`). */
  params: string;
  /** SHA-256 (first 16 bytes, hex) of the public key it was encrypted under. */
  keyId: string;
  /**
   * Ids of the fresh encryptions this sums (one when fresh, in no particular order). Their count
   * bounds digit growth (≤ `MAX_ADDENDS`), and sums refuse an id twice: double counting is a
   * wrong aggregate, and adding a ciphertext to itself doubles its noise instead of adding
   * independent noise, which the precision argument in `params.ts` assumes.
   */
  sources: string[];
  /** Fields in name order. */
  layout: FieldLayout[];
  /** SEAL ciphertexts, uncompressed serialisation (see `createCkks`). */
  ciphertexts: Uint8Array[];
}

/**
 * Checks an EncryptedUpdate from an untrusted source is well formed: a contiguous layout on known
 * grids, exactly as many ciphertexts as it needs, 1..MAX_ADDENDS distinct source ids.
 *
 * @example
 * assertWellFormed(decoded);
 */
export function assertWellFormed(enc: EncryptedUpdate): void {
  const bad = (why: string): never => {
    throw new CkksError(`ckks: malformed encrypted update: ${why}`);
  };
  if (typeof enc !== 'object' || enc === null) bad('not an object');
  if (typeof enc.params !== 'string' || typeof enc.keyId !== 'string')
    bad('params and keyId must be strings');
  if (!Array.isArray(enc.sources) || enc.sources.length < 1 || enc.sources.length > MAX_ADDENDS)
    bad(`sources must list 1..${MAX_ADDENDS} ids`);
  if (!enc.sources.every((id) => typeof id === 'string' && SOURCE_ID.test(id)))
    bad('sources must be 32-hex-digit ids');
  if (new Set(enc.sources).size !== enc.sources.length) bad('sources must be distinct');
  if (!Array.isArray(enc.layout) || !Array.isArray(enc.ciphertexts))
    bad('layout and ciphertexts must be arrays');
  if (!enc.ciphertexts.every((c) => c instanceof Uint8Array)) bad('ciphertexts must be byte arrays');
  let offset = 0;
  enc.layout.forEach((f, i) => {
    // hasOwn: a grid named '__proto__' must not find Object.prototype.
    const grid = f && Object.hasOwn(GRIDS, f.grid) ? GRIDS[f.grid] : undefined;
    if (!grid || f.scaleExp !== grid.scaleExp || f.limbs !== grid.limbs)
      bad(`field '${f?.field}' has an unknown grid`);
    if (typeof f.field !== 'string' || (i > 0 && f.field <= enc.layout[i - 1]!.field))
      bad('fields must be unique, in name order');
    if (!Number.isInteger(f.length) || f.length < 0 || f.offset !== offset)
      bad(`field '${f.field}' is misplaced`);
    offset += f.length * f.limbs;
  });
  if (enc.ciphertexts.length !== ciphertextCount(enc.layout))
    bad('ciphertext count does not match the layout');
}

/**
 * The id of a fresh encryption (see `EncryptedUpdate.sources`): SHA-256 over its ciphertexts.
 * Public-key encryption is randomised, so two encryptions never share an id.
 *
 * @example
 * sourceId(enc.ciphertexts); // '9b0e…' (32 hex digits)
 */
export function sourceId(ciphertexts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const c of ciphertexts) hash.update(c);
  return hash.digest('hex').slice(0, 32);
}

// The CKKS aggregation API: encrypt an update, add encrypted updates without any key, decrypt the sum.

import { createHash } from 'node:crypto';
import type { Update } from '../strategy.ts';
import type { Ckks } from './context.ts';
import { roundDigitSums } from './digits.ts';
import { assertWellFormed, type EncryptedUpdate, sourceId } from './envelope.ts';
import { CkksError } from './errors.ts';
import { assertSameLayout, packUpdate, planLayout, unpackUpdate } from './layout.ts';
import { MAX_ADDENDS } from './params.ts';

export { type Ckks, type CkksKeys, createCkks } from './context.ts';
export type { EncryptedUpdate } from './envelope.ts';
export { CkksError } from './errors.ts';
export type { FieldLayout } from './layout.ts';

/**
 * Options for `encryptUpdate`: `counts` names integer fields (histogram counts) to pack exactly on
 * the count grid, at 2 slots per value instead of 5. Every domain must pass the same list.
 *
 * @example
 * const options: EncryptOptions = { counts: ['pos', 'neg'] };
 */
export interface EncryptOptions {
  counts?: readonly string[];
}

/**
 * The key fingerprint recorded in envelopes: SHA-256 of the public key bytes, first 16 bytes, hex.
 * Sums across jobs (different keys) are refused by comparing it.
 *
 * @example
 * publicKeyId(keys.publicKey); // '3f1c…' (32 hex digits)
 */
export function publicKeyId(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 32);
}

/**
 * Encrypts a domain's update under the job's public key: every field's digits packed into as few
 * ciphertexts as the 2048 slots each allow (fields in name order, layout recorded in the clear).
 *
 * @example
 * const enc = encryptUpdate(ckks, keys.publicKey, { grad: [0.1, -2], n: [500] }, { counts: ['n'] });
 * enc.ciphertexts.length; // 1
 */
export function encryptUpdate(
  ckks: Ckks,
  publicKey: Uint8Array,
  update: Update,
  options: EncryptOptions = {},
): EncryptedUpdate {
  const layout = planLayout(update, options.counts ?? []);
  const slots = packUpdate(update, layout);
  const { seal, context, encoder, scale, slotCount } = ckks;
  const key = ckks.loadPublicKey(publicKey);
  const encryptor = seal.Encryptor(context, key);
  const plain = seal.PlainText();
  const cipher = seal.CipherText();
  try {
    const ciphertexts: Uint8Array[] = [];
    for (let at = 0; at < slots.length; at += slotCount) {
      encoder.encode(slots.subarray(at, at + slotCount), scale, plain);
      encryptor.encrypt(plain, cipher);
      ciphertexts.push(cipher.saveArray(seal.ComprModeType.none));
    }
    return {
      params: ckks.paramsId,
      keyId: publicKeyId(publicKey),
      sources: [sourceId(ciphertexts)],
      layout,
      ciphertexts,
    };
  } finally {
    // The plaintext holds this domain's digits; clear it before the wasm heap reuses the memory.
    plain.setZero();
    plain.delete();
    cipher.delete();
    encryptor.delete();
    key.delete();
    slots.fill(0);
  }
}

/** Structural and parameter checks shared by every operation on envelopes from elsewhere. */
function checkEnvelope(ckks: Ckks, enc: EncryptedUpdate, which: string): void {
  try {
    assertWellFormed(enc);
  } catch (error) {
    throw new CkksError(`${(error as Error).message} (${which})`);
  }
  if (enc.params !== ckks.paramsId) {
    throw new CkksError(
      `ckks: ${which} was made under parameters '${enc.params}', expected '${ckks.paramsId}'`,
    );
  }
}

/**
 * Sums encrypted updates ciphertext by ciphertext. Needs no key at all: this is what the lab runs.
 * Inputs are not modified. Throws `CkksError` for an empty list, other parameters, different keys
 * or layouts, an encryption counted twice, more than `MAX_ADDENDS` in total, or bytes that are
 * not valid ciphertexts.
 *
 * @example
 * const total = sumEncrypted(ckks, [encA, encB, encC]); // total.sources.length === 3
 */
export function sumEncrypted(ckks: Ckks, list: readonly EncryptedUpdate[]): EncryptedUpdate {
  const first = list[0];
  if (!first) throw new CkksError('ckks: nothing to sum');
  for (const [k, enc] of list.entries()) checkEnvelope(ckks, enc, `update ${k}`);
  const sources = new Set<string>();
  list.forEach((enc, k) => {
    if (enc.keyId !== first.keyId)
      throw new CkksError(`ckks: update ${k} is under key ${enc.keyId}, update 0 under ${first.keyId}`);
    assertSameLayout(first.layout, enc.layout);
    for (const id of enc.sources) {
      if (sources.has(id)) throw new CkksError(`ckks: encryption ${id} would be counted twice (update ${k})`);
      sources.add(id);
    }
  });
  if (sources.size > MAX_ADDENDS)
    throw new CkksError(`ckks: ${sources.size} addends exceed the limit of ${MAX_ADDENDS}`);
  const ciphertexts = first.ciphertexts.map((bytes, c) => {
    const total = ckks.loadCiphertext(bytes, `ciphertext ${c} of update 0`);
    try {
      for (let k = 1; k < list.length; k++) {
        const term = ckks.loadCiphertext(list[k]!.ciphertexts[c]!, `ciphertext ${c} of update ${k}`);
        try {
          ckks.evaluator.add(total, term, total);
        } finally {
          term.delete();
        }
      }
      return total.saveArray(ckks.seal.ComprModeType.none);
    } finally {
      total.delete();
    }
  });
  return {
    params: first.params,
    keyId: first.keyId,
    sources: [...sources],
    layout: first.layout.map((f) => ({ ...f })),
    ciphertexts,
  };
}

/**
 * Adds two encrypted updates (public parameters only, no key). Layouts must match exactly.
 *
 * @example
 * const ab = addEncrypted(ckks, encA, encB);
 */
export function addEncrypted(ckks: Ckks, a: EncryptedUpdate, b: EncryptedUpdate): EncryptedUpdate {
  return sumEncrypted(ckks, [a, b]);
}

/**
 * Decrypts an (aggregated) update. Every slot must decrypt to a whole digit sum within range and
 * padding to zero; otherwise the bytes were altered, the key is wrong, or the envelope was not made
 * by `encryptUpdate`, and a `CkksError` says so. CKKS itself has no integrity: a party holding the
 * public key can always add a valid encryption of anything, so authenticity belongs to the blob
 * layer (SHA-256 references, sealed provenance), not here.
 *
 * @example
 * const aggregate = decryptUpdate(ckks, keys.secretKey, sumEncrypted(ckks, encrypted));
 */
export function decryptUpdate(ckks: Ckks, secretKey: Uint8Array, enc: EncryptedUpdate): Update {
  checkEnvelope(ckks, enc, 'update');
  const { seal, context, encoder, slotCount } = ckks;
  const key = ckks.loadSecretKey(secretKey);
  const decryptor = seal.Decryptor(context, key);
  const plain = seal.PlainText();
  const slots = new Float64Array(enc.ciphertexts.length * slotCount);
  try {
    enc.ciphertexts.forEach((bytes, c) => {
      const cipher = ckks.loadCiphertext(bytes, `ciphertext ${c}`);
      try {
        decryptor.decrypt(cipher, plain);
        slots.set(encoder.decode(plain), c * slotCount);
      } finally {
        cipher.delete();
      }
    });
  } finally {
    plain.setZero();
    plain.delete();
    decryptor.delete();
    key.delete();
  }
  return unpackUpdate(roundDigitSums(slots, enc.sources.length), enc.layout);
}

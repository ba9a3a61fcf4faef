// Encryption at rest for what the lab keeps on behalf of banks (label sets): AES-256-GCM under a master key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Parses `LAB_MASTER_KEY` (32 bytes, base64). The lab refuses to start without one.
 *
 * @example
 * const key = masterKeyFrom(process.env.LAB_MASTER_KEY);
 */
export function masterKeyFrom(value: string | undefined): Buffer {
  if (!value)
    throw new Error(
      'LAB_MASTER_KEY is not set (32 random bytes, base64); the lab keeps label sets encrypted with it',
    );
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('LAB_MASTER_KEY must decode to exactly 32 bytes');
  return key;
}

/**
 * AES-256-GCM with a random IV; `aad` binds the ciphertext to its record id.
 *
 * @example
 * const box = encryptAtRest(key, Buffer.from('rows'), 'ls_1'); decryptAtRest(key, box, 'ls_1');
 */
export function encryptAtRest(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Inverse of `encryptAtRest`; throws when the bytes or the record id do not match. */
export function decryptAtRest(key: Buffer, box: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(box.subarray(12, 28));
  return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]);
}

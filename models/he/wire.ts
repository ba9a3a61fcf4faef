// Byte form of an EncryptedUpdate for blobs: a JSON header (metadata, lengths) then the ciphertexts.

import { assertWellFormed, type EncryptedUpdate } from './envelope.ts';
import { CkksError } from './errors.ts';

/** "JMLHE" + format version 1. */
const MAGIC = Uint8Array.from([0x4a, 0x4d, 0x4c, 0x48, 0x45, 0x01]);
/** Magic, then the header's length as a big-endian u32. */
const PREAMBLE = MAGIC.length + 4;
/** A header is a few hundred bytes per field; refuse absurd lengths before decoding them. */
const MAX_HEADER = 1 << 24;

interface Header {
  params: string;
  keyId: string;
  sources: string[];
  layout: EncryptedUpdate['layout'];
  sizes: number[];
}

/**
 * Serialises an envelope: magic | header length (u32 BE) | JSON header | ciphertext bytes.
 * Integrity is the blob store's job (SHA-256 references); this format only has to parse safely.
 *
 * @example
 * const bytes = encodeEncryptedUpdate(enc); await blobs.put(Buffer.from(bytes));
 */
export function encodeEncryptedUpdate(enc: EncryptedUpdate): Uint8Array {
  const header: Header = {
    params: enc.params,
    keyId: enc.keyId,
    sources: enc.sources,
    layout: enc.layout,
    sizes: enc.ciphertexts.map((c) => c.length),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = PREAMBLE + json.length + header.sizes.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length);
  out.set(json, PREAMBLE);
  let at = PREAMBLE + json.length;
  for (const c of enc.ciphertexts) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Parses bytes made by `encodeEncryptedUpdate`, throwing `CkksError` on anything malformed
 * (wrong magic, lengths that do not add up, a header that is not a well-formed envelope).
 * The ciphertexts are copies, so the input may be reused.
 *
 * @example
 * const enc = decodeEncryptedUpdate(await blobs.get(ref));
 */
export function decodeEncryptedUpdate(bytes: Uint8Array): EncryptedUpdate {
  const bad = (why: string): never => {
    throw new CkksError(`ckks: malformed encrypted update bytes: ${why}`);
  };
  if (!(bytes instanceof Uint8Array) || bytes.length < PREAMBLE) bad('too short');
  if (MAGIC.some((b, i) => bytes[i] !== b)) bad('wrong magic or version');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length);
  if (headerLength > MAX_HEADER || PREAMBLE + headerLength > bytes.length) bad('header length out of range');
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)),
    );
  } catch {
    return bad('header is not JSON');
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.sizes))
    bad('header has no sizes');
  if (!header.sizes.every((s) => Number.isInteger(s) && s >= 0)) bad('sizes must be non-negative integers');
  let at = PREAMBLE + headerLength;
  if (at + header.sizes.reduce((a, b) => a + b, 0) !== bytes.length)
    bad('ciphertext sizes do not match the length');
  const ciphertexts = header.sizes.map((size) => {
    const c = bytes.slice(at, at + size);
    at += size;
    return c;
  });
  const enc: EncryptedUpdate = {
    params: header.params,
    keyId: header.keyId,
    sources: header.sources,
    layout: header.layout,
    ciphertexts,
  };
  assertWellFormed(enc);
  // Keep only the known layout properties, so nothing unvetted rides along.
  enc.layout = enc.layout.map(({ field, length, offset, grid, scaleExp, limbs }) => ({
    field,
    length,
    offset,
    grid,
    scaleExp,
    limbs,
  }));
  return enc;
}

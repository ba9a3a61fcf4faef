// Content-addressed blobs in Redis (SHA-256, with TTL): large payloads travel as references.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LabKeys } from './redis.ts';

/** A blob reference: `sha256:<64 hex>`. */
export const BLOB_REF = /^sha256:[0-9a-f]{64}$/;

/**
 * Stores bytes under their SHA-256; reading verifies the hash, so altered bytes are refused.
 *
 * @example
 * const ref = await blobs.put(Buffer.from('x')); const bytes = await blobs.get(ref);
 */
export class BlobStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async put(bytes: Buffer): Promise<string> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    await this.redis.set(this.keys.blob(hash), bytes, 'EX', this.ttlSeconds);
    return `sha256:${hash}`;
  }

  async get(ref: string): Promise<Buffer> {
    if (!BLOB_REF.test(ref)) throw new BlobIntegrityError(`malformed blob reference`);
    const hash = ref.slice(7);
    const bytes = await this.redis.getBuffer(this.keys.blob(hash));
    if (!bytes) throw new BlobIntegrityError(`blob ${ref} not found (expired or never stored)`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== hash) throw new BlobIntegrityError(`blob ${ref} does not match its hash`);
    return bytes;
  }
}

/** A blob is missing or its bytes do not match its reference: never retried into success. */
export class BlobIntegrityError extends Error {
  override name = 'BlobIntegrityError';
}

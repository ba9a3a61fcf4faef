// Seeded, reproducible Gaussian noise for the privacy mechanisms: HMAC-SHA256 uniforms, Box–Muller normals.

import { createHmac } from 'node:crypto';

/** At least 128 bits of secret, as whole bytes of hex. */
const SEED_PATTERN = /^(?:[0-9a-f]{2}){16,}$/i;

/** A 53-bit integer read as a fraction: the full precision of a double in [0, 1). */
const TWO_POW_53 = 2 ** 53;
const TWO_POW_32 = 2 ** 32;

/**
 * Checks that a noise seed is a secret of at least 32 hex characters (an even number of them). The
 * host draws it with crypto randomness and keeps it from everyone who sees a release: whoever
 * knows the seed can subtract the noise.
 *
 * @example
 * checkSeed('00112233445566778899aabbccddeeff'); // ok; checkSeed('abc') throws
 */
export function checkSeed(seed: string): void {
  if (typeof seed !== 'string' || !SEED_PATTERN.test(seed)) {
    throw new Error('dp: seed must be a secret of at least 32 hex characters (whole bytes)');
  }
}

/**
 * Uniforms in (0, 1) from HMAC-SHA256(seed, label ‖ 0x00 ‖ counter), four 53-bit values per block.
 * The counter has a fixed width at the end of the message, so no two (label, counter) pairs share
 * a message. A value of exactly 0 is skipped, so logarithms of the output are finite.
 */
function uniformSource(seed: string, label: string): () => number {
  const key = Buffer.from(seed, 'hex');
  const head = Buffer.from(`${label}\u0000`, 'utf8');
  const message = Buffer.alloc(head.length + 8);
  head.copy(message);
  let counter = 0n;
  let block = Buffer.alloc(0);
  let offset = 0;
  return () => {
    for (;;) {
      if (offset >= block.length) {
        message.writeBigUInt64BE(counter++, head.length);
        block = createHmac('sha256', key).update(message).digest();
        offset = 0;
      }
      // Top 21 bits of one word and all 32 of the next make 53.
      const k = (block.readUInt32BE(offset) >>> 11) * TWO_POW_32 + block.readUInt32BE(offset + 4);
      offset += 8;
      if (k !== 0) return k / TWO_POW_53;
    }
  };
}

/**
 * `count` independent N(0, σ²) draws, a pure function of (seed, label): the same inputs give the
 * same output bit for bit, and a shorter draw is a prefix of a longer one. Every release must use
 * its own label: two releases sharing (seed, label) share their noise, which then cancels in
 * their difference.
 *
 * Not addressed: floating-point attacks on textbook samplers (Mironov, "On Significance of the
 * Least Significant Bits for Differential Privacy", CCS 2012), where the set of doubles a sampler
 * can output reveals the noiseless value; defending against them needs a discrete or snapped
 * mechanism.
 *
 * @example
 * const noise = gaussianNoise(seed, 'weights', 7, 0.3); // Float64Array(7), same every run
 */
export function gaussianNoise(seed: string, label: string, count: number, sigma: number): Float64Array {
  checkSeed(seed);
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`dp: noise count must be a non-negative integer, got ${count}`);
  }
  if (!(sigma >= 0 && Number.isFinite(sigma))) {
    throw new Error(`dp: noise sigma must be a finite number ≥ 0, got ${sigma}`);
  }
  const next = uniformSource(seed, label);
  const out = new Float64Array(count);
  // Box–Muller turns two uniforms into two independent standard normals.
  for (let i = 0; i < count; i += 2) {
    const r = sigma * Math.sqrt(-2 * Math.log(next()));
    const theta = 2 * Math.PI * next();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

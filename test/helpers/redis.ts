// Test helpers: a Redis URL for tests and a fresh key prefix per test file, dropped afterwards.
import { randomBytes } from 'node:crypto';

/** The Redis tests run against (CI makes sure one answers here). */
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A prefix no other run uses: `test-<name>-<random>`. */
export const testPrefix = (name: string) => `test-${name}-${randomBytes(4).toString('hex')}`;

/** A random 32-byte master key, base64. */
export const testMasterKey = () => randomBytes(32).toString('base64');

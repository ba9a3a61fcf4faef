// Lua scripts on an auto-pipelined connection: a script first run while other commands of the same
// event-loop turn are being pipelined still runs (a regression: it crashed the API under load).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, runScript } from '../lab/infra/redis.ts';
import { dropPrefix } from '../scripts/lib/redis.ts';
import { TEST_REDIS_URL, testPrefix } from './helpers/redis.ts';

describe('runScript', () => {
  const prefix = testPrefix('scripts');
  const redis = connectRedis(TEST_REDIS_URL, { autoPipelining: true });
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  it('runs a script Redis has never seen amid a turn of pipelined commands, and again by its SHA', async () => {
    // A script text no one ran before: its first call must load it (NOSCRIPT, then EVAL).
    const lua = `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
    const key = `${prefix}:n`;
    const gets = Array.from({ length: 50 }, (_, i) => redis.get(`${prefix}:absent:${i}`));
    const first = runScript(redis, 'testIncr', lua, [key, 5], 1);
    const more = Array.from({ length: 50 }, (_, i) => redis.get(`${prefix}:absent:${i}`));
    expect(await first).toBe(5);
    expect(await Promise.all([...gets, ...more])).toEqual(Array(100).fill(null));
    // Ten at once, now cached: all run, by SHA.
    const again = await Promise.all(
      Array.from({ length: 10 }, () => runScript(redis, 'testIncr', lua, [key, 1], 1)),
    );
    expect(again.sort((a, b) => Number(a) - Number(b))).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('names the script in a Lua error', async () => {
    const lua = `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('NOSUCHCOMMAND')`;
    await expect(runScript(redis, 'testBroken', lua, [`${prefix}:x`], 1)).rejects.toThrow(/testBroken/);
  });
});

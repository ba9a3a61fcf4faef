// The scoring channel on real Redis with stand-in scorers (serveScores with a scoring function):
// micro-batching per lane, fail-fast without a live scorer, timeouts, and replies split per request.
import { afterEach, describe, expect, it } from 'vitest';
import { type ScoreServer, serveScores } from '../enclave-worker/score-server.ts';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { ScoreChannel } from '../lab/scoring/channel.ts';
import { dropPrefix } from '../scripts/lib/redis.ts';
import { TEST_REDIS_URL, testPrefix } from './helpers/redis.ts';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function setup(opts: { timeoutMs?: number } = {}) {
  const prefix = testPrefix('score-channel');
  const redis = connectRedis(TEST_REDIS_URL, { autoPipelining: true });
  const keys = labKeys(prefix);
  const channel = new ScoreChannel(redis, keys, { timeoutMs: opts.timeoutMs ?? 2000 });
  opened.push({
    async close() {
      await channel.close();
      redis.disconnect();
      await dropPrefix(TEST_REDIS_URL, prefix);
    },
  });
  /** A stand-in scorer: P(bad) is the entity's number / 100, and it records each batch it scores. */
  const scorer = (domain: string, delayMs = 0) => {
    const batches: string[][] = [];
    let ready = true;
    const server: ScoreServer = serveScores({
      redis,
      keys,
      domain,
      brokerId: `${domain}:test`,
      sandboxed: true,
      ready: () => ready,
      score: async ({ entities }) => {
        batches.push(entities);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        return { probability: entities.map((e) => Number(e) / 100), reasons: entities.map(() => [0]) };
      },
    });
    opened.push(server);
    return {
      batches,
      setReady(v: boolean) {
        ready = v;
        server.readinessChanged();
      },
    };
  };
  const live = async (domain: string) => {
    for (let i = 0; i < 100 && (await redis.zcount(keys.scorerUp(domain), Date.now(), '+inf')) === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
  };
  return { redis, keys, channel, scorer, live };
}

const model = { modelId: 'mdl_t', tenant: 'bank-a' };

describe('scoring channel', () => {
  it('merges concurrent requests of one lane into few calls and gives each request its own slice', async () => {
    const { channel, scorer, live } = await setup();
    const s = scorer('d-1', 20);
    await live('d-1');
    const requests = Array.from({ length: 60 }, (_, i) => [String(i), String(i + 1)]);
    const outcomes = await Promise.all(requests.map((ids) => channel.score('d-1', model, ids)));
    for (const [i, o] of outcomes.entries()) {
      expect(o).toMatchObject({ ok: true, sandboxed: true });
      if (o.ok) expect(o.scores.probability).toEqual([i / 100, (i + 1) / 100]);
    }
    // 60 requests, at most two calls out at a time, each taking 20 ms: far fewer calls than requests.
    expect(s.batches.flat()).toHaveLength(120);
    expect(s.batches.length).toBeLessThanOrEqual(10);
  });

  it('answers unavailable at once when the domain has no live scorer, and recovers when one is up', async () => {
    const { channel, scorer, live } = await setup();
    const started = performance.now();
    const none = await channel.score('d-2', model, ['5']);
    expect(none).toMatchObject({ ok: false, code: 'unavailable' });
    expect(performance.now() - started).toBeLessThan(500);
    const s = scorer('d-2');
    await live('d-2');
    await new Promise((r) => setTimeout(r, 300)); // the lab trusts a liveness read for 250 ms
    expect(await channel.score('d-2', model, ['5'])).toMatchObject({
      ok: true,
      scores: { probability: [0.05] },
    });
    s.setReady(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(await channel.score('d-2', model, ['5'])).toMatchObject({ ok: false, code: 'unavailable' });
  });

  it('a scorer slower than the timeout gives unavailable at the timeout; its late answer is dropped', async () => {
    const { channel, scorer, live } = await setup({ timeoutMs: 300 });
    const s = scorer('d-3', 800);
    await live('d-3');
    const started = performance.now();
    expect(await channel.score('d-3', model, ['7'])).toMatchObject({ ok: false, code: 'unavailable' });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(700);
    // The late reply arrives meanwhile and changes nothing; the lane serves the next request.
    await new Promise((r) => setTimeout(r, 700));
    expect(s.batches).toEqual([['7']]);
  });

  it('closing answers the calls out and the requests still waiting unavailable, at once', async () => {
    const { channel, scorer, live } = await setup();
    scorer('d-5', 1000);
    await live('d-5');
    const a = channel.score('d-5', model, ['1']);
    await new Promise((r) => setTimeout(r, 20));
    const b = channel.score('d-5', model, ['2']);
    await new Promise((r) => setTimeout(r, 20));
    const c = channel.score('d-5', model, ['3']); // two calls are out: this one waits in its lane
    const started = performance.now();
    await channel.close();
    const outcomes = await Promise.all([a, b, c]);
    expect(performance.now() - started).toBeLessThan(200);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'unavailable',
      'unavailable',
      'unavailable',
    ]);
  });

  it('drops calls whose deadline passed while no broker was there (nobody waits for them)', async () => {
    const { redis, keys, channel, scorer, live } = await setup({ timeoutMs: 200 });
    // A live entry without a broker: the call is queued, then times out.
    await redis.zadd(keys.scorerUp('d-4'), Date.now() + 3000, 'gone');
    expect(await channel.score('d-4', model, ['1'])).toMatchObject({ ok: false, code: 'unavailable' });
    expect(await redis.llen(keys.scoreCalls('d-4'))).toBe(1);
    await new Promise((r) => setTimeout(r, 50)); // well past the call's deadline
    const s = scorer('d-4');
    await live('d-4');
    for (let i = 0; i < 50 && (await redis.llen(keys.scoreCalls('d-4'))) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await redis.llen(keys.scoreCalls('d-4'))).toBe(0);
    expect(s.batches).toEqual([]);
  });
});

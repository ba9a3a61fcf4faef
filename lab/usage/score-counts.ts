// Counters of scores served per (domain, UTC day, bank, model): written by scoring, read by usage reports.
import type { Redis } from 'ioredis';
import type { UsageScoreLine } from '../../client-sdk/contract/usage.ts';
import type { LabKeys } from '../infra/redis.ts';
import { utcDay } from './period.ts';

/** Hash field of one (bank, model): JSON, so no id character can make two pairs collide. */
const field = (bank: string, modelId: string) => JSON.stringify([bank, modelId]);

/**
 * Adds one request's served scores, one HINCRBY per domain in a single pipeline. Counters are kept
 * for good: reports may cover any past period, and a day's hash holds one field per model used.
 *
 * @example
 * await addScoresServed(redis, keys, { bank: 'bank-a', modelId: 'mdl_…', at: new Date(), byDomain: new Map([['d-bj', 3]]) });
 */
export async function addScoresServed(
  redis: Redis,
  keys: LabKeys,
  served: { bank: string; modelId: string; at: Date; byDomain: ReadonlyMap<string, number> },
): Promise<void> {
  const day = utcDay(served.at);
  const pipeline = redis.pipeline();
  for (const [domain, count] of served.byDomain)
    if (count > 0) pipeline.hincrby(keys.usageScores(domain, day), field(served.bank, served.modelId), count);
  if (pipeline.length === 0) return;
  for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
}

/**
 * A domain's score lines over the given days (one HGETALL per day, pipelined), sorted by day, bank
 * and model; days without scores have no line.
 *
 * @example
 * const lines = await scoresServed(redis, keys, 'd-bj', ['2026-03-01', '2026-03-02']);
 */
export async function scoresServed(
  redis: Redis,
  keys: LabKeys,
  domain: string,
  days: readonly string[],
): Promise<UsageScoreLine[]> {
  const pipeline = redis.pipeline();
  for (const day of days) pipeline.hgetall(keys.usageScores(domain, day));
  const replies = (await pipeline.exec()) ?? [];
  const lines: UsageScoreLine[] = [];
  replies.forEach(([err, hash], i) => {
    if (err) throw err;
    const day = days[i]!;
    for (const [f, count] of Object.entries(hash as Record<string, string>)) {
      const [bank, modelId] = JSON.parse(f) as [string, string];
      lines.push({ day, bank, modelId, count: Number(count) });
    }
  });
  const key = (l: UsageScoreLine) => [l.day, l.bank, l.modelId].join('\n');
  return lines.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

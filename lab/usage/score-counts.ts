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

/** Where counts are written: a lab context's connection and key layout. */
export interface CountTarget {
  redis: Redis;
  keys: LabKeys;
}

/**
 * Counts the scores each domain served for a model (its usage report reads them). Never rejects: a
 * failed count must not fail or hold up scoring, so it is logged with everything needed to restore
 * it (the `model.scored` and `model.score_unavailable` audit entries hold the same outcomes).
 *
 * @example
 * await countScoresServed(ctx, model, new Map([['d-bj', 3]]), new Date());
 */
export async function countScoresServed(
  target: CountTarget,
  model: { id: string; tenant: string },
  byDomain: ReadonlyMap<string, number>,
  at: Date,
): Promise<void> {
  try {
    await addScoresServed(target.redis, target.keys, { bank: model.tenant, modelId: model.id, at, byDomain });
  } catch (err) {
    const counts = [...byDomain].map(([d, n]) => `${d}=${n}`).join(' ');
    console.error(
      `usage: scores served not counted (model ${model.id}, bank ${model.tenant}, ${at.toISOString()}, ${counts}): ${(err as Error).message}`,
    );
  }
}

/**
 * Sums the counts of many score requests and writes them every `flushMs` (one pipeline per model
 * and day, not one per request); `close` writes what is left.
 *
 * @example
 * const counts = new ScoreCountBuffer(ctx); counts.add(model, new Map([['d-bj', 1]]), new Date()); await counts.close();
 */
export class ScoreCountBuffer {
  private pending = new Map<
    string,
    { model: { id: string; tenant: string }; at: Date; byDomain: Map<string, number> }
  >();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: CountTarget,
    private readonly flushMs = 50,
  ) {}

  add(model: { id: string; tenant: string }, byDomain: ReadonlyMap<string, number>, at: Date): void {
    const key = JSON.stringify([model.id, model.tenant, utcDay(at)]);
    const entry = this.pending.get(key) ?? {
      model: { id: model.id, tenant: model.tenant },
      at,
      byDomain: new Map(),
    };
    for (const [d, n] of byDomain) entry.byDomain.set(d, (entry.byDomain.get(d) ?? 0) + n);
    this.pending.set(key, entry);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  async close(): Promise<void> {
    this.flush();
    await this.writing;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return;
    const done = Promise.all(batch.map((e) => countScoresServed(this.target, e.model, e.byDomain, e.at)));
    this.writing = Promise.all([this.writing, done]);
  }
}

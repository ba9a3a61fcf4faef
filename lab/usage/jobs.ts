// Jobs by submission time, read from a job index in chunks so a long period never means one huge reply.
import type { Job } from '../../client-sdk/contract/resources.ts';
import type { LabContext } from '../context.ts';

const CHUNK = 200;

/**
 * The jobs of an index (`keys.jobsAll` or `keys.jobsByTenant(bank)`) submitted in `[startMs, endMs)`
 * (or ever), oldest first, each passed through `keep` as it is read, so only what the caller wants
 * stays in memory.
 *
 * @example
 * const mine = await jobsSubmitted(ctx, ctx.keys.jobsAll, 'ever', (j) => (j.tenant === 'bank-a' ? j : null));
 */
export async function jobsSubmitted<T>(
  ctx: LabContext,
  index: string,
  range: { startMs: number; endMs: number } | 'ever',
  keep: (job: Job) => T | null,
): Promise<T[]> {
  const ids =
    range === 'ever'
      ? await ctx.redis.zrange(index, 0, -1)
      : await ctx.redis.zrangebyscore(index, range.startMs, `(${range.endMs}`);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const job of await ctx.jobs.records.getMany(ids.slice(i, i + CHUNK))) {
      const kept = keep(job);
      if (kept !== null) out.push(kept);
    }
  }
  return out;
}

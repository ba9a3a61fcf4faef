// Routes score requests to the domain holding each enterprise and collects the enclaves' answers.
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { LabContext } from '../context.ts';
import { domainForEntity } from '../infra/domain-directory.ts';
import { ScoreTaskResult } from '../infra/task-protocol.ts';
import type { StoredModel } from '../store/models.ts';
import { addScoresServed } from '../usage/score-counts.ts';

/** How long a score waits for a domain before its entities come back `unavailable`. */
export const SCORE_TIMEOUT_MS = 10_000;

/**
 * The job's result, from its completion event or — should the event slip past a listener that was
 * still subscribing — from its state in Redis, looked at every 100 ms.
 */
async function finished(job: Job, queue: Queue, events: QueueEvents): Promise<unknown> {
  const deadline = Date.now() + SCORE_TIMEOUT_MS;
  // An event error (e.g. the job's key already gone) is not the answer: the poll decides then.
  const byEvent = job
    .waitUntilFinished(events, SCORE_TIMEOUT_MS)
    .catch(() => new Promise<never>(() => undefined));
  let polling = true;
  const byPoll = (async () => {
    while (polling && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const state = await job.getState();
      if (state === 'completed') return (await queue.getJob(job.id!))?.returnvalue;
      if (state === 'failed') throw new Error('score task failed');
    }
    throw new Error(`no answer within ${SCORE_TIMEOUT_MS} ms`);
  })();
  byPoll.catch(() => undefined); // once the event has answered, a late poll failure is moot
  try {
    return await Promise.race([byEvent, byPoll]);
  } finally {
    polling = false;
  }
}

export interface EntityScore {
  probability: number;
  reasons: string[];
}

/**
 * Counts the scores each domain served for a model (its usage report reads them). Never rejects: a
 * failed count must not fail or hold up scoring, so it is logged with everything needed to restore
 * it (the `model.scored` audit entries hold the same outcomes).
 *
 * @example
 * await countScoresServed(ctx, model, new Map([['d-bj', 3]]), new Date());
 */
export async function countScoresServed(
  ctx: LabContext,
  model: Pick<StoredModel, 'id' | 'tenant'>,
  byDomain: ReadonlyMap<string, number>,
  at: Date,
): Promise<void> {
  try {
    await addScoresServed(ctx.redis, ctx.keys, { bank: model.tenant, modelId: model.id, at, byDomain });
  } catch (err) {
    const counts = [...byDomain].map(([d, n]) => `${d}=${n}`).join(' ');
    console.error(
      `usage: scores served not counted (model ${model.id}, bank ${model.tenant}, ${at.toISOString()}, ${counts}): ${(err as Error).message}`,
    );
  }
}

/**
 * Scores entities on their domains; an entity missing from the result map is unavailable (no
 * domain holds it, the domain timed out, or its broker failed). USCC entities go to the domain
 * covering their division code; opaque ids go to every domain of the model, and only the one
 * holding the entity answers for it.
 *
 * @example
 * const scores = await scoreOnDomains(ctx, model, ['9111…'], new Map()); scores.get('9111…')?.probability;
 */
export async function scoreOnDomains(
  ctx: LabContext,
  model: StoredModel,
  entities: readonly string[],
  bankInputs: ReadonlyMap<string, number[]>,
): Promise<Map<string, EntityScore>> {
  const out = new Map<string, EntityScore>();
  if (entities.length === 0) return out;
  const served = new Map<string, number>();
  const domains = (await ctx.domains.list()).filter((d) => model.domains.includes(d.id));
  // Each entity once per domain (a batch may repeat one; its domain answers it once).
  const byDomain = new Map<string, Set<string>>();
  for (const e of entities) {
    const targets = model.entityKey === 'uscc' ? [domainForEntity(domains, e)] : domains.map((d) => d.id);
    for (const d of targets) {
      if (!d) continue;
      const ids = byDomain.get(d) ?? new Set<string>();
      ids.add(e);
      byDomain.set(d, ids);
    }
  }
  await Promise.all(
    [...byDomain].map(async ([domain, idSet]) => {
      const ids = [...idSet];
      const { queue, events } = ctx.domainQueue(domain);
      const task = {
        kind: 'score' as const,
        domain,
        tenant: model.tenant,
        model: {
          id: model.id,
          kind: model.kind,
          encoding: model.encoding,
          bankFeatures: model.bankFeatures,
          parameters: model.parameters,
        },
        entities: ids,
        ...(model.bankFeatures.length > 0 ? { bankInputs: ids.map((e) => bankInputs.get(e)!) } : {}),
      };
      try {
        await events.waitUntilReady();
        // Kept a minute after completion, so the result can still be read if the event is missed.
        const job = await queue.add('score', task, {
          removeOnComplete: { age: 60 },
          removeOnFail: 100,
          attempts: 1,
        });
        const result = ScoreTaskResult.parse(await finished(job, queue, events));
        for (const s of result.scores) {
          if (idSet.has(s.entity) && !out.has(s.entity)) {
            out.set(s.entity, { probability: s.probability, reasons: s.reasons });
            served.set(domain, (served.get(domain) ?? 0) + 1);
          }
        }
      } catch (err) {
        // The domain is down or slow: its entities stay unavailable; the request does not hang or fail.
        console.error(`scoring on domain ${domain} failed: ${(err as Error).message}`);
      }
    }),
  );
  // Not awaited: the answer goes out whatever happens to the count.
  void countScoresServed(ctx, model, served, new Date());
  return out;
}

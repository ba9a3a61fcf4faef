// Routes score requests to the domain holding each enterprise and collects the enclaves' answers.
import type { LabContext } from '../context.ts';
import { ScoreTaskResult } from '../infra/task-protocol.ts';
import { domainForEntity } from '../store/domains.ts';
import type { StoredModel } from '../store/models.ts';

/** How long a score waits for a domain before its entities come back `unavailable`. */
export const SCORE_TIMEOUT_MS = 10_000;

export interface EntityScore {
  probability: number;
  reasons: string[];
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
  const domains = (await ctx.domains.list()).filter((d) => model.domains.includes(d.id));
  const byDomain = new Map<string, string[]>();
  for (const e of entities) {
    const targets = model.entityKey === 'uscc' ? [domainForEntity(domains, e)] : domains.map((d) => d.id);
    for (const d of targets) if (d) byDomain.set(d, [...(byDomain.get(d) ?? []), e]);
  }
  await Promise.all(
    [...byDomain].map(async ([domain, ids]) => {
      const { queue, events } = ctx.domainQueue(domain);
      const task = {
        kind: 'score' as const,
        domain,
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
        const job = await queue.add('score', task, {
          removeOnComplete: true,
          removeOnFail: 100,
          attempts: 1,
        });
        const result = ScoreTaskResult.parse(await job.waitUntilFinished(events, SCORE_TIMEOUT_MS));
        const wanted = new Set(ids);
        for (const s of result.scores) {
          if (wanted.has(s.entity) && !out.has(s.entity))
            out.set(s.entity, { probability: s.probability, reasons: s.reasons });
        }
      } catch {
        // The domain is down or slow: its entities stay unavailable; the request does not hang or fail.
      }
    }),
  );
  return out;
}

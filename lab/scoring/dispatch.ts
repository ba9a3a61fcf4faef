// Routes score requests to the domain holding each enterprise and collects the scorers' answers.
import type { LabContext } from '../context.ts';
import { domainForEntity } from '../infra/domain-directory.ts';
import { scoreSources } from '../infra/score-wire.ts';
import type { StoredModel } from '../store/models.ts';

export interface EntityScore {
  probability: number;
  /** A scorecard's points from its own table; other kinds have none. */
  points?: number;
  reasons: string[];
}

/** Scores by entity; `retryAfterMs` is set when a domain that should have answered could not. */
export interface DomainScores {
  scores: Map<string, EntityScore>;
  retryAfterMs: number | null;
}

/**
 * Scores entities on their domains through the scoring channel; an entity missing from the result
 * is unavailable (no domain holds it, or its domain's scorer is down, slow or refused). USCC
 * entities go to the domain covering their division code; opaque ids go to every domain of the
 * model, and only the one holding the entity answers for it.
 *
 * @example
 * const { scores } = await scoreOnDomains(ctx, model, ['9111…'], new Map()); scores.get('9111…')?.probability;
 */
export async function scoreOnDomains(
  ctx: LabContext,
  model: StoredModel,
  entities: readonly string[],
  bankInputs: ReadonlyMap<string, number[]>,
): Promise<DomainScores> {
  const out = new Map<string, EntityScore>();
  let retryAfterMs: number | null = null;
  if (entities.length === 0) return { scores: out, retryAfterMs };
  const served = new Map<string, number>();
  const domains = (await ctx.domains.listCached()).filter((d) => model.domains.includes(d.id));
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
  const withInputs = model.bankFeatures.length > 0;
  const sources = scoreSources(model.encoding);
  await Promise.all(
    [...byDomain].map(async ([domain, idSet]) => {
      const ids = [...idSet];
      const outcome = await ctx.scoring.score(
        domain,
        { modelId: model.id, tenant: model.tenant },
        ids,
        withInputs ? ids.map((e) => bankInputs.get(e)!) : undefined,
      );
      if (!outcome.ok) {
        // The domain is down, slow or refused: its entities stay unavailable; the request goes on.
        if (outcome.code === 'unavailable') retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
        return;
      }
      let n = 0;
      const { probability, points, reasons } = outcome.scores;
      ids.forEach((entity, i) => {
        const p = probability[i];
        if (p === null || p === undefined || out.has(entity)) return;
        const pts = points?.[i];
        out.set(entity, {
          probability: p,
          ...(pts === null || pts === undefined ? {} : { points: pts }),
          reasons: reasons[i]!.map((k) => sources[k]!),
        });
        n++;
      });
      served.set(domain, n);
    }),
  );
  // Buffered: the answer goes out whatever happens to the count.
  ctx.scoreCounts.add(model, served, new Date());
  return { scores: out, retryAfterMs };
}

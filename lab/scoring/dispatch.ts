// Routes score requests to the domain holding each enterprise and collects the scorers' answers.
import type { LabContext } from '../context.ts';
import { domainForEntity } from '../infra/domain-directory.ts';
import { scoreSources } from '../infra/score-wire.ts';
import type { StoredModel } from '../store/models.ts';

export interface EntityScore {
  probability: number;
  /** A scorecard's points from its own table; other kinds have none. */
  points?: number | undefined;
  /** Shared between entities with the same reasons: read them, do not change them. */
  reasons: string[];
}

/**
 * The scores of the entities asked for, in their order (`undefined`: unavailable); `retryAfterMs`
 * is set when a domain that should have answered could not.
 */
export interface DomainScores {
  scores: (EntityScore | undefined)[];
  retryAfterMs: number | null;
}

/**
 * One domain's part of a request: each entity once, and where its answer goes — the first position
 * asking for it, and (rare: a batch naming an entity twice) the further ones.
 */
interface DomainPart {
  ids: string[];
  first: number[];
  more: Map<number, number[]> | null;
  index: Map<string, number>;
}

/**
 * The reason names of one reply, each distinct list built once and shared by every entity that
 * has it (answers are only serialised): a batch has few distinct top-3 lists.
 */
function reasonNames(sources: readonly string[]): (indices: readonly number[]) => string[] {
  const built = new Map<number | string, string[]>();
  return (indices) => {
    const n = indices.length;
    let key: number | string;
    if (n <= 3 && indices.every((r) => r < 1024)) {
      key = n;
      for (let j = 0; j < n; j++) key = key * 1024 + indices[j]!;
    } else key = indices.join(',');
    let names = built.get(key);
    if (names === undefined) {
      names = indices.map((r) => sources[r]!);
      built.set(key, names);
    }
    return names;
  };
}

/**
 * Scores entities on their domains through the scoring channel; an entity with no score is
 * unavailable (no domain holds it, or its domain's scorer is down, slow or refused). USCC
 * entities go to the domain covering their division code; opaque ids go to every domain of the
 * model, and only the one holding the entity answers for it. A batch may repeat an entity: its
 * domain scores it once.
 *
 * @example
 * const { scores } = await scoreOnDomains(ctx, model, ['9111…'], new Map()); scores[0]?.probability;
 */
export async function scoreOnDomains(
  ctx: LabContext,
  model: StoredModel,
  entities: readonly string[],
  bankInputs: ReadonlyMap<string, number[]>,
): Promise<DomainScores> {
  const out = new Array<EntityScore | undefined>(entities.length);
  let retryAfterMs: number | null = null;
  if (entities.length === 0) return { scores: out, retryAfterMs };
  const domains = (await ctx.domains.listCached()).filter((d) => model.domains.includes(d.id));
  const parts = new Map<string, DomainPart>();
  const add = (domain: string, entity: string, at: number) => {
    let part = parts.get(domain);
    if (!part) {
      part = { ids: [], first: [], more: null, index: new Map() };
      parts.set(domain, part);
    }
    const k = part.index.get(entity);
    if (k === undefined) {
      part.index.set(entity, part.ids.length);
      part.ids.push(entity);
      part.first.push(at);
    } else {
      part.more ??= new Map();
      const list = part.more.get(k);
      if (list) list.push(at);
      else part.more.set(k, [at]);
    }
  };
  // Enterprises of one division code share a domain: routed once per code per request.
  const byDivision = new Map<string, string | null>();
  entities.forEach((e, at) => {
    if (model.entityKey !== 'uscc') {
      for (const d of domains) add(d.id, e, at);
      return;
    }
    const division = e.slice(2, 8);
    let domain = byDivision.get(division);
    if (domain === undefined) {
      domain = domainForEntity(domains, e);
      byDivision.set(division, domain);
    }
    if (domain) add(domain, e, at);
  });
  const withInputs = model.bankFeatures.length > 0;
  const sources = scoreSources(model.encoding);
  const served = new Map<string, number>();
  await Promise.all(
    [...parts].map(async ([domain, { ids, first, more }]) => {
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
      const names = reasonNames(sources);
      for (let k = 0; k < ids.length; k++) {
        const p = probability[k];
        const at = first[k]!;
        // An opaque id sent to every domain: only the one holding it answers with a probability.
        if (p === null || p === undefined || out[at] !== undefined) continue;
        const pts = points?.[k];
        const score: EntityScore = {
          probability: p,
          points: pts === null ? undefined : pts,
          reasons: names(reasons[k]!),
        };
        out[at] = score;
        const again = more?.get(k);
        if (again) for (const a of again) out[a] = score;
        n++;
      }
      served.set(domain, n);
    }),
  );
  // Buffered: the answer goes out whatever happens to the count.
  ctx.scoreCounts.add(model, served, new Date());
  return { scores: out, retryAfterMs };
}

// The scoring route: risk systems score enterprises the bank is authorised for. It authenticates
// itself (registered before the API's authentication middleware) so that the key lookup, the
// rate count and the authorisation reads are one Redis round trip on the hot path.
import { Hono } from 'hono';
import { isValidEntity, ScoreRequest, type ScoreResult } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { type EntityScore, scoreOnDomains } from '../../scoring/dispatch.ts';
import { type AuthEnv, actorOf, authenticateRequest, checkRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import type { ScoreStageObserver } from '../metrics.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { parseValue, readJson } from '../validate.ts';
import { pointsFromProbability } from './models.ts';

/** Why an entity is not scored before any domain is asked. */
type RefusalCode = 'invalid_entity' | 'missing_inputs' | 'not_authorized';

/** The most entities one request may ask for (the contract's limit). */
const MAX_ENTITIES = 10_000;

/** Entities a request asks for, if its body looks like a score request (checked properly later). */
function requestedEntities(body: unknown): string[] | null {
  const entities = (body as { entities?: unknown } | null)?.entities;
  if (!Array.isArray(entities) || entities.length === 0 || entities.length > MAX_ENTITIES) return null;
  return entities.every((e) => typeof e === 'string') ? (entities as string[]) : null;
}

/**
 * What the audit keeps of a score request: every entity asked for, in order, and the ones refused
 * before scoring with their error code — compact for batches of thousands, and listing plain ids,
 * so `GET /v1/audit?entity=` finds them. Written while the domains score; entities their domain
 * then did not answer follow in a `model.score_unavailable` entry.
 */
function scoreAuditDetails(
  entities: readonly string[],
  refusal: readonly (RefusalCode | null)[],
): { entities: readonly string[]; refused: Record<string, string> } {
  const refused: Record<string, string> = {};
  for (let i = 0; i < entities.length; i++) {
    const code = refusal[i];
    if (code) refused[entities[i]!] = code;
  }
  return { entities, refused };
}

/**
 * `POST /v1/models/:id/score`: per entity a probability, points, reason codes and the model
 * version, or an error code (`invalid_entity`, `missing_inputs`, `not_authorized`, `unavailable`).
 *
 * @example
 * app.route('/', scoreRoute(ctx, metrics.scoreStage)); // before app.use('/v1/*', authenticate(ctx))
 */
export function scoreRoute(ctx: LabContext, timeStage: ScoreStageObserver) {
  return new Hono<AuthEnv>().post('/v1/models/:id/score', async (c) => {
    // The body is read first (its errors wait until the caller is known), so the key lookup can
    // also read the caller's authorisations of the entities asked for, in the same round trip.
    const body = await readJson(c).then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: undefined, error }),
    );
    const asked = requestedEntities(body.value);
    const now = new Date();
    const lookupFrom = performance.now();
    const { principal: p, verdicts } = await authenticateRequest(
      ctx,
      c,
      asked ? { key: ctx.keys.scoringWindows, fields: asked, windowAt: now.getTime() } : undefined,
    );
    timeStage('lookup', performance.now() - lookupFrom);
    enforceRateLimit(c, p, c.get('rateWindow'));
    checkRole(p, 'risk-system');
    const model = await ctx.models.getRecent(c.req.param('id'));
    if (!model || model.tenant !== p.tenant) throw notFound('model');
    // A retired model makes no decisions: the whole request is refused, not entity by entity.
    if (model.status === 'retired')
      throw new HttpError(409, 'model_retired', `model ${model.id} is retired; activate it to score`);
    if (body.error) throw body.error;
    const { entities, inputs = {} } = parseValue(ScoreRequest, body.value);
    for (const [entity, values] of Object.entries(inputs)) {
      for (const name of Object.keys(values)) {
        if (!model.bankFeatures.includes(name)) {
          throw new HttpError(
            400,
            'invalid_request',
            `the model declares no input '${name}'`,
            `inputs.${entity}.${name}`,
          );
        }
      }
    }
    // Per entity, why it is not scored (null: sent to its domain); results are built once, at the end.
    const refusal = new Array<RefusalCode | null>(entities.length);
    const bankInputs = new Map<string, number[]>();
    const validIds: string[] = [];
    const validAt: number[] = [];
    for (let i = 0; i < entities.length; i++) {
      const e = entities[i]!;
      if (!isValidEntity(e, model.entityKey)) {
        refusal[i] = 'invalid_entity';
        continue;
      }
      if (model.bankFeatures.length > 0) {
        const row = model.bankFeatures.map((f) => inputs[e]?.[f]);
        if (row.some((v) => v === undefined)) {
          refusal[i] = 'missing_inputs';
          continue;
        }
        bankInputs.set(e, row as number[]);
      }
      validIds.push(e);
      validAt.push(i);
    }
    // `entities` is `asked` as validated (same ids, same order): the verdicts read with the key are
    // indexed like the request.
    let verdictsOfValid = '';
    if (verdicts !== null) for (const i of validAt) verdictsOfValid += verdicts[i] ?? '?';
    const allowed =
      verdicts !== null
        ? await ctx.authorizations.allowedFromVerdicts(p.tenant, validIds, verdictsOfValid, now)
        : await ctx.authorizations.allowed(p.tenant, validIds, 'scoring', now);
    const toScore: string[] = [];
    const toScoreAt: number[] = [];
    for (let k = 0; k < validIds.length; k++) {
      const i = validAt[k]!;
      if (!allowed[k]) refusal[i] = 'not_authorized';
      else {
        refusal[i] = null;
        toScore.push(validIds[k]!);
        toScoreAt.push(i);
      }
    }
    // The request is audited while its domains score (the answer waits for both): the entry names
    // every entity and those refused so far.
    const audit = { actor: actorOf(p), tenant: p.tenant, subject: model.id };
    // Both stages are timed, to show which one a slow answer waited for.
    const sent = performance.now();
    const [{ scores, retryAfterMs }] = await Promise.all([
      scoreOnDomains(ctx, model, toScore, bankInputs).then((r) => {
        timeStage('domains', performance.now() - sent);
        return r;
      }),
      ctx.audit
        .append({ kind: 'model.scored', ...audit, details: scoreAuditDetails(entities, refusal) })
        .then((id) => {
          timeStage('audit', performance.now() - sent);
          return id;
        }),
    ]);
    const unanswered: string[] = [];
    const answers = new Array<EntityScore | undefined>(entities.length);
    for (let k = 0; k < toScore.length; k++) {
      const s = scores[k];
      if (s) answers[toScoreAt[k]!] = s;
      else unanswered.push(toScore[k]!);
    }
    const results = new Array<ScoreResult>(entities.length);
    for (let i = 0; i < entities.length; i++) {
      const entity = entities[i]!;
      const s = answers[i];
      results[i] = s
        ? {
            entity,
            ok: true,
            probability: s.probability,
            score: s.points ?? pointsFromProbability(s.probability),
            reasons: s.reasons,
            modelVersion: model.version,
          }
        : { entity, ok: false, error: refusal[i] ?? 'unavailable' };
    }
    // Entities whose domain did not answer were not scored: the audit says so before the answer leaves.
    if (unanswered.length > 0)
      await ctx.audit.append({
        kind: 'model.score_unavailable',
        ...audit,
        details: { entities: unanswered },
      });
    // Nothing could be scored because a scorer is (re)starting or slow: say when to come back.
    if (retryAfterMs !== null && toScore.length > 0 && scores.every((x) => x === undefined)) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      throw new HttpError(503, 'unavailable', 'the domain scorer is not available; retry shortly');
    }
    return c.json({ modelId: model.id, modelVersion: model.version, results });
  });
}

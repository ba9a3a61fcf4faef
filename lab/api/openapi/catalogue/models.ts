// Catalogue of the model routes: released models, scorecard points tables, and scoring.
import { z } from 'zod';
import { Model, ScoreRequest, ScoreResponse } from '../../../../client-sdk/contract/resources.ts';
import type { PointsTable as PointsTableShape } from '../../../../models/scorecard-table.ts';
import { type DocGroup, json } from '../route-doc.ts';
import { modelRegistryDocs, modelRegistrySchemas } from './model-registry.ts';

/** `pointsTableJson`'s answer (models/scorecard-table.ts) as a schema; the type check below keeps the two equal. */
const PointsTable = z.object({
  pdo: z.number(),
  baseScore: z.number(),
  baseOdds: z.number(),
  factor: z.number(),
  offset: z.number(),
  intercept: z.number(),
  features: z.array(
    z.object({
      name: z.string(),
      iv: z.number(),
      coefficient: z.number(),
      bins: z.array(
        z.object({
          feature: z.string(),
          bin: z.string().describe('`< u`, `[l, u)`, `>= l`, `any` or `missing`, plus ` or missing`'),
          lower: z.number().nullable(),
          upper: z.number().nullable(),
          missing: z.boolean(),
          good: z.number(),
          bad: z.number(),
          woe: z.number(),
          points: z.number(),
        }),
      ),
    }),
  ),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when the schema and models/scorecard-table.ts drift apart. */
const _pointsTableMatches: Same<z.infer<typeof PointsTable>, PointsTableShape> = true;

/**
 * @example
 * openApiDocument([modelDocs, ...]);
 */
export const modelDocs: DocGroup = {
  tag: 'models',
  description: 'Released models (weights, metrics, lineage) and scoring of authorised enterprises',
  schemas: { Model, PointsTable, ScoreRequest, ScoreResponse, ...modelRegistrySchemas },
  routes: [
    ...modelRegistryDocs,
    {
      method: 'get',
      path: '/v1/models/{id}',
      summary: 'A released model: parameters, metrics, privacy',
      roles: ['bank-scientist', 'risk-system', 'operator', 'auditor'],
      responses: { 200: { description: 'The model', content: json(Model) } },
      errors: [404],
    },
    {
      method: 'get',
      path: '/v1/models/{id}/points-table',
      summary: "A scorecard's points table, one row per bin",
      roles: ['bank-scientist', 'operator', 'auditor'],
      query: z.object({ format: z.enum(['json', 'csv']).optional().describe('`csv` answers text/csv') }),
      responses: {
        200: {
          description: 'The points table',
          content: { 'application/json': PointsTable, 'text/csv': z.string() },
        },
      },
      errors: [404, 409],
    },
    {
      method: 'post',
      path: '/v1/models/{id}/score',
      summary: 'Score enterprises that authorised this bank (score, probability, reason codes)',
      description:
        "Up to 10,000 entities. Per entity: the score (a scorecard's own points; other kinds on the 600 / 50:1 / 20-point scale), P(bad), reason codes (feature names) — or an error code: `invalid_entity`, `missing_inputs`, `not_authorized` (the same whether or not the platform holds the enterprise), `unavailable` (its domain did not answer within the scoring timeout). A retired model refuses the whole request (409 `model_retired`); when nothing could be scored because a domain scorer is restarting or slow, 503 `unavailable` with `Retry-After`.",
      roles: ['risk-system'],
      body: json(ScoreRequest),
      responses: {
        200: { description: 'One result per entity, in request order', content: json(ScoreResponse) },
      },
      errors: [400, 404, 409, 413, 503],
    },
  ],
};

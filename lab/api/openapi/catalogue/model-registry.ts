// Catalogue of the model registry's routes: listing, retire/activate, model cards, weight downloads.
import { z } from 'zod';
import {
  ModelCard,
  ModelList,
  ModelListQuery,
  ModelStatusBody,
  ModelWeights,
  TfjsModelJson,
} from '../../../../client-sdk/contract/model-registry.ts';
import { Model } from '../../../../client-sdk/contract/resources.ts';
import { json, type RouteDoc } from '../route-doc.ts';

const READERS = ['bank-scientist', 'operator', 'auditor'] as const;

const statusChange = (verb: 'retire' | 'activate'): RouteDoc => ({
  method: 'post',
  path: `/v1/models/{id}/${verb}`,
  summary: verb === 'retire' ? 'Retire a model: it stops scoring' : 'Activate a retired model again',
  roles: ['bank-scientist', 'operator'],
  body: json(ModelStatusBody),
  responses: { 200: { description: 'The model after the change', content: json(Model) } },
  errors: [400, 404, 409, 413],
});

/**
 * Schemas the registry's routes name; they join the models group.
 *
 * @example
 * const schemas = { Model, ...modelRegistrySchemas };
 */
export const modelRegistrySchemas = { ModelList, ModelStatusBody, ModelCard, ModelWeights, TfjsModelJson };

/**
 * @example
 * const modelDocs: DocGroup = { ..., routes: [...modelRegistryDocs, ...] };
 */
export const modelRegistryDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/models',
    summary: "Models, newest first (a bank's own; any tenant's for operators and auditors)",
    roles: ['bank-scientist', 'risk-system', 'operator', 'auditor'],
    query: ModelListQuery,
    responses: { 200: { description: 'A page of models', content: json(ModelList) } },
    errors: [400],
  },
  statusChange('retire'),
  statusChange('activate'),
  {
    method: 'get',
    path: '/v1/models/{id}/card',
    summary: "A model card: purpose, data, metrics, privacy, lineage and the model's versions",
    roles: READERS,
    query: z.object({ format: z.enum(['json', 'md']).optional().describe('`md` answers Markdown') }),
    responses: {
      200: {
        description: 'The card',
        content: { 'application/json': ModelCard, 'text/markdown': z.string() },
      },
    },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/models/{id}/weights',
    summary: 'The parameters in float64, with the inputs they act on',
    roles: READERS,
    responses: { 200: { description: 'The weights', content: json(ModelWeights) } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/models/{id}/tfjs/{file}',
    summary: 'The model in TensorFlow.js layers format: `model.json` or `weights.bin`',
    description:
      'Scorecards and gbdt models have none (409): their forms are the points table and the JSON trees of `/weights`.',
    roles: READERS,
    responses: {
      200: {
        description: '`model.json` (JSON) or `weights.bin` (bytes)',
        content: { 'application/json': TfjsModelJson, 'application/octet-stream': z.string() },
      },
    },
    errors: [404, 409],
  },
];

// Catalogue of the operational routes: probes, metrics, and this API's own description.
import { z } from 'zod';
import { Health, Readiness } from '../../../../client-sdk/contract/health.ts';
import { type DocGroup, json } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([systemDocs, ...]);
 */
export const systemDocs: DocGroup = {
  tag: 'system',
  description: 'Probes, metrics and the API description; no API key except for metrics',
  schemas: { Health, Readiness },
  routes: [
    {
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process answers',
      roles: [],
      responses: { 200: { description: 'Alive', content: json(Health) } },
      errors: [],
    },
    {
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: Redis and the coordinator queue answer within 1 s',
      roles: [],
      responses: {
        200: { description: 'Ready', content: json(Readiness) },
        503: {
          description: 'Not ready; `checks` says which dependency failed',
          content: json(Readiness),
          headers: {
            'Retry-After': { description: 'Seconds to wait before probing again', schema: z.int() },
          },
        },
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics of this API process',
      description:
        'Text exposition format: `http_requests_total{method,route,status}`, `http_request_duration_seconds{method,route}` (route is the pattern, e.g. `/v1/jobs/:id`), `lab_coordinator_queue_jobs{state}`.',
      roles: ['operator', 'auditor'],
      responses: {
        200: { description: 'Metrics', content: { 'text/plain; version=0.0.4; charset=utf-8': z.string() } },
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      roles: [],
      responses: {
        200: { description: 'The document', content: json(z.record(z.string(), z.unknown())) },
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/docs',
      summary: 'This API as a readable page (rendered from the OpenAPI document)',
      roles: [],
      responses: { 200: { description: 'An HTML page', content: { 'text/html': z.string() } } },
      errors: [],
    },
  ],
};

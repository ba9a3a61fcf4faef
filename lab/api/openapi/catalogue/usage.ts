// Catalogue of the usage route: how a domain's data was used (jobs, scores) and what it achieved.
import { z } from 'zod';
import { UsageQuery, UsageReport } from '../../../../client-sdk/contract/usage.ts';
import type { DocGroup } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([usageDocs, ...]);
 */
export const usageDocs: DocGroup = {
  tag: 'usage',
  description: "A data provider's view of its domain: which jobs used its data, and the scores it served",
  schemas: { UsageReport },
  routes: [
    {
      method: 'get',
      path: '/v1/usage/{domain}',
      summary: "A domain's usage report for a period (JSON, or CSV of jobs or scores)",
      description: 'A data provider reads its own domain only.',
      roles: ['data-provider', 'operator', 'auditor'],
      query: UsageQuery,
      responses: {
        200: {
          description: 'The report',
          content: { 'application/json': UsageReport, 'text/csv': z.string() },
        },
      },
      errors: [400, 404],
    },
  ],
};

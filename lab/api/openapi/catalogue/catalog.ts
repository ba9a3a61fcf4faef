// Catalogue of the catalog and domain routes: what the domains offer, and each domain's data quality.
import { QualityReport } from '../../../../client-sdk/contract/quality.ts';
import { Catalog } from '../../../../client-sdk/contract/resources.ts';
import { type DocGroup, json } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([catalogDocs, ...]);
 */
export const catalogDocs: DocGroup = {
  tag: 'catalog',
  description: "The domains' published features (schema and aggregate statistics, never values)",
  schemas: { Catalog, QualityReport },
  routes: [
    {
      method: 'get',
      path: '/v1/catalog',
      summary: 'Every domain with its features',
      roles: ['bank-scientist', 'operator', 'auditor', 'data-provider'],
      responses: { 200: { description: 'The catalog', content: json(Catalog) } },
      errors: [],
    },
    {
      method: 'get',
      path: '/v1/domains/{id}/quality',
      summary: "A domain's data-quality report (counts of defects, never values)",
      description: 'A data provider reads its own domain only.',
      roles: ['operator', 'auditor', 'data-provider'],
      responses: { 200: { description: 'The report', content: json(QualityReport) } },
      errors: [404],
    },
  ],
};

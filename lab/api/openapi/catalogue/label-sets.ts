// Catalogue of the label-set routes: a bank uploads its loan-book labels (JSON or CSV) and reads them back.
import { z } from 'zod';
import { EntityKey, LabelSet, LabelSetUpload } from '../../../../client-sdk/contract/resources.ts';
import { type DocGroup, json } from '../route-doc.ts';
import { IDEMPOTENCY_KEY } from './headers.ts';

/** The CSV form names the set in the query string; the JSON form carries both in its body. */
const CsvUploadQuery = z.object({
  name: z.string().optional().describe('CSV only: the label set name (default upload.csv)'),
  entityKey: EntityKey.optional().describe('CSV only: the entity id type (default uscc)'),
});

/**
 * @example
 * openApiDocument([labelSetDocs, ...]);
 */
export const labelSetDocs: DocGroup = {
  tag: 'label-sets',
  description: "A bank's labels from its own loan book, stored encrypted; only metadata is ever read back",
  schemas: { LabelSetUpload, LabelSet },
  routes: [
    {
      method: 'post',
      path: '/v1/label-sets',
      summary: 'Upload a label set',
      description:
        'JSON (`LabelSetUpload`) or `text/csv` with an `entity,label[,feature…]` header; extra columns are bank-side features (an empty cell is missing).',
      roles: ['bank-scientist'],
      query: CsvUploadQuery,
      headers: [IDEMPOTENCY_KEY],
      body: { 'application/json': LabelSetUpload, 'text/csv': z.string() },
      responses: { 201: { description: "The label set's metadata", content: json(LabelSet) } },
      errors: [400, 413],
    },
    {
      method: 'get',
      path: '/v1/label-sets/{id}',
      summary: "A label set's metadata (rows, positives, bank-side columns)",
      roles: ['bank-scientist', 'operator', 'auditor'],
      responses: { 200: { description: 'The metadata', content: json(LabelSet) } },
      errors: [404],
    },
  ],
};

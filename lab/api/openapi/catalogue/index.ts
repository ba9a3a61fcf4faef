// The route catalogue: every HTTP route of the lab, by area. A new route needs its entry here (test/openapi.test.ts checks).
import type { DocGroup } from '../route-doc.ts';
import { auditDocs } from './audit.ts';
import { authorizationDocs } from './authorizations.ts';
import { catalogDocs } from './catalog.ts';
import { jobDocs } from './jobs.ts';
import { keyDocs } from './keys.ts';
import { labelSetDocs } from './label-sets.ts';
import { modelDocs } from './models.ts';
import { privacyDocs } from './privacy.ts';
import { systemDocs } from './system.ts';
import { usageDocs } from './usage.ts';

/**
 * In the order the docs page shows them.
 *
 * @example
 * const doc = openApiDocument(catalogue);
 */
export const catalogue: readonly DocGroup[] = [
  jobDocs,
  labelSetDocs,
  modelDocs,
  catalogDocs,
  authorizationDocs,
  privacyDocs,
  usageDocs,
  auditDocs,
  keyDocs,
  systemDocs,
];

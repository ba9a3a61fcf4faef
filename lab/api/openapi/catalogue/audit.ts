// Catalogue of the audit routes: the hash-chained log, filtered and paged, and its chain check.
import {
  AuditEntry,
  AuditPage,
  AuditQuery,
  AuditVerify,
  AuditVerifyQuery,
} from '../../../../client-sdk/contract/audit.ts';
import { type DocGroup, json } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([auditDocs, ...]);
 */
export const auditDocs: DocGroup = {
  tag: 'audit',
  description: 'The tamper-evident audit log: every access, who and why',
  schemas: { AuditEntry, AuditPage, AuditVerify },
  routes: [
    {
      method: 'get',
      path: '/v1/audit',
      summary: 'Audit entries, oldest first, filtered and paged',
      description:
        "Operators and auditors read every tenant's entries (with their chain links); other keys their own tenant's, without links.",
      roles: ['operator', 'auditor', 'bank-scientist', 'risk-system', 'data-provider'],
      query: AuditQuery,
      responses: { 200: { description: 'A page of entries', content: json(AuditPage) } },
      errors: [400],
    },
    {
      method: 'get',
      path: '/v1/audit/verify',
      summary: 'Check the hash chain, optionally against an anchor kept elsewhere',
      roles: ['operator', 'auditor'],
      query: AuditVerifyQuery,
      responses: { 200: { description: 'The result of the check', content: json(AuditVerify) } },
      errors: [400],
    },
  ],
};

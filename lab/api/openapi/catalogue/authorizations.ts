// Catalogue of the authorisation routes: enterprises' consent to banks, imported and revoked by operators.
import {
  AuthorizationImport,
  AuthorizationImportResult,
  AuthorizationRevoke,
  AuthorizationRevokeResult,
} from '../../../../client-sdk/contract/resources.ts';
import { type DocGroup, json } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([authorizationDocs, ...]);
 */
export const authorizationDocs: DocGroup = {
  tag: 'authorizations',
  description: "Enterprises' authorisations of banks, per purpose (modelling, scoring)",
  schemas: { AuthorizationImport, AuthorizationImportResult, AuthorizationRevoke, AuthorizationRevokeResult },
  routes: [
    {
      method: 'post',
      path: '/v1/authorizations',
      summary: 'Import authorisations in bulk',
      roles: ['operator'],
      body: json(AuthorizationImport),
      responses: { 201: { description: 'How many were imported', content: json(AuthorizationImportResult) } },
      errors: [400, 413],
    },
    {
      method: 'post',
      path: '/v1/authorizations/revoke',
      summary: "Revoke enterprises' authorisations of one bank (every purpose, from now on)",
      roles: ['operator'],
      body: json(AuthorizationRevoke),
      responses: { 200: { description: 'How many were revoked', content: json(AuthorizationRevokeResult) } },
      errors: [400, 413],
    },
  ],
};

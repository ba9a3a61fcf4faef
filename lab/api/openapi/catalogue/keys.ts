// Catalogue of the API-key routes: operators create, list and revoke keys; a holder may rotate its own.
import {
  ApiKeyRecord,
  CreatedKey,
  CreateKeyRequest,
  KeyList,
  KeyListQuery,
  RotatedKey,
  RotateKeyRequest,
} from '../../../../client-sdk/contract/keys.ts';
import { Role } from '../../../../client-sdk/contract/resources.ts';
import { type DocGroup, json } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([keyDocs, ...]);
 */
export const keyDocs: DocGroup = {
  tag: 'keys',
  description: 'API keys: each bound to one role and one tenant, stored only as a hash',
  schemas: { ApiKeyRecord, CreateKeyRequest, CreatedKey, KeyList, RotateKeyRequest, RotatedKey },
  routes: [
    {
      method: 'post',
      path: '/v1/keys',
      summary: 'Create a key (shown in clear this once)',
      roles: ['operator'],
      body: json(CreateKeyRequest),
      responses: { 201: { description: 'The key and its record', content: json(CreatedKey) } },
      errors: [400, 413],
    },
    {
      method: 'get',
      path: '/v1/keys',
      summary: "Keys' records (never the keys), oldest first",
      roles: ['operator', 'auditor'],
      query: KeyListQuery,
      responses: { 200: { description: 'The records', content: json(KeyList) } },
      errors: [400],
    },
    {
      method: 'post',
      path: '/v1/keys/{id}/rotate',
      summary: 'Replace a key; the old one may keep working for a grace period',
      description: 'Operators rotate any key; any other key rotates only itself (403 otherwise).',
      roles: Role.options,
      body: json(RotateKeyRequest),
      optionalBody: true,
      responses: { 200: { description: 'The new key and both records', content: json(RotatedKey) } },
      errors: [400, 404, 409, 413],
    },
    {
      method: 'delete',
      path: '/v1/keys/{id}',
      summary: 'Revoke a key at once',
      roles: ['operator'],
      responses: { 200: { description: 'The revoked record', content: json(ApiKeyRecord) } },
      errors: [404, 409],
    },
  ],
};

// The document's fixed components: the error responses, the request-id header, the bearer scheme.
import type { JsonSchema, OpenApiDocument, ResponseObject } from './document.ts';
import type { ErrorStatus } from './route-doc.ts';

/**
 * The name of the bearer scheme in `components.securitySchemes`.
 *
 * @example
 * operation.security = [{ [SECURITY]: [] }];
 */
export const SECURITY = 'apiKey';

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request; `error.field` names the offending input',
  401: 'No valid API key',
  403: "The key's role (or tenant) may not do this",
  404: 'Not found, or not visible to this tenant',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  429: "Over the key's rate limit (requests per minute); see `Retry-After`",
  503: 'A dependency is unavailable',
};

/**
 * Everything in `components` but the schemas. `errorBody` is the ErrorBody schema (or its `$ref`).
 *
 * @example
 * const components = { schemas, ...sharedComponents({ $ref: '#/components/schemas/ErrorBody' }) };
 */
export function sharedComponents(errorBody: JsonSchema): Omit<OpenApiDocument['components'], 'schemas'> {
  const requestId = { $ref: '#/components/headers/RequestId' };
  const errorResponse = (status: string, description: string): ResponseObject => ({
    description,
    headers: {
      'X-Request-Id': requestId,
      ...(status === '429' ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}),
    },
    content: { 'application/json': { schema: errorBody } },
  });
  return {
    responses: Object.fromEntries(
      Object.entries(ERROR_DESCRIPTIONS).map(([s, d]) => [`Error${s}`, errorResponse(s, d)]),
    ),
    parameters: {
      RequestId: {
        name: 'X-Request-Id',
        in: 'header',
        required: false,
        description: 'Your id for this request (1–128 of A–Z a–z 0–9 . _ -); echoed back, or one is made up',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
      },
    },
    headers: {
      RequestId: {
        description: "The request's id (yours if well formed); quote it when reporting a problem",
        schema: { type: 'string' },
      },
      RetryAfter: {
        description: 'Seconds to wait before trying again',
        schema: { type: 'integer', minimum: 0 },
      },
    },
    securitySchemes: {
      [SECURITY]: {
        type: 'http',
        scheme: 'bearer',
        description: 'A lab API key (`jml_…`), bound to one role and one tenant',
      },
    },
  };
}

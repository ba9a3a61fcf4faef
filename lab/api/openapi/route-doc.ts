// The shape of the route catalogue: one entry per HTTP route, with the zod schemas it reads and answers.
import type { z } from 'zod';
import type { Role } from '../../../client-sdk/contract/resources.ts';

/**
 * @example
 * const method: HttpMethod = 'get';
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Media type → the schema of that body (`text/csv` and event streams use `z.string()`).
 *
 * @example
 * const body: Content = { 'application/json': LabelSetUpload, 'text/csv': z.string() };
 */
export type Content = Readonly<Record<string, z.ZodType>>;

/**
 * Statuses an error response can have; each answers with the shared ErrorBody.
 *
 * @example
 * const errors: ErrorStatus[] = [400, 404];
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/**
 * A request header a route reads.
 *
 * @example
 * const h: HeaderDoc = { name: 'Last-Event-ID', description: 'Resume after this round', schema: z.string() };
 */
export interface HeaderDoc {
  name: string;
  description: string;
  schema: z.ZodType;
}

/**
 * One success response of a route.
 *
 * @example
 * const ok: ResponseDoc = { description: 'The job', content: json(Job) };
 */
export interface ResponseDoc {
  description: string;
  content?: Content;
  /** Response headers besides `X-Request-Id` (which every response has). */
  headers?: Readonly<Record<string, { description: string; schema: z.ZodType }>>;
}

/**
 * One route. `path` is OpenAPI style (`/v1/jobs/{id}`); every `{name}` is a string path parameter.
 * `roles` empty means no API key is asked for; otherwise 401 and 403 are documented automatically.
 *
 * @example
 * const read: RouteDoc = { method: 'get', path: '/v1/jobs/{id}', summary: 'One job', roles: ['operator'],
 *   responses: { 200: { description: 'The job', content: json(Job) } }, errors: [404] };
 */
export interface RouteDoc {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  roles: readonly Role[];
  query?: z.ZodObject;
  /** Request headers the route reads, besides `Authorization` and `X-Request-Id`. */
  headers?: readonly HeaderDoc[];
  body?: Content;
  /** The body may be left out entirely (an empty request means the defaults). */
  optionalBody?: true;
  responses: Readonly<Record<number, ResponseDoc>>;
  /** Error statuses besides 401/403: what the handler itself refuses with. */
  errors: readonly ErrorStatus[];
  /** Vendor extensions copied onto the operation as they are (keys start with `x-`). */
  extensions?: Readonly<Record<`x-${string}`, unknown>>;
}

/**
 * The routes of one area of the API, their tag, and the schemas worth naming as components.
 *
 * @example
 * const jobs: DocGroup = { tag: 'jobs', description: 'Model jobs', schemas: { Job }, routes: [...] };
 */
export interface DocGroup {
  tag: string;
  description: string;
  /** Component name → schema. Named schemas become `#/components/schemas/<name>`; others are inlined. */
  schemas: Readonly<Record<string, z.ZodType>>;
  routes: readonly RouteDoc[];
}

/**
 * A JSON body of one schema.
 *
 * @example
 * const body = json(DecisionBody); // { 'application/json': DecisionBody }
 */
export const json = (schema: z.ZodType): Content => ({ 'application/json': schema });

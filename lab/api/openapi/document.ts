// The parts of an OpenAPI 3.1 document the lab writes: what the generator emits and the docs page reads.
import type { Role } from '../../../client-sdk/contract/resources.ts';
import type { HttpMethod } from './route-doc.ts';

/**
 * A JSON Schema 2020-12 object, as zod emits it.
 *
 * @example
 * const s: JsonSchema = { type: 'string' };
 */
export type JsonSchema = { [key: string]: unknown };

/** @example const m: MediaType = { schema: { $ref: '#/components/schemas/Job' } }; */
export interface MediaType {
  schema: JsonSchema;
}
/** @example const r: Ref = { $ref: '#/components/responses/Error404' }; */
export interface Ref {
  $ref: string;
}
/** @example const p: Parameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }; */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
/** @example const r: ResponseObject = { description: 'The job', content: { 'application/json': m } }; */
export interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}

/**
 * One operation; `x-roles` lists the roles whose keys may call it (empty: no key needed).
 *
 * @example
 * const roles = doc.paths['/v1/jobs']?.post?.['x-roles']; // ['bank-scientist']
 */
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  'x-roles': Role[];
  parameters: (Parameter | Ref)[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseObject | Ref>;
  [extension: `x-${string}`]: unknown;
}

/**
 * @example
 * const doc: OpenApiDocument = await (await fetch(`${url}/openapi.json`)).json();
 */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseObject>;
    parameters: Record<string, Parameter>;
    headers: Record<string, { description: string; schema: JsonSchema }>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

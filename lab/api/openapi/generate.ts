// Builds the OpenAPI 3.1 document from the route catalogue: zod → JSON Schema 2020-12, components, bearer auth, x-roles.
import { z } from 'zod';
import { ErrorBody } from '../../../client-sdk/contract/errors.ts';
import type { JsonSchema, OpenApiDocument, Parameter, ResponseObject } from './document.ts';
import type { Content, DocGroup, ErrorStatus, ResponseDoc, RouteDoc } from './route-doc.ts';
import { SECURITY, sharedComponents } from './shared-components.ts';

const SCHEMAS = '#/components/schemas/';
/** OpenAPI 3.1's schema dialect is JSON Schema 2020-12. */
const TARGET = 'draft-2020-12';
const REQUEST_ID = { $ref: '#/components/headers/RequestId' };

/** `$schema` is implied by the document, and a fragment `$id` is not a valid 2020-12 `$id`. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

type Io = 'input' | 'output';

/**
 * Names every named schema once per side. Responses are emitted as the server writes them
 * (`io: 'output'`: defaults applied, so defaulted fields are required); request bodies as a caller
 * may send them (`io: 'input'`). A schema on both sides gets `<Name>Input` for its request form.
 */
function componentSchemas(groups: readonly DocGroup[]) {
  // Every error response refers to ErrorBody, whichever routes there are.
  const names = new Map<z.ZodType, string>([[ErrorBody, 'ErrorBody']]);
  for (const g of groups) {
    for (const [name, schema] of Object.entries(g.schemas)) {
      const known = names.get(schema);
      if (known !== undefined && known !== name) throw new Error(`schema named both ${known} and ${name}`);
      names.set(schema, name);
    }
  }
  const routes = groups.flatMap((g) => g.routes);
  const schemasOf = (c: Content | undefined) => Object.values(c ?? {});
  const asBody = new Set(routes.flatMap((r) => schemasOf(r.body)));
  const asResponse = new Set(
    routes.flatMap((r) => Object.values(r.responses).flatMap((x) => schemasOf(x.content))),
  );
  const ids: Record<Io, Map<z.ZodType, string>> = { input: new Map(), output: new Map() };
  for (const [schema, name] of names) {
    if (!asBody.has(schema) || asResponse.has(schema)) ids.output.set(schema, name);
    if (asBody.has(schema)) ids.input.set(schema, asResponse.has(schema) ? `${name}Input` : name);
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const io of ['output', 'input'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const [schema, id] of ids[io]) registry.add(schema, { id });
    const out = z.toJSONSchema(registry, { target: TARGET, io, uri: (id) => `${SCHEMAS}${id}` });
    for (const [id, schema] of Object.entries(out.schemas)) {
      if (id in schemas) throw new Error(`component ${id} defined twice`);
      schemas[id] = bare(schema as JsonSchema);
    }
  }
  const ref = (schema: z.ZodType, io: Io): JsonSchema => {
    const id = ids[io].get(schema);
    return id !== undefined
      ? { $ref: `${SCHEMAS}${id}` }
      : bare(z.toJSONSchema(schema, { target: TARGET, io }));
  };
  return { schemas, ref };
}

/**
 * What the shared middleware answers on a route's behalf: 401/403 wherever a key is asked for, and
 * 429 from the per-key rate limit, which app.ts applies to every `/v1/` route.
 */
function implicitErrors(route: RouteDoc): ErrorStatus[] {
  if (route.roles.length === 0) return [];
  return route.path.startsWith('/v1/') ? [401, 403, 429] : [401, 403];
}

/**
 * `get /v1/jobs/{id}/events` → `getJobsByIdEvents`: stable, unique, readable in generated clients.
 *
 * @example
 * operationId('post', '/v1/authorizations/revoke'); // 'postAuthorizationsRevoke'
 */
export function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s !== '' && s !== 'v1')
    .map((s) => (s.startsWith('{') ? `by-${s.slice(1, -1)}` : s))
    .flatMap((s) => s.split(/[-_.]/));
  return method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/**
 * The whole document. Throws on a route documented twice or a schema zod cannot express, so a
 * broken catalogue fails its tests rather than serving a wrong spec.
 *
 * @example
 * const doc = openApiDocument(catalogue); doc.paths['/v1/jobs']?.post?.['x-roles']; // ['bank-scientist']
 */
export function openApiDocument(groups: readonly DocGroup[]): OpenApiDocument {
  const { schemas, ref } = componentSchemas(groups);
  const content = (c: Content, io: Io) =>
    Object.fromEntries(Object.entries(c).map(([type, schema]) => [type, { schema: ref(schema, io) }]));
  const response = (r: ResponseDoc): ResponseObject => {
    const extra = Object.entries(r.headers ?? {}).map(([name, h]) => [
      name,
      { description: h.description, schema: ref(h.schema, 'output') },
    ]);
    return {
      description: r.description,
      headers: { 'X-Request-Id': REQUEST_ID, ...Object.fromEntries(extra) },
      ...(r.content ? { content: content(r.content, 'output') } : {}),
    };
  };
  const parameters = (route: RouteDoc): Parameter[] => {
    const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map(
      (m): Parameter => ({ name: m[1]!, in: 'path', required: true, schema: { type: 'string' } }),
    );
    const q = route.query
      ? (ref(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] })
      : {};
    const inQuery = Object.entries(q.properties ?? {}).map(([name, schema]): Parameter => {
      const { description, ...rest } = schema as { description?: string };
      const required = q.required?.includes(name) ?? false;
      return { name, in: 'query', required, ...(description ? { description } : {}), schema: rest };
    });
    const inHeaders = (route.headers ?? []).map(
      (h): Parameter => ({
        name: h.name,
        in: 'header',
        required: false,
        description: h.description,
        schema: ref(h.schema, 'input'),
      }),
    );
    return [...inPath, ...inQuery, ...inHeaders];
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const group of groups) {
    for (const route of group.routes) {
      const item = paths[route.path] ?? {};
      paths[route.path] = item;
      if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} documented twice`);
      const errors = [...new Set([...implicitErrors(route), ...route.errors])].sort((a, b) => a - b);
      item[route.method] = {
        operationId: operationId(route.method, route.path),
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [group.tag],
        security: route.roles.length > 0 ? [{ [SECURITY]: [] }] : [],
        'x-roles': [...route.roles],
        parameters: [{ $ref: '#/components/parameters/RequestId' }, ...parameters(route)],
        ...(route.body
          ? { requestBody: { required: !route.optionalBody, content: content(route.body, 'input') } }
          : {}),
        responses: {
          ...Object.fromEntries(Object.entries(route.responses).map(([status, r]) => [status, response(r)])),
          ...Object.fromEntries(errors.map((s) => [String(s), { $ref: `#/components/responses/Error${s}` }])),
        },
        ...route.extensions,
      };
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Joint Modeling Lab API',
      version: 'v1',
      description:
        "Banks train credit models on a credit platform's in-domain data without the data leaving its domain. Every error answers with `{ error: { code, message, field? } }`; every answer carries an `X-Request-Id`.",
    },
    tags: groups.map((g) => ({ name: g.tag, description: g.description })),
    paths,
    components: { schemas, ...sharedComponents(ref(ErrorBody, 'output')) },
  };
}

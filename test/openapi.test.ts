// The OpenAPI document: valid 3.1, in step with the routes the app really serves and the roles it really enforces; `/docs` shows it all.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../client-sdk/contract/resources.ts';
import { createApp } from '../lab/api/app.ts';
import type { OpenApiDocument } from '../lab/api/openapi/document.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';

type App = ReturnType<typeof createApp>;

/**
 * `METHOD /path/:param` of every API route the app serves (middleware from `use` is method ALL, not
 * a route). The operator console's HTML pages are not part of the API (docs/console.md).
 */
const appRoutes = (app: App) =>
  new Set(
    app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/console'))
      .map((r) => `${r.method} ${r.path}`),
  );
/** The same for the document, its `{param}` written Hono's way. */
const specRoutes = (doc: OpenApiDocument) =>
  new Set(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    ),
  );
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** Every `$ref` in the document that does not point at something in it. */
function danglingRefs(doc: unknown): string[] {
  const out: string[] = [];
  const resolve = (ref: string) =>
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && (!v.startsWith('#/') || resolve(v) === undefined))
          out.push(v);
        else walk(v);
      }
    }
  };
  walk(doc);
  return out;
}

describe('OpenAPI document and docs page', () => {
  let fx: ApiFixture;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    fx = await apiFixture('openapi');
    const res = await fx.app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(() => fx.close());

  it('passes an OpenAPI 3.1 validator, needs no API key, and every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
    expect(danglingRefs(doc)).toEqual([]);
    expect(doc.components.securitySchemes.apiKey).toEqual({
      type: 'http',
      scheme: 'bearer',
      description: 'A lab API key (`jml_…`), bound to one role and one tenant',
    });
  });

  it('the validator does refuse a broken document (so the check above can fail)', async () => {
    const broken = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, { responses: unknown }>>;
    };
    broken.paths['/v1/jobs']!.get!.responses = { 200: { content: {} } }; // a response must have a description
    const result = await new Validator().validate(broken as never);
    expect(result.valid).toBe(false);
  });

  it('lists every route the app serves, and only those', () => {
    const served = appRoutes(fx.app);
    const documented = specRoutes(doc);
    const undocumented = minus(served, documented);
    const phantom = minus(documented, served);
    expect(
      undocumented,
      `routes served but missing from lab/api/openapi/catalogue: ${undocumented.join(', ')}`,
    ).toEqual([]);
    expect(phantom, `routes documented but not served: ${phantom.join(', ')}`).toEqual([]);
    expect(served.size).toBe(documented.size);
    expect(documented.has('GET /v1/jobs/:id')).toBe(true);
  });

  it('the route check catches a route added without its catalogue entry', () => {
    const before = new Set(minus(appRoutes(createApp(fx.ctx)), specRoutes(doc)));
    const app = createApp(fx.ctx);
    app.get('/v1/undocumented/:id', (c) => c.json({}));
    const after = new Set(minus(appRoutes(app), specRoutes(doc)));
    expect(minus(after, before)).toEqual(['GET /v1/undocumented/:id']);
  });

  it('documents request and response schemas as components, errors as the one ErrorBody', () => {
    const submit = doc.paths['/v1/jobs']!.post!;
    expect(submit['x-roles']).toEqual(['bank-scientist']);
    expect(submit.security).toEqual([{ apiKey: [] }]);
    expect(submit.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/JobSpec',
    });
    expect(submit.responses['201']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } },
    });
    expect(submit.responses['401']).toEqual({ $ref: '#/components/responses/Error401' });
    expect(doc.components.responses.Error401!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    const error = doc.components.schemas.ErrorBody as {
      properties: { error: { required: string[]; properties: object } };
    };
    expect(error.properties.error.required).toEqual(['code', 'message']);
    expect(Object.keys(error.properties.error.properties)).toEqual(['code', 'message', 'field']);
    // Requests are described as sent (defaults optional), responses as answered (defaults filled in).
    expect((doc.components.schemas.JobSpec as { required: string[] }).required).toEqual([
      'name',
      'purpose',
      'model',
      'labels',
    ]);
    const health = doc.paths['/healthz']!.get!;
    expect(health.security).toEqual([]);
    expect(health['x-roles']).toEqual([]);
  });

  it("each route's x-roles are exactly the roles its role check lets through", async () => {
    const keyOf = new Map<Role, string>([
      ['operator', fx.keys.operator],
      ['bank-scientist', fx.keys.scientistA],
      ['risk-system', fx.keys.riskA],
    ]);
    for (const [role, tenant] of [
      ['auditor', 'platform'],
      ['data-provider', 'd-bj'],
    ] as const) {
      keyOf.set(role, (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role, tenant, name: role })).key);
    }
    const mismatches: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op['x-roles'].length === 0) continue;
        // Ids nobody has: allowed roles get a 400/404, refused ones the role check's 403.
        const url = path.replace(/\{[^}]+\}/g, 'nope0000');
        for (const role of Role.options) {
          const res = await fx.app.request(url, {
            method: method.toUpperCase(),
            headers: { authorization: `Bearer ${keyOf.get(role)}` },
          });
          const isJson = res.headers.get('content-type')?.startsWith('application/json');
          const body = isJson ? await res.json() : await res.body?.cancel();
          const roleRefused =
            res.status === 403 && /^this action needs role /.test(body?.error?.message ?? '');
          if (op['x-roles'].includes(role) === roleRefused)
            mismatches.push(`${method.toUpperCase()} ${path} as ${role}: ${res.status}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('/docs is one self-contained HTML page naming every route, grouped by tag', async () => {
    const res = await fx.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const html = await res.text();
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<title>Joint Modeling Lab API v1</title>');
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const heading = `${method.toUpperCase()}</span> <code>${path.replace(/&/g, '&#38;')}</code>`;
        expect(html, `${method} ${path}`).toContain(heading);
      }
    }
    for (const tag of doc.tags)
      expect(html).toContain(`<section id="tag-${tag.name}" aria-labelledby="tag-${tag.name}-h">`);
    expect(html).toContain('<strong>Roles:</strong> <code>operator</code>, <code>auditor</code>');
    // Ids are unique, and every in-page link lands on one.
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    const targets = [...html.matchAll(/ href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(targets.filter((t) => !ids.includes(t))).toEqual([]);
    // Every opened element of the page's vocabulary is closed again.
    for (const tagName of ['section', 'table', 'tr', 'td', 'ul', 'li', 'code', 'h2', 'h3', 'p']) {
      const opened = html.match(new RegExp(`<${tagName}[ >]`, 'g'))?.length ?? 0;
      expect(html.match(new RegExp(`</${tagName}>`, 'g'))?.length ?? 0, tagName).toBe(opened);
    }
  });
});

// API hygiene: request ids on every answer, readiness against a live and a dead Redis, Prometheus metrics and who may read them.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../lab/api/app.ts';
import { createContext } from '../lab/context.ts';
import { masterKeyFrom } from '../lab/infra/at-rest.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { testMasterKey, testPrefix } from './helpers/redis.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A TCP port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The value of one sample line (`name{labels} value`) of a Prometheus text exposition, or undefined. */
function sample(text: string, nameAndLabels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${nameAndLabels} `));
  return line === undefined ? undefined : Number(line.slice(nameAndLabels.length + 1));
}

describe('API hygiene', () => {
  let fx: ApiFixture;
  let auditorKey: string;
  beforeAll(async () => {
    fx = await apiFixture('hygiene');
    auditorKey = (
      await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'auditor', tenant: 'platform', name: 'auditor' })
    ).key;
  });
  afterAll(() => fx.close());

  describe('request ids (over real HTTP)', () => {
    let url: string;
    let server: ReturnType<typeof serve>;
    beforeAll(async () => {
      await new Promise<void>((resolve) => {
        server = serve({ fetch: fx.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
          url = `http://127.0.0.1:${info.port}`;
          resolve();
        });
      });
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('echoes a well-formed X-Request-Id, on success and on refusals (the body stays the one error body)', async () => {
      const ok = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace.A-1_b' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('trace.A-1_b');
      expect(await ok.json()).toEqual({ ok: true });

      const refused = await fetch(`${url}/v1/jobs`, { headers: { 'x-request-id': 'caller-42' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-request-id')).toBe('caller-42');
      expect(await refused.json()).toEqual({
        error: { code: 'unauthenticated', message: 'a valid API key is required (Authorization: Bearer …)' },
      });
    });

    it('makes up a UUID when there is none, or when it is malformed (never echoes it)', async () => {
      const none = await fetch(`${url}/nowhere`);
      expect(none.status).toBe(404);
      const generated = none.headers.get('x-request-id')!;
      expect(generated).toMatch(UUID);
      expect(await none.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });

      for (const bad of ['a'.repeat(129), 'has space', 'semi;colon', 'é-accent', '']) {
        const res = await fetch(`${url}/healthz`, { headers: { 'x-request-id': bad } });
        const id = res.headers.get('x-request-id');
        expect(id, `for ${JSON.stringify(bad)}`).toMatch(UUID);
        await res.body?.cancel();
      }
      const longest = 'x'.repeat(128);
      const res = await fetch(`${url}/healthz`, { headers: { 'x-request-id': longest } });
      expect(res.headers.get('x-request-id')).toBe(longest);
      await res.body?.cancel();
    });

    it('gives two requests without an id two different ids', async () => {
      const [a, b] = await Promise.all([fetch(`${url}/healthz`), fetch(`${url}/healthz`)]);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
      await Promise.all([a.body?.cancel(), b.body?.cancel()]);
    });
  });

  describe('readiness', () => {
    it('is ready when Redis and the coordinator queue answer', async () => {
      const res = await fx.app.request('/readyz');
      expect(res.status).toBe(200);
      expect(res.headers.get('retry-after')).toBeNull();
      expect(await res.json()).toEqual({ ready: true, checks: { redis: 'ok', coordinatorQueue: 'ok' } });
    });

    it('answers 503 with Retry-After within about a second when Redis does not answer', async () => {
      const port = await closedPort();
      const ctx = createContext({
        redisUrl: `redis://127.0.0.1:${port}`,
        prefix: testPrefix('hygiene-dead'),
        masterKey: masterKeyFrom(testMasterKey()),
      });
      // The refused connections are expected here; without listeners they would be reported as unhandled.
      ctx.redis.on('error', () => {});
      ctx.coordinatorQueue.on('error', () => {});
      try {
        const started = Date.now();
        const res = await createApp(ctx).request('/readyz');
        const elapsed = Date.now() - started;
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await res.json()).toEqual({
          ready: false,
          checks: { redis: 'timeout', coordinatorQueue: 'timeout' },
        });
        expect(elapsed).toBeGreaterThanOrEqual(990);
        expect(elapsed).toBeLessThan(2500);
        // Liveness does not depend on Redis.
        expect((await createApp(ctx).request('/healthz')).status).toBe(200);
      } finally {
        await ctx.close();
      }
    });
  });

  describe('metrics', () => {
    it('counts requests by method, route pattern and status, never by raw path', async () => {
      const app = createApp(fx.ctx); // a fresh registry: the counts below are this test's only
      const call = (path: string, key?: string) =>
        app.request(path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      await fx.ctx.coordinatorQueue.add('step', { jobId: 'job_metrics' });
      expect((await call('/v1/jobs', fx.keys.operator)).status).toBe(200);
      expect((await call('/v1/jobs', fx.keys.scientistA)).status).toBe(200);
      expect((await call('/v1/jobs/job_secret123', fx.keys.operator)).status).toBe(404);
      expect((await call('/v1/jobs/job_other456', fx.keys.operator)).status).toBe(404);
      expect((await call('/v1/jobs', fx.keys.riskA)).status).toBe(403);
      expect((await call('/no/such/path')).status).toBe(404);

      const res = await call('/metrics', fx.keys.operator);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      expect(text).toContain('# TYPE http_requests_total counter');
      expect(text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(sample(text, 'http_requests_total{method="GET",route="/v1/jobs",status="200"}')).toBe(2);
      expect(sample(text, 'http_requests_total{method="GET",route="/v1/jobs",status="403"}')).toBe(1);
      expect(sample(text, 'http_requests_total{method="GET",route="/v1/jobs/:id",status="404"}')).toBe(2);
      expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
      expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/v1/jobs"}')).toBe(3);
      expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/v1/jobs/:id"}')).toBe(2);
      expect(sample(text, 'lab_coordinator_queue_jobs{state="wait"}')).toBe(1);
      expect(sample(text, 'lab_coordinator_queue_jobs{state="active"}')).toBe(0);
      expect(text).not.toContain('job_secret123');
      expect(text).not.toContain('/no/such/path');

      // The scrape itself is counted once it has answered.
      const again = await (await call('/metrics', fx.keys.operator)).text();
      expect(sample(again, 'http_requests_total{method="GET",route="/metrics",status="200"}')).toBe(1);
    });

    it('is for operators and auditors only', async () => {
      const get = (key?: string) =>
        fx.app.request('/metrics', key ? { headers: { authorization: `Bearer ${key}` } } : {});
      const anonymous = await get();
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).error.code).toBe('unauthenticated');
      for (const key of [fx.keys.scientistA, fx.keys.riskA]) {
        const res = await get(key);
        expect(res.status).toBe(403);
        expect((await res.json()).error.code).toBe('forbidden');
      }
      expect((await get(fx.keys.operator)).status).toBe(200);
      const byAuditor = await get(auditorKey);
      expect(byAuditor.status).toBe(200);
      expect(await byAuditor.text()).toContain('http_requests_total');
    });
  });
});

// The SDK's retries over real HTTP: 429 and 503 are retried after the server's Retry-After (else a
// jittered backoff), with one Idempotency-Key across a POST's attempts; other errors never are.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import { BadRequestError, RateLimitError, retryAfterMs, UnavailableError } from '../client-sdk/errors.ts';

interface Seen {
  at: number;
  method: string;
  idempotencyKey: string | undefined;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server answering each request with the next scripted reply (the last one repeats). */
async function scripted(replies: { status: number; headers?: Record<string, string>; body: unknown }[]) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({
      at: performance.now(),
      method: req.method!,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    });
    const reply = replies[Math.min(seen.length - 1, replies.length - 1)]!;
    req.resume();
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen };
}

const unavailable = {
  error: { code: 'unavailable', message: 'the domain scorer is not available; retry shortly' },
};
const scored = {
  modelId: 'mdl_x',
  modelVersion: 1,
  results: [
    { entity: '91350100M000100Y43', ok: true, probability: 0.05, score: 640, reasons: [], modelVersion: 1 },
  ],
};

describe('SDK retries', () => {
  it('a score answered 503 with Retry-After: 1 is retried after a second, with the same Idempotency-Key', async () => {
    const { url, seen } = await scripted([
      { status: 503, headers: { 'retry-after': '1' }, body: unavailable },
      { status: 200, body: scored },
    ]);
    const lab = new LabClient({ baseUrl: url, apiKey: 'jml_x' });
    const res = await lab.models.score('mdl_x', ['91350100M000100Y43']);
    expect(res.results[0]).toMatchObject({ ok: true, probability: 0.05 });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(seen[0]!.idempotencyKey).toMatch(/^sdk-[0-9a-f-]{36}$/);
    expect(seen[1]!.idempotencyKey).toBe(seen[0]!.idempotencyKey);
  });

  it('429 without Retry-After backs off with jitter, and gives up after maxRetries with the typed error', async () => {
    const { url, seen } = await scripted([
      {
        status: 429,
        body: { error: { code: 'rate_limited', message: 'this key allows 5 requests per minute' } },
      },
    ]);
    const lab = new LabClient({ baseUrl: url, apiKey: 'jml_x', maxRetries: 3, retryBaseMs: 40 });
    const err = await lab.models.get('mdl_x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: null });
    expect(seen).toHaveLength(4);
    // Backoff 40, 80, 160 ms, each scaled by a jitter in [0.5, 1): the gaps grow and stay in range.
    const gaps = seen.slice(1).map((s, i) => s.at - seen[i]!.at);
    for (const [i, g] of gaps.entries()) {
      expect(g).toBeGreaterThanOrEqual(40 * 2 ** i * 0.5 - 5);
      expect(g).toBeLessThan(40 * 2 ** i + 400);
    }
    // A GET carries no idempotency key.
    expect(seen.every((s) => s.idempotencyKey === undefined)).toBe(true);
  });

  it('a 503 that outlasts the retries throws UnavailableError carrying Retry-After; a 400 is never retried', async () => {
    const a = await scripted([{ status: 503, headers: { 'retry-after': '0' }, body: unavailable }]);
    const lab = new LabClient({ baseUrl: a.url, apiKey: 'jml_x', maxRetries: 1 });
    const err = await lab.models.score('mdl_x', ['91350100M000100Y43']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toMatchObject({ status: 503, code: 'unavailable', retryAfterMs: 0 });
    expect(a.seen).toHaveLength(2);

    const b = await scripted([
      {
        status: 400,
        body: { error: { code: 'invalid_request', message: 'entities: too big', field: 'entities' } },
      },
    ]);
    const bad = await new LabClient({ baseUrl: b.url, apiKey: 'jml_x' }).models
      .score('mdl_x', ['x'])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad).toMatchObject({ field: 'entities' });
    expect(b.seen).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(
      retryAfterMs(
        new Date(Date.parse('2026-01-01T00:00:05Z')).toUTCString(),
        Date.parse('2026-01-01T00:00:00Z'),
      ),
    ).toBe(5000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});

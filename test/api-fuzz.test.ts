// Fuzz: ≥ 10,000 malformed requests (random JSON, wrong types, huge bodies, bad encodings, bad
// ids, queries and headers) to every route of a real API process. No 5xx, the process stays up,
// and no governed state changes (every Redis value under the prefix is the same afterwards,
// except the audit stream, which records the refusals, and the per-key rate counters).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { createApp } from '../lab/api/app.ts';
import { createContext } from '../lab/context.ts';
import { masterKeyFrom } from '../lab/infra/at-rest.ts';
import { labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { mulberry32 } from '../models/mlp-random.ts';
import { dropPrefix } from '../scripts/lib/redis.ts';
import { FEATURES, fakeDomain } from './helpers/api-fixture.ts';
import { TEST_REDIS_URL, testMasterKey, testPrefix } from './helpers/redis.ts';

const REQUESTS = 10_500;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prefix = testPrefix('fuzz');
const rand = mulberry32(20261201);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number) => Math.floor(rand() * n);

/** A random JSON value, nested up to `depth`, with the values that trip parsers up. */
function randomJson(depth: number): unknown {
  const atoms = [
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e-308,
    2 ** 53 + 1,
    '',
    ' ',
    'x'.repeat(int(300)),
    '\u0000',
    '\ud83d',
    '💥',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '91110105MA0000000X',
    'job_x',
    'mdl_x',
    'ls_x',
    'NaN',
  ];
  if (depth <= 0 || rand() < 0.3) return pick(atoms);
  if (rand() < 0.5) return Array.from({ length: int(5) }, () => randomJson(depth - 1));
  const keys = [
    'name',
    'purpose',
    'model',
    'kind',
    'features',
    'labels',
    'rows',
    'entity',
    'label',
    'note',
    'grants',
    'entities',
    'bank',
    'domain',
    'epsilonCap',
    'role',
    'tenant',
    'privacy',
    'dp',
    'epsilon',
    '__proto__',
    'constructor',
  ];
  return Object.fromEntries(Array.from({ length: int(6) }, () => [pick(keys), randomJson(depth - 1)]));
}

/** A body that is not what the route wants: random JSON, broken JSON, wrong encodings, huge. */
function randomBody(): { body: string | Uint8Array; type: string | null } {
  const json = 'application/json';
  switch (int(10)) {
    case 0:
      return { body: '{"name": "pd", "model": {"kind": ', type: json };
    case 1:
      return { body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), type: json };
    case 2:
      return {
        body: JSON.stringify(randomJson(3)),
        type: pick(['text/plain', 'application/x-www-form-urlencoded', 'text/csv', null]),
      };
    case 3:
      return { body: '['.repeat(5000 + int(50_000)), type: json };
    case 4:
      return { body: JSON.stringify({ name: 'x'.repeat(300_000 + int(100_000)) }), type: json };
    case 5:
      return { body: `\ufeff${JSON.stringify(randomJson(2))}`, type: `${json}; charset=latin1` };
    default:
      return { body: JSON.stringify(randomJson(4)), type: json };
  }
}

/** Path parameters that name nothing: never a real id, so no request can act on a real resource. */
const badIds = [
  'nope',
  'job_doesnotexist00',
  'mdl_ghost',
  '%2e%2e%2f',
  'x'.repeat(300),
  '%00',
  '💥',
  'key_0000000000000000',
];
const queries = [
  '',
  '?limit=-1',
  '?limit=1e9',
  '?cursor=%%%',
  '?from=2026-13-45',
  '?format=xml',
  '?bank=',
  '?tenant=../x',
  '?a=1&a=2',
  `?q=${'z'.repeat(5000)}`,
];

describe('fuzz: malformed requests to every route', () => {
  let api: ChildProcess;
  let url = '';
  let routes: { method: string; path: string }[] = [];
  const redis = new Redis(TEST_REDIS_URL);
  const callers: (string | null)[] = [
    null,
    'Bearer garbage',
    'Basic Zm9vOmJhcg==',
    `Bearer jml_${'A'.repeat(43)}`,
  ];

  /** Every value under the prefix but the audit stream and rate counters, as text. */
  async function snapshot(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const k = labKeys(prefix);
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of found) {
        if (
          key === k.audit ||
          key.startsWith(`${k.audit}:`) ||
          key.includes(':ratelimit:') ||
          key.includes(':rate:')
        )
          continue;
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? JSON.stringify(Object.entries(await redis.hgetall(key)).sort())
              : type === 'zset'
                ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
                : type === 'set'
                  ? JSON.stringify((await redis.smembers(key)).sort())
                  : type === 'list'
                    ? JSON.stringify(await redis.lrange(key, 0, -1))
                    : type === 'stream'
                      ? JSON.stringify(await redis.xrange(key, '-', '+'))
                      : type;
        out.set(key, String(value));
      }
    } while (cursor !== '0');
    return out;
  }

  beforeAll(async () => {
    const ctx = createContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      masterKey: masterKeyFrom(testMasterKey()),
    });
    routes = createApp(ctx)
      // The console (session cookies, CSRF-checked forms) has its own tests: test/console.test.ts.
      .routes.filter((r) => r.method !== 'ALL' && !r.path.startsWith('/console'))
      .map(({ method, path: p }) => ({ method, path: p }));
    await ctx.domains.publish(fakeDomain('d-bj', '110000'));
    for (const [role, tenant] of [
      ['operator', 'platform'],
      ['bank-scientist', 'bank-a'],
      ['risk-system', 'bank-a'],
      ['data-provider', 'd-bj'],
    ] as const) {
      const { key } = await createApiKey(ctx.redis, ctx.keys, {
        role,
        tenant,
        name: `fuzz ${role}`,
        rateLimit: 1_000_000,
      });
      callers.push(`Bearer ${key}`);
    }
    // Some real state for the fuzz to (fail to) touch: a label set and a pending job.
    const seed = mulberry32(7);
    const rows = Array.from({ length: 400 }, (_, i) => ({
      entity: generateUscc(seed, '110105'),
      label: i % 5 === 0 ? 1 : 0,
    }));
    const app = createApp(ctx);
    const scientist = callers[5]!;
    const ls = await app.request('/v1/label-sets', {
      method: 'POST',
      headers: { authorization: scientist, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'book', rows }),
    });
    const labelSetId = (await ls.json()).id;
    const job = await app.request('/v1/jobs', {
      method: 'POST',
      headers: { authorization: scientist, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'pd',
        purpose: 'fuzz',
        labels: { source: 'bank', labelSetId },
        model: { kind: 'logistic' },
        features: FEATURES,
      }),
    });
    expect(job.status).toBe(201);
    await ctx.close();
    api = spawn(process.execPath, ['--import', 'tsx', 'lab/cli/main.ts', 'serve', '--port', '0'], {
      cwd: repoRoot,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, LAB_PREFIX: prefix, LAB_MASTER_KEY: testMasterKey() },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    url = String(
      JSON.parse(await new Promise<string>((r) => createInterface({ input: api.stdout! }).once('line', r)))
        .listening,
    );
  }, 60_000);

  afterAll(async () => {
    if (api && api.exitCode === null) api.kill('SIGKILL');
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  it(`answers ${REQUESTS} malformed requests without a 5xx, stays up, and changes no state`, async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    const fivexx: string[] = [];
    let sent = 0;
    let closedEarly = 0;
    const one = async () => {
      const route = routes[sent % routes.length]!;
      sent++;
      const pathname = route.path.replace(/:[a-z]+/g, () => encodeURIComponent(pick(badIds))) + pick(queries);
      const headers: Record<string, string> = {};
      const auth = pick(callers);
      if (auth) headers.authorization = auth;
      if (rand() < 0.1) headers['idempotency-key'] = pick(['k', 'bad key', 'x'.repeat(300)]);
      let body: string | Uint8Array | undefined;
      if (route.method !== 'GET' && route.method !== 'DELETE') {
        const b = randomBody();
        body = b.body;
        if (b.type) headers['content-type'] = b.type;
      }
      let res: Response;
      try {
        res = await fetch(`${url}${pathname}`, {
          method: route.method,
          headers,
          body: body as BodyInit | undefined,
        });
        await res.arrayBuffer();
      } catch {
        // A body over a route's limit is answered 413 and the connection closed before it is all
        // sent; the client then sees that socket close (also for a request queued behind it on a
        // kept-alive connection). Counted, bounded below; a crash would fail /healthz at the end.
        closedEarly++;
        return;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) fivexx.push(`${route.method} ${pathname.slice(0, 80)} → ${res.status}`);
    };
    // A few huge bodies over the limits, then the rest eight at a time.
    for (const p of ['/v1/jobs', '/v1/privacy/budgets', '/v1/keys']) {
      const res = await fetch(`${url}${p}`, {
        method: p === '/v1/privacy/budgets' ? 'PUT' : 'POST',
        headers: { authorization: callers[4]!, 'content-type': 'application/json' },
        body: 'x'.repeat(8 * 1024 * 1024),
      });
      expect(res.status, p).toBe(413);
      sent++;
    }
    while (sent < REQUESTS) await Promise.all(Array.from({ length: 8 }, one));
    expect(fivexx).toEqual([]);
    expect(closedEarly).toBeLessThan(REQUESTS / 10);
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(api.exitCode).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const after = await snapshot();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (k) => before.get(k) !== after.get(k),
    );
    expect(changed).toEqual([]);
    // Not vacuous: requests reached validation, authorisation and lookups, not only the 401 gate.
    for (const status of [400, 401, 403, 404])
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(100);
  }, 600_000);
});

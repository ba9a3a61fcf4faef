// API keys never appear in clear in Redis or in the lab's logs: a real API process, real requests, a full scan.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { dropPrefix } from '../scripts/lib/redis.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { TEST_REDIS_URL, testMasterKey, testPrefix } from './helpers/redis.ts';
import { apiKeyNeedles, type Needles, scanRedis, scanText } from './helpers/secret-scan.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prefix = testPrefix('key-secrecy');
// The direct (Redis) key commands: no lab URL or profile of the machine's may send them over HTTP.
const { LAB_URL: _url, LAB_API_KEY: _key, LAB_PROFILE: _profile, ...inherited } = process.env;
const env = {
  ...inherited,
  LAB_CONFIG: path.join(repoRoot, 'test-artifacts', 'no-such-profiles.json'),
  REDIS_URL: TEST_REDIS_URL,
  LAB_PREFIX: prefix,
  LAB_MASTER_KEY: testMasterKey(),
};
const TSX = ['--import', 'tsx', 'lab/cli/main.ts'];

/** Runs `lab …` to completion; the exit code, stdout and stderr. */
async function lab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...TSX, ...args], {
      cwd: repoRoot,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('API keys stay secret', () => {
  let api: ChildProcess;
  let url = '';
  let logs = '';
  /** stderr of the CLI runs, and stdout of those that print no key by design. */
  let cliLogs = '';
  const keys: Record<string, string> = {};
  const redis = new Redis(TEST_REDIS_URL);
  const needles = (): Needles => Object.entries(keys).flatMap(([label, key]) => apiKeyNeedles(label, key));

  const call = async (pathname: string, authorization: string | null, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (authorization !== null) headers.set('authorization', authorization);
    const res = await fetch(`${url}${pathname}`, { ...init, headers });
    // biome-ignore lint/suspicious/noExplicitAny: tests probe response bodies field by field
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const post = (pathname: string, key: string, body: unknown) =>
    call(pathname, `Bearer ${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    api = spawn(process.execPath, [...TSX, 'serve', '--port', '0'], { cwd: repoRoot, env });
    api.stderr!.on('data', (d: Buffer) => {
      logs += d.toString();
    });
    const lines = createInterface({ input: api.stdout! });
    const first = new Promise<string>((resolve) => lines.once('line', resolve));
    lines.on('line', (line) => {
      logs += `${line}\n`;
    });
    url = String(JSON.parse(await first).listening);
  });

  afterAll(async () => {
    if (api.exitCode === null) api.kill('SIGKILL');
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  it('bootstraps an operator key with the CLI, printed once', async () => {
    const json = await lab('keys', 'create', '--role', 'operator', '--tenant', 'platform', '--json');
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.stdout) as Record<string, string>;
    expect(Object.keys(printed)).toEqual(['key', 'keyId', 'role', 'tenant']);
    expect([printed.role, printed.tenant]).toEqual(['operator', 'platform']);
    keys.operator = printed.key!;
    const human = await lab('keys', 'create', '--role', 'auditor', '--tenant', 'platform', '--name', 'audit');
    expect(human.code).toBe(0);
    const key = human.stdout.split('\n')[0]!;
    expect(key).toMatch(/^jml_[A-Za-z0-9_-]{43}$/);
    expect(human.stdout.split(key)).toHaveLength(2);
    keys.auditor = key;
    const bad = await lab('keys', 'create', '--role', 'operator', '--tenant', 'bank-a');
    expect([bad.code, bad.stdout, bad.stderr.trim()]).toEqual([
      2,
      '',
      'lab keys create: --tenant: operator keys belong to tenant platform',
    ]);
    cliLogs += json.stderr + human.stderr + bad.stderr;
  });

  it('creates, uses, misuses, rotates and revokes keys through the real API', async () => {
    const made = async (role: string, tenant: string, extra = {}) => {
      const res = await post('/v1/keys', keys.operator!, { role, tenant, ...extra });
      expect(res.status).toBe(201);
      return res.body as { key: string; record: { keyId: string } };
    };
    const scientist = await made('bank-scientist', 'bank-a');
    const risk = await made('risk-system', 'bank-a', { rateLimit: 3 });
    const provider = await made('data-provider', 'd-bj');
    Object.assign(keys, { scientist: scientist.key, risk: risk.key, provider: provider.key });

    const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
    const rows = Array.from({ length: 60 }, (_, i) => ({
      entity: generateUscc(rand, '110105'),
      label: i % 3 ? 0 : 1,
    }));
    expect((await post('/v1/label-sets', scientist.key, { name: 'book', rows })).status).toBe(201);
    expect((await call('/v1/jobs', `Bearer ${scientist.key}`)).status).toBe(200);
    expect((await call('/v1/catalog', `Bearer ${provider.key}`)).status).toBe(200);
    expect((await call('/v1/keys', `Bearer ${keys.auditor}`)).status).toBe(200);
    const riskStatuses = [];
    for (let i = 0; i < 4; i++)
      riskStatuses.push((await call('/v1/models/mdl_none', `Bearer ${risk.key}`)).status);
    expect(riskStatuses).toEqual([404, 404, 404, 429]);

    // Wrong keys and malformed headers: each is a 401, and each is audited without the key.
    const k = scientist.key;
    const flipped = k.slice(0, -1) + (k.endsWith('A') ? 'B' : 'A');
    const wrong = [
      `Bearer ${flipped}`,
      `Bearer ${k}x`,
      `Bearer ${k.slice(0, -1)}`,
      `Bearer ${k.slice(4)}`,
      `Basic ${Buffer.from(`user:${k}`).toString('base64')}`,
      `Basic ${k}`,
      `bearer${k}`,
      `Bearer  ${k}`,
      `Bearer ${k} ${k}`,
      k,
    ];
    for (const authorization of wrong) expect((await call('/v1/jobs', authorization)).status).toBe(401);
    expect((await call('/v1/jobs', null, { headers: { 'x-api-key': k } })).status).toBe(401);
    // The key where it does not belong: in the path, in a query value, as a field name (echoed to the
    // caller, who has it anyway, but never into the audit).
    expect((await call(`/v1/jobs/${k}`, `Bearer ${k}`)).status).toBe(404);
    expect((await call(`/v1/jobs?api_key=${k}`, `Bearer ${k}`)).status).toBe(400);
    const asQueryName = await call(`/v1/jobs?${k}`, `Bearer ${k}`);
    expect([asQueryName.status, asQueryName.body.error.field]).toEqual([400, k]);
    expect(
      (await post('/v1/keys', keys.operator!, { role: 'operator', tenant: 'platform', [k]: 1 })).status,
    ).toBe(400);

    // The holder rotates its key; the old one is refused from then on.
    const rotated = await post(`/v1/keys/${scientist.record.keyId}/rotate`, k, { graceSeconds: 0 });
    expect(rotated.status).toBe(200);
    keys.rotated = rotated.body.key;
    expect((await call('/v1/jobs', `Bearer ${k}`)).status).toBe(401);
    expect((await call('/v1/jobs', `Bearer ${keys.rotated}`)).status).toBe(200);
    const revoked = await call(`/v1/keys/${provider.record.keyId}`, `Bearer ${keys.operator}`, {
      method: 'DELETE',
    });
    expect(revoked.status).toBe(200);
    expect((await call('/v1/catalog', `Bearer ${provider.key}`)).status).toBe(401);

    // The CLI's listing and revocation, straight against Redis.
    const list = await lab('keys', 'list', '--tenant', 'bank-a', '--json');
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout).data as { keyId: string; revokedAt: string | null }[];
    expect(listed.map((r) => r.keyId)).toEqual([
      scientist.record.keyId,
      risk.record.keyId,
      rotated.body.record.keyId,
    ]);
    expect(listed[0]!.revokedAt).toBe(rotated.body.previous.revokedAt);
    const cliRevoke = await lab('keys', 'revoke', '--id', risk.record.keyId);
    expect(cliRevoke.code).toBe(0);
    expect((await call('/v1/models/mdl_none', `Bearer ${risk.key}`)).status).toBe(401);
    const again = await lab('keys', 'revoke', '--id', risk.record.keyId);
    expect([again.code, again.stderr.trim()]).toEqual([
      1,
      `lab keys revoke: key ${risk.record.keyId} is already revoked`,
    ]);
    cliLogs += list.stdout + list.stderr + cliRevoke.stdout + cliRevoke.stderr + again.stdout + again.stderr;

    const audited = await auditEntries(redis, prefix);
    const kinds = audited.map((e) => e.kind);
    expect(kinds.filter((kind) => kind.startsWith('key.'))).toEqual([
      'key.created',
      'key.created',
      'key.created',
      'key.created',
      'key.created',
      'key.rotated',
      'key.revoked',
      'key.revoked',
    ]);
    expect(kinds.filter((kind) => kind === 'request.unauthenticated')).toHaveLength(wrong.length + 4);
  });

  it('no key appears in any Redis value or key name under the prefix, nor in the logs', async () => {
    await new Promise<void>((resolve) => {
      api.once('exit', () => resolve());
      api.kill('SIGTERM');
    });
    expect(Object.keys(keys)).toHaveLength(6);
    const { hits, scanned } = await scanRedis(redis, prefix, needles());
    expect(hits).toEqual([]);
    // Not vacuous: records, indexes and the audit stream were all read.
    expect(scanned.string).toBeGreaterThanOrEqual(14);
    expect(scanned.zset).toBeGreaterThanOrEqual(3);
    expect(scanned.stream).toBe(1);
    expect(logs).toContain('"listening"');
    expect(scanText(logs, needles())).toEqual([]);
    expect(scanText(cliLogs, needles())).toEqual([]);
  });

  it('positive control: the scan finds a key planted in a value of every type, in each encoding', async () => {
    const key = keys.operator!;
    const [clear, body, raw, hex, base64] = apiKeyNeedles('operator', key).map((n) => n.bytes);
    const at = (type: string) => `${prefix}:planted:${type}`;
    await redis.set(at('string'), Buffer.concat([Buffer.from('{"note":"'), clear!, Buffer.from('"}')]));
    await redis.hset(at('hash'), 'field', body!);
    await redis.rpush(at('list'), 'x', raw!);
    await redis.sadd(at('set'), hex!);
    await redis.zadd(at('zset'), 1, base64!);
    await redis.xadd(at('stream'), '*', 'event', `{"authorization":"Bearer ${key}"}`);
    await redis.set(`${prefix}:planted:${key.slice(4)}`, 'name only');
    const { hits } = await scanRedis(redis, prefix, apiKeyNeedles('operator', key));
    expect(hits.sort()).toEqual(
      [
        `${at('string')} (string): operator (clear)`,
        `${at('string')} (string): operator (body)`,
        `${at('hash')} (hash): operator (body)`,
        `${at('list')} (list): operator (raw bytes)`,
        `${at('set')} (set): operator (hex)`,
        `${at('zset')} (zset): operator (base64)`,
        // Standard base64 of the key's bytes is its base64url body plus '=' whenever the body has
        // no '-' or '_' (about one key in four): then the body is found there too.
        ...(base64!.includes(body!) ? [`${at('zset')} (zset): operator (body)`] : []),
        `${at('stream')} (stream): operator (clear)`,
        `${at('stream')} (stream): operator (body)`,
        `${prefix}:planted:${key.slice(4)} (string): operator (body)`,
      ].sort(),
    );
    expect(scanText(`${logs}lab api: token ${key.slice(4)}\n`, needles())).toEqual(['operator (body)']);
  });
});

// Red team: a bank sends hostile JobSpec bytes straight to POST /v1/jobs (no SDK in between).
// Control: the request boundary — body limit, content type, strict UTF-8 and JSON, the strict
// JobSpec schema — refuses each with a stable code and field, stores nothing, pollutes no prototype,
// and audits every refusal.
import { randomInt } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateUscc } from '../../client-sdk/contract/uscc.ts';
import { type ApiFixture, apiFixture, FEATURES } from '../helpers/api-fixture.ts';
import { auditEntries } from '../helpers/audit-entries.ts';

const MiB = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json' };
const DEEP = 100_000;

interface Case {
  attack: string;
  control: string;
  body: () => string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field: string | undefined;
  /** Refused before authentication (the body limit runs first), so the audit cannot name the caller. */
  anonymous?: boolean;
}

describe('red team: malicious JobSpec content', () => {
  let fx: ApiFixture;
  let spec: () => Record<string, unknown>;
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    fx = await apiFixture('malicious-spec');
    const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, {
      name: 'book',
      rows: Array.from({ length: 200 }, (_, i) => ({
        entity: generateUscc(rand, '310104'),
        label: i % 8 === 0 ? 1 : 0,
      })),
    });
    spec = () => ({
      name: 'pd',
      purpose: 'red team',
      labels: { source: 'bank', labelSetId: ls.body.id },
      model: { kind: 'logistic' },
      features: FEATURES,
      privacy: { minCohort: 50 },
      validation: { split: 'hash' },
    });
  });
  afterAll(() => fx.close());
  afterEach(() => {
    // biome-ignore lint/suspicious/noExplicitAny: looking for pollution on a plain object
    const probe = {} as any;
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  });

  /** The good spec as JSON text, with `"key":value` written first into the object at `at`. */
  const injected = (
    at: 'top' | 'model' | 'privacy' | 'labels' | 'validation',
    key: string,
    value: string,
  ) => {
    const text = JSON.stringify(spec());
    const member = `${JSON.stringify(key)}:${value}`;
    if (at === 'top') return `{${member},${text.slice(1)}`;
    return text.replace(`"${at}":{`, `"${at}":{${member},`);
  };
  /** The good spec as bytes, with `bytes` spliced into the job's name. */
  const withNameBytes = (bytes: number[]) => {
    const [head, tail] = JSON.stringify({ ...spec(), name: 'pd-@@' }).split('@@') as [string, string];
    return Uint8Array.from([...Buffer.from(head), ...bytes, ...Buffer.from(tail)]);
  };
  const send = async (
    body: string | Uint8Array<ArrayBuffer>,
    headers: Record<string, string> = JSON_TYPE,
  ) => {
    const res = await fx.app.request('/v1/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.keys.scientistA}`, ...headers },
      body,
    });
    return { status: res.status, body: await res.json() };
  };

  const pollution: Case[] = [
    ['__proto__', '{"polluted":"yes","isAdmin":true}'],
    ['constructor', '{"prototype":{"polluted":"yes"}}'],
    ['prototype', '{"polluted":"yes"}'],
  ].flatMap(([key, value]) =>
    (['top', 'model', 'privacy', 'labels'] as const).map((at) => ({
      attack: `a ${key} key ${at === 'top' ? 'at the top level' : `inside ${at}`}`,
      control: 'strict JobSpec objects refuse unknown keys',
      body: () => injected(at, key!, value!),
      status: 400,
      code: 'invalid_request',
      field: at === 'top' ? key : `${at}.${key}`,
    })),
  );

  const numbers: Case[] = [
    ['model', 'l2', '1e999'],
    ['model', 'maxRounds', '-1e999'],
    ['privacy', 'minClassCohort', '1e999'],
    ['validation', 'holdoutFraction', '-1e999'],
  ].map(([at, key, literal]) => ({
    attack: `${at}.${key} = ${literal} (parses to ${literal!.startsWith('-') ? '-' : ''}Infinity)`,
    control: 'numbers must be finite',
    body: () => injected(at as 'model', key!, literal!),
    status: 400,
    code: 'invalid_request',
    field: `${at}.${key}`,
  }));
  const notJson: Case[] = [
    ['model', 'l2', 'NaN'],
    ['model', 'l2', 'Infinity'],
    ['model', 'tolerance', '-Infinity'],
  ].map(([at, key, literal]) => ({
    attack: `${at}.${key} = literal ${literal}`,
    control: 'only RFC 8259 JSON is parsed',
    body: () => injected(at as 'model', key!, literal!),
    status: 400,
    code: 'invalid_request',
    field: 'body',
  }));

  const sizes: Case[] = [
    {
      attack: 'a 10 MB name, streamed without content-length',
      control: 'the 4 MiB body limit on /v1/jobs',
      body: () => JSON.stringify({ ...spec(), name: 'x'.repeat(10 * MiB) }),
      status: 413,
      code: 'payload_too_large',
      field: 'body',
      anonymous: true,
    },
    {
      attack: 'a 10 MB purpose, announced by content-length',
      control: 'the 4 MiB body limit on /v1/jobs',
      body: () => JSON.stringify({ ...spec(), purpose: 'x'.repeat(10 * MiB) }),
      headers: { ...JSON_TYPE, 'content-length': String(10 * MiB + 300) },
      status: 413,
      code: 'payload_too_large',
      field: 'body',
      anonymous: true,
    },
    ...(['name', 'purpose'] as const).map((key) => ({
      attack: `a 300 KB ${key}`,
      control: `the schema's length cap on ${key}`,
      body: () => JSON.stringify({ ...spec(), [key]: 'x'.repeat(300 * 1024) }),
      status: 400,
      code: 'invalid_request',
      field: key,
    })),
  ];

  const nesting: Case[] = [
    {
      attack: `${DEEP.toLocaleString('en')} nested arrays as the whole body`,
      control: 'JSON is parsed without recursion; the body must be an object',
      body: () => `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
      status: 400,
      code: 'invalid_request',
      field: undefined,
    },
    {
      attack: `${DEEP.toLocaleString('en')} nested arrays as the name`,
      control: 'the schema stops at the first level',
      body: () => JSON.stringify(spec()).replace('"pd"', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`),
      status: 400,
      code: 'invalid_request',
      field: 'name',
    },
    {
      attack: `${DEEP.toLocaleString('en')} nested objects as model.l2`,
      control: 'the schema stops at the first level',
      body: () => injected('model', 'l2', `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`),
      status: 400,
      code: 'invalid_request',
      field: 'model.l2',
    },
    {
      attack: `${DEEP.toLocaleString('en')} unclosed brackets`,
      control: 'malformed JSON is a 400',
      body: () => '['.repeat(DEEP),
      status: 400,
      code: 'invalid_request',
      field: 'body',
    },
  ];

  const encodings: Case[] = [
    ...['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'].map((type) => ({
      attack: `the spec sent as ${type}`,
      control: 'JSON bodies need content-type application/json',
      body: () => JSON.stringify(spec()),
      headers: { 'content-type': type },
      status: 400,
      code: 'invalid_request',
      field: 'content-type',
    })),
    {
      attack: 'the spec sent without a content type',
      control: 'JSON bodies need content-type application/json',
      body: () => JSON.stringify(spec()),
      headers: {},
      status: 400,
      code: 'invalid_request',
      field: 'content-type',
    },
    {
      attack: 'the spec declared as charset=iso-8859-1',
      control: 'JSON on the wire is UTF-8',
      body: () => JSON.stringify(spec()),
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
      status: 400,
      code: 'invalid_request',
      field: 'content-type',
    },
    ...(
      [
        ['bytes FF FE', [0xff, 0xfe]],
        ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
        ['a UTF-8-encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
        ['a truncated sequence (E4 B8)', [0xe4, 0xb8]],
      ] as const
    ).map(([what, bytes]) => ({
      attack: `${what} inside the name`,
      control: 'strict UTF-8 decoding (no silent U+FFFD)',
      body: () => withNameBytes([...bytes]),
      status: 400,
      code: 'invalid_request',
      field: 'body',
    })),
  ];

  for (const c of [...pollution, ...numbers, ...notJson, ...sizes, ...nesting, ...encodings]) {
    const answer = `${c.status} ${c.code}${c.field ? ` naming ${c.field}` : ''}`;
    it(`attack: ${c.attack} — control: ${c.control} → ${answer}`, async () => {
      const before = (await fx.ctx.jobs.list(null)).length;
      const res = await send(c.body(), c.headers);
      expect(res.status).toBe(c.status);
      expect(res.body.error.code).toBe(c.code);
      expect(res.body.error.field).toBe(c.field);
      expect((await fx.ctx.jobs.list(null)).length).toBe(before);

      const refused = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'request.refused')).at(-1)!;
      expect(refused).toMatchObject({
        subject: 'POST /v1/jobs',
        tenant: c.anonymous ? '-' : 'bank-a',
        details: { status: c.status, code: c.code, ...(c.field ? { field: c.field } : {}) },
      });
      expect(refused.actor).toMatch(c.anonymous ? /^anonymous$/ : /^bank-scientist:bank-a:/);
      expect(refused.raw.length).toBeLessThan(400); // the entry never carries the body
      expect(refused.raw).not.toContain(fx.keys.scientistA);
    });
  }

  it('control: after every attack the API still answers and a good spec still goes through', async () => {
    expect((await fx.app.request('/healthz')).status).toBe(200);
    const before = (await fx.ctx.jobs.list(null)).length;
    const res = await send(JSON.stringify(spec()), { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(201);
    expect((await fx.ctx.jobs.list(null)).length).toBe(before + 1);
  });

  it('attack: a forged API key — control: 401, audited as request.unauthenticated without key material', async () => {
    const forged = `jml_${'A'.repeat(43)}`;
    const res = await fx.call('POST', '/v1/jobs', forged, spec());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    const entry = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'request.unauthenticated')).at(-1)!;
    expect(entry).toMatchObject({
      actor: 'anonymous',
      tenant: '-',
      subject: 'POST /v1/jobs',
      details: { status: 401, code: 'unauthenticated' },
    });
    expect(entry.raw).not.toContain(forged);
    expect(entry.raw).not.toContain('Bearer');
  });

  it('attack: a refusal while the audit log is failing — control: the caller still gets its 400, never a 500', async () => {
    const append = vi.spyOn(fx.ctx.audit, 'append').mockRejectedValueOnce(new Error('audit store down'));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await send(injected('top', '__proto__', '{"polluted":"yes"}'));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', field: '__proto__' });
      expect(append).toHaveBeenCalledTimes(1);
      expect(logged).toHaveBeenCalledWith('lab api: could not audit a refused request', 'audit store down');
    } finally {
      append.mockRestore();
      logged.mockRestore();
    }
  });
});

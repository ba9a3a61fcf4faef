// Tampering with the audit chain on real Redis: an edit, a deletion, an insertion, a cut tail, a rewrite.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../lab/infra/audit-log.ts';
import { connectRedis, type LabKeys, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { dropPrefix } from '../scripts/lib/redis.ts';
import { apiFixture } from './helpers/api-fixture.ts';
import { TEST_REDIS_URL, testPrefix } from './helpers/redis.ts';

interface Stored {
  id: string;
  prev: string;
  hash: string;
  event: string;
}

/** The link formula, as anyone who reads the code (an attacker included) can compute it. */
const link = (prev: string, event: string) =>
  createHash('sha256').update(prev).update('\n').update(event).digest('hex');

async function readAll(redis: Redis, keys: LabKeys): Promise<Stored[]> {
  const rows = (await redis.xrange(keys.audit, '-', '+')) as [string, string[]][];
  return rows.map(([id, f]) => ({
    id,
    prev: f[f.indexOf('prev') + 1]!,
    hash: f[f.indexOf('hash') + 1]!,
    event: f[f.indexOf('event') + 1]!,
  }));
}

/** Writes the stream again, entry by entry with the given ids: Redis cannot edit an entry in place. */
async function rebuild(redis: Redis, keys: LabKeys, entries: Stored[]): Promise<void> {
  await redis.del(keys.audit);
  for (const e of entries)
    await redis.xadd(keys.audit, e.id, 'prev', e.prev, 'hash', e.hash, 'event', e.event);
}

const opened: { redis: Redis; audit: AuditLog; prefix: string }[] = [];
afterEach(async () => {
  for (const { redis, audit, prefix } of opened.splice(0)) {
    await audit.close();
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  }
});

/** A fresh log with `n` entries, each in its own millisecond (so an id fits between any two). */
async function chain(n: number) {
  const prefix = testPrefix('audit-tamper');
  const redis = connectRedis(TEST_REDIS_URL);
  const keys = labKeys(prefix);
  const audit = new AuditLog(redis, keys);
  opened.push({ redis, audit, prefix });
  for (let i = 1; i <= n; i++) {
    await audit.append({
      kind: 'job.read',
      actor: 'operator:platform:op1',
      tenant: 'bank-a',
      subject: `job_${i}`,
    });
    await new Promise((r) => setTimeout(r, 2));
  }
  const entries = await readAll(redis, keys);
  expect(entries).toHaveLength(n);
  return { redis, keys, audit, entries };
}

describe('audit chain verification', () => {
  it('an untouched chain verifies, with its count and head', async () => {
    const { audit, entries } = await chain(20);
    expect(await audit.verify()).toEqual({
      ok: true,
      entries: 20,
      head: { id: entries[19]!.id, hash: entries[19]!.hash },
    });
  });

  it('an entry edited in place is reported at that entry (hash_mismatch)', async () => {
    const { redis, keys, audit, entries } = await chain(20);
    const seventh = entries[6]!;
    const edited = seventh.event.replace('"job_7"', '"job_7x"');
    expect(edited).not.toBe(seventh.event);
    await rebuild(
      redis,
      keys,
      entries.map((e) => (e === seventh ? { ...e, event: edited } : e)),
    );
    expect(await audit.verify()).toEqual({
      ok: false,
      entries: 6,
      brokenAt: seventh.id,
      reason: 'hash_mismatch',
      after: entries[5]!.id,
      expected: link(entries[5]!.hash, edited),
      found: seventh.hash,
    });
  });

  it('a deleted entry is reported at the entry after the gap (prev_mismatch)', async () => {
    const { redis, keys, audit, entries } = await chain(20);
    expect(await redis.xdel(keys.audit, entries[6]!.id)).toBe(1);
    expect(await audit.verify()).toEqual({
      ok: false,
      entries: 6,
      brokenAt: entries[7]!.id,
      reason: 'prev_mismatch',
      after: entries[5]!.id,
      expected: entries[5]!.hash,
      // #8 still names the hash of the entry that is gone.
      found: entries[6]!.hash,
    });
  });

  it('a forged entry inserted with a valid hash is reported at the entry after it (prev_mismatch)', async () => {
    const { redis, keys, audit, entries } = await chain(20);
    const [ms, seq] = entries[6]!.id.split('-');
    const forgedId = `${ms}-${Number(seq) + 1}`;
    const event = JSON.stringify({
      kind: 'job.approved',
      actor: 'operator:platform:op1',
      tenant: 'bank-a',
      subject: 'job_7',
      at: new Date().toISOString(),
    });
    const forged = { id: forgedId, prev: entries[6]!.hash, hash: link(entries[6]!.hash, event), event };
    await rebuild(redis, keys, [...entries.slice(0, 7), forged, ...entries.slice(7)]);
    expect((await readAll(redis, keys)).map((e) => e.id)[7]).toBe(forgedId);
    // The forgery's own link holds, so it counts among the 8 good entries; the first link that
    // fails is #8's, whose prev still names #7 — which is what shows the splice between them.
    expect(await audit.verify()).toEqual({
      ok: false,
      entries: 8,
      brokenAt: entries[7]!.id,
      reason: 'prev_mismatch',
      after: forgedId,
      expected: forged.hash,
      found: entries[6]!.hash,
    });
  });

  it('a deleted last entry is reported at the head (head_mismatch)', async () => {
    const { redis, keys, audit, entries } = await chain(20);
    expect(await redis.xdel(keys.audit, entries[19]!.id)).toBe(1);
    expect(await audit.verify()).toEqual({
      ok: false,
      entries: 19,
      brokenAt: 'head',
      reason: 'head_mismatch',
      after: entries[18]!.id,
      expected: entries[18]!.hash,
      found: entries[19]!.hash,
    });
  });

  it('a rewrite of the chain and its head passes, except against an anchor recorded before it', async () => {
    const { redis, keys, audit, entries } = await chain(20);
    const anchor = { id: entries[9]!.id, hash: entries[9]!.hash };
    // The attacker edits #7 and recomputes every link from there on, then the head key.
    let prev = entries[5]!.hash;
    const rewritten = entries.map((e, i) => {
      if (i < 6) return e;
      const event = i === 6 ? e.event.replace('"job_7"', '"job_7x"') : e.event;
      const hash = link(prev, event);
      const out = { ...e, prev, event, hash };
      prev = hash;
      return out;
    });
    await rebuild(redis, keys, rewritten);
    await redis.set(`${keys.audit}:head`, prev);
    expect(await audit.verify()).toEqual({
      ok: true,
      entries: 20,
      head: { id: entries[19]!.id, hash: prev },
    });
    expect(await audit.verify({ anchor })).toEqual({
      ok: false,
      entries: 9,
      brokenAt: anchor.id,
      reason: 'anchor_mismatch',
      after: entries[8]!.id,
      expected: anchor.hash,
      found: rewritten[9]!.hash,
    });
    // An anchor only covers what came before it: the rewrite began before #10, so #6's anchor holds.
    expect((await audit.verify({ anchor: { id: entries[5]!.id, hash: entries[5]!.hash } })).ok).toBe(true);
  });

  it('an anchored entry that is gone is reported with found null', async () => {
    const { redis, keys, audit, entries } = await chain(5);
    await redis.xdel(keys.audit, entries[4]!.id);
    await redis.set(`${keys.audit}:head`, entries[3]!.hash);
    expect(await audit.verify({ anchor: { id: entries[4]!.id, hash: entries[4]!.hash } })).toEqual({
      ok: false,
      entries: 4,
      brokenAt: entries[4]!.id,
      reason: 'anchor_mismatch',
      after: entries[3]!.id,
      expected: entries[4]!.hash,
      found: null,
    });
  });

  it('verifying while two writers append never reports a false break', async () => {
    const { redis, keys, audit } = await chain(3);
    const other = new AuditLog(redis, keys);
    const event = (i: number) => ({ kind: 'catalog.read', actor: 'a', tenant: 'bank-b', subject: `${i}` });
    const writes = Promise.all(
      Array.from({ length: 150 }, (_, i) => (i % 2 ? audit : other).append(event(i))),
    );
    const checks = [];
    for (let i = 0; i < 15; i++) checks.push(await audit.verify());
    await writes;
    await other.close();
    expect(checks.filter((v) => !v.ok)).toEqual([]);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 153 });
  });

  it('group commit: 2,000 appends from two writers at once are all stored, each resolving with its own entry, chained in each writer’s order', async () => {
    const { redis, keys, audit } = await chain(1);
    const other = new AuditLog(redis, keys);
    const event = (w: string, i: number) => ({
      kind: 'model.scored',
      actor: w,
      tenant: 'bank-a',
      subject: `${i}`,
    });
    const ids = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        i % 2 ? audit.append(event('a', i)) : other.append(event('b', i)),
      ),
    );
    await other.close();
    const stored = await readAll(redis, keys);
    expect(stored).toHaveLength(2001);
    expect(new Set(ids).size).toBe(2000);
    // Each append resolved with the id of the entry holding its own event.
    const byId = new Map(
      stored.map((e) => [e.id, JSON.parse(e.event) as { actor: string; subject: string }]),
    );
    for (const [i, id] of ids.entries())
      expect(byId.get(id)).toMatchObject({ actor: i % 2 ? 'a' : 'b', subject: `${i}` });
    for (const w of ['a', 'b']) {
      const subjects = stored
        .map((e) => JSON.parse(e.event))
        .filter((e) => e.actor === w)
        .map((e) => Number(e.subject));
      expect(subjects).toEqual([...subjects].sort((x, y) => x - y));
    }
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 2001 });
  });
});

describe('GET /v1/audit/verify over HTTP', () => {
  it('names the entry after a deleted one, for operators and auditors only, and is audited', async () => {
    const fx = await apiFixture('audit-verify-http');
    const server = serve({ fetch: fx.app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((r) => server.once('listening', () => r()));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/audit/verify`;
      const get = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
      const auditor = (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'auditor', tenant: 'platform' }))
        .key;
      for (let i = 0; i < 20; i++)
        await fx.ctx.audit.append({ kind: 'job.read', actor: 'x', tenant: 'bank-a', subject: `job_${i}` });
      const before = await readAll(fx.ctx.redis, fx.ctx.keys);
      const ok = await get(auditor);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        ok: true,
        entries: before.length,
        head: { id: before.at(-1)!.id, hash: before.at(-1)!.hash },
      });

      const all = await readAll(fx.ctx.redis, fx.ctx.keys);
      await fx.ctx.redis.xdel(fx.ctx.keys.audit, all[6]!.id);
      const res = await get(fx.keys.operator);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        ok: false,
        entries: 6,
        brokenAt: all[7]!.id,
        reason: 'prev_mismatch',
        after: all[5]!.id,
        expected: all[5]!.hash,
        found: all[6]!.hash,
      });
      const last = (await readAll(fx.ctx.redis, fx.ctx.keys)).at(-1)!;
      expect(JSON.parse(last.event)).toMatchObject({
        kind: 'audit.verified',
        tenant: 'platform',
        details: { ok: false, brokenAt: all[7]!.id, reason: 'prev_mismatch' },
      });

      const bank = await get(fx.keys.scientistA);
      expect(bank.status).toBe(403);
      expect((await bank.json()).error.code).toBe('forbidden');
      const bad = await fetch(`${url}?anchorId=1-0`, { headers: { authorization: `Bearer ${auditor}` } });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.field).toBe('anchorHash');
    } finally {
      await new Promise((r) => server.close(r));
      await fx.close();
    }
  });
});

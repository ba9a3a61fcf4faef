// Red team: a bank's risk system scores enterprises that have not (or no longer) consented.
// Control: the authorisation registry, read on every score request (no cache), per entity; refusals
// look the same whether or not the platform holds the enterprise, and every outcome is audited.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../../client-sdk/client.ts';
import type { AuthorizationGrant, ScoreResult } from '../../client-sdk/contract/resources.ts';
import { generateUscc, isValidUscc } from '../../client-sdk/contract/uscc.ts';
import { connectRedis } from '../../lab/infra/redis.ts';
import { readAuthorizations } from '../../scripts/lib/world-files.ts';
import { auditEntries } from '../helpers/audit-entries.ts';
import { type BankSession, bankSession } from '../helpers/bank-session.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { refusalOf } from '../helpers/refusal.ts';
import { type StackFixture, stackFixture } from '../helpers/stack-fixture.ts';

const DAY_MS = 24 * 3600_000;

/** Every valid enterprise id in the world's domain files (a test may read them; the lab never does). */
async function heldEntities(fx: StackFixture): Promise<Set<string>> {
  const held = new Set<string>();
  for (const d of fx.world.domains) {
    for (const ds of d.datasets) {
      const text = await readFile(path.join(fx.worldDir, 'domains', d.id, 'data', `${ds}.csv`), 'utf8');
      for (const line of text.split('\n').slice(1)) {
        const id = line.slice(0, line.indexOf(','));
        if (isValidUscc(id)) held.add(id);
      }
    }
  }
  return held;
}

describe('red team: scoring without consent', () => {
  let fx: StackFixture;
  let s: BankSession;
  let risk: LabClient;
  let redis: Redis;
  let modelId: string;
  let grants: AuthorizationGrant[];
  /** An enterprise with a valid scoring authorisation (revoked and re-granted below). */
  let consenting: string;
  /** Enterprises the platform holds that never authorised the bank. */
  let strangers: string[];

  beforeAll(async () => {
    fx = await stackFixture('scoring-consent', { enterprises: 4000, seed: 17 });
    s = await bankSession(fx);
    risk = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.risk });
    redis = connectRedis(TEST_REDIS_URL);
    const submitted = await s.scientist.jobs.submit({
      name: 'consent-probe',
      purpose: 'red team: scoring consent',
      labels: { source: 'bank', labelSetId: s.labelSetId },
      model: { kind: 'logistic' },
      features: fx.world.commonFeatures,
    });
    await s.approve(submitted.id, 'platform features only');
    const job = await s.scientist.jobs.wait(submitted.id, { timeoutMs: 120_000 });
    if (job.status !== 'succeeded') throw new Error(`training ended ${job.status}: ${job.error}`);
    modelId = job.modelId!;

    grants = await readAuthorizations(path.join(fx.worldDir, 'banks', fx.world.bank, 'authorizations.csv'));
    const now = Date.now();
    consenting = grants.find(
      (g) =>
        g.purposes.includes('scoring') && Date.parse(g.grantedAt) <= now && now < Date.parse(g.expiresAt),
    )!.entity;
    const granted = new Set(grants.map((g) => g.entity));
    strangers = [...(await heldEntities(fx))].filter((e) => !granted.has(e)).slice(0, 2);
    expect(strangers).toHaveLength(2);
  }, 240_000);
  afterAll(async () => {
    redis?.disconnect();
    await fx?.close();
  });

  /** Scores one entity and returns its result with the outcome the audit recorded for it. */
  const scoreOne = async (entity: string): Promise<{ result: ScoreResult; outcome: string }> => {
    const { results } = await risk.models.score(modelId, [entity]);
    const entry = (await auditEntries(redis, fx.prefix, 'model.scored')).at(-1)!;
    expect(entry.subject).toBe(modelId);
    expect(entry.tenant).toBe(fx.world.bank);
    expect(entry.details!.entities).toEqual([entity]);
    const outcome = entry.details!.refused[entity] ?? 'scored';
    return { result: results[0]!, outcome };
  };
  const grant = (entity: string, from: number, to: number) =>
    s.operator.authorizations.import([
      {
        entity,
        bank: fx.world.bank,
        purposes: ['modelling', 'scoring'],
        grantedAt: new Date(from).toISOString(),
        expiresAt: new Date(to).toISOString(),
        evidence: 'esign:red-team',
      },
    ]);

  it('baseline: scoring an enterprise with a valid scoring authorisation — control: the registry lets it through → scored', async () => {
    const { result, outcome } = await scoreOne(consenting);
    expect(result).toMatchObject({ entity: consenting, ok: true });
    expect(outcome).toBe('scored');
  });

  it('attack: scoring an enterprise that never consented — control: authorisation registry checked on every score → not_authorized', async () => {
    const { result, outcome } = await scoreOne(strangers[0]!);
    expect(result).toEqual({ entity: strangers[0], ok: false, error: 'not_authorized' });
    expect(outcome).toBe('not_authorized');
  });

  it('attack: probing whether the platform holds an enterprise — control: the refusal is the same for a held and an unknown enterprise → not_authorized, no existence leak', async () => {
    const held = strangers[0]!;
    const all = new Set([...(await heldEntities(fx)), ...grants.map((g) => g.entity)]);
    const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
    let unknown: string;
    do
      unknown = generateUscc(rand, held.slice(2, 8)); // same division code: only existence differs
    while (all.has(unknown));

    const { results } = await risk.models.score(modelId, [held, unknown]);
    const [a, b] = results;
    expect({ ...a, entity: '*' }).toEqual({ ...b, entity: '*' });
    expect(b).toEqual({ entity: unknown, ok: false, error: 'not_authorized' });
    const entry = (await auditEntries(redis, fx.prefix, 'model.scored')).at(-1)!;
    expect(entry.details).toEqual({
      entities: [held, unknown],
      refused: { [held]: 'not_authorized', [unknown]: 'not_authorized' },
    });
  });

  it('attack: scoring on a consent that expired yesterday — control: expiry checked at request time → not_authorized', async () => {
    const entity = strangers[1]!;
    const now = Date.now();
    expect((await grant(entity, now - 30 * DAY_MS, now - DAY_MS)).imported).toBe(1);
    const { result, outcome } = await scoreOne(entity);
    expect(result).toEqual({ entity, ok: false, error: 'not_authorized' });
    expect(outcome).toBe('not_authorized');
  });

  it('attack: scoring right after the enterprise revoked its consent — control: revocation honoured on the very next request → not_authorized', async () => {
    const reason = 'enterprise withdrew consent (red team)';
    const res = await s.operator.authorizations.revoke({
      bank: fx.world.bank,
      entities: [consenting, strangers[0]!],
      reason,
    });
    expect(res).toEqual({ revoked: 1 }); // the stranger had nothing to revoke
    const revocation = (await auditEntries(redis, fx.prefix, 'authorization.revoked')).at(-1)!;
    expect(revocation).toMatchObject({
      subject: fx.world.bank,
      details: { requested: 2, revoked: 1, reason, entities: [consenting, strangers[0]] },
    });
    expect(revocation.actor).toMatch(/^operator:platform:/);

    const { result, outcome } = await scoreOne(consenting);
    expect(result).toEqual({ entity: consenting, ok: false, error: 'not_authorized' });
    expect(outcome).toBe('not_authorized');
    const again = await s.operator.authorizations.revoke({
      bank: fx.world.bank,
      entities: [consenting],
      reason,
    });
    expect(again).toEqual({ revoked: 0 }); // already revoked
  });

  it('attack: a scoring key revoking consents — control: only operators revoke → 403, audited as refused', async () => {
    const err = await refusalOf(
      risk.authorizations.revoke({ bank: fx.world.bank, entities: [consenting], reason: 'x' }),
    );
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
    const refused = (await auditEntries(redis, fx.prefix, 'request.refused')).at(-1)!;
    expect(refused).toMatchObject({
      tenant: fx.world.bank,
      subject: 'POST /v1/authorizations/revoke',
      details: { status: 403, code: 'forbidden' },
    });
  });

  it('recovery: the enterprise consents again — control: the registry is read on every request, not cached → scored again', async () => {
    const now = Date.now();
    expect((await grant(consenting, now - 60_000, now + 365 * DAY_MS)).imported).toBe(1);
    const { result, outcome } = await scoreOne(consenting);
    expect(result).toMatchObject({ entity: consenting, ok: true });
    expect(outcome).toBe('scored');
  });
});

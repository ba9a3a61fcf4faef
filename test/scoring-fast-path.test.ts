// Scoring through the scoring channel on real processes: a scorecard scores with its own points
// table, every concurrent score is audited, a stalled domain gives per-entity `unavailable` within
// the timeout, and a domain whose scorer or broker restarts fails fast and then recovers.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import type { Model } from '../client-sdk/contract/resources.ts';
import { SCORE_STAGES } from '../lab/api/metrics.ts';
import { connectRedis } from '../lab/infra/redis.ts';
import type { PointsTable } from '../models/scorecard-table.ts';
import { histogramDelta, promHistogram } from '../scripts/lib/prom-text.ts';
import { readAuthorizations } from '../scripts/lib/world-files.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { bankSession } from './helpers/bank-session.ts';
import { encodeByHand, rawCells } from './helpers/raw-cells.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

/** Processes whose command line holds the domain folder followed by `role` (the sandbox's and the node's). */
async function enclavePids(domainDir: string, role: 'scorer' | 'job'): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf(domainDir);
    if (at >= 0 && args[at + 1] === role) pids.push(Number(entry));
  }
  return pids;
}

interface Shot {
  at: number;
  ms: number;
  status: number;
  retryAfter: string | null;
  outcome: string;
}

describe('scoring fast path', () => {
  let fx: StackFixture;
  let risk: LabClient;
  let model: Model;
  let table: PointsTable;
  /** Authorised enterprises by domain id. */
  const byDomain = new Map<string, string[]>();
  const domainDir = (id: string) => path.join(fx.worldDir, 'domains', id);

  const shoot = async (entities: string[]): Promise<Shot & { body: { results?: { ok: boolean }[] } }> => {
    const at = performance.now();
    const res = await fetch(`${fx.stack.url}/v1/models/${model.id}/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.keys.risk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entities }),
    });
    const body = (await res.json()) as { results?: { ok: boolean; error?: string }[] };
    const outcome = res.ok
      ? body.results!.map((r) => (r.ok ? 'ok' : r.error)).join(',')
      : `http ${res.status}`;
    return {
      at,
      ms: performance.now() - at,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      outcome,
      body,
    };
  };

  const metrics = async () => {
    const res = await fetch(`${fx.stack.url}/metrics`, {
      headers: { authorization: `Bearer ${fx.keys.operator}` },
    });
    expect(res.status).toBe(200);
    return res.text();
  };
  /** What `lab_score_stage_seconds` counted for `stage` between two scrapes, by bucket bound. */
  const stageCounted = (before: string, after: string, stage: string) => {
    const name = 'lab_score_stage_seconds';
    const d = histogramDelta(promHistogram(before, name, { stage }), promHistogram(after, name, { stage }));
    return new Map(d.bounds.map((b, i) => [b, d.counts[i]!]));
  };

  beforeAll(async () => {
    fx = await stackFixture('scoring-fast', { enterprises: 6000, seed: 21 });
    const s = await bankSession(fx);
    risk = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.risk });
    const submitted = await s.scientist.jobs.submit({
      name: 'fast-scorecard',
      purpose: 'scoring fast path test',
      labels: { source: 'bank', labelSetId: s.labelSetId },
      model: { kind: 'scorecard', bins: 4, pdo: 40, baseScore: 500, baseOdds: 20 },
      features: fx.world.commonFeatures,
    });
    await s.approve(submitted.id, 'platform features only');
    const job = await s.scientist.jobs.wait(submitted.id, { timeoutMs: 180_000 });
    if (job.status !== 'succeeded') throw new Error(`training ended ${job.status}: ${job.error}`);
    model = await s.scientist.models.get(job.modelId!);
    table = (await s.scientist.models.pointsTable(model.id)) as PointsTable;
    const now = Date.now();
    const grants = await readAuthorizations(
      path.join(fx.worldDir, 'banks', fx.world.bank, 'authorizations.csv'),
    );
    for (const g of grants) {
      if (!g.purposes.includes('scoring') || Date.parse(g.grantedAt) > now || now >= Date.parse(g.expiresAt))
        continue;
      const d = fx.world.domains.find((x) => x.regions.some((r) => g.entity.slice(2, 4) === r.slice(0, 2)));
      if (d) byDomain.set(d.id, [...(byDomain.get(d.id) ?? []), g.entity]);
    }
  }, 300_000);
  afterAll(() => fx?.close());

  it('a scorecard scores with its own points table: score = Σ the bins’ points and P(bad) from the WoE regression, to 1e-9', async () => {
    const entities = [...byDomain.values()].flatMap((ids) => ids.slice(0, 15));
    const res = await risk.models.score(model.id, entities);
    let missingSeen = 0;
    for (const r of res.results) {
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const cells = await rawCells(fx, r.entity, model.features);
      const x = encodeByHand(
        model.inputs,
        cells,
        {},
        model.inputs.map(() => Number.NaN),
      );
      let points = 0;
      let eta = table.intercept;
      for (const f of table.features) {
        const v = x[model.inputs.indexOf(f.name)]!;
        if (Number.isNaN(v)) missingSeen++;
        const bin = Number.isNaN(v)
          ? f.bins.find((b) => b.missing)!
          : f.bins.find(
              (b) => b.bin !== 'missing' && (b.lower ?? -Infinity) <= v && v < (b.upper ?? Infinity),
            )!;
        points += bin.points;
        eta += f.coefficient * bin.woe;
      }
      expect(Math.abs(r.score - points)).toBeLessThan(1e-9);
      expect(r.modelVersion).toBe(model.version);
      expect(Math.abs(r.probability - 1 / (1 + Math.exp(-eta)))).toBeLessThan(1e-9);
      // Reason codes are the table's features, by name.
      for (const reason of r.reasons) expect(table.features.map((f) => f.name)).toContain(reason);
    }
    expect(res.results.length).toBe(entities.length);
    expect(res).toMatchObject({ modelId: model.id, modelVersion: model.version });
    expect(missingSeen).toBeGreaterThan(0);
  });

  it('every one of 300 concurrent single-entity scores is answered and audited, and the chain holds', async () => {
    const redis = connectRedis(TEST_REDIS_URL);
    try {
      const before = (await auditEntries(redis, fx.prefix, 'model.scored')).length;
      const metricsBefore = await metrics();
      const pool = [...byDomain.values()].flat();
      const shots = await Promise.all(Array.from({ length: 300 }, (_, i) => shoot([pool[i % pool.length]!])));
      expect(shots.map((s) => s.outcome)).toEqual(shots.map(() => 'ok'));
      // Each request timed each of its stages once.
      const metricsAfter = await metrics();
      for (const stage of SCORE_STAGES)
        expect(stageCounted(metricsBefore, metricsAfter, stage).get(Number.POSITIVE_INFINITY)).toBe(300);
      const scored = (await auditEntries(redis, fx.prefix, 'model.scored')).slice(before);
      expect(scored).toHaveLength(300);
      const audited = scored.map((e) => e.details!.entities[0]).sort();
      expect(scored.every((e) => Object.keys(e.details!.refused).length === 0)).toBe(true);
      expect(audited).toEqual(Array.from({ length: 300 }, (_, i) => pool[i % pool.length]!).sort());
      const verify = await fetch(`${fx.stack.url}/v1/audit/verify`, {
        headers: { authorization: `Bearer ${fx.keys.operator}` },
      });
      expect(await verify.json()).toMatchObject({ ok: true });
    } finally {
      redis.disconnect();
    }
  });

  it('a stalled domain: its entities come back unavailable within the timeout, the others are scored, and the audit says which were not; then it catches up', async () => {
    const [stalled, healthy] = [...byDomain.keys()] as [string, string];
    const pids = await enclavePids(domainDir(stalled), 'scorer');
    expect(pids.length).toBeGreaterThan(0);
    const redis = connectRedis(TEST_REDIS_URL);
    const asked = [byDomain.get(healthy)![0]!, byDomain.get(stalled)![0]!];
    try {
      const before = (await auditEntries(redis, fx.prefix, 'model.score_unavailable')).length;
      const metricsBefore = await metrics();
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      let shot: Awaited<ReturnType<typeof shoot>>;
      try {
        shot = await shoot(asked);
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
      expect(shot.status).toBe(200);
      expect(shot.outcome).toBe('ok,unavailable');
      // The lab's scoring timeout is 3 s: the request never hangs past it.
      expect(shot.ms).toBeLessThan(4500);
      // The metrics say where it waited: on the domains (the 3 s timeout, so above 1 s), not the audit.
      const metricsAfter = await metrics();
      const domains = stageCounted(metricsBefore, metricsAfter, 'domains');
      expect([domains.get(1), domains.get(5)]).toEqual([0, 1]);
      const audit = stageCounted(metricsBefore, metricsAfter, 'audit');
      expect([audit.get(1), audit.get(Number.POSITIVE_INFINITY)]).toEqual([1, 1]);
      // The request's entry names both; the follow-up names the one its domain did not answer.
      const scored = (await auditEntries(redis, fx.prefix, 'model.scored')).at(-1)!;
      expect(scored.details).toEqual({ entities: asked, refused: {} });
      const unanswered = (await auditEntries(redis, fx.prefix, 'model.score_unavailable')).slice(before);
      expect(unanswered.map((e) => [e.subject, e.details])).toEqual([
        [scored.subject, { entities: [asked[1]] }],
      ]);
      expect((await shoot([byDomain.get(stalled)![0]!])).outcome).toBe('ok');
    } finally {
      redis.disconnect();
    }
  });

  it('restarting a domain’s scorer, then its broker: in-flight requests fail fast (503 + Retry-After or unavailable), then scoring recovers without a lab restart', async () => {
    const victim = [...byDomain.keys()][1]!;
    const entity = byDomain.get(victim)![0]!;
    const apiPid = fx.stack.processes.get('api')!.pid;
    const shots: Shot[] = [];
    let firing = true;
    const firer = (async () => {
      while (firing) {
        shots.push(await shoot([entity]));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const waitFor = async (what: string, ok: () => boolean, ms: number) => {
      const until = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const okAfter = (t: number) => () => shots.some((s) => s.at > t && s.outcome === 'ok');
    try {
      await waitFor('a first score', okAfter(0), 10_000);

      // 1. The scorer enclave dies (the broker lives): the broker starts another at once.
      const scorers = await enclavePids(domainDir(victim), 'scorer');
      const killedAt = performance.now();
      for (const pid of scorers) process.kill(pid, 'SIGKILL');
      await waitFor('recovery after the scorer restart', okAfter(killedAt + 1), 30_000);
      const outage1 = shots.filter((s) => s.at >= killedAt && s.outcome !== 'ok');
      const replacement = await enclavePids(domainDir(victim), 'scorer');
      expect(replacement.length).toBeGreaterThan(0);
      expect(replacement.some((p) => scorers.includes(p))).toBe(false);

      // 2. The whole broker dies; a new one starts.
      const brokerDied = performance.now();
      await fx.stack.kill(`broker:${victim}`);
      await waitFor(
        'a refusal while the domain is down',
        () => shots.some((s) => s.at > brokerDied && s.outcome !== 'ok'),
        10_000,
      );
      await fx.stack.startBroker(domainDir(victim), `broker:${victim}-2`);
      await waitFor('recovery after the broker restart', okAfter(performance.now()), 60_000);
      const outage2 = shots.filter((s) => s.at >= brokerDied && s.outcome !== 'ok');

      for (const s of [...outage1, ...outage2]) {
        // Fail fast: an answer within the lab's 3 s scoring timeout (plus HTTP), never a hang.
        expect(s.ms).toBeLessThan(4500);
        expect(['http 503', 'unavailable']).toContain(s.outcome);
        if (s.status === 503) expect(Number(s.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      expect(outage1.length + outage2.length).toBeGreaterThan(0);
      expect(outage2.length).toBeGreaterThan(0);
      // Once the domain's scorer is known to be gone, refusals are immediate, not timeouts.
      expect(outage2.some((s) => s.ms < 500)).toBe(true);
    } finally {
      firing = false;
      await firer;
    }
    // The same lab API process served throughout.
    expect(fx.stack.processes.get('api')!.pid).toBe(apiPid);
    expect(fx.stack.processes.get('api')!.exitCode).toBeNull();
    expect(shots.at(-1)!.outcome).toBe('ok');
  }, 180_000);
});

// The whole lab on real processes: a bank trains across three domains and a risk system scores.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { runScenario, type ScenarioResult } from '../scripts/lib/scenario.ts';
import { readAuthorizations, readLabels } from '../scripts/lib/world-files.ts';
import { encodeByHand, rawCells } from './helpers/raw-cells.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

describe('end to end', () => {
  let fx: StackFixture;
  let result: ScenarioResult;
  beforeAll(async () => {
    fx = await stackFixture('e2e', { enterprises: 12_000, seed: 7 });
    result = await runScenario(fx.stack.url, fx.keys, fx.worldDir, fx.world, { scoreCount: 40 });
  }, 180_000);
  afterAll(() => fx?.close());

  it('trains a joint model across three domains with a useful holdout AUC', () => {
    const { job, model } = result;
    expect(job.status).toBe('succeeded');
    expect(model.domains).toEqual(['d-bj', 'd-gd', 'd-sh']);
    expect(model.metrics.auc).toBeGreaterThanOrEqual(0.7);
    expect(model.metrics.ks).toBeGreaterThan(0.25);
    expect(model.metrics.sample).toBe('holdout');
    // The joint model (platform + bank features) beats what the bank could build alone.
    expect(model.bankFeatures.length).toBeGreaterThan(0);
    expect(result.bankOnly.features).toEqual([]);
    expect(model.metrics.auc).toBeGreaterThanOrEqual(result.bankOnly.metrics.auc + 0.05);
    expect(model.backend).toBe('wasm');
    expect((model.parameters as { weights: number[] }).weights).toHaveLength(model.inputs.length);
    expect(model.inputs.length).toBeGreaterThan(model.features.length);
    expect(job.progress[0]!.phase).toBe('stats');
    expect(job.progress.length).toBeGreaterThanOrEqual(3);
    expect(job.progress.length).toBeLessThanOrEqual(26);
  });

  it('registers version 1 with its lineage: approvals and the SHA-256 of every dataset file of every domain', async () => {
    const { job, model } = result;
    expect(model.name).toBe('sme-default-12m');
    expect(model.version).toBe(1);
    expect(model.lineage.approvals[0]!.by).toBe(job.decisions[0]!.by);
    expect(model.lineage.approvals[0]!.by).toMatch(/^operator:platform:/);
    expect(Object.keys(model.lineage.datasets).sort()).toEqual(model.domains);
    const operator = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.operator });
    for (const domain of model.domains) {
      const dir = path.join(fx.worldDir, 'domains', domain);
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
        datasets: { name: string; file: string }[];
      };
      const files = await Promise.all(
        manifest.datasets.map(async (ds) => {
          const bytes = await readFile(path.resolve(dir, ds.file));
          return { dataset: ds.name, sha256: createHash('sha256').update(bytes).digest('hex') };
        }),
      );
      const fingerprints = model.lineage.datasets[domain]!;
      expect(fingerprints.map(({ dataset, sha256 }) => ({ dataset, sha256 }))).toEqual(files);
      // The broker's row count agrees with the enclave's data-quality report, file by file.
      const quality = await operator.domains.quality(domain);
      expect(fingerprints.map((fp) => fp.rows)).toEqual(quality.datasets.map((d) => d.rows));
      for (const fp of fingerprints) {
        expect(fp.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(fp.rows).toBeGreaterThan(0);
      }
    }
  });

  it('drops label rows without a modelling authorisation and counts them', async () => {
    const grants = await readAuthorizations(
      path.join(fx.worldDir, 'banks', fx.world.bank, 'authorizations.csv'),
    );
    const labels = await readLabels(path.join(fx.worldDir, 'banks', fx.world.bank, 'labels.csv'));
    const now = Date.now();
    const valid = new Set(
      grants
        .filter((g) => Date.parse(g.expiresAt) > now && g.purposes.includes('modelling'))
        .map((g) => g.entity),
    );
    const report = result.job.trainingReport!;
    expect(report.labelRows).toBe(labels.length);
    expect(report.droppedUnauthorised).toBe(labels.filter((l) => !valid.has(l.entity)).length);
    expect(report.droppedUnauthorised).toBeGreaterThan(0);
    expect(report.usedRows).toBe(Object.values(report.rowsByDomain).reduce((a, b) => a + b, 0));
  });

  it('scores equal the released model applied to the same features', async () => {
    const { model, scored } = result;
    const { intercept, weights, means } = model.parameters as {
      intercept: number;
      weights: number[];
      means: number[];
    };
    const labels = new Map(
      (await readLabels(path.join(fx.worldDir, 'banks', fx.world.bank, 'labels.csv'))).map((r) => [
        r.entity,
        r.features,
      ]),
    );
    let checked = 0;
    let imputed = 0;
    for (const r of scored.results) {
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const cells = await rawCells(fx, r.entity, model.features);
      if ([...cells.values()].some((c) => c === '')) imputed++;
      const x = encodeByHand(model.inputs, cells, labels.get(r.entity)!, means);
      const z = intercept + x.reduce((s, v, j) => s + v * weights[j]!, 0);
      expect(Math.abs(r.probability - 1 / (1 + Math.exp(-z)))).toBeLessThan(1e-9);
      checked++;
    }
    expect(checked).toBe(scored.results.length);
    expect(imputed).toBeGreaterThan(0);
  });

  it('refuses unauthorised and invalid entities per entity, without failing the batch', async () => {
    const risk = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.risk });
    const stranger = generateUscc(() => 0.42, '110105');
    const known = result.entities[0]!;
    const inputs = Object.fromEntries(result.model.bankFeatures.map((f) => [f, 1]));
    const res = await risk.models.score(
      result.model.id,
      [known, stranger, 'not-a-code', result.entities[1]!],
      {
        [known]: inputs,
        [stranger]: inputs,
      },
    );
    // The last entity is authorised but its bank-side inputs are missing: refused, never imputed.
    expect(res.results.map((r) => (r.ok ? 'ok' : r.error))).toEqual([
      'ok',
      'not_authorized',
      'invalid_entity',
      'missing_inputs',
    ]);
    const unknownInput = await risk.models
      .score(result.model.id, [known], { [known]: { ...inputs, shoe_size: 42 } })
      .catch((e: { status: number; field: string }) => e);
    expect(unknownInput).toMatchObject({ status: 400, field: `inputs.${known}.shoe_size` });
  });

  it('publishes a catalog with statistics backed by at least k rows, and quality reports to operators', async () => {
    const operator = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.operator });
    const scientist = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.scientist });
    const { domains } = await scientist.catalog.get();
    expect(domains.map((d) => d.id).sort()).toEqual(['d-bj', 'd-gd', 'd-sh']);
    for (const d of domains) {
      expect(d.rows).toBeGreaterThanOrEqual(50);
      for (const f of d.features) {
        expect(f).not.toHaveProperty('min');
        expect(f).not.toHaveProperty('max');
        for (const c of f.categories ?? []) expect(c.count).toBeGreaterThanOrEqual(50);
      }
      expect(JSON.stringify(d)).not.toMatch(/PUBLIC KEY/);
    }
    // Categories frequent enough across domains became one-hot inputs of the model.
    expect(result.model.inputs.some((i) => /^tax\.tax_grade=[A-Z]$/.test(i))).toBe(true);

    const quality = await operator.domains.quality('d-sh');
    const datasets = new Map(quality.datasets.map((d) => [d.name, d]));
    const registration = datasets.get('registration')!;
    expect(registration.invalidIds.count).toBeGreaterThan(0);
    expect(registration.invalidIds.firstLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(quality)).not.toMatch(/9[0-9A-Z]{17}/); // line numbers, never the ids
    expect([...datasets.values()].some((d) => d.duplicateKeys > 0)).toBe(true);
    expect([...datasets.values()].some((d) => d.columns.some((c) => c.outOfRange > 0))).toBe(true);
    expect(registration.months?.length).toBeGreaterThan(12);
    await expect(scientist.domains.quality('d-sh')).rejects.toMatchObject({ status: 403 });
  });

  it('keeps label sets encrypted at rest', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
    const entity = result.entities[0]!;
    const keys = await redis.keys(`${fx.prefix}:labelset:*`);
    expect(keys.length).toBe(1);
    const stored = await redis.hgetBuffer(keys[0]!, 'rows');
    expect(stored!.includes(Buffer.from(entity))).toBe(false);
    const blobs = await redis.keys(`${fx.prefix}:blob:*`);
    for (const k of blobs) expect((await redis.getBuffer(k))!.includes(Buffer.from(entity))).toBe(false);
    redis.disconnect();
  });
});

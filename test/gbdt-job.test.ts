// A gbdt job through the real lab: trained across three domains, scored through the scoring
// channel with probabilities equal to the released trees' offline predictions, exported as JSON trees.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import type { Job, Model } from '../client-sdk/contract/resources.ts';
import { pointsFromProbability } from '../lab/api/routes/models.ts';
import { type GbdtModel, predictGbdt } from '../models/gbdt.ts';
import { readAuthorizations } from '../scripts/lib/world-files.ts';
import { bankSession } from './helpers/bank-session.ts';
import { encodeByHand, rawCells } from './helpers/raw-cells.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

describe('gbdt job', () => {
  let fx: StackFixture;
  let job: Job;
  let model: Model;
  let scientist: LabClient;
  const scorable: string[] = [];

  beforeAll(async () => {
    fx = await stackFixture('gbdt-job', { enterprises: 6000, seed: 23 });
    const s = await bankSession(fx);
    scientist = s.scientist;
    const submitted = await s.scientist.jobs.submit({
      name: 'gbdt-small',
      purpose: 'gbdt job test',
      labels: { source: 'bank', labelSetId: s.labelSetId },
      model: { kind: 'gbdt', trees: 8, maxDepth: 3, bins: 16 },
      features: fx.world.commonFeatures,
    });
    await s.approve(submitted.id, 'platform features only');
    job = await s.scientist.jobs.wait(submitted.id, { timeoutMs: 240_000 });
    if (job.status !== 'succeeded') throw new Error(`training ended ${job.status}: ${job.error}`);
    model = await s.scientist.models.get(job.modelId!);
    const now = Date.now();
    const grants = await readAuthorizations(
      path.join(fx.worldDir, 'banks', fx.world.bank, 'authorizations.csv'),
    );
    const perDomain = new Map<string, number>();
    for (const g of grants) {
      if (!g.purposes.includes('scoring') || Date.parse(g.grantedAt) > now || now >= Date.parse(g.expiresAt))
        continue;
      const d = fx.world.domains.find((x) => x.regions.some((r) => g.entity.slice(2, 4) === r.slice(0, 2)));
      if (!d || (perDomain.get(d.id) ?? 0) >= 10) continue;
      perDomain.set(d.id, (perDomain.get(d.id) ?? 0) + 1);
      scorable.push(g.entity);
    }
  }, 300_000);
  afterAll(() => fx?.close());

  it('trains trees one level per round after the binning rounds, with holdout metrics', () => {
    const params = model.parameters as unknown as GbdtModel;
    expect(model.kind).toBe('gbdt');
    expect(params.trees.length).toBeGreaterThan(0);
    expect(params.trees.length).toBeLessThanOrEqual(8);
    expect(params.trees[0]!.nodes[0]!.split).toBeDefined();
    const phases = job.progress.map((p) => p.phase);
    expect(phases[0]).toBe('moments');
    expect(phases.filter((p) => p === 'grow').length).toBeLessThanOrEqual(8 * 3);
    expect(model.metrics.auc).toBeGreaterThan(0.6);
  });

  it('scores through POST /v1/models/:id/score equal to the offline prediction to 1e-9, with path-attribution reasons', async () => {
    const risk = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.risk });
    const params = model.parameters as unknown as GbdtModel;
    const res = await risk.models.score(model.id, scorable);
    let reasonsSeen = 0;
    expect(res.results.length).toBe(scorable.length);
    for (const r of res.results) {
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const cells = await rawCells(fx, r.entity, model.features);
      const x = Float64Array.from(
        encodeByHand(
          model.inputs,
          cells,
          {},
          model.inputs.map(() => Number.NaN),
        ),
      );
      const p = predictGbdt(params, x, 1)[0]!;
      expect(Math.abs(r.probability - p)).toBeLessThan(1e-9);
      expect(Math.abs(r.score - pointsFromProbability(p))).toBeLessThan(1e-6);
      expect(r.reasons.length).toBeLessThanOrEqual(3);
      for (const reason of r.reasons) expect(model.features).toContain(reason);
      reasonsSeen += r.reasons.length;
    }
    expect(reasonsSeen).toBeGreaterThan(0);
  });

  it('exports the trees as JSON weights; TF.js export answers 409', async () => {
    const weights = await scientist.models.weights(model.id);
    expect(weights.kind).toBe('gbdt');
    expect(weights.parameters).toEqual(model.parameters);
    expect(weights.inputFormat).toMatch(/threshold/);
    const res = await fetch(`${fx.stack.url}/v1/models/${model.id}/tfjs/model.json`, {
      headers: { authorization: `Bearer ${fx.keys.scientist}` },
    });
    expect(res.status).toBe(409);
  });
});

// Model cards over the API: contents derived from the stored model, Markdown rendering, tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { errorOf, FAKE_SHA, minuteIso, storedModel } from './helpers/stored-model.ts';

describe('model cards', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture('registry-card');
    const calibration = [
      { bin: 1, rows: 60, meanPredicted: 0.05, observedRate: 0.04 },
      { bin: 2, rows: 40, meanPredicted: 0.2, observedRate: 0.25 },
    ];
    const base = storedModel({ tenant: 'bank-a', id: 'x' });
    await fx.ctx.models.put(
      storedModel({
        tenant: 'bank-a',
        id: 'mdl_card1',
        createdAt: minuteIso(1),
        metrics: { ...base.metrics, calibration },
      }),
    );
    await fx.ctx.models.put(
      storedModel({
        tenant: 'bank-a',
        id: 'mdl_card2',
        createdAt: minuteIso(2),
        metrics: { ...base.metrics, sample: 'training', perDomain: { 'd-bj': base.metrics } },
        privacy: {
          dp: {
            epsilon: 2,
            delta: 1e-6,
            mechanism: 'output-perturbation',
            sigma: 0.03,
            sensitivity: 0.01,
            evaluationSigma: 4,
          },
          epsilonSpent: 2,
          personalFeatures: [],
        },
      }),
    );
  });
  afterAll(() => fx.close());

  it('describes purpose, inputs, data, evaluation, privacy, lineage and versions', async () => {
    const res = await fx.call('GET', '/v1/models/mdl_card1/card', fx.keys.scientistA);
    expect(res.status).toBe(200);
    const card = res.body;
    expect(card.model).toEqual({
      id: 'mdl_card1',
      name: 'pd',
      version: 1,
      status: 'active',
      kind: 'logistic',
      tenant: 'bank-a',
      createdAt: minuteIso(1),
    });
    expect(card.purpose).toBe('SME probability of default');
    expect(card.inputs).toEqual({
      bySensitivity: { public: ['tax.annual_tax_paid', 'judicial.lawsuits_as_defendant'] },
      bankFeatures: [],
      encodedInputs: 2,
      format: expect.stringContaining('original units'),
    });
    expect(card.trainingData).toEqual({
      domains: [{ id: 'd-bj', labelRows: 180, datasets: [{ dataset: 'tax', sha256: FAKE_SHA, rows: 1000 }] }],
      labelRows: 200,
      usedRows: 180,
      droppedUnauthorised: 20,
    });
    expect(card.evaluation).toMatchObject({
      auc: 0.8,
      ks: 0.4,
      gini: 0.6,
      sample: 'holdout',
      rows: 100,
      perDomain: {},
    });
    // 60 rows at |0.05 − 0.04| and 40 at |0.2 − 0.25|: (0.6 + 2) / 100.
    expect(card.evaluation.calibration.expectedCalibrationError).toBeCloseTo(0.026, 12);
    expect(card.evaluation.calibration.maxBinGap).toBeCloseTo(0.05, 12);
    expect(card.evaluation.calibration.meanPredicted).toBeCloseTo(0.11, 12);
    expect(card.evaluation.calibration.observedRate).toBeCloseTo(0.124, 12);
    expect(card.privacy).toEqual({
      minCohort: 50,
      minClassCohort: 20,
      parameterCount: 3,
      rowsPerParameter: 60,
      aggregation: 'plain',
      dp: null,
      epsilonSpent: 0,
      personalFeatureGrants: [],
    });
    expect(card.lineage).toEqual({
      jobId: 'job_x',
      approvals: [{ by: 'operator:platform:k1', at: minuteIso(1), note: 'ok' }],
      rounds: 5,
      backend: 'wasm',
    });
    expect(card.limitations).toEqual([
      'No per-domain metrics: no domain holdout reached the cohort floor per class, or CKKS hid them.',
      '20 label rows were dropped for lack of a modelling authorisation: the training population is the authorised enterprises only.',
      'Trained on enterprises of d-bj for "SME probability of default"; other regions and uses are out of scope.',
    ]);
    expect(card.versions).toEqual([
      { id: 'mdl_card2', version: 2, status: 'active', createdAt: minuteIso(2) },
      { id: 'mdl_card1', version: 1, status: 'active', createdAt: minuteIso(1) },
    ]);
  });

  it('says when metrics are in-sample and noised by DP', async () => {
    const card = (await fx.call('GET', '/v1/models/mdl_card2/card', fx.keys.operator)).body;
    expect(card.privacy.dp).toEqual({
      epsilon: 2,
      delta: 1e-6,
      sigma: 0.03,
      mechanism: 'output-perturbation',
    });
    expect(card.evaluation.calibration).toBeNull();
    expect(card.limitations.slice(0, 3)).toEqual([
      'In-sample metrics: the job had no holdout, so they overstate performance on new enterprises.',
      'DP metrics are noisy: computed from score histograms with noise σ = 4 per cell.',
      'The weights carry DP noise (output-perturbation, σ = 0.03).',
    ]);
  });

  it('renders Markdown with ?format=md and refuses other formats', async () => {
    const res = await fx.app.request('/v1/models/mdl_card1/card?format=md', {
      headers: { authorization: `Bearer ${fx.keys.scientistA}` },
    });
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = await res.text();
    expect(md.split('\n')[0]).toBe('# Model card: pd v1');
    expect(md).toContain('- differential privacy: none; ε spent 0');
    expect(md).toContain(`| d-bj | 180 | tax (1000, \`${FAKE_SHA.slice(0, 12)}…\`) |`);
    expect(md).toContain('AUC 0.8000 · KS 0.4000 · Gini 0.6000');
    expect(md).toContain('- v2 `mdl_card2` active');
    const bad = await fx.call('GET', '/v1/models/mdl_card1/card?format=xml', fx.keys.scientistA);
    expect([bad.status, bad.body.error.field]).toEqual([400, 'format']);
  });

  it("answers 404 for another bank's card, weights and TF.js files, exactly as for a missing id", async () => {
    for (const path of ['card', 'weights', 'tfjs/model.json', 'tfjs/weights.bin']) {
      const res = await fx.call('GET', `/v1/models/mdl_card1/${path}`, fx.keys.scientistB);
      expect(res.status).toBe(404);
      const missing = await fx.call('GET', `/v1/models/mdl_nope/${path}`, fx.keys.scientistB);
      expect(errorOf(res.body)).toEqual(errorOf(missing.body));
    }
    expect((await fx.call('GET', '/v1/models/mdl_card1/card', fx.keys.riskA)).status).toBe(403);
    const reads = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'model.card.read');
    expect(reads.map((e) => [e.subject, e.details?.format])).toEqual([
      ['mdl_card1', 'json'],
      ['mdl_card2', 'json'],
      ['mdl_card1', 'md'],
    ]);
  });
});

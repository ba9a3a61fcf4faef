// A bad JobSpec gets a 400 whose body names the offending field; nothing is stored.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { type ApiFixture, apiFixture, FEATURES } from './helpers/api-fixture.ts';

describe('JobSpec validation', () => {
  let fx: ApiFixture;
  let good: Record<string, unknown>;
  beforeAll(async () => {
    fx = await apiFixture('spec');
    const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, {
      name: 'book',
      rows: Array.from({ length: 400 }, (_, i) => ({
        entity: generateUscc(rand, '310104'),
        label: i % 8 === 0 ? 1 : 0,
      })),
    });
    good = {
      name: 'pd',
      purpose: 'test',
      labels: { source: 'bank', labelSetId: ls.body.id },
      model: { kind: 'logistic' },
      features: FEATURES,
    };
  });
  afterAll(() => fx.close());

  const submit = (body: unknown) => fx.call('POST', '/v1/jobs', fx.keys.scientistA, body);

  it('accepts the good spec and fills defaults', async () => {
    const res = await submit(good);
    expect(res.status).toBe(201);
    expect(res.body.spec.model).toEqual({ kind: 'logistic', l2: 1, maxRounds: 25, tolerance: 1e-10 });
    expect(res.body.encoding.inputs).toEqual([
      { kind: 'value', source: 'tax.annual_tax_paid' },
      { kind: 'missing', source: 'tax.annual_tax_paid' },
      { kind: 'value', source: 'judicial.lawsuits_as_defendant' },
      { kind: 'missing', source: 'judicial.lawsuits_as_defendant' },
    ]);
    expect(res.body.privacyReport.domains).toEqual(['d-bj', 'd-sh']);
    expect(res.body.privacyReport.parameterCount).toBe(5);
  });

  it('accepts a gbdt with defaults; its parameters are leaf values and thresholds per tree', async () => {
    const res = await submit({ ...good, model: { kind: 'gbdt', trees: 2, maxDepth: 2 } });
    expect(res.status).toBe(201);
    expect(res.body.spec.model).toMatchObject({
      kind: 'gbdt',
      trees: 2,
      maxDepth: 2,
      bins: 32,
      minLeafRows: 50,
    });
    expect(res.body.privacyReport.parameterCount).toBe(2 * (2 * 4 - 1));
  });

  it.each([
    [
      'unknown feature',
      { features: ['tax.annual_tax_paid', 'tax.no_such_column'] },
      'features.1',
      /unknown feature/,
    ],
    ['badly formed feature', { features: ['annual_tax_paid'] }, 'features.0', /dataset/],
    ['identifier feature', { features: ['registration.legal_rep_id'] }, 'features.0', /identifier/],
    ['wrong type', { model: { kind: 'logistic', l2: 'strong' } }, 'model.l2', /number/],
    ['gbdt deeper than 8', { model: { kind: 'gbdt', maxDepth: 12 } }, 'model.maxDepth', /./],
    [
      'gbdt with differential privacy',
      { model: { kind: 'gbdt' }, privacy: { minCohort: 50, dp: { epsilon: 4 } } },
      'privacy.dp',
      /logistic and mlp/,
    ],
    ['unknown model kind', { model: { kind: 'forest' } }, 'model.kind', /./],
    [
      'missing label set',
      { labels: { source: 'bank', labelSetId: 'ls_doesnotexist000' } },
      'labels.labelSetId',
      /not found/,
    ],
    ['label set of bad shape', { labels: { source: 'bank', labelSetId: 42 } }, 'labels.labelSetId', /./],
    ['no labels at all', { labels: undefined }, 'labels', /./],
    ['bank feature not in the label set', { bankFeatures: ['loan_amount'] }, 'bankFeatures.0', /no column/],
    [
      'bank features with domain labels',
      { labels: { source: 'domain', column: 'tax.annual_tax_paid' }, bankFeatures: ['x'] },
      'bankFeatures',
      /bank label set/,
    ],
    ['no features', { features: [] }, 'features', /at least one/],
    ['extra unknown field', { priority: 'high' }, 'priority', /unknown field/],
    ['extra nested field', { privacy: { minCohort: 50, epsilon: 1 } }, 'privacy.epsilon', /unknown field/],
    ['unknown domain', { domains: ['d-xx'] }, 'domains.0', /unknown domain/],
    ['unknown aggregation', { aggregation: 'paillier' }, 'aggregation', /./],
    [
      'cohort below the platform floor',
      { privacy: { minCohort: 5 } },
      'privacy.minCohort',
      /platform minimum of 50/,
    ],
    [
      'class cohort below the floor',
      { privacy: { minClassCohort: 1 } },
      'privacy.minClassCohort',
      /minimum of 20/,
    ],
  ])('%s → 400 naming %s', async (_name, patch, field, message) => {
    const before = (await fx.ctx.jobs.list(null)).length;
    const res = await submit({ ...good, ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
    expect((await fx.ctx.jobs.list(null)).length).toBe(before);
  });

  it('a missing required field is named', async () => {
    const { purpose: _p, ...rest } = good;
    const res = await submit(rest);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('purpose');
  });

  it('encodes categories seen often enough across domains, the rest as other', async () => {
    const res = await submit({
      ...good,
      features: ['registration.industry'],
      encoding: { minCategoryCount: 500 },
    });
    expect(res.status).toBe(201);
    // 400 + 400 across the two domains: manufacturing and retail qualify, mining (20 + 20) does not.
    const inputs = res.body.encoding.inputs as { kind: string; value?: string | null }[];
    expect(inputs.filter((i) => i.kind === 'category').map((i) => i.value)).toEqual([
      'manufacturing',
      'retail',
      null,
    ]);
    expect(inputs.filter((i) => i.kind === 'missing')).toHaveLength(1);
  });

  it('malformed JSON is a 400, not a crash', async () => {
    const res = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, '{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('body');
  });

  it('label-set rows are validated as Unified Social Credit Codes', async () => {
    const res = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, {
      name: 'bad',
      rows: [
        { entity: generateUscc(() => 0.5, '110105'), label: 0 },
        { entity: '91350100M000100Y44', label: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('rows.1.entity');
  });
});

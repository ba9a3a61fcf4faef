// Personal features need an explicit grant: the approval must name each one, the grant is recorded
// with the decision and handed to the domains, whose egress guard refuses ungranted ones.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../client-sdk/contract/resources.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { grantedPersonal } from '../lab/privacy/grants.ts';
import { type ApiFixture, apiFixture, FEATURES, fakeDomain } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';

const PERSONAL = 'personnel.legal_rep_age';

describe('personal features: explicit grants at approval', () => {
  let fx: ApiFixture;
  let job: Job;
  beforeAll(async () => {
    fx = await apiFixture('grants');
    const domain = fakeDomain('d-gd', '440000');
    domain.features.push({
      name: PERSONAL,
      type: 'number',
      category: 'key-personnel',
      sensitivity: 'personal',
      description: 'Age of the legal representative',
      rows: 1000,
      missingRate: 0,
    });
    await fx.ctx.domains.publish(domain);
    const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, {
      name: 'book',
      rows: Array.from({ length: 400 }, (_, i) => ({
        entity: generateUscc(rand, '440106'),
        label: i % 5 === 0 ? 1 : 0,
      })),
    });
    const res = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: 'pd',
      purpose: 'test',
      labels: { source: 'bank', labelSetId: ls.body.id },
      model: { kind: 'logistic' },
      features: [...FEATURES, PERSONAL],
      domains: ['d-gd'],
    });
    expect(res.status).toBe(201);
    job = res.body as Job;
  });
  afterAll(() => fx.close());

  it('the privacy report lists the personal feature and says it needs a grant', () => {
    expect(job.privacyReport.featuresBySensitivity.personal).toEqual([PERSONAL]);
    expect(job.privacyReport.warnings).toContain('uses personal features: needs an explicit grant');
  });

  it('attack: approving without the grant — control: grant check → 400 grant_required naming personalFeatures, job stays pending, audited', async () => {
    const res = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, { note: 'ok' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'grant_required', field: 'personalFeatures' });
    expect((await fx.ctx.jobs.get(job.id))?.status).toBe('pending_approval');
    const refused = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'request.refused');
    expect(refused.some((e) => e.details?.code === 'grant_required')).toBe(true);
  });

  it('a grant must name only features the job uses', async () => {
    const res = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, {
      personalFeatures: [PERSONAL, 'personnel.other'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('personalFeatures');
  });

  it('approving with the grant records it with each decision and in the audit log; personal features need two distinct operators by default', async () => {
    const grant = { note: 'legal basis: consent form 7', personalFeatures: [PERSONAL] };
    expect(job.privacyReport.approvalsRequired).toBe(2);
    const first = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, grant);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('pending_approval');
    const second = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operatorB, grant);
    expect(second.status).toBe(200);
    const approved = second.body as Job;
    expect(approved.status).toBe('approved');
    expect(approved.decisions.map((d) => d.personalFeatures)).toEqual([[PERSONAL], [PERSONAL]]);
    expect(grantedPersonal(approved)).toEqual([PERSONAL]);
    const audit = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'job.approved');
    expect(audit.find((e) => e.subject === job.id)?.details?.personalFeatures).toEqual([PERSONAL]);
  });
});

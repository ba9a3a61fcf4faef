// Job routes: banks submit and follow jobs; operators review them with the privacy report.
import { Hono } from 'hono';
import { z } from 'zod';
import { JobSpec } from '../../../client-sdk/contract/job-spec.ts';
import { CancelBody, DecisionBody, type Job, type LabelSet } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { cancelJob, decideJob, visibleJob as visibleJobOf } from '../../coordinator/decisions.ts';
import { startJob } from '../../coordinator/start.ts';
import { approvalsRequired, autoApproval } from '../../privacy/approval-policy.ts';
import { planJobEncoding, privacyReport, resolveDomains } from '../../privacy/report.ts';
import { newId, nowIso } from '../../store/ids.ts';
import { BudgetExceededError } from '../../store/privacy-budget.ts';
import { CursorError } from '../../store/time-index.ts';
import { type AuthEnv, actorOf, isPlatform, requireRole } from '../auth.ts';
import { HttpError } from '../http-error.ts';
import { idempotency } from '../idempotency.ts';
import { parseJson, parseValue } from '../validate.ts';
import { jobEvents } from './job-events.ts';

/** `GET /v1/jobs` query: a page of up to `limit` jobs after `cursor` (the previous page's `nextCursor`). */
export const JobListQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

/**
 * @example
 * app.route('/v1/jobs', jobRoutes(ctx));
 */
export function jobRoutes(ctx: LabContext) {
  const visibleJob = (id: string, p: AuthEnv['Variables']['principal']) => visibleJobOf(ctx, id, p);

  /** The label set as a whole must clear the cohort floors; each domain's share is checked again when the run starts. */
  function checkLabelCohorts(labelSet: LabelSet, spec: JobSpec) {
    const { minCohort, minClassCohort } = spec.privacy;
    const field = 'labels.labelSetId';
    if (labelSet.rows < minCohort) {
      const message = `the label set has ${labelSet.rows} rows, below the minimum cohort of ${minCohort}`;
      throw new HttpError(400, 'cohort_too_small', message, field);
    }
    const smallest = Math.min(labelSet.positives, labelSet.rows - labelSet.positives);
    if (smallest < minClassCohort) {
      const message = `the label set has ${labelSet.positives} positive and ${labelSet.rows - labelSet.positives} negative rows; each class needs at least ${minClassCohort}`;
      throw new HttpError(400, 'class_cohort_too_small', message, field);
    }
  }

  /** The approval policy approves a low-risk job itself; the decision says so and is audited. */
  async function autoApprove(job: Job, why: string): Promise<Job> {
    const record = {
      decision: 'approved' as const,
      by: 'policy:auto-approve',
      note: why,
      personalFeatures: [],
      at: nowIso(),
    };
    const approved = await ctx.jobs.transition(job.id, 'approved', (j) => ({
      ...j,
      decisions: [...j.decisions, record],
    }));
    await ctx.audit.append({
      kind: 'job.approved',
      actor: 'policy:auto-approve',
      tenant: job.tenant,
      subject: job.id,
      details: { note: why },
    });
    await startJob(ctx, job.id);
    return approved;
  }

  /** ε is charged to every domain the job touches before the job exists: over a cap, nothing is stored. */
  async function chargeBudget(job: Job, epsilon: number) {
    try {
      await ctx.budgets.charge(job.tenant, job.privacyReport.domains, epsilon, job.id);
    } catch (err) {
      if (err instanceof BudgetExceededError)
        throw new HttpError(409, 'privacy_budget_exceeded', err.message, 'privacy.dp.epsilon');
      throw err;
    }
  }

  return new Hono<AuthEnv>()
    .post('/', requireRole('bank-scientist'), idempotency(ctx), async (c) => {
      const p = c.get('principal');
      const spec = await parseJson(c, JobSpec);
      for (const key of ['minCohort', 'minClassCohort'] as const) {
        if (spec.privacy[key] < ctx.policy[key]) {
          const message = `privacy.${key} ${spec.privacy[key]} is below the platform minimum of ${ctx.policy[key]}`;
          throw new HttpError(400, 'invalid_request', message, `privacy.${key}`);
        }
      }
      let labelSet: LabelSet | null = null;
      if (spec.labels.source === 'bank') {
        labelSet = await ctx.labelSets.meta(spec.labels.labelSetId);
        if (!labelSet || labelSet.tenant !== p.tenant) {
          throw new HttpError(
            400,
            'invalid_request',
            `label set '${spec.labels.labelSetId}' not found`,
            'labels.labelSetId',
          );
        }
        checkLabelCohorts(labelSet, spec);
        const have = labelSet.bankFeatures;
        spec.bankFeatures.forEach((f, i) => {
          if (!have.includes(f)) {
            throw new HttpError(
              400,
              'invalid_request',
              `the label set has no column '${f}'`,
              `bankFeatures.${i}`,
            );
          }
        });
      }
      const domains = resolveDomains(spec, await ctx.domains.list());
      if (labelSet && domains.some((d) => d.entityKey !== labelSet.entityKey)) {
        throw new HttpError(
          400,
          'invalid_request',
          `the label set's ${labelSet.entityKey} ids do not match every domain's keys`,
          'domains',
        );
      }
      const encoding = planJobEncoding(spec, domains, labelSet);
      const base = privacyReport(spec, labelSet, domains, encoding, ctx.policy.minRowsPerParameter);
      const report = {
        ...base,
        approvalsRequired: approvalsRequired(base, ctx.policy.approval),
      };
      const now = nowIso();
      const job: Job = {
        id: newId('job'),
        tenant: p.tenant,
        status: 'pending_approval',
        spec,
        privacyReport: report,
        encoding,
        submittedBy: actorOf(p),
        createdAt: now,
        updatedAt: now,
        decisions: [],
        progress: [],
        trainingReport: null,
        modelId: null,
        error: null,
      };
      const dp = spec.privacy.dp;
      if (dp) await chargeBudget(job, dp.epsilon);
      try {
        await ctx.jobs.create(job);
      } catch (err) {
        await ctx.budgets.refund(job.id, job.tenant);
        throw err;
      }
      await ctx.audit.append({
        kind: 'job.submitted',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: job.id,
        details: dp ? { dpEpsilon: dp.epsilon, domains: report.domains } : undefined,
      });
      const why = autoApproval(job, ctx.policy.approval);
      if (why) return c.json(await autoApprove(job, why), 201);
      return c.json(job, 201);
    })
    .get('/', requireRole('bank-scientist', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const { cursor, limit } = parseValue(JobListQuery, c.req.query());
      const tenant = isPlatform(p) ? null : p.tenant;
      let page: Awaited<ReturnType<typeof ctx.jobs.page>>;
      try {
        page = await ctx.jobs.page(tenant, cursor ?? null, limit);
      } catch (err) {
        if (err instanceof CursorError)
          throw new HttpError(400, 'invalid_request', 'cursor: malformed cursor', 'cursor');
        throw err;
      }
      await ctx.audit.append({ kind: 'job.listed', actor: actorOf(p), tenant: p.tenant, subject: '*' });
      return c.json(page);
    })
    .get('/:id', requireRole('bank-scientist', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const job = await visibleJob(c.req.param('id'), p);
      await ctx.audit.append({ kind: 'job.read', actor: actorOf(p), tenant: job.tenant, subject: job.id });
      return c.json(job);
    })
    .get('/:id/events', requireRole('bank-scientist', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const job = await visibleJob(c.req.param('id'), p);
      await ctx.audit.append({ kind: 'job.events', actor: actorOf(p), tenant: job.tenant, subject: job.id });
      return jobEvents(c, ctx, job);
    })
    .post('/:id/approve', requireRole('operator'), async (c) => {
      const body = await parseJson(c, DecisionBody);
      return c.json(await decideJob(ctx, c.req.param('id'), c.get('principal'), 'approved', body));
    })
    .post('/:id/reject', requireRole('operator'), async (c) => {
      const body = await parseJson(c, DecisionBody);
      return c.json(await decideJob(ctx, c.req.param('id'), c.get('principal'), 'rejected', body));
    })
    .post('/:id/cancel', requireRole('bank-scientist', 'operator'), async (c) => {
      const { note } = await parseJson(c, CancelBody);
      return c.json(await cancelJob(ctx, c.req.param('id'), c.get('principal'), note));
    });
}

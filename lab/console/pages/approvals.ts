// The approval queue: every pending job with its privacy report and the forms to approve or reject it.
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Job } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { approvers } from '../../privacy/approval-policy.ts';
import { decisionForms } from '../decision-forms.ts';
import { audited, type ConsoleContext, type ConsoleEnv } from '../env.ts';
import { count, page, when } from '../layout.ts';
import { privacyReportView } from '../privacy-report.ts';

/** Jobs read to find the pending ones (there is no index by status; pending jobs are recent). */
const SCANNED = 2000;

/** Pending jobs, oldest first (the one waiting longest on top). */
async function pendingJobs(ctx: LabContext): Promise<Job[]> {
  return (await ctx.jobs.list(null, SCANNED)).filter((j) => j.status === 'pending_approval').reverse();
}

/**
 * One pending job as the queue shows it: what it is, who asked, the privacy report, the decisions.
 *
 * @example
 * html`${pendingCard(c, ctx, job)}`;
 */
function pendingCard(c: ConsoleContext, ctx: LabContext, job: Job) {
  const { spec } = job;
  const given = approvers(job);
  return html`<section class="card" id="pending-${job.id}" aria-labelledby="pending-${job.id}-h">
<h2 id="pending-${job.id}-h"><a href="/console/jobs/${job.id}">${spec.name}</a> <span class="muted">${job.id}</span></h2>
<p>Bank <strong>${job.tenant}</strong>, submitted by <code>${job.submittedBy}</code> at ${when(job.createdAt)} ·
${spec.model.kind} model · ${count(spec.features.length)} platform features, ${count(spec.bankFeatures.length)} bank features ·
approvals ${given.length} of ${job.privacyReport.approvalsRequired}</p>
<h3>Privacy report</h3>
${privacyReportView(job.privacyReport, ctx.policy.minRowsPerParameter)}
${decisionForms(c, job)}
</section>`;
}

/**
 * `GET /approvals` (under `/console`).
 *
 * @example
 * console.route('/', approvalPages(ctx));
 */
export function approvalPages(ctx: LabContext) {
  return new Hono<ConsoleEnv>().get('/approvals', async (c) => {
    const jobs = await pendingJobs(ctx);
    await audited(ctx, c, 'job.listed', c.get('principal').tenant, '*', {
      page: 'approvals',
      returned: jobs.length,
    });
    const body =
      jobs.length === 0
        ? html`<p class="muted" id="queue-empty">No job is waiting for approval.</p>`
        : html`<p>${jobs.length} job${jobs.length === 1 ? '' : 's'} waiting, the longest-waiting first.</p>
${jobs.map((j) => pendingCard(c, ctx, j))}`;
    return c.html(page(c, { title: 'Approval queue', section: 'approvals', body }));
  });
}

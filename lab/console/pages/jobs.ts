// Jobs: the list, a job's page with live round progress, and the operator's decisions on it.
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { DecisionBody, type Job, TERMINAL_STATUSES } from '../../../client-sdk/contract/resources.ts';
import type { AuthEnv } from '../../api/auth.ts';
import { HttpError } from '../../api/http-error.ts';
import { jobEvents } from '../../api/routes/job-events.ts';
import { parseValue } from '../../api/validate.ts';
import type { LabContext } from '../../context.ts';
import { cancelJob, decideJob, visibleJob } from '../../coordinator/decisions.ts';
import { CursorError } from '../../store/time-index.ts';
import { cancelForm, decisionForms } from '../decision-forms.ts';
import {
  audited,
  type ConsoleContext,
  type ConsoleEnv,
  field,
  fields,
  readForm,
  requireOperator,
} from '../env.ts';
import { count, num, page, statusBadge, when } from '../layout.ts';
import { liveProgressScript } from '../live-progress.ts';
import { privacyReportView } from '../privacy-report.ts';

const LIST_PAGE = 50;

function jobsTable(jobs: readonly Job[]) {
  return html`<table id="jobs-table">
<thead><tr><th scope="col">Job</th><th scope="col">Name</th><th scope="col">Bank</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Submitted</th><th scope="col">Model</th></tr></thead>
<tbody>${jobs.map(
    (
      j,
    ) => html`<tr><td><a href="/console/jobs/${j.id}">${j.id}</a></td><td>${j.spec.name}</td><td>${j.tenant}</td>
<td>${j.spec.model.kind}</td><td>${statusBadge(j.status)}</td><td>${when(j.createdAt)}</td>
<td>${j.modelId ? html`<a href="/console/models/${j.modelId}">${j.modelId}</a>` : '—'}</td></tr>`,
  )}</tbody></table>`;
}

function progressTable(job: Job) {
  return html`<table aria-label="Rounds">
<thead><tr><th scope="col">Round</th><th scope="col">Phase</th><th scope="col">Loss</th><th scope="col">Rows</th><th scope="col">Elapsed</th></tr></thead>
<tbody id="progress-rows">${job.progress.map(
    (
      p,
    ) => html`<tr data-round="${p.round}" data-phase="${p.phase}"><td class="num">${p.round}</td><td>${p.phase}</td>
<td class="num">${num(p.loss)}</td><td class="num">${count(p.rows)}</td><td class="num">${(p.elapsedMs / 1000).toFixed(1)} s</td></tr>`,
  )}</tbody></table>`;
}

function decisionsTable(job: Job) {
  if (job.decisions.length === 0) return html`<p class="muted">No decision yet.</p>`;
  return html`<table aria-label="Decisions">
<thead><tr><th scope="col">Decision</th><th scope="col">By</th><th scope="col">Note</th><th scope="col">Personal features granted</th><th scope="col">At</th></tr></thead>
<tbody>${job.decisions.map(
    (d) => html`<tr><td>${d.decision}</td><td><code>${d.by}</code></td><td>${d.note}</td>
<td>${d.personalFeatures.length ? d.personalFeatures.join(', ') : '—'}</td><td>${when(d.at)}</td></tr>`,
  )}</tbody></table>`;
}

function jobBody(c: ConsoleContext, ctx: LabContext, job: Job) {
  const { spec } = job;
  const t = job.trainingReport;
  return html`<div id="job-live" data-events="/console/jobs/${job.id}/events" data-live="${TERMINAL_STATUSES.has(job.status) ? 'ended' : 'open'}" data-rounds="${job.progress.length}">
<table aria-label="Job">
<tr><th scope="row">Job</th><td>${job.id}</td></tr>
<tr><th scope="row">Status</th><td>${statusBadge(job.status, 'job-status')}</td></tr>
<tr><th scope="row">Model</th><td id="job-model">${job.modelId ? html`<a id="model-link" href="/console/models/${job.modelId}">Open model ${job.modelId}</a>` : html`<span class="muted">not released yet</span>`}</td></tr>
<tr><th scope="row">Error</th><td id="job-error" class="error">${job.error ?? ''}</td></tr>
<tr><th scope="row">Bank</th><td>${job.tenant} (submitted by <code>${job.submittedBy}</code> at ${when(job.createdAt)})</td></tr>
<tr><th scope="row">Model kind</th><td>${spec.model.kind} <code>${JSON.stringify(spec.model)}</code></td></tr>
<tr><th scope="row">Platform features</th><td><code>${spec.features.join(', ') || '—'}</code></td></tr>
<tr><th scope="row">Bank features</th><td><code>${spec.bankFeatures.join(', ') || '—'}</code></td></tr>
<tr><th scope="row">Aggregation</th><td>${spec.aggregation}</td></tr>
</table>
<h2>Rounds</h2>
${progressTable(job)}
</div>
<h2>Decisions</h2>
${decisionsTable(job)}
${decisionForms(c, job)}
<h2>Privacy report</h2>
${privacyReportView(job.privacyReport, ctx.policy.minRowsPerParameter)}
${
  t
    ? html`<h2>Training report</h2><table aria-label="Training report">
<tr><th scope="row">Label rows</th><td class="num">${count(t.labelRows)}</td></tr>
<tr><th scope="row">Used</th><td class="num">${count(t.usedRows)}</td></tr>
<tr><th scope="row">Dropped: no modelling authorisation</th><td class="num">${count(t.droppedUnauthorised)}</td></tr>
<tr><th scope="row">Dropped: no domain holds it</th><td class="num">${count(t.droppedNoDomain)}</td></tr>
${Object.entries(t.rowsByDomain).map(([d, n]) => html`<tr><th scope="row">Rows in ${d}</th><td class="num">${count(n)}</td></tr>`)}
</table>`
    : ''
}
${cancelForm(c, job)}`;
}

/**
 * `GET /jobs`, `GET /jobs/:id`, `GET /jobs/:id/events` (SSE), `POST /jobs/:id/approve|reject|cancel`
 * (under `/console`; the console's guard has checked the session and the CSRF token of every POST).
 *
 * @example
 * console.route('/', jobPages(ctx));
 */
export function jobPages(ctx: LabContext) {
  const decide = (decision: 'approved' | 'rejected') => async (c: ConsoleContext) => {
    requireOperator(c);
    const form = await readForm(c);
    const body = parseValue(DecisionBody, {
      note: field(form, 'note').trim(),
      personalFeatures: fields(form, 'personalFeatures'),
    });
    const job = await decideJob(ctx, c.req.param('id')!, c.get('principal'), decision, body);
    return c.redirect(`/console/jobs/${job.id}`, 303);
  };

  return new Hono<ConsoleEnv>()
    .get('/jobs', async (c) => {
      const cursor = c.req.query('cursor') ?? null;
      let result: { data: Job[]; nextCursor: string | null };
      try {
        result = await ctx.jobs.page(null, cursor, LIST_PAGE);
      } catch (err) {
        if (err instanceof CursorError)
          throw new HttpError(400, 'invalid_request', 'malformed cursor', 'cursor');
        throw err;
      }
      await audited(ctx, c, 'job.listed', c.get('principal').tenant, '*', {
        page: 'jobs',
        returned: result.data.length,
      });
      const next = result.nextCursor
        ? html`<p><a href="/console/jobs?cursor=${encodeURIComponent(result.nextCursor)}">Older jobs</a></p>`
        : '';
      const body = html`${jobsTable(result.data)}${next}`;
      return c.html(page(c, { title: 'Jobs', section: 'jobs', body }));
    })
    .get('/jobs/:id', async (c) => {
      const job = await visibleJob(ctx, c.req.param('id'), c.get('principal'));
      await audited(ctx, c, 'job.read', job.tenant, job.id);
      const live = TERMINAL_STATUSES.has(job.status)
        ? undefined
        : liveProgressScript(c.get('secureHeadersNonce') ?? '');
      const title = `Job ${job.spec.name}`;
      return c.html(page(c, { title, section: 'jobs', body: jobBody(c, ctx, job), scripts: live }));
    })
    .get('/jobs/:id/events', async (c) => {
      const job = await visibleJob(ctx, c.req.param('id'), c.get('principal'));
      await audited(ctx, c, 'job.events', job.tenant, job.id);
      // The stream reads only headers and the job from its context: the console's env is a superset of the API's.
      return jobEvents(c as unknown as Context<AuthEnv>, ctx, job);
    })
    .post('/jobs/:id/approve', decide('approved'))
    .post('/jobs/:id/reject', decide('rejected'))
    .post('/jobs/:id/cancel', async (c) => {
      requireOperator(c);
      const form = await readForm(c);
      const note = field(form, 'note').trim().slice(0, 2000);
      const job = await cancelJob(ctx, c.req.param('id'), c.get('principal'), note);
      return c.redirect(`/console/jobs/${job.id}`, 303);
    });
}

// The approve / reject / cancel forms of a job, with the personal-feature grant checkboxes a job may need.
import { html } from 'hono/html';
import { type Job, TERMINAL_STATUSES } from '../../client-sdk/contract/resources.ts';
import { actorOf } from '../api/auth.ts';
import { approvers } from '../privacy/approval-policy.ts';
import { type ConsoleContext, csrfField } from './env.ts';

/** A form control's id, unique per job (a page may show several jobs' forms). */
const idOf = (job: Job, what: string) => `${what}-${job.id}`;

/**
 * The decision forms of a pending job for an operator: approve (with a checkbox per personal
 * feature, each an explicit grant) and reject, each with a note. An auditor, or an operator who
 * already gave one of the approvals, sees why there is nothing to press instead.
 *
 * @example
 * html`${decisionForms(c, job)}`;
 */
export function decisionForms(c: ConsoleContext, job: Job) {
  if (job.status !== 'pending_approval') return '';
  const p = c.get('principal');
  if (p.role !== 'operator') return html`<p class="muted">Read-only session: only operators decide.</p>`;
  const given = approvers(job);
  const needed = job.privacyReport.approvalsRequired;
  const mine = given.includes(actorOf(p));
  const personal = [...(job.privacyReport.featuresBySensitivity.personal ?? [])].sort();
  const grants =
    personal.length === 0
      ? ''
      : html`<fieldset><legend>Personal features this approval grants (tick each one to approve)</legend>
${personal.map(
  (f, i) =>
    html`<div><input type="checkbox" id="${idOf(job, `grant-${i}`)}" name="personalFeatures" value="${f}">
<label class="inline" for="${idOf(job, `grant-${i}`)}"><code>${f}</code></label></div>`,
)}</fieldset>`;
  const approve = mine
    ? html`<p class="muted">You gave approval ${given.indexOf(actorOf(p)) + 1} of ${needed}; the next must come from another operator.</p>`
    : html`<form method="post" action="/console/jobs/${job.id}/approve">${csrfField(c)}
<label for="${idOf(job, 'approve-note')}">Approval note</label>
<textarea id="${idOf(job, 'approve-note')}" name="note" maxlength="2000"></textarea>
${grants}
<p><button type="submit">Approve${needed > 1 ? html` (${given.length + 1} of ${needed})` : ''}</button></p>
</form>`;
  return html`<div class="actions">${approve}
<form method="post" action="/console/jobs/${job.id}/reject">${csrfField(c)}
<label for="${idOf(job, 'reject-note')}">Rejection note</label>
<textarea id="${idOf(job, 'reject-note')}" name="note" maxlength="2000"></textarea>
<p><button class="danger" type="submit">Reject</button></p>
</form></div>`;
}

/**
 * The cancel form of a job that has not ended (operators only).
 *
 * @example
 * html`${cancelForm(c, job)}`;
 */
export function cancelForm(c: ConsoleContext, job: Job) {
  if (TERMINAL_STATUSES.has(job.status) || c.get('principal').role !== 'operator') return '';
  return html`<form method="post" action="/console/jobs/${job.id}/cancel">${csrfField(c)}
<label for="${idOf(job, 'cancel-note')}">Cancellation note</label>
<textarea id="${idOf(job, 'cancel-note')}" name="note" maxlength="2000"></textarea>
<p><button class="danger" type="submit">Cancel job</button></p>
</form>`;
}

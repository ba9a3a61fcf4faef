// Operators' decisions on jobs and cancellations: shared by the API and the operator console.
import type { DecisionBody, Job } from '../../client-sdk/contract/resources.ts';
import { actorOf, canSee } from '../api/auth.ts';
import { HttpError, notFound } from '../api/http-error.ts';
import type { LabContext } from '../context.ts';
import { approvers } from '../privacy/approval-policy.ts';
import { checkGrant } from '../privacy/grants.ts';
import type { Principal } from '../store/api-keys.ts';
import { nowIso } from '../store/ids.ts';
import { TransitionError } from '../store/jobs.ts';
import { startJob } from './start.ts';

/** Statuses a job can still be cancelled from. */
const CANCELLABLE = new Set<Job['status']>(['pending_approval', 'approved', 'running']);

/**
 * The job, if the principal may see it; 404 otherwise (a job of another tenant looks unknown).
 *
 * @example
 * const job = await visibleJob(ctx, id, principal);
 */
export async function visibleJob(ctx: LabContext, id: string, p: Principal): Promise<Job> {
  const job = await ctx.jobs.get(id);
  if (!job || !canSee(p, job.tenant)) throw notFound('job');
  return job;
}

/** Records one approval of several on a job that stays pending (guarded against a decision in between). */
async function addDecision(ctx: LabContext, id: string, record: Job['decisions'][number]): Promise<Job> {
  const job = await ctx.jobs.records.update(id, (j) => {
    if (j.status !== 'pending_approval') throw new TransitionError(`job ${id} is ${j.status}`);
    return { ...j, decisions: [...j.decisions, record], updatedAt: nowIso() };
  });
  if (!job) throw notFound('job');
  return job;
}

/**
 * An operator approves or rejects a pending job. Restricted or personal inputs may need several
 * distinct operators; until the last of them the job stays pending. Approval starts the job;
 * rejection refunds its privacy budget. Audited either way.
 *
 * @example
 * const job = await decideJob(ctx, id, principal, 'approved', { note: 'ok', personalFeatures: [] });
 */
export async function decideJob(
  ctx: LabContext,
  id: string,
  p: Principal,
  decision: 'approved' | 'rejected',
  body: DecisionBody,
): Promise<Job> {
  const current = await visibleJob(ctx, id, p);
  if (current.status !== 'pending_approval') {
    throw new HttpError(
      409,
      'conflict',
      `job ${id} is ${current.status}; only pending jobs can be ${decision}`,
    );
  }
  const personalFeatures = decision === 'approved' ? checkGrant(current, body.personalFeatures) : [];
  const by = actorOf(p);
  if (decision === 'approved' && approvers(current).includes(by)) {
    throw new HttpError(409, 'conflict', `job ${id} needs its next approval from a different operator`);
  }
  const record = { decision, by, note: body.note, personalFeatures, at: nowIso() };
  const needed = current.privacyReport.approvalsRequired;
  const complete = decision === 'rejected' || approvers(current).length + 1 >= needed;
  try {
    const job = complete
      ? await ctx.jobs.transition(id, decision, (j) => ({ ...j, decisions: [...j.decisions, record] }))
      : await addDecision(ctx, id, record);
    await ctx.audit.append({
      kind: complete ? `job.${decision}` : 'job.approval_recorded',
      actor: by,
      tenant: job.tenant,
      subject: id,
      details: { note: body.note, personalFeatures, approvals: approvers(job).length, needed },
    });
    if (!complete) return job;
    if (decision === 'approved') await startJob(ctx, id);
    // A job that never runs gives its privacy budget back.
    else await ctx.budgets.refund(id, job.tenant);
    return job;
  } catch (err) {
    if (err instanceof TransitionError) throw new HttpError(409, 'conflict', err.message);
    throw err;
  }
}

/**
 * Cancels a job that has not ended: its bank's scientists may cancel their own jobs, operators
 * any. A running job stops at its next step (the coordinator re-reads the status before each
 * round); one that never ran gives its privacy budget back, one that ran keeps the charge (its
 * domains' data was used). Audited.
 *
 * @example
 * const job = await cancelJob(ctx, id, principal, 'wrong label set');
 */
export async function cancelJob(ctx: LabContext, id: string, p: Principal, note: string): Promise<Job> {
  const current = await visibleJob(ctx, id, p);
  if (!CANCELLABLE.has(current.status)) {
    throw new HttpError(409, 'conflict', `job ${id} is ${current.status}; it can no longer be cancelled`);
  }
  const by = actorOf(p);
  // The status the job left, read inside the guarded update (it may have started meanwhile).
  let from = current.status;
  let job: Job;
  try {
    job = await ctx.jobs.transition(id, 'cancelled', (j) => {
      from = j.status;
      return { ...j, error: note ? `cancelled by ${by}: ${note}` : `cancelled by ${by}` };
    });
  } catch (err) {
    if (err instanceof TransitionError) throw new HttpError(409, 'conflict', err.message);
    throw err;
  }
  const ran = from === 'running';
  if (!ran) await ctx.budgets.refund(id, job.tenant);
  await ctx.audit.append({
    kind: 'job.cancelled',
    actor: by,
    tenant: job.tenant,
    subject: id,
    details: { note, from, budgetRefunded: !ran },
  });
  return job;
}

// Personal-feature grants: which personal inputs the approvals of a job explicitly allowed.
import type { Job } from '../../client-sdk/contract/resources.ts';
import { HttpError } from '../api/http-error.ts';

/**
 * The personal features granted by the job's approvals (union over approving decisions).
 *
 * @example
 * grantedPersonal(job); // ['personnel.rep_age']
 */
export function grantedPersonal(job: Pick<Job, 'decisions'>): string[] {
  const out = new Set<string>();
  for (const d of job.decisions)
    if (d.decision === 'approved') for (const f of d.personalFeatures) out.add(f);
  return [...out].sort();
}

/**
 * The job's personal features an approval must name: those the privacy report lists as personal.
 *
 * @example
 * personalFeaturesOf(job); // ['personnel.rep_age']
 */
function personalFeaturesOf(job: Pick<Job, 'privacyReport'>): string[] {
  return [...(job.privacyReport.featuresBySensitivity.personal ?? [])].sort();
}

/**
 * An approval must name exactly the job's personal features: each one it uses (an explicit grant),
 * and nothing it does not use. Returns the grant to record with the decision.
 *
 * @example
 * checkGrant(job, ['personnel.rep_age']); // throws 400 grant_required when one is missing
 */
export function checkGrant(job: Pick<Job, 'privacyReport'>, granted: readonly string[]): string[] {
  const needed = personalFeaturesOf(job);
  const missing = needed.filter((f) => !granted.includes(f));
  if (missing.length > 0) {
    throw new HttpError(
      400,
      'grant_required',
      `the job uses personal features ${missing.join(', ')}: approve with them listed in personalFeatures`,
      'personalFeatures',
    );
  }
  const extra = granted.filter((f) => !needed.includes(f));
  if (extra.length > 0) {
    throw new HttpError(
      400,
      'invalid_request',
      `the job does not use personal feature ${extra[0]}`,
      'personalFeatures',
    );
  }
  return [...needed];
}

// The privacy report an operator reads before approving a job, and the submit-time checks behind it.
import type { JobSpec } from '../../client-sdk/contract/job-spec.ts';
import type { LabelSet, PrivacyReport } from '../../client-sdk/contract/resources.ts';
import { HttpError } from '../api/http-error.ts';
import type { DomainRegistration } from '../infra/task-protocol.ts';

/** Rows per model parameter below which a model can memorise its training rows (DESIGN §6). */
export const MIN_ROWS_PER_PARAMETER = 20;

/**
 * Resolves the job's domains and checks every feature against the catalog: unknown features,
 * non-numeric ones and identifiers are refused with the offending field named.
 *
 * @example
 * const domains = resolveDomains(spec, await ctx.domains.list());
 */
export function resolveDomains(spec: JobSpec, catalog: readonly DomainRegistration[]): DomainRegistration[] {
  spec.features.forEach((name, i) => {
    if (!catalog.some((d) => d.features.some((x) => x.name === name))) {
      throw new HttpError(
        400,
        'invalid_request',
        `unknown feature '${name}' (not in the catalog)`,
        `features.${i}`,
      );
    }
  });
  let domains: DomainRegistration[];
  if (spec.domains) {
    domains = spec.domains.map((id, i) => {
      const d = catalog.find((x) => x.id === id);
      if (!d) throw new HttpError(400, 'invalid_request', `unknown domain '${id}'`, `domains.${i}`);
      return d;
    });
  } else {
    domains = catalog.filter((d) => spec.features.every((f) => d.features.some((x) => x.name === f)));
  }
  spec.features.forEach((name, i) => {
    const field = `features.${i}`;
    const holders = domains.filter((d) => d.features.some((x) => x.name === name));
    if (holders.length < domains.length || domains.length === 0) {
      throw new HttpError(
        400,
        'invalid_request',
        `feature '${name}' is not held by every selected domain`,
        field,
      );
    }
    const meta = holders[0]!.features.find((x) => x.name === name)!;
    if (meta.sensitivity === 'identifier') {
      throw new HttpError(
        400,
        'invalid_request',
        `feature '${name}' is an identifier and can never be a model input`,
        field,
      );
    }
    if (meta.type !== 'number') {
      throw new HttpError(
        400,
        'invalid_request',
        `feature '${name}' has type ${meta.type}; logistic regression takes numbers`,
        field,
      );
    }
  });
  if (new Set(spec.features).size !== spec.features.length) {
    throw new HttpError(400, 'invalid_request', 'features must not repeat', 'features');
  }
  return domains;
}

/**
 * @example
 * const report = privacyReport(spec, labelSet, domains);
 */
export function privacyReport(
  spec: JobSpec,
  labelSet: LabelSet,
  domains: readonly DomainRegistration[],
): PrivacyReport {
  const bySensitivity: Record<string, string[]> = {};
  for (const name of spec.features) {
    const s = domains[0]?.features.find((x) => x.name === name)?.sensitivity ?? 'unknown';
    bySensitivity[s] = [...(bySensitivity[s] ?? []), name];
  }
  const parameterCount = spec.features.length + 1;
  const rowsPerParameter = labelSet.rows / parameterCount;
  const warnings: string[] = [];
  if (rowsPerParameter < MIN_ROWS_PER_PARAMETER)
    warnings.push(`only ${rowsPerParameter.toFixed(1)} label rows per parameter`);
  if (bySensitivity.personal) warnings.push('uses personal features: needs an explicit grant');
  if (bySensitivity.restricted) warnings.push('uses restricted features');
  if (labelSet.positives < spec.privacy.minCohort) warnings.push('fewer positives than the minimum cohort');
  return {
    featuresBySensitivity: bySensitivity,
    parameterCount,
    labelRows: labelSet.rows,
    rowsPerParameter,
    domains: domains.map((d) => d.id),
    minCohort: spec.privacy.minCohort,
    dpEpsilon: null,
    purpose: spec.purpose,
    warnings,
  };
}

// Submit-time checks of a JobSpec against the catalog, the frozen input encoding, and the privacy
// report an operator reads before approving.
import type { JobSpec } from '../../client-sdk/contract/job-spec.ts';
import type {
  CatalogFeature,
  Encoding,
  LabelSet,
  PrivacyReport,
} from '../../client-sdk/contract/resources.ts';
import { planEncoding, type SourceStats } from '../../models/encoding.ts';
import { enoughRowsPerParameter, parameterCount } from '../../models/parameter-count.ts';
import { HttpError } from '../api/http-error.ts';
import type { DomainRegistration } from '../infra/task-protocol.ts';

const bad = (message: string, field: string) => new HttpError(400, 'invalid_request', message, field);
const holds = (d: DomainRegistration, name: string) => d.features.some((x) => x.name === name);

/**
 * Resolves the job's domains and checks every feature against the catalog: unknown features and
 * identifiers are refused with the offending field named. A feature needs at least one selected
 * domain holding it; domains without it contribute missing values (imputed, with an indicator).
 *
 * @example
 * const domains = resolveDomains(spec, await ctx.domains.list());
 */
export function resolveDomains(spec: JobSpec, catalog: readonly DomainRegistration[]): DomainRegistration[] {
  const wanted = spec.labels.source === 'domain' ? [...spec.features, spec.labels.column] : spec.features;
  spec.features.forEach((name, i) => {
    if (!catalog.some((d) => holds(d, name)))
      throw bad(`unknown feature '${name}' (not in the catalog)`, `features.${i}`);
  });
  if (new Set(spec.features).size !== spec.features.length) throw bad('features must not repeat', 'features');
  if (new Set(spec.bankFeatures).size !== spec.bankFeatures.length)
    throw bad('bank features must not repeat', 'bankFeatures');
  let domains: DomainRegistration[];
  if (spec.domains) {
    domains = spec.domains.map((id, i) => {
      const d = catalog.find((x) => x.id === id);
      if (!d) throw bad(`unknown domain '${id}'`, `domains.${i}`);
      return d;
    });
  } else {
    domains = catalog.filter((d) => (wanted.length === 0 ? true : wanted.some((f) => holds(d, f))));
  }
  if (domains.length === 0) throw bad('no domain holds these features', 'domains');
  spec.features.forEach((name, i) => {
    const field = `features.${i}`;
    const meta = domains.find((d) => holds(d, name))?.features.find((x) => x.name === name);
    if (!meta) throw bad(`feature '${name}' is not held by any selected domain`, field);
    if (meta.sensitivity === 'identifier')
      throw bad(`feature '${name}' is an identifier and can never be a model input`, field);
  });
  if (spec.labels.source === 'domain') {
    const column = spec.labels.column;
    const missing = domains.find((d) => !holds(d, column));
    if (!catalog.some((d) => holds(d, column)))
      throw bad(`unknown label column '${column}'`, 'labels.column');
    if (missing) throw bad(`domain ${missing.id} does not hold the label column`, 'labels.column');
    if (spec.features.includes(column))
      throw bad('the label column cannot also be a feature', 'labels.column');
  }
  return domains;
}

/** Federated view of one feature across the selected domains, from what each published. */
function sourceStats(name: string, domains: readonly DomainRegistration[]): SourceStats {
  const metas = domains.map((d) => d.features.find((x) => x.name === name));
  const held = metas.filter((m): m is CatalogFeature => m !== undefined);
  const counts = new Map<string, number>();
  for (const m of held)
    for (const c of m.categories ?? []) counts.set(c.value, (counts.get(c.value) ?? 0) + c.count);
  return {
    name,
    type: held[0]!.type,
    mayBeMissing:
      held.length < metas.length || held.some((m) => m.missingRate === undefined || m.missingRate > 0),
    categories: [...counts].map(([value, count]) => ({ value, count })),
  };
}

/**
 * The job's frozen input encoding: platform features (stats summed over domains), then bank-side
 * features (`bank.<column>`).
 *
 * @example
 * const encoding = planJobEncoding(spec, domains, labelSet);
 */
export function planJobEncoding(
  spec: JobSpec,
  domains: readonly DomainRegistration[],
  labelSet: LabelSet | null,
): Encoding {
  const sources: SourceStats[] = spec.features.map((f) => sourceStats(f, domains));
  for (const b of spec.bankFeatures) {
    sources.push({
      name: `bank.${b}`,
      type: 'number',
      mayBeMissing: (labelSet?.bankFeatureNulls[b] ?? 0) > 0,
    });
  }
  return planEncoding(sources, spec.encoding);
}

/**
 * The report an operator reads before approving. Refuses (400, field `model`) a model with more
 * parameters than the label rows allow under the platform's rows-per-parameter floor.
 *
 * @example
 * const report = privacyReport(spec, labelSet, domains, encoding, 20);
 */
export function privacyReport(
  spec: JobSpec,
  labelSet: LabelSet | null,
  domains: readonly DomainRegistration[],
  encoding: Encoding,
  minRowsPerParameter: number,
): Omit<PrivacyReport, 'approvalsRequired'> {
  const bySensitivity: Record<string, string[]> = {};
  for (const name of spec.features) {
    const s = domains.flatMap((d) => d.features).find((x) => x.name === name)?.sensitivity ?? 'unknown';
    bySensitivity[s] = [...(bySensitivity[s] ?? []), name];
  }
  if (spec.bankFeatures.length > 0) bySensitivity['bank-side'] = spec.bankFeatures.map((b) => `bank.${b}`);
  const parameters = parameterCount(spec.model, encoding.inputs.length);
  const labelRows =
    labelSet?.rows ??
    Math.round(
      domains.reduce((s, d) => {
        const f = d.features.find((x) => spec.labels.source === 'domain' && x.name === spec.labels.column);
        return s + (f?.rows ?? 0) * (1 - (f?.missingRate ?? 0));
      }, 0),
    );
  const rowsPerParameter = labelRows / parameters;
  if (!enoughRowsPerParameter(labelRows, parameters, minRowsPerParameter)) {
    throw new HttpError(
      400,
      'too_many_parameters',
      `the model has ${parameters} parameters for ${labelRows} label rows (${rowsPerParameter.toFixed(1)} per parameter; the platform requires ${minRowsPerParameter}): it could memorise rows`,
      'model',
    );
  }
  const warnings: string[] = [];
  if (bySensitivity.personal) warnings.push('uses personal features: needs an explicit grant');
  if (bySensitivity.restricted) warnings.push('uses restricted features');
  if (labelSet && labelSet.positives < spec.privacy.minCohort)
    warnings.push('fewer positives than the minimum cohort');
  return {
    featuresBySensitivity: bySensitivity,
    parameterCount: parameters,
    labelRows,
    rowsPerParameter,
    domains: domains.map((d) => d.id),
    minCohort: spec.privacy.minCohort,
    dpEpsilon: spec.privacy.dp?.epsilon ?? null,
    purpose: spec.purpose,
    warnings,
  };
}

// Prepares a run: filters the label set by authorisation, slices it per domain, seals each slice.
import type { Job, TrainingReport } from '../../client-sdk/contract/resources.ts';
import type { LabContext } from '../context.ts';
import { seal } from '../infra/seal.ts';
import type { DomainRegistration } from '../infra/task-protocol.ts';
import { domainForEntity } from '../store/domains.ts';

export interface RunSetup {
  domains: { id: string; labelsRef: string; rows: number }[];
  report: TrainingReport;
}

/** A run cannot start; the job fails with this message (never retried). */
export class RunSetupError extends Error {
  override name = 'RunSetupError';
}

/**
 * Each domain's enclave gets only the labels of the enterprises that domain holds (routed by the
 * USCC's division code), and only those the enterprise authorised the bank to use for modelling.
 * The slice is sealed to the domain's public key: Redis only ever sees ciphertext.
 *
 * @example
 * const setup = await prepareRun(ctx, job, domains);
 */
export async function prepareRun(
  ctx: LabContext,
  job: Job,
  domains: DomainRegistration[],
): Promise<RunSetup> {
  const rows = await ctx.labelSets.rows(job.spec.labelSetId);
  const allowed = await ctx.authorizations.allowed(job.tenant, rows.entities, 'modelling', new Date());
  const slices = new Map<string, { entities: string[]; labels: number[] }>(
    domains.map((d) => [d.id, { entities: [], labels: [] }]),
  );
  let droppedUnauthorised = 0;
  let droppedNoDomain = 0;
  rows.entities.forEach((entity, i) => {
    if (!allowed[i]) {
      droppedUnauthorised++;
      return;
    }
    const domain = domainForEntity(domains, entity);
    if (!domain) {
      droppedNoDomain++;
      return;
    }
    const slice = slices.get(domain)!;
    slice.entities.push(entity);
    slice.labels.push(rows.labels[i]!);
  });
  const minCohort = job.spec.privacy.minCohort;
  const out: RunSetup['domains'] = [];
  for (const d of domains) {
    const slice = slices.get(d.id)!;
    if (slice.entities.length < minCohort) {
      throw new RunSetupError(
        `domain ${d.id} holds ${slice.entities.length} authorised labelled enterprises, below the minimum cohort of ${minCohort}`,
      );
    }
    const sealed = seal(d.publicKeyPem, Buffer.from(JSON.stringify(slice)), Buffer.from(job.id));
    out.push({ id: d.id, labelsRef: await ctx.blobs.put(sealed), rows: slice.entities.length });
  }
  return {
    domains: out,
    report: {
      labelRows: rows.entities.length,
      usedRows: out.reduce((s, d) => s + d.rows, 0),
      droppedUnauthorised,
      droppedNoDomain,
      rowsByDomain: Object.fromEntries(out.map((d) => [d.id, d.rows])),
    },
  };
}

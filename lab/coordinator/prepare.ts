// Prepares a run: filters the bank's label set by authorisation, slices it per domain, seals each slice.
import type { Job, TrainingReport } from '../../client-sdk/contract/resources.ts';
import type { LabContext } from '../context.ts';
import { domainForEntity } from '../infra/domain-directory.ts';
import { seal } from '../infra/seal.ts';
import type { DomainRegistration, LabelColumns } from '../infra/task-protocol.ts';

export interface RunSetup {
  /** Per domain, the sealed label slice (bank labels) or null (labels held in the domain). */
  domains: { id: string; labelsRef: string | null; rows: number }[];
  entityKey: 'uscc' | 'opaque';
  report: TrainingReport | null;
}

/** A run cannot start; the job fails with this message (never retried). */
export class RunSetupError extends Error {
  override name = 'RunSetupError';
}

type Slice = LabelColumns;
const emptySlice = (bankFeatures: string[]): Slice => ({
  entities: [],
  labels: [],
  bank: Object.fromEntries(bankFeatures.map((f) => [f, []])),
});

/**
 * Each domain's enclave gets only the labels of the enterprises that domain holds (USCC: routed by
 * the code's division; opaque ids: every domain gets the slice and keeps the ids it holds), only
 * those the enterprise authorised the bank to use for modelling, and only the bank-side columns the
 * job declared. Each slice is sealed to the domain's public key: Redis only ever sees ciphertext.
 *
 * @example
 * const setup = await prepareRun(ctx, job, domains);
 */
export async function prepareRun(
  ctx: LabContext,
  job: Job,
  domains: DomainRegistration[],
): Promise<RunSetup> {
  const labels = job.spec.labels;
  if (labels.source === 'domain') {
    return {
      domains: domains.map((d) => ({ id: d.id, labelsRef: null, rows: 0 })),
      entityKey: domains[0]!.entityKey,
      report: null,
    };
  }
  const meta = await ctx.labelSets.meta(labels.labelSetId);
  if (!meta) throw new RunSetupError(`label set ${labels.labelSetId} no longer exists`);
  const rows = await ctx.labelSets.rows(labels.labelSetId);
  const allowed = await ctx.authorizations.allowed(job.tenant, rows.entities, 'modelling', new Date());
  const bankFeatures = job.spec.bankFeatures;
  const slices = new Map<string, Slice>(domains.map((d) => [d.id, emptySlice(bankFeatures)]));
  let droppedUnauthorised = 0;
  let droppedNoDomain = 0;
  rows.entities.forEach((entity, i) => {
    if (!allowed[i]) {
      droppedUnauthorised++;
      return;
    }
    const targets = meta.entityKey === 'uscc' ? [domainForEntity(domains, entity)] : domains.map((d) => d.id);
    if (!targets[0]) {
      droppedNoDomain++;
      return;
    }
    for (const t of targets) {
      const slice = slices.get(t!)!;
      slice.entities.push(entity);
      slice.labels.push(rows.labels[i]!);
      for (const f of bankFeatures) slice.bank[f]!.push(rows.bank[f]![i]!);
    }
  });
  const minCohort = job.spec.privacy.minCohort;
  const out: RunSetup['domains'] = [];
  for (const d of domains) {
    const slice = slices.get(d.id)!;
    if (slice.entities.length < minCohort) {
      throw new RunSetupError(
        `domain ${d.id} holds ${slice.entities.length} authorised labelled entities, below the minimum cohort of ${minCohort}`,
      );
    }
    const sealed = seal(d.publicKeyPem, Buffer.from(JSON.stringify(slice)), Buffer.from(job.id));
    out.push({ id: d.id, labelsRef: await ctx.blobs.put(sealed), rows: slice.entities.length });
  }
  const used =
    meta.entityKey === 'uscc'
      ? out.reduce((s, d) => s + d.rows, 0)
      : rows.entities.length - droppedUnauthorised;
  return {
    domains: out,
    entityKey: meta.entityKey,
    report: {
      labelRows: rows.entities.length,
      usedRows: used,
      droppedUnauthorised,
      droppedNoDomain,
      rowsByDomain: Object.fromEntries(out.map((d) => [d.id, d.rows])),
    },
  };
}

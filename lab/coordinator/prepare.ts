// Prepares a run: filters the bank's label set by authorisation, slices it per domain, seals each slice.
import { randomBytes } from 'node:crypto';
import type { Job, TrainingReport } from '../../client-sdk/contract/resources.ts';
import { enoughRowsPerParameter, parameterCount } from '../../models/parameter-count.ts';
import type { LabContext } from '../context.ts';
import { domainForEntity } from '../infra/domain-directory.ts';
import { seal } from '../infra/seal.ts';
import type { DomainRegistration, LabelColumns } from '../infra/task-protocol.ts';
import { publicStandardisation } from '../privacy/public-stats.ts';
import type { RunDp } from './dp.ts';

export interface RunSetup {
  /** Per domain, the sealed label slice (bank labels) or null (labels held in the domain). */
  domains: { id: string; labelsRef: string | null; rows: number }[];
  entityKey: 'uscc' | 'opaque';
  report: TrainingReport | null;
  /** Differential privacy: the secret noise seed and the public standardisation (null without DP). */
  dp: RunDp | null;
}

/** A run cannot start; the job fails with this message (never retried). */
export class RunSetupError extends Error {
  override name = 'RunSetupError';
}

/**
 * The memorisation rule on the rows actually behind the model (authorised label rows when the run
 * is prepared, training rows once the domains have counted them): a model with more parameters
 * than rows / `minRowsPerParameter` is refused.
 *
 * @example
 * checkRowsPerParameter(ctx, job, 4800, 'training rows');
 */
export function checkRowsPerParameter(ctx: LabContext, job: Job, rows: number, what: string): void {
  const parameters = parameterCount(job.spec.model, job.encoding.inputs.length);
  const floor = ctx.policy.minRowsPerParameter;
  if (!enoughRowsPerParameter(rows, parameters, floor)) {
    throw new RunSetupError(
      `egress refused (too_many_parameters): ${parameters} parameters for ${rows} ${what}; the platform requires ${floor} rows per parameter`,
    );
  }
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
  const runDp = (bank: Record<string, (number | null)[]>): RunDp | null =>
    job.spec.privacy.dp
      ? { seed: randomBytes(32).toString('hex'), ...publicStandardisation(job.encoding, domains, bank) }
      : null;
  if (labels.source === 'domain') {
    return {
      domains: domains.map((d) => ({ id: d.id, labelsRef: null, rows: 0 })),
      entityKey: domains[0]!.entityKey,
      report: null,
      dp: runDp({}),
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
  checkRowsPerParameter(ctx, job, used, 'authorised label rows');
  return {
    domains: out,
    entityKey: meta.entityKey,
    dp: runDp(rows.bank),
    report: {
      labelRows: rows.entities.length,
      usedRows: used,
      droppedUnauthorised,
      droppedNoDomain,
      rowsByDomain: Object.fromEntries(out.map((d) => [d.id, d.rows])),
    },
  };
}

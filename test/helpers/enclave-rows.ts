// Rebuilds a job's per-domain rows outside the lab, as prepare and the enclaves do, to check what a model was fitted on.
import path from 'node:path';
import type { CatalogDomain, Job } from '../../client-sdk/contract/resources.ts';
import { type DomainTable, loadDomainTable } from '../../enclave-worker/data/columns.ts';
import { loadManifest } from '../../enclave-worker/data/manifest.ts';
import { jobRows } from '../../enclave-worker/enclave/rows.ts';
import { domainForEntity } from '../../lab/infra/domain-directory.ts';
import type { DomainRegistration } from '../../lab/infra/task-protocol.ts';
import type { LocalRows } from '../../models/strategy.ts';
import { type LabelFileRow, readAuthorizations } from '../../scripts/lib/world-files.ts';
import type { StackFixture } from './stack-fixture.ts';

/** A world as the lab sees it: the published domains, their whole tables, the bank's modelling consents. */
export interface WorldReplica {
  /** Catalog entries shaped as registrations (routing and public statistics need nothing more). */
  domains: DomainRegistration[];
  tables: Map<string, DomainTable>;
  /** Entities whose latest grant to the bank covers modelling at the time the replica was made. */
  consented: Set<string>;
}

/** One domain's share of a job: its authorised label rows, split into training and holdout. */
export interface DomainRows {
  id: string;
  labelled: number;
  train: LocalRows;
  holdout: LocalRows;
}

/**
 * Loads every domain's table from the world folder (the whole table, as a warm enclave holds it)
 * and the bank's grants from its authorisations CSV; a later grant of an entity replaces an earlier
 * one, as the import does.
 *
 * @example
 * const replica = await worldReplica(fx, (await scientist.catalog.get()).domains);
 */
export async function worldReplica(
  fx: StackFixture,
  catalog: readonly CatalogDomain[],
  now = new Date(),
): Promise<WorldReplica> {
  const domains = catalog.map((d) => ({ ...d, publicKeyPem: '' })).sort((a, b) => a.id.localeCompare(b.id));
  const tables = new Map<string, DomainTable>();
  for (const d of domains) {
    const dir = path.join(fx.worldDir, 'domains', d.id);
    tables.set(d.id, await loadDomainTable(dir, await loadManifest(dir)));
  }
  const file = path.join(fx.worldDir, 'banks', fx.world.bank, 'authorizations.csv');
  const latest = new Map(
    (await readAuthorizations(file)).filter((g) => g.bank === fx.world.bank).map((g) => [g.entity, g]),
  );
  const t = now.getTime();
  const consented = new Set(
    [...latest.values()]
      .filter(
        (g) =>
          g.purposes.includes('modelling') && Date.parse(g.grantedAt) <= t && t < Date.parse(g.expiresAt),
      )
      .map((g) => g.entity),
  );
  return { domains, tables, consented };
}

/**
 * The rows each of the job's domains trains and evaluates on for `labels` (USCC label sets): only
 * consented entities, routed by division code, encoded and split by the enclave's own `jobRows`.
 * Domains come in id order, the order the coordinator sums their updates in.
 *
 * @example
 * const shares = enclaveRows(replica, job, labels); // [{ id: 'd-bj', train, holdout, labelled }, …]
 */
export function enclaveRows(replica: WorldReplica, job: Job, labels: readonly LabelFileRow[]): DomainRows[] {
  const used = replica.domains.filter((d) => job.privacyReport.domains.includes(d.id));
  const bankFeatures = job.spec.bankFeatures;
  const slices = new Map(used.map((d) => [d.id, [] as LabelFileRow[]]));
  for (const r of labels) {
    if (replica.consented.has(r.entity)) slices.get(domainForEntity(used, r.entity) ?? '')?.push(r);
  }
  return used.map((d) => {
    const slice = slices.get(d.id)!;
    const bank = Object.fromEntries(bankFeatures.map((f) => [f, slice.map((r) => r.features[f] ?? null)]));
    const { train, holdout } = jobRows(
      {
        type: 'load',
        id: 0,
        jobId: job.id,
        modelKind: job.spec.model.kind,
        encoding: job.encoding,
        bankFeatures,
        labels: {
          source: 'bank',
          entityKey: 'uscc',
          entities: slice.map((r) => r.entity),
          labels: slice.map((r) => r.label),
          bank,
        },
        validation: job.spec.validation,
        minCohort: job.spec.privacy.minCohort,
        minClassCohort: job.spec.privacy.minClassCohort,
        dp: job.spec.privacy.dp !== undefined,
      },
      replica.tables.get(d.id)!,
    );
    return { id: d.id, labelled: slice.length, train, holdout };
  });
}

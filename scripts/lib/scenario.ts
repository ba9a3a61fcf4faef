// The lab's reference scenario, as its users live it: operator imports consents, a bank uploads
// labels and submits a job, two operators approve, the bank waits, a risk system scores.
import path from 'node:path';
import { LabClient } from '../../client-sdk/client.ts';
import type { JobSpecInput } from '../../client-sdk/contract/job-spec.ts';
import type { Job, JobProgress, Model, ScoreResponse } from '../../client-sdk/contract/resources.ts';
import type { WorldSummary } from '../synth/index.ts';
import { approveWith } from './approval.ts';
import { readAuthorizations, readLabels } from './world-files.ts';

export interface ScenarioKeys {
  operator: string;
  /** A second operator: jobs with restricted features need two distinct approvals. */
  operator2: string;
  scientist: string;
  risk: string;
}

export interface ScenarioResult {
  job: Job;
  model: Model;
  /** The same model kind on the bank's own features only (what the bank could build alone). */
  bankOnly: Model;
  scored: ScoreResponse;
  entities: string[];
}

/** Waits until every domain of the world has published itself in the catalog. */
export async function waitForDomains(client: LabClient, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Registered, and described (statistics published), by every domain.
  while ((await client.catalog.get()).domains.filter((d) => d.rows !== undefined).length < count) {
    if (Date.now() > deadline)
      throw new Error(`only some of the ${count} domains registered within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * @example
 * const result = await runScenario(url, keys, worldDir, world, { onProgress: console.log });
 */
export async function runScenario(
  url: string,
  keys: ScenarioKeys,
  worldDir: string,
  world: WorldSummary,
  opts: { onProgress?: (p: JobProgress) => void; spec?: Partial<JobSpecInput>; scoreCount?: number } = {},
): Promise<ScenarioResult> {
  const operator = new LabClient({ baseUrl: url, apiKey: keys.operator });
  const operator2 = new LabClient({ baseUrl: url, apiKey: keys.operator2 });
  const scientist = new LabClient({ baseUrl: url, apiKey: keys.scientist });
  const risk = new LabClient({ baseUrl: url, apiKey: keys.risk });
  const bankDir = path.join(worldDir, 'banks', world.bank);

  await waitForDomains(operator, world.domains.length);
  const grants = await readAuthorizations(path.join(bankDir, 'authorizations.csv'));
  await operator.authorizations.import(grants);

  const rows = await readLabels(path.join(bankDir, 'labels.csv'));
  const labelSet = await scientist.labelSets.upload({ name: 'loan-book', rows });
  const features = [...new Set(world.domains.flatMap((d) => [...d.features, ...d.categoryFeatures]))];
  const train = async (name: string, spec: Partial<JobSpecInput>): Promise<Job> => {
    const submitted = await scientist.jobs.submit({
      name,
      purpose: 'Probability of default within 12 months for SME credit lines',
      labels: { source: 'bank', labelSetId: labelSet.id },
      model: { kind: 'logistic', l2: 1 },
      features,
      bankFeatures: labelSet.bankFeatures,
      ...opts.spec,
      ...spec,
    });
    await approveWith(
      [operator, operator2],
      submitted.id,
      'public and restricted features only; cohort sizes fine',
    );
    const job = await scientist.jobs.wait(submitted.id, {
      onProgress: spec.features ? undefined : opts.onProgress,
      timeoutMs: 10 * 60_000,
    });
    if (job.status !== 'succeeded' || !job.modelId)
      throw new Error(`job ${job.id} ended ${job.status}: ${job.error ?? ''}`);
    return job;
  };
  const job = await train('sme-default-12m', {});
  const model = await scientist.models.get(job.modelId!);
  const bankOnly = await scientist.models.get(
    (await train('sme-default-12m-bank-only', { features: [] })).modelId!,
  );
  const now = Date.now();
  const entities = grants
    .filter(
      (g) =>
        g.purposes.includes('scoring') && Date.parse(g.grantedAt) <= now && now < Date.parse(g.expiresAt),
    )
    .slice(0, opts.scoreCount ?? 5)
    .map((g) => g.entity);
  const byEntity = new Map(rows.map((r) => [r.entity, r.features]));
  const inputs = Object.fromEntries(
    entities.map((e) => [
      e,
      Object.fromEntries(model.bankFeatures.map((f) => [f, byEntity.get(e)?.[f] ?? 0] as [string, number])),
    ]),
  );
  const scored = await risk.models.score(model.id, entities, inputs);
  return { job, model, bankOnly, scored, entities };
}

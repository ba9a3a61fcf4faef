// `npm run quality`: a public-data case (FATE's split of the UCI credit data) through the whole lab —
// API, approval, coordinator, brokers, enclaves — with accuracy figures against reference fits.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LabClient } from '../client-sdk/client.ts';
import { type JobSpecInput, ModelKind, type ModelSpec } from '../client-sdk/contract/job-spec.ts';
import type { Job, Model } from '../client-sdk/contract/resources.ts';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { fitFederated } from '../models/driver.ts';
import { type Encoding, encodeRows, type SourceColumn } from '../models/encoding.ts';
import { exactAuc, exactKs } from '../models/evaluation.ts';
import { plainOps } from '../models/linalg.ts';
import { strategyFor } from '../models/registry.ts';
import { type FateCase, fateCase, readFateCsv } from './fate/convert.ts';
import { approveWith } from './lib/approval.ts';
import { dropPrefix, ensureRedis } from './lib/redis.ts';
import { waitForDomains } from './lib/scenario.ts';
import { startStack } from './lib/stack.ts';

const { values } = parseArgs({
  options: {
    split: { type: 'string', default: 'vertical' },
    model: { type: 'string', default: 'logistic' },
    aggregation: { type: 'string', default: 'plain' },
    data: { type: 'string', default: path.resolve('..', 'shared', 'data', 'fate') },
    json: { type: 'boolean', default: false },
    /** Differential privacy for the job (logistic, mlp): its ε; `--l2` then sets the penalty. */
    'dp-epsilon': { type: 'string' },
    l2: { type: 'string' },
  },
});
const dpEpsilon = values['dp-epsilon'] === undefined ? undefined : Number(values['dp-epsilon']);
const split = values.split as 'vertical' | 'horizontal';
const kind = values.model as ModelSpec['kind'];
if (!['vertical', 'horizontal'].includes(split) || !ModelKind.safeParse(kind).success) {
  console.error(
    'usage: npm run quality -- --split vertical|horizontal --model logistic|scorecard|mlp|gbdt [--aggregation plain|ckks] [--dp-epsilon E [--l2 L]] [--data DIR] [--json]',
  );
  process.exit(2);
}
const say = (m: string) => {
  if (!values.json) console.log(m);
};
const BANK = 'bank-fate';
/** scikit-learn's reference used C = 1e4: l2 = 1 / C on standardised inputs. */
const MODEL: Record<ModelSpec['kind'], JobSpecInput['model']> = {
  logistic: { kind: 'logistic', l2: 1e-4 },
  scorecard: { kind: 'scorecard' },
  mlp: { kind: 'mlp' },
  /** Depth-3 trees: 100 × (8 leaves + 7 thresholds) = 1,500 parameters for 24,000 training rows. */
  gbdt: { kind: 'gbdt', trees: 100, maxDepth: 3 },
};

/** Columns of a FATE file as encoder sources named `<prefix>.<column>`. */
function sources(file: { header: string[]; rows: number[][] }, prefix: string): Map<string, SourceColumn> {
  return new Map(
    file.header.map((h, j) => [
      `${prefix}.${h}`,
      { type: 'number' as const, values: Float64Array.from(file.rows, (r) => r[j]!) },
    ]),
  );
}

/** Encodes plain columns with the job's encoding (every row present). */
function encode(encoding: Encoding, cols: Map<string, SourceColumn>, n: number): Float64Array {
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  return encodeRows(encoding, n, (s) => {
    const column = cols.get(s);
    return column ? { column, rows: identity } : undefined;
  });
}

/** The same strategy fitted on the pooled training rows in this process (reference for exactness). */
async function pooledFit(fate: FateCase, data: string, job: Job): Promise<Record<string, unknown>> {
  const strategy = strategyFor(job.spec.model.kind);
  let x: Float64Array;
  let y: Float64Array;
  if (fate.split === 'vertical') {
    const guest = await readFateCsv(path.join(data, 'default_credit_hetero_guest.csv'));
    const host = await readFateCsv(path.join(data, 'default_credit_hetero_host.csv'));
    const hostById = new Map(host.rows.map((r) => [r[0]!, r]));
    const train = guest.rows.filter((r) => r[0]! % 5 !== 0);
    const g = sources({ header: guest.header, rows: train }, 'bank');
    const h = sources({ header: host.header, rows: train.map((r) => hostById.get(r[0]!)!) }, 'host');
    x = encode(job.encoding, new Map([...g, ...h]), train.length);
    y = Float64Array.from(train, (r) => r[1]!);
  } else {
    const parties = await Promise.all(
      ['guest', 'host_1', 'host_2'].map((p) => readFateCsv(path.join(data, `default_credit_homo_${p}.csv`))),
    );
    const all = { header: parties[0]!.header, rows: parties.flatMap((p) => p.rows) };
    const s = sources(all, 'credit');
    x = encode(job.encoding, s, all.rows.length);
    y = Float64Array.from(all.rows, (r) => r[1]!);
  }
  const d = job.encoding.inputs.length;
  return fitFederated(strategy, job.spec.model, [{ x, y, n: y.length, d }], plainOps).model;
}

/** Horizontal case: AUC/KS on the public test file, scored with the released model's parameters. */
async function testFileMetrics(data: string, model: Model, encoding: Encoding) {
  const test = await readFateCsv(path.join(data, 'default_credit_homo_test.csv'));
  const s = sources(test, 'credit');
  const x = encode(encoding, s, test.rows.length);
  const p = strategyFor(model.kind).predict(model.parameters, x, test.rows.length);
  const y = Float64Array.from(test.rows, (r) => r[1]!);
  return { auc: exactAuc(p, y), ks: exactKs(p, y), rows: y.length };
}

function coefficients(params: Record<string, unknown>): number[] {
  const p = params as { intercept: number; weights: number[] };
  return [p.intercept, ...p.weights];
}

async function main(): Promise<void> {
  const data = path.resolve(values.data!);
  const redis = await ensureRedis();
  const prefix = `quality-${randomBytes(4).toString('hex')}`;
  const work = await mkdtemp(path.join(os.tmpdir(), 'jml-fate-'));
  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  try {
    const fate = await fateCase(data, work, split);
    const conn = connectRedis(redis.url);
    const key = async (role: 'operator' | 'bank-scientist', tenant: string) =>
      (await createApiKey(conn, labKeys(prefix), { role, tenant, name: `quality ${role}` })).key;
    const keys = {
      operator: await key('operator', 'platform'),
      operator2: await key('operator', 'platform'),
      scientist: await key('bank-scientist', BANK),
    };
    conn.disconnect();
    if ((kind === 'mlp' || kind === 'gbdt') && !process.env.LAB_MIN_ROWS_PER_PARAMETER) {
      // The reference MLP (32, 16) has 1,313 parameters for 24,000 training rows (18.3 per
      // parameter), the reference GBDT 1,500 (16 per parameter): this lab's operator lowers the
      // platform's floor of 20 for the benchmark case.
      process.env.LAB_MIN_ROWS_PER_PARAMETER = '15';
      say('Platform policy for this case: 15 training rows per model parameter (default 20).');
    }
    stack = await startStack({
      redisUrl: redis.url,
      prefix,
      masterKey: randomBytes(32).toString('base64'),
      domainDirs: fate.domainDirs,
      showLogs: !values.json,
    });
    const ops = new LabClient({ baseUrl: stack.url, apiKey: keys.operator });
    const ops2 = new LabClient({ baseUrl: stack.url, apiKey: keys.operator2 });
    const bank = new LabClient({ baseUrl: stack.url, apiKey: keys.scientist });
    await waitForDomains(ops, fate.domainDirs.length);

    const model = values.l2 === undefined ? MODEL[kind] : { ...MODEL[kind], l2: Number(values.l2) };
    const base = {
      name: `fate-${split}-${kind}`,
      purpose: 'public-data quality check',
      model,
      ...(dpEpsilon === undefined ? {} : { privacy: { dp: { epsilon: dpEpsilon } } }),
      aggregation: values.aggregation as 'plain' | 'ckks',
      encoding: { missingIndicators: true, minCategoryCount: 50 },
    };
    const run = async (spec: JobSpecInput): Promise<{ job: Job; model: Model; wallMs: number }> => {
      const submitted = await bank.jobs.submit(spec);
      const started = Date.now();
      await approveWith([ops, ops2], submitted.id, 'public benchmark data');
      const job = await bank.jobs.wait(submitted.id, { intervalMs: 50 });
      if (job.status !== 'succeeded') throw new Error(`job ${job.id} ${job.status}: ${job.error}`);
      return { job, model: await bank.models.get(job.modelId!), wallMs: Date.now() - started };
    };

    let result: Record<string, unknown>;
    if (split === 'vertical') {
      const now = Date.now();
      const grants = fate.entities.map((entity) => ({
        entity,
        bank: BANK,
        purposes: ['modelling' as const, 'scoring' as const],
        grantedAt: new Date(now - 86_400_000).toISOString(),
        expiresAt: new Date(now + 365 * 86_400_000).toISOString(),
        evidence: 'public data set',
      }));
      await ops.authorizations.import(grants, { entityKey: 'opaque' });
      const ls = await bank.labelSets.upload(fate.labelSet!);
      const labels = { source: 'bank' as const, labelSetId: ls.id };
      const validation = { split: 'id-mod' as const, modulus: 5, remainder: 0 };
      const joint = await run({
        ...base,
        features: fate.features,
        bankFeatures: fate.bankFeatures,
        labels,
        validation,
      });
      say(
        `joint model: AUC ${joint.model.metrics.auc.toFixed(4)} in ${joint.job.progress.length} rounds, ${joint.wallMs} ms`,
      );
      const bankOnly = await run({
        ...base,
        name: `${base.name}-bank-only`,
        features: [],
        bankFeatures: fate.bankFeatures,
        labels,
        validation,
      });
      say(`bank-only model: AUC ${bankOnly.model.metrics.auc.toFixed(4)}`);
      result = {
        auc: joint.model.metrics.auc,
        ks: joint.model.metrics.ks,
        rounds: joint.model.rounds,
        wallMs: joint.wallMs,
        holdoutRows: joint.model.metrics.rows,
        bankOnlyAuc: bankOnly.model.metrics.auc,
        backend: joint.model.backend,
        ...(kind === 'logistic' && dpEpsilon === undefined ? await exactness(fate, data, joint) : {}),
        ...(dpEpsilon === undefined ? {} : { dp: joint.model.privacy.dp }),
        ...(kind === 'scorecard' ? await scorecardFacts(bank, joint.model) : {}),
      };
    } else {
      const out = await run({
        ...base,
        features: fate.features,
        labels: { source: 'domain', column: fate.labelColumn! },
        validation: { split: 'none' },
      });
      const test = await testFileMetrics(data, out.model, out.job.encoding);
      say(
        `model: test-file AUC ${test.auc.toFixed(4)} (${test.rows} rows) in ${out.job.progress.length} rounds, ${out.wallMs} ms`,
      );
      result = {
        auc: test.auc,
        ks: test.ks,
        rounds: out.model.rounds,
        wallMs: out.wallMs,
        testRows: test.rows,
        backend: out.model.backend,
        ...(kind === 'logistic' && dpEpsilon === undefined ? await exactness(fate, data, out) : {}),
        ...(dpEpsilon === undefined ? {} : { dp: out.model.privacy.dp }),
      };
    }
    console.log(JSON.stringify({ split, model: kind, aggregation: values.aggregation, ...result }));
  } finally {
    await stack?.stop();
    await dropPrefix(redis.url, prefix).catch(() => undefined);
    await redis.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** What a scorecard carries: IV per input and the points table (its size, and a few CSV lines). */
async function scorecardFacts(bank: LabClient, model: Model) {
  const iv = (model.parameters as { iv: number[] }).iv;
  const csv = String(await bank.models.pointsTable(model.id, 'csv'))
    .trim()
    .split('\n');
  return {
    ivByInput: Object.fromEntries(model.inputs.map((name, i) => [name, Number(iv[i]!.toFixed(4))])),
    pointsTableRows: csv.length - 1,
    pointsTableHead: csv.slice(0, 3),
  };
}

async function exactness(fate: FateCase, data: string, run: { job: Job; model: Model }) {
  const released = coefficients(run.model.parameters);
  const pooled = coefficients(await pooledFit(fate, data, run.job));
  return {
    coefficients: released,
    inputs: ['(intercept)', ...run.model.inputs],
    pooledMaxCoefDiff: Math.max(...released.map((c, i) => Math.abs(c - pooled[i]!))),
  };
}

main().catch((err) => {
  console.error('quality failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

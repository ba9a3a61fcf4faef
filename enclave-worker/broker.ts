// The domain broker: a BullMQ worker on `domain.<id>` that hands each task to an enclave process
// and returns only what the enclave computed (aggregates, scores), schema-checked.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AuditLog } from '../lab/infra/audit-log.ts';
import { BlobStore } from '../lab/infra/blob-store.ts';
import { DomainDirectory } from '../lab/infra/domain-directory.ts';
import { RecentReads } from '../lab/infra/recent-reads.ts';
import { connectRedis, labKeys, queueNames } from '../lab/infra/redis.ts';
import { ScoreModelWire } from '../lab/infra/score-wire.ts';
import { open } from '../lab/infra/seal.ts';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  type DomainRegistration,
  LabelColumns,
  ReleaseTask,
  TrainResult,
  TrainTask,
} from '../lab/infra/task-protocol.ts';
import { fingerprintDomain } from './data/fingerprint.ts';
import type { DomainManifest } from './data/manifest.ts';
import { validateDomain } from './data/validate.ts';
import {
  checkCohorts,
  checkInputs,
  checkScores,
  checkUpdate,
  EgressRefusal,
  guardedParse,
} from './egress-guard.ts';
import { MAX_CACHED_MODELS } from './enclave/score.ts';
import { defaultLimits, type EnclaveLimits, EnclaveProcess, EnclaveRefusedError } from './enclave-process.ts';
import {
  DescribeResult,
  HeRoundResult,
  KeygenResult,
  LoadResult,
  RoundResult,
  ScoreResultBody,
} from './protocol.ts';
import { requireSandbox, unsafeWarning } from './sandbox-check.ts';
import { type ScoreBatch, ScoreRefused, type ScoreServer, serveScores } from './score-server.ts';
import { WarmEnclaves } from './warm-enclaves.ts';

/** A score reply for 20,000 entities with three reasons each fits well within this. */
const MAX_SCORE_REPLY_BYTES = 16 * 1024 * 1024;

/** What a broker reads of a released model's record to score with it (other fields dropped). */
const ScoringRecord = z.object({ ...ScoreModelWire.shape, tenant: z.string() });

export interface BrokerOptions {
  domainDir: string;
  redisUrl: string;
  prefix: string;
  concurrency?: number;
  /** A job's enclave is stopped after this long without a task. */
  idleMs?: number;
  /** Lock of a task; if this broker dies, another takes its task over after this long. */
  lockDurationMs?: number;
  /** A spare enclave is warmed after the broker has been idle this long. */
  warmIdleMs?: number;
  /** Catalog statistics are published only when backed by at least this many rows. */
  catalogK?: number;
  limits?: EnclaveLimits;
  /**
   * Development only: run enclaves without their sandbox (for hosts that cannot provide it). Warns
   * loudly and marks every result `sandboxed: false`. Without it, such a host refuses to start.
   */
  unsafeNoSandbox?: boolean;
}

export interface Broker {
  manifest: DomainManifest;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Starts a broker for one domain folder.
 *
 * @example
 * const broker = await startBroker({ domainDir: 'world/domains/d-bj', redisUrl, prefix: 'jml' });
 * await broker.close();
 */
export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const dir = path.resolve(opts.domainDir);
  // A broken domain never starts: every problem is reported with its file and field.
  const manifest = await validateDomain(dir);
  const sandboxed = !opts.unsafeNoSandbox;
  if (sandboxed) await requireSandbox();
  else console.error(unsafeWarning(`broker ${manifest.id} starts its enclaves`));
  const privateKeyPem = await readFile(path.join(dir, manifest.keys.privateKey), 'utf8');
  const publicKeyPem = await readFile(path.join(dir, manifest.keys.publicKey), 'utf8');
  const redis: Redis = connectRedis(opts.redisUrl);
  const keys = labKeys(opts.prefix);
  const blobs = new BlobStore(redis, keys);
  const limits = opts.limits ?? defaultLimits;
  const directory = new DomainDirectory(redis, keys);
  const audit = new AuditLog(redis, keys);
  const actor = `broker:${manifest.id}`;

  const registration: DomainRegistration = {
    id: manifest.id,
    name: manifest.name,
    regions: manifest.regions,
    entityKey: manifest.entityKey,
    publicKeyPem,
    features: manifest.datasets.flatMap((ds) =>
      ds.columns.map((c) => ({
        name: `${ds.name}.${c.name}`,
        type: c.type,
        category: c.category,
        sensitivity: c.sensitivity,
        description: c.description,
      })),
    ),
    publishedAt: new Date().toISOString(),
  };
  await directory.publish(registration);

  const enclaves = new Map<string, Promise<EnclaveProcess>>();
  /** What each job's enclave loaded (row and class counts), for the egress guard's cohort and row-shape checks. */
  const loads = new Map<string, z.infer<typeof LoadResult>>();
  let scorer: Promise<EnclaveProcess> | null = null;
  // What the broker sees of an enclave going wrong is audited: its own denials are silent.
  const onIncident = (reason: string) => {
    void audit
      .append({
        kind: 'enclave.incident',
        actor,
        tenant: 'platform',
        subject: manifest.id,
        details: { reason },
      })
      .catch((err: Error) => console.error(`broker ${manifest.id}: audit failed: ${err.message}`));
  };
  const startWarm = async (role: 'job' | 'scorer' = 'job') => {
    const enclave = await EnclaveProcess.start(dir, limits, { sandboxed, onIncident, role });
    await enclave.request({ type: 'warm' });
    return enclave;
  };
  const warm = new WarmEnclaves(
    () => startWarm(),
    opts.warmIdleMs ?? 5000,
    (ready) => {
      void redis.set(
        keys.domainStatus(manifest.id),
        JSON.stringify({ spareReady: ready, at: new Date().toISOString() }),
      );
    },
  );
  warm.refillWhenIdle();

  function jobEnclave(task: TrainTask): Promise<EnclaveProcess> {
    const existing = enclaves.get(task.jobId);
    if (existing) return existing.then((e) => (e.alive ? e : reload()));
    return reload();
    function reload(): Promise<EnclaveProcess> {
      const p = (async () => {
        // Refused before a single row is read: identifiers, and personal columns nobody granted.
        checkInputs(task.setup, manifest);
        const enclave = await warm.take();
        try {
          const { setup } = task;
          const labels =
            setup.labels.source === 'bank'
              ? {
                  source: 'bank' as const,
                  entityKey: setup.labels.entityKey,
                  ...LabelColumns.parse(
                    JSON.parse(
                      open(
                        privateKeyPem,
                        await blobs.get(setup.labels.labelsRef),
                        Buffer.from(task.jobId),
                      ).toString('utf8'),
                    ),
                  ),
                }
              : setup.labels;
          const loaded = guardedParse(
            LoadResult,
            await enclave.request({
              type: 'load',
              jobId: task.jobId,
              modelKind: setup.modelKind,
              encoding: setup.encoding,
              bankFeatures: setup.bankFeatures,
              labels,
              validation: setup.validation,
              minCohort: setup.minCohort,
              minClassCohort: setup.minClassCohort,
              dp: setup.dp,
            }),
            setup.egress.maxPayloadBytes,
          );
          checkCohorts(loaded, setup);
          loads.set(task.jobId, loaded);
          return enclave;
        } catch (err) {
          enclave.kill();
          throw err;
        }
      })();
      enclaves.set(task.jobId, p);
      p.catch(() => enclaves.delete(task.jobId));
      return p;
    }
  }

  // The warm scorer: one enclave holding the whole table and the models it was sent. If it dies it
  // is restarted at once; meanwhile calls are answered `unavailable` (fail fast, no hung request).
  let closing = false;
  let scorerReady = false;
  let scoreServer: ScoreServer | null = null;
  const setScorerReady = (ready: boolean) => {
    scorerReady = ready;
    scoreServer?.readinessChanged();
  };
  function scorerEnclave(): Promise<EnclaveProcess> {
    if (scorer) {
      return scorer.then((e) => {
        if (e.alive) return e;
        scorer = null;
        return scorerEnclave();
      });
    }
    const started = startWarm('scorer');
    scorer = started;
    started.then(
      (e) => {
        setScorerReady(true);
        void e.exited.then(() => {
          if (scorer !== started) return;
          scorer = null;
          setScorerReady(false);
          if (!closing) setTimeout(() => void scorerEnclave().catch(() => undefined), 100);
        });
      },
      (err: Error) => {
        if (scorer === started) scorer = null;
        console.error(`broker ${manifest.id}: the scorer did not start: ${err.message}`);
        if (!closing) setTimeout(() => void scorerEnclave().catch(() => undefined), 1000);
      },
    );
    return started;
  }

  /** Released models as the scorer needs them, read once (a model's parameters never change). */
  const scoringModels = new RecentReads<string, z.infer<typeof ScoringRecord>>(
    Number.POSITIVE_INFINITY,
    4 * MAX_CACHED_MODELS,
  );
  const scoringModel = (modelId: string) =>
    scoringModels.get(modelId, async () => {
      const raw = await redis.get(keys.model(modelId));
      if (raw === null) throw new ScoreRefused(`model ${modelId} not found`);
      return ScoringRecord.parse(JSON.parse(raw));
    });
  /** Which models each scorer process holds, mirroring its cache (same size, same eviction order). */
  const sentModels = new WeakMap<EnclaveProcess, Set<string>>();

  const scoreBatch: ScoreBatch = async ({ modelId, tenant, entities, bankInputs }) => {
    const record = await scoringModel(modelId);
    // The lab checked ownership; a broker does not score one bank's model for another either.
    if (record.tenant !== tenant) throw new ScoreRefused(`model ${modelId} not found`);
    const enclave = await scorer;
    if (!enclave?.alive) throw new Error('the scorer is not running');
    const sent = sentModels.get(enclave) ?? new Set<string>();
    sentModels.set(enclave, sent);
    const include = !sent.has(modelId);
    if (include) {
      if (sent.size >= MAX_CACHED_MODELS) sent.delete(sent.values().next().value!);
      sent.add(modelId);
    }
    const { tenant: _owner, ...model } = record;
    try {
      const body = guardedParse(
        ScoreResultBody,
        await enclave.request({
          type: 'score',
          modelId,
          ...(include ? { model } : {}),
          entities,
          ...(bankInputs ? { bankInputs } : {}),
        }),
        MAX_SCORE_REPLY_BYTES,
      );
      checkScores(body.scores, { entities, model, entityKey: manifest.entityKey });
      return body.scores;
    } catch (err) {
      sent.delete(modelId);
      if (err instanceof EgressRefusal) {
        await audit.append({
          kind: 'egress.refused',
          actor,
          tenant,
          subject: `score:${modelId}`,
          details: { code: err.code, message: err.message },
        });
        console.error(`broker ${manifest.id}: ${err.message}`);
        throw new ScoreRefused(err.message);
      }
      if (err instanceof EnclaveRefusedError) throw new ScoreRefused(err.message);
      throw err;
    }
  };

  /** CKKS: the dealer's key generation; the broker stores the keys as blobs (only sealed secrets). */
  async function keygenTask(task: TrainTask, enclave: EnclaveProcess): Promise<TrainResult> {
    const base = { jobId: task.jobId, round: task.round, domain: manifest.id, backend: enclave.backend };
    const params = z
      .strictObject({ dealer: z.string(), recipients: z.record(z.string(), z.string()) })
      .parse(task.instruction.params);
    // Every domain gets this round so that all enclaves load the job's rows at once; only the dealer generates keys.
    if (params.dealer !== manifest.id) {
      return TrainResult.parse({ ...base, update: {}, rows: { train: 0, holdout: 0 }, computeMs: 0 });
    }
    const out = guardedParse(
      KeygenResult,
      await enclave.request({ type: 'keygen', jobId: task.jobId, recipients: params.recipients }),
      task.setup.egress.maxPayloadBytes,
    );
    const sealed: Record<string, string> = {};
    for (const [domain, box] of Object.entries(out.sealed))
      sealed[domain] = await blobs.put(Buffer.from(box, 'base64'));
    const publicKeyRef = await blobs.put(Buffer.from(out.publicKey, 'base64'));
    return TrainResult.parse({
      ...base,
      update: {},
      rows: { train: 0, holdout: 0 },
      computeMs: 0,
      keys: { publicKeyRef, sealed },
    });
  }

  // A job's CKKS keys, unsealed once per job (base64, as the enclave takes them); dropped on release.
  const heKeys = new Map<string, Promise<{ publicKey: string; secretKey: string }>>();
  function jobKeys(jobId: string, he: NonNullable<TrainTask['setup']['he']>) {
    let keys = heKeys.get(jobId);
    if (!keys) {
      keys = (async () => {
        const [publicKey, sealed] = await Promise.all([
          blobs.get(he.publicKeyRef),
          blobs.get(he.sealedSecretKeyRef),
        ]);
        const secretKey = open(privateKeyPem, sealed, Buffer.from(`${jobId}:ckks-secret-key`));
        const out = { publicKey: publicKey.toString('base64'), secretKey: secretKey.toString('base64') };
        secretKey.fill(0);
        return out;
      })();
      heKeys.set(jobId, keys);
      keys.catch(() => heKeys.delete(jobId));
    }
    return keys;
  }

  /** CKKS: fetches the round's blobs, has the enclave decrypt, step and encrypt, stores what it returns. */
  async function heTask(task: TrainTask, enclave: EnclaveProcess): Promise<TrainResult> {
    const he = task.setup.he;
    if (!he) throw new UnrecoverableError("a CKKS round without the job's keys");
    const params = z
      .strictObject({ aggregateRef: z.string().nullable(), stateRef: z.string().nullable() })
      .parse(task.instruction.params);
    const fetch64 = async (ref: string | null) => (ref ? (await blobs.get(ref)).toString('base64') : null);
    const [keys, aggregate, state] = await Promise.all([
      jobKeys(task.jobId, he),
      fetch64(params.aggregateRef),
      fetch64(params.stateRef),
    ]);
    const out = guardedParse(
      HeRoundResult,
      await enclave.request({
        type: 'he-round',
        jobId: task.jobId,
        modelConfig: task.setup.modelConfig,
        publicKey: keys.publicKey,
        secretKey: keys.secretKey,
        aggregate,
        state,
      }),
      task.setup.egress.maxPayloadBytes,
    );
    const put = async (b: string | null) => (b === null ? null : blobs.put(Buffer.from(b, 'base64')));
    return TrainResult.parse({
      jobId: task.jobId,
      round: task.round,
      domain: manifest.id,
      backend: enclave.backend,
      update: {},
      rows: out.rows,
      computeMs: out.computeMs,
      he: {
        encryptedRef: await put(out.encrypted),
        stateRef: await put(out.state),
        phase: out.phase,
        loss: out.loss,
        release: out.release,
      },
    });
  }

  async function train(task: TrainTask): Promise<TrainResult> {
    const enclave = await jobEnclave(task);
    if (task.instruction.phase === 'keygen') return keygenTask(task, enclave);
    if (task.instruction.phase === 'he') return heTask(task, enclave);
    const body = guardedParse(
      RoundResult,
      await enclave.request({ type: 'round', jobId: task.jobId, instruction: task.instruction }),
      task.setup.egress.maxPayloadBytes,
    );
    checkUpdate(body.update, task.setup, task.instruction, loads.get(task.jobId)!);
    return TrainResult.parse({
      jobId: task.jobId,
      round: task.round,
      domain: manifest.id,
      backend: enclave.backend,
      ...body,
    });
  }

  async function release(task: ReleaseTask): Promise<{ released: boolean }> {
    const enclave = await enclaves.get(task.jobId)?.catch(() => null);
    enclaves.delete(task.jobId);
    loads.delete(task.jobId);
    heKeys.delete(task.jobId);
    enclave?.kill();
    return { released: Boolean(enclave) };
  }

  async function process(job: Job): Promise<unknown> {
    if (job.name === 'release') {
      const task = ReleaseTask.safeParse(job.data);
      if (!task.success || task.data.domain !== manifest.id)
        throw new UnrecoverableError('malformed release task');
      return release(task.data);
    }
    if (job.name !== 'train') throw new UnrecoverableError(`unknown task ${job.name}`);
    const parsed = TrainTask.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`malformed train task: ${parsed.error.issues[0]?.message}`);
    const task = parsed.data;
    if (task.domain !== manifest.id)
      throw new UnrecoverableError(`task for domain ${task.domain} reached ${manifest.id}`);
    warm.taskStarted();
    try {
      // Every result says whether the enclave that computed it was sandboxed.
      return { ...(await train(task)), sandboxed };
    } catch (err) {
      if (err instanceof EgressRefusal) {
        await audit.append({
          kind: 'egress.refused',
          actor,
          tenant: task.setup.egress.tenant,
          subject: task.jobId,
          details: { code: err.code, message: err.message, round: task.round },
        });
        console.error(`broker ${manifest.id}: ${err.message}`);
        throw new UnrecoverableError(err.message);
      }
      if (err instanceof EnclaveRefusedError) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      warm.taskEnded();
    }
  }

  const worker = new Worker(queueNames.domain(manifest.id), process, {
    connection: redis.duplicate(),
    prefix: keys.bull,
    concurrency: opts.concurrency ?? 4,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: Math.max(500, Math.floor((opts.lockDurationMs ?? 30_000) / 2)),
    maxStalledCount: 5,
  });
  worker.on('error', (err) => console.error(`broker ${manifest.id}:`, err.message));

  // Scoring does not go through BullMQ: calls come over the scoring channel, many per enclave request.
  scoreServer = serveScores({
    redis,
    keys,
    domain: manifest.id,
    brokerId: `${manifest.id}:${randomBytes(6).toString('hex')}`,
    sandboxed,
    score: scoreBatch,
    ready: () => scorerReady,
  });

  // Publish safe statistics and the data-quality report, computed inside an enclave (the scorer,
  // which keeps the table warm for scoring afterwards).
  // Dataset fingerprints (for models' lineage) are hashed while the enclave describes the domain,
  // not before the broker starts; both are published together, when the domain is ready to use.
  const fingerprints = fingerprintDomain(dir, manifest).catch((err: Error) => {
    console.error(`broker ${manifest.id}: fingerprinting the datasets failed: ${err.message}`);
    return undefined;
  });
  const described = scorerEnclave()
    .then(async (enclave) =>
      guardedParse(
        DescribeResult,
        await enclave.request({ type: 'describe', k: opts.catalogK ?? 50 }),
        DEFAULT_MAX_PAYLOAD_BYTES,
      ),
    )
    .then(async (d) => {
      registration.rows = d.rows;
      registration.features = d.features;
      registration.datasets = await fingerprints;
      await directory.publish({ ...registration, publishedAt: new Date().toISOString() });
      await directory.publishQuality(manifest.id, d.quality);
    })
    .catch((err: Error) =>
      console.error(`broker ${manifest.id}: describing the domain failed: ${err.message}`),
    );

  const idleMs = opts.idleMs ?? 10 * 60_000;
  const sweeper = setInterval(
    async () => {
      for (const [jobId, p] of enclaves) {
        const e = await p.catch(() => null);
        if (!e || Date.now() - e.lastUsed > idleMs) {
          e?.kill();
          enclaves.delete(jobId);
        }
      }
    },
    Math.min(idleMs, 30_000),
  );
  const heartbeat = setInterval(() => {
    void directory.publish({ ...registration, publishedAt: new Date().toISOString() }).catch(() => undefined);
  }, 30_000);

  return {
    manifest,
    worker,
    async close() {
      closing = true;
      await described;
      await scoreServer.close();
      clearInterval(sweeper);
      clearInterval(heartbeat);
      await worker.close();
      for (const p of enclaves.values()) (await p.catch(() => null))?.kill();
      (await scorer?.catch(() => null))?.kill();
      await warm.close();
      await audit.close();
      redis.disconnect();
    },
  };
}

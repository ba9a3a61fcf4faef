// The enclave: the only code that touches rows. A child process of the broker, talking over IPC.

import { localEvaluation } from '../../models/evaluation.ts';
import { jobStrategyFor } from '../../models/registry.ts';
import type { LocalRows, RoundInstruction } from '../../models/strategy.ts';
import { catalogStats } from '../data/catalog-stats.ts';
import { type DomainTable, loadDomainTable } from '../data/columns.ts';
import { type DomainManifest, loadManifest } from '../data/manifest.ts';
import { qualityReport } from '../data/quality.ts';
import { type FromEnclave, ToEnclave } from '../protocol.ts';
import { initBackend, tfOps } from './backend.ts';
import { heRound, keygen, warmCkks } from './he-round.ts';
import { EnclaveRefusal, jobRows, platformSources } from './rows.ts';
import { EnclaveScorer } from './score.ts';

interface JobData {
  modelKind: string;
  dp: boolean;
  train: LocalRows;
  holdout: LocalRows;
  cache: Map<string, unknown>;
}

const domainDir = process.argv[2];
if (!domainDir || !process.send) {
  console.error('enclave: run by the broker with the domain folder as argument and an IPC channel');
  process.exit(2);
}
/** Replies to the broker; if the broker is gone there is no one to answer, so the enclave ends. */
const send = (m: FromEnclave) => {
  if (!process.connected) process.exit(0);
  process.send!(m, undefined, {}, (err) => {
    if (err) process.exit(0);
  });
};

async function main(dir: string) {
  const manifest: DomainManifest = await loadManifest(dir);
  const held = new Set(manifest.datasets.flatMap((ds) => ds.columns.map((c) => `${ds.name}.${c.name}`)));
  const backend = await initBackend();
  const jobs = new Map<string, JobData>();
  /** The domain's whole table, loaded by `warm` (a spare awaiting a job, or the scorer). */
  let wholeTable: DomainTable | null = null;
  const scorer = new EnclaveScorer(manifest.entityKey);

  async function handle(msg: ToEnclave): Promise<unknown> {
    switch (msg.type) {
      case 'load': {
        const needed = platformSources(msg).filter((s) => held.has(s));
        // A warm enclave already holds the whole table; otherwise read only what the job needs
        // (with bank-side features only, the table still says which entities this domain holds).
        const table =
          wholeTable ?? (await loadDomainTable(dir, manifest, needed.length > 0 ? needed : undefined));
        const { train, holdout } = jobRows(msg, table);
        wholeTable = null; // this enclave now serves one job: keep its rows, drop the rest
        jobs.set(msg.jobId, { modelKind: msg.modelKind, dp: msg.dp, train, holdout, cache: new Map() });
        return { train: train.n, holdout: holdout.n, positives: train.y.reduce((s, v) => s + v, 0) };
      }
      case 'round': {
        const job = jobs.get(msg.jobId);
        if (!job) throw new Error(`job ${msg.jobId} is not loaded in this enclave`);
        const started = performance.now();
        const update = trainOrEvaluate(job, msg.instruction);
        return {
          update,
          rows: { train: job.train.n, holdout: job.holdout.n },
          computeMs: performance.now() - started,
        };
      }
      case 'keygen':
        return keygen(msg.jobId, msg.recipients);
      case 'he-round': {
        const job = jobs.get(msg.jobId);
        if (!job) throw new Error(`job ${msg.jobId} is not loaded in this enclave`);
        return heRound(msg, job, tfOps);
      }
      case 'describe': {
        wholeTable ??= await loadDomainTable(dir, manifest);
        // Only aggregates leave: statistics backed by ≥ k rows, and counts of data defects.
        const rows = wholeTable.entities.length >= msg.k ? wholeTable.entities.length : 0;
        return {
          rows,
          features: catalogStats(wholeTable, manifest, msg.k),
          quality: await qualityReport(dir, manifest),
        };
      }
      case 'warm': {
        wholeTable = await loadDomainTable(dir, manifest);
        await warmCkks();
        return { rows: wholeTable.entities.length };
      }
      case 'score': {
        if (!wholeTable) throw new Error('the domain table is not loaded (warm first)');
        return scorer.score(wholeTable, msg);
      }
    }
  }

  function trainOrEvaluate(job: JobData, instruction: RoundInstruction) {
    const strategy = jobStrategyFor(job.modelKind, job.dp);
    if (instruction.phase === 'evaluate') {
      const model = instruction.params.model as Record<string, unknown>;
      // With no holdout (validation split none) the job is evaluated in-sample; the model says so.
      const rows = job.holdout.n > 0 ? job.holdout : job.train;
      return localEvaluation(strategy.predict(model, rows.x, rows.n), rows.y);
    }
    return strategy.localUpdate(instruction, job.train, tfOps, job.cache);
  }

  process.on('message', (raw) => {
    const parsed = ToEnclave.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      send({
        type: 'error',
        id,
        message: `malformed message: ${parsed.error.issues[0]?.message}`,
        retryable: false,
      });
      return;
    }
    handle(parsed.data).then(
      (body) => send({ type: 'ok', id: parsed.data.id, body }),
      (err: Error) =>
        send({
          type: 'error',
          id: parsed.data.id,
          message: err.message,
          retryable: !(err instanceof EnclaveRefusal),
        }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', backend });
}

main(domainDir).catch((err) => {
  console.error('enclave: failed to start:', (err as Error).message);
  process.exit(1);
});

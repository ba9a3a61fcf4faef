// The enclave: the only code that touches rows. A child process of the broker, talking over IPC.
import { createHash } from 'node:crypto';
import { localEvaluation } from '../../models/evaluation.ts';
import { getStrategy } from '../../models/registry.ts';
import type { LocalRows, RoundInstruction } from '../../models/strategy.ts';
import { type DomainManifest, loadManifest } from '../data/manifest.ts';
import { type FeatureTable, gatherRows, loadFeatureTable } from '../data/table.ts';
import { type FromEnclave, ToEnclave } from '../protocol.ts';
import { initBackend, tfOps } from './backend.ts';

/** A request the enclave refuses for good (bad input, policy): the broker must not retry it. */
class EnclaveRefusal extends Error {}

interface JobData {
  jobId: string;
  modelKind: string;
  train: LocalRows;
  holdout: LocalRows;
  cache: Map<string, unknown>;
}

const domainDir = process.argv[2];
if (!domainDir || !process.send) {
  console.error('enclave: run by the broker with the domain folder as argument and an IPC channel');
  process.exit(2);
}
const send = (m: FromEnclave) => process.send!(m);

/** Deterministic holdout membership: depends only on the seed and the entity. */
function inHoldout(seed: number, entity: string, fraction: number): boolean {
  const h = createHash('sha256').update(`${seed}:${entity}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < fraction;
}

function subset(x: Float64Array, y: number[], d: number, keep: number[]): LocalRows {
  const out = new Float64Array(keep.length * d);
  keep.forEach((r, i) => {
    out.set(x.subarray(r * d, (r + 1) * d), i * d);
  });
  return { x: out, y: Float64Array.from(keep, (r) => y[r]!), n: keep.length, d };
}

async function main(dir: string) {
  const manifest: DomainManifest = await loadManifest(dir);
  const backend = await initBackend();
  const jobs = new Map<string, JobData>();
  let scorer: FeatureTable | null = null;

  async function handle(msg: ToEnclave): Promise<unknown> {
    switch (msg.type) {
      case 'load': {
        const table = await loadFeatureTable(dir, manifest, msg.features);
        const x = gatherRows(table, msg.entities);
        const d = msg.features.length;
        const trainIdx: number[] = [];
        const holdIdx: number[] = [];
        msg.entities.forEach((e, i) => {
          (inHoldout(msg.seed, e, msg.holdoutFraction) ? holdIdx : trainIdx).push(i);
        });
        const train = subset(x, msg.labels, d, trainIdx);
        const holdout = subset(x, msg.labels, d, holdIdx);
        if (train.n < msg.minCohort)
          throw new EnclaveRefusal(
            `training cohort of ${train.n} rows is below the minimum ${msg.minCohort}`,
          );
        jobs.set(msg.jobId, { jobId: msg.jobId, modelKind: msg.modelKind, train, holdout, cache: new Map() });
        return { train: train.n, holdout: holdout.n, positives: train.y.reduce((s, v) => s + v, 0) };
      }
      case 'round': {
        const job = jobs.get(msg.jobId);
        if (!job) throw new Error(`job ${msg.jobId} is not loaded in this enclave`);
        const started = performance.now();
        const update = evaluateOrTrain(job, msg.instruction);
        return {
          update,
          rows: { train: job.train.n, holdout: job.holdout.n },
          computeMs: performance.now() - started,
        };
      }
      case 'load-scorer': {
        scorer = await loadFeatureTable(dir, manifest, msg.features);
        return { rows: scorer.index.size };
      }
      case 'score': {
        if (!scorer) throw new Error('scorer not loaded');
        const table = scorer;
        const strategy = getStrategy(msg.model.kind);
        const cols = msg.model.features.map((f) => table.features.indexOf(f));
        if (cols.some((c) => c < 0))
          throw new EnclaveRefusal('model uses a feature this scorer does not hold');
        const all = gatherRows(table, msg.entities);
        const d = msg.model.features.length;
        const x = new Float64Array(msg.entities.length * d);
        for (let i = 0; i < msg.entities.length; i++) {
          for (let j = 0; j < d; j++) x[i * d + j] = all[i * table.features.length + cols[j]!]!;
        }
        const p = strategy.predict(msg.model, x, msg.entities.length);
        return {
          scores: msg.entities.map((entity, i) => ({
            entity,
            probability: p[i]!,
            reasons: strategy.reasons(msg.model, x.subarray(i * d, (i + 1) * d), msg.model.features, 3),
          })),
        };
      }
    }
  }

  function evaluateOrTrain(job: JobData, instruction: RoundInstruction) {
    const strategy = getStrategy(job.modelKind);
    if (instruction.phase === 'evaluate') {
      const model = instruction.params.model;
      const p = strategy.predict(model as never, job.holdout.x, job.holdout.n);
      return localEvaluation(p, job.holdout.y);
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

// CKKS rounds inside an enclave: key generation (the dealer), and a round that decrypts the summed
// updates, runs the strategy's step, and returns only an encrypted update and an encrypted state.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { evaluationOf } from '../../lab/infra/evaluation.ts';
import { seal } from '../../lab/infra/seal.ts';
import { localEvaluation } from '../../models/evaluation.ts';
import { type Ckks, createCkks, decryptUpdate, encryptUpdate } from '../../models/he/ckks.ts';
import { decodeEncryptedUpdate, encodeEncryptedUpdate } from '../../models/he/wire.ts';
import { strategyFor } from '../../models/registry.ts';
import type { DenseOps, LocalRows } from '../../models/strategy.ts';
import type { ToEnclave } from '../protocol.ts';

type HeRound = Extract<ToEnclave, { type: 'he-round' }>;
interface JobRows {
  modelKind: string;
  train: LocalRows;
  holdout: LocalRows;
  cache: Map<string, unknown>;
}
/** What carries over between rounds, encrypted under a key only the job's domains can derive. */
interface CarriedState {
  state: unknown;
  phase: string;
}

let ckks: Promise<Ckks> | null = null;
const context = () => (ckks ??= createCkks());

/**
 * Loads SEAL ahead of a job (a warm enclave does this while idle, so a CKKS job's first round
 * does not pay the ~170 ms of wasm start-up).
 *
 * @example
 * void warmCkks();
 */
export function warmCkks(): Promise<unknown> {
  return context();
}
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** The state key: derived from the job's CKKS secret key, which only the participating domains hold. */
function stateKey(secretKey: Uint8Array, jobId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.from(jobId), 'joint-modeling-lab/he-state/v1', 32));
}

function encryptState(key: Buffer, jobId: string, carried: CarriedState): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(jobId));
  const body = Buffer.concat([cipher.update(JSON.stringify(carried)), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decryptState(key: Buffer, jobId: string, text: string): CarriedState {
  const box = Buffer.from(text, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, 12));
  decipher.setAAD(Buffer.from(jobId));
  decipher.setAuthTag(box.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]).toString('utf8'));
}

/**
 * The dealer's key generation: a fresh CKKS key pair for the job; the secret key leaves this process
 * only sealed to each participating domain's long-term X25519 key.
 *
 * @example
 * const { publicKey, sealed } = await keygen('job_1', { 'd-bj': pem });
 */
export async function keygen(jobId: string, recipients: Record<string, string>) {
  const keys = (await context()).generateKeys();
  const sealed = Object.fromEntries(
    Object.entries(recipients).map(([domain, pem]) => [
      domain,
      b64(seal(pem, Buffer.from(keys.secretKey), Buffer.from(`${jobId}:ckks-secret-key`))),
    ]),
  );
  keys.secretKey.fill(0);
  return { publicKey: b64(keys.publicKey), sealed };
}

/**
 * One CKKS round. Every domain decrypts the same sum, so every domain computes the same next state
 * and the same instruction: the coordinator never needs to see either.
 *
 * @example
 * const out = await heRound(msg, job, tfOps);
 */
export async function heRound(msg: HeRound, job: JobRows, ops: DenseOps) {
  const started = performance.now();
  const he = await context();
  const strategy = strategyFor(job.modelKind);
  const secretKey = bytes(msg.secretKey);
  const key = stateKey(secretKey, msg.jobId);
  const carried = msg.state ? decryptState(key, msg.jobId, msg.state) : null;
  let state = carried?.state ?? strategy.init(msg.modelConfig, job.train.d);
  const rows = { train: job.train.n, holdout: job.holdout.n };
  const done = (extra: object) => ({ ...extra, rows, computeMs: performance.now() - started });

  if (msg.aggregate) {
    const aggregate = decryptUpdate(he, secretKey, decodeEncryptedUpdate(bytes(msg.aggregate)));
    if (carried?.phase === 'evaluate') {
      // No per-domain metrics in CKKS mode: the domains only ever see the sum.
      const metrics = evaluationOf(aggregate, job.holdout.n > 0 ? 'holdout' : 'training', {});
      return done({
        encrypted: null,
        state: null,
        phase: 'release',
        loss: null,
        release: { model: strategy.finalModel(state), metrics },
      });
    }
    state = strategy.next(state, aggregate);
  }
  const instruction = strategy.configureRound(state);
  let update: Record<string, number[]>;
  let phase: string;
  if (instruction) {
    phase = instruction.phase;
    update = strategy.localUpdate(instruction, job.train, ops, job.cache);
  } else {
    // Evaluated in-sample when the job asked for no holdout (the released metrics say so).
    phase = 'evaluate';
    const rowsToScore = job.holdout.n > 0 ? job.holdout : job.train;
    update = localEvaluation(
      strategy.predict(strategy.finalModel(state), rowsToScore.x, rowsToScore.n),
      rowsToScore.y,
    );
  }
  const counts = phase === 'evaluate' ? ['pos', 'neg'] : [];
  const encrypted = encryptUpdate(he, bytes(msg.publicKey), update, { counts });
  return done({
    encrypted: b64(encodeEncryptedUpdate(encrypted)),
    state: encryptState(key, msg.jobId, { state, phase }),
    phase,
    loss: strategy.loss(state),
    release: null,
  });
}

// The CKKS path of a job: the dealer's key generation, then rounds in which the lab only adds
// ciphertexts — decrypting, stepping and deciding the next round all happen inside the domains.
import type { Job as BullJob } from 'bullmq';
import type { Job } from '../../client-sdk/contract/resources.ts';
import { sumEncrypted } from '../../models/he/ckks.ts';
import { type Ckks, createCkks } from '../../models/he/context.ts';
import { decodeEncryptedUpdate, encodeEncryptedUpdate } from '../../models/he/wire.ts';
import type { LabContext } from '../context.ts';
import type { DomainRegistration, TrainResult } from '../infra/task-protocol.ts';
import type { RunSetup } from './prepare.ts';
import type { StepData } from './start.ts';
import { addRound, type DomainTask } from './tasks.ts';

// Public parameters only: this context holds no job's keys (nothing in lab/ can decrypt).
let context: Promise<Ckks> | null = null;
const ckks = () => (context ??= createCkks());

/** Loads SEAL when a coordinator starts, so the first CKKS sum does not wait for it. */
export function warmCkks(): void {
  void ckks().catch((err: Error) => console.error(`coordinator: CKKS unavailable: ${err.message}`));
}

/** The job's CKKS custody as recorded in the run: public key and sealed secret keys (blob refs). */
export interface HeKeys {
  publicKeyRef: string;
  sealed: Record<string, string>;
}

/**
 * Round 0: the dealer (the first domain by id) generates the keys; every other domain loads the
 * job's rows meanwhile, so no enclave start waits for another.
 */
export function dispatchKeygen(
  ctx: LabContext,
  bullJob: BullJob,
  job: Job,
  setup: RunSetup,
  domains: readonly DomainRegistration[],
  token: string | undefined,
): Promise<StepData | null> {
  const dealer = [...domains].sort((a, b) => a.id.localeCompare(b.id))[0]!;
  const recipients = Object.fromEntries(domains.map((d) => [d.id, d.publicKeyPem]));
  const instruction = { phase: 'keygen', params: { dealer: dealer.id, recipients } };
  const tasks: DomainTask[] = setup.domains.map((d) => ({ domain: d.id, instruction, he: null }));
  return addRound(ctx, bullJob, job, setup, 0, tasks, 'keys', token);
}

/** A CKKS round for every domain, carrying the previous round's encrypted sum and state. */
export function dispatchHeRound(
  ctx: LabContext,
  bullJob: BullJob,
  job: Job,
  setup: RunSetup,
  keys: HeKeys,
  round: number,
  carry: { aggregateRef: string | null; stateRef: string | null },
  token: string | undefined,
): Promise<StepData | null> {
  const tasks: DomainTask[] = setup.domains.map((d) => {
    const sealedSecretKeyRef = keys.sealed[d.id];
    if (!sealedSecretKeyRef) throw new Error(`no sealed CKKS key for domain ${d.id}`);
    return {
      domain: d.id,
      instruction: { phase: 'he', params: carry },
      he: { publicKeyRef: keys.publicKeyRef, sealedSecretKeyRef },
    };
  });
  return addRound(ctx, bullJob, job, setup, round, tasks, 'collect', token);
}

/**
 * Sums the round's encrypted updates (blobs are verified against their SHA-256 on read) and stores
 * the sum as a blob. The lab never holds a secret key, so it cannot read any of them.
 *
 * @example
 * const aggregateRef = await sumRound(ctx, results);
 */
export async function sumRound(ctx: LabContext, results: readonly TrainResult[]): Promise<string> {
  const he = await ckks();
  const envelopes = await Promise.all(
    results.map(async (r) => {
      const ref = r.he?.encryptedRef;
      if (!ref) throw new Error(`domain ${r.domain} returned no encrypted update`);
      return decodeEncryptedUpdate(new Uint8Array(await ctx.blobs.get(ref)));
    }),
  );
  return ctx.blobs.put(Buffer.from(encodeEncryptedUpdate(sumEncrypted(he, envelopes))));
}

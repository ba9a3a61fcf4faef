// Differential privacy in the coordinator: the private model config, noisy evaluation, lineage facts.
import type { DpRelease, Job } from '../../client-sdk/contract/resources.ts';
import {
  type DpMechanism,
  dpLogisticMechanism,
  dpMlpMechanism,
  evaluationNoiseSigma,
  privatizeEvaluation,
} from '../../models/privacy/index.ts';
import type { TrainResult } from '../infra/task-protocol.ts';
import type { RunSetup } from './prepare.ts';

/** What a DP run fixes once when it is prepared: the secret noise seed and public standardisation. */
export interface RunDp {
  seed: string;
  means: number[];
  stds: number[];
}

const spec = (job: Job) => {
  const dp = job.spec.privacy.dp;
  if (!dp) throw new Error(`job ${job.id} has no differential privacy settings`);
  return dp;
};

/**
 * The configuration the job's strategy starts from: the JobSpec's model, plus (under DP) the
 * budget, the clipping bound, the seed and the public statistics.
 *
 * @example
 * const state = strategy.init(modelConfig(job, setup), job.encoding.inputs.length);
 */
export function modelConfig(job: Job, setup: RunSetup): unknown {
  if (!job.spec.privacy.dp) return job.spec.model;
  if (!setup.dp) throw new Error(`job ${job.id}: the run was prepared without its DP seed`);
  const { epsilon, delta, rowNorm, clip } = spec(job);
  const dp = { epsilon, delta, ...setup.dp, ...(job.spec.model.kind === 'mlp' ? { clip } : { rowNorm }) };
  return { ...job.spec.model, dp };
}

/**
 * The mechanism's facts (noise scales, sensitivity, ρ split) for the job, or null without DP.
 *
 * @example
 * const mech = mechanismOf(job); // mech?.sigma
 */
export function mechanismOf(job: Job): DpMechanism | null {
  const dp = job.spec.privacy.dp;
  if (!dp) return null;
  const m = job.spec.model;
  if (m.kind === 'logistic') return dpLogisticMechanism({ ...m, dp });
  if (m.kind === 'mlp') return dpMlpMechanism({ ...m, dp });
  throw new Error(`job ${job.id}: no DP mechanism for ${m.kind}`);
}

/**
 * Every domain's holdout histograms with their own Gaussian noise (disjoint rows: parallel
 * composition), before the metrics are computed from them. Without DP, the results unchanged.
 *
 * @example
 * const noisy = privateEvaluation(job, setup, results);
 */
export function privateEvaluation(job: Job, setup: RunSetup, results: TrainResult[]): TrainResult[] {
  const mech = mechanismOf(job);
  if (!mech || !setup.dp) return results;
  const seed = setup.dp.seed;
  return results.map((r) => ({
    ...r,
    update: privatizeEvaluation(r.update, mech.evaluationRho, seed, r.domain),
  }));
}

/**
 * The lineage record of a DP release.
 *
 * @example
 * const dp = dpRelease(job); // { epsilon, delta, mechanism, sigma, sensitivity, evaluationSigma }
 */
export function dpRelease(job: Job): DpRelease | undefined {
  const mech = mechanismOf(job);
  if (!mech) return undefined;
  return {
    epsilon: mech.epsilon,
    delta: mech.delta,
    mechanism: mech.mechanism,
    sigma: mech.sigma,
    sensitivity: mech.sensitivity,
    evaluationSigma: evaluationNoiseSigma(mech.evaluationRho),
  };
}

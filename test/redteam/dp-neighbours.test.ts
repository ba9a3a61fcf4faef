// Red team: two DP jobs whose label sets differ in one enterprise's label, compared to learn that label.
// Control: Gaussian output perturbation of the standardised coefficients, calibrated to ε, and
// noisy score histograms behind the metrics; checked against the exact fits rebuilt here.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Model } from '../../client-sdk/contract/resources.ts';
import { inHoldout } from '../../enclave-worker/enclave/rows.ts';
import { domainForEntity } from '../../lab/infra/domain-directory.ts';
import { connectRedis } from '../../lab/infra/redis.ts';
import { publicStandardisation } from '../../lab/privacy/public-stats.ts';
import { fitFederated, poolRows } from '../../models/driver.ts';
import { exactAuc } from '../../models/evaluation.ts';
import { plainOps } from '../../models/linalg.ts';
import { type LogisticModel, predictLogistic } from '../../models/logistic-model.ts';
import { DP_EVAL_BINS } from '../../models/privacy/dp-evaluation.ts';
import { recordingStates, TEST_SEEDS } from '../../models/privacy/fixtures.ts';
import {
  dpLogistic,
  dpLogisticMechanism,
  epsilonFromRho,
  evaluationNoiseSigma,
} from '../../models/privacy/index.ts';
import { type LabelFileRow, readLabels } from '../../scripts/lib/world-files.ts';
import { auditEntries } from '../helpers/audit-entries.ts';
import { type BankSession, bankSession } from '../helpers/bank-session.ts';
import { type DomainRows, enclaveRows, type WorldReplica, worldReplica } from '../helpers/enclave-rows.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { type StackFixture, stackFixture } from '../helpers/stack-fixture.ts';

const DP = { epsilon: 2 };
const MODEL = { kind: 'logistic' as const, l2: 50, maxRounds: 25 };
const VALIDATION = { split: 'hash', holdoutFraction: 0.2, seed: 1 } as const;

/** One side of the experiment: the label set, its job and model, and the fit rebuilt from its rows. */
interface Side {
  job: Job;
  model: Model;
  /** The released (noised) standardised coefficients, intercept first. */
  released: number[];
  /** The exact minimiser the enclaves' rows lead to, before any noise. */
  exact: number[];
  rows: DomainRows[];
}

const sqDist = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);

/** ln p(o | D) − ln p(o | D') for o ~ N(μ_D, σ²I): what observing o tells about D against D'. */
const privacyLoss = (o: number[], muD: number[], muOther: number[], sigma: number) =>
  (sqDist(o, muOther) - sqDist(o, muD)) / (2 * sigma * sigma);

describe('red team: neighbouring label sets under differential privacy', () => {
  let fx: StackFixture;
  let s: BankSession;
  let replica: WorldReplica;
  let d: Side;
  let dPrime: Side;
  const redis = connectRedis(TEST_REDIS_URL);

  const submit = async (labelSetId: string, name: string) => {
    const job = await s.scientist.jobs.submit({
      name,
      purpose: 'red team: neighbouring label sets',
      labels: { source: 'bank', labelSetId },
      model: MODEL,
      features: fx.world.commonFeatures,
      privacy: { dp: DP },
      validation: VALIDATION,
    });
    await s.approve(job.id, 'two DP jobs, one label apart');
    return job.id;
  };

  /** Waits for the job, fetches its model and refits the exact minimiser on the same rows and statistics. */
  const side = async (jobId: string, labels: LabelFileRow[]): Promise<Side> => {
    const job = await s.scientist.jobs.wait(jobId, { timeoutMs: 240_000 });
    if (job.status !== 'succeeded') throw new Error(`job ${jobId} ${job.status}: ${job.error}`);
    const model = await s.scientist.models.get(job.modelId!);
    const params = model.parameters as unknown as LogisticModel;
    const rows = enclaveRows(replica, job, labels);
    const { strategy, last } = recordingStates(dpLogistic);
    const spec = job.spec.model;
    if (spec.kind !== 'logistic') throw new Error(`job ${jobId} is not logistic`);
    const { epsilon, delta, rowNorm } = job.spec.privacy.dp!;
    // The lab's public statistics, as released with the model; the seed only shapes noise we ignore.
    const dp = { epsilon, delta, rowNorm, seed: TEST_SEEDS[0], means: params.means, stds: params.stds };
    fitFederated(
      strategy,
      { ...spec, dp },
      rows.map((r) => r.train),
      plainOps,
    );
    return { job, model, released: params.beta, exact: last().inner.beta, rows };
  };

  beforeAll(async () => {
    fx = await stackFixture('dp-neighbours', { enterprises: 4000, seed: 19 });
    s = await bankSession(fx);
    replica = await worldReplica(fx, (await s.scientist.catalog.get()).domains);
    const labels = await readLabels(path.join(fx.worldDir, 'banks', fx.world.bank, 'labels.csv'));
    // A defaulter the model really trains on: consented, held by a domain, not in the holdout.
    const target = labels.find(
      (r) =>
        r.label === 1 &&
        replica.consented.has(r.entity) &&
        replica.tables.get(domainForEntity(replica.domains, r.entity) ?? '')?.index.has(r.entity) === true &&
        !inHoldout(VALIDATION, r.entity),
    )!;
    const flipped = labels.map((r) => (r.entity === target.entity ? { ...r, label: 0 as const } : r));
    const neighbour = await s.scientist.labelSets.upload({ name: 'book, one label flipped', rows: flipped });
    const ids = [await submit(s.labelSetId, 'pd-dp-D'), await submit(neighbour.id, "pd-dp-D'")];
    [d, dPrime] = await Promise.all([side(ids[0]!, labels), side(ids[1]!, flipped)]);
  }, 300_000);
  afterAll(async () => {
    redis.disconnect();
    await fx?.close();
  });

  it('attack: rebuild the exact fit from the domains and subtract it from the released coefficients — control: what is left is N(0, σ²I) noise (χ² with d+1 degrees of freedom)', async ({
    annotate,
  }) => {
    for (const x of [d, dPrime]) {
      // The rebuilt rows are the lab's: same per-domain cohorts, and the catalog's statistics.
      expect(x.job.spec.validation).toEqual(VALIDATION);
      expect(Object.fromEntries(x.rows.map((r) => [r.id, r.labelled]))).toEqual(
        x.job.trainingReport!.rowsByDomain,
      );
      expect(x.job.progress[0]!.rows).toBe(x.rows.reduce((n, r) => n + r.train.n, 0));
      const params = x.model.parameters as unknown as LogisticModel;
      expect(publicStandardisation(x.job.encoding, replica.domains, {})).toEqual({
        means: params.means,
        stds: params.stds,
      });
      expect(x.model.rounds).toBe(MODEL.maxRounds);
      const p = x.released.length;
      expect(p).toBe(x.job.encoding.inputs.length + 1);
      const chi2 = sqDist(x.released, x.exact) / x.model.privacy.dp!.sigma ** 2;
      await annotate(`${x.job.spec.name}: ‖o − μ‖²/σ² = ${chi2.toFixed(2)} for p = ${p}`);
      // p − 8√(2p) is below 0 for small p; p/5 still rules out a release without noise (χ² ≈ 0).
      expect(chi2).toBeGreaterThan(Math.max(p - 8 * Math.sqrt(2 * p), p / 5));
      expect(chi2).toBeLessThan(p + 8 * Math.sqrt(2 * p));
    }
  });

  it("attack: two jobs differing in one enterprise's label, to learn that label from the coefficients — control: the exact minimisers move by at most the sensitivity Δ the noise is calibrated to", async ({
    annotate,
  }) => {
    const moved = Math.sqrt(sqDist(d.exact, dPrime.exact));
    const { sensitivity } = d.model.privacy.dp!;
    await annotate(
      `‖μ_D − μ_D'‖ = ${moved.toExponential(3)}, Δ = ${sensitivity.toExponential(3)}, ratio ${(moved / sensitivity).toFixed(4)}`,
    );
    expect(moved).toBeGreaterThan(0); // the flipped label was really trained on
    expect(moved).toBeLessThanOrEqual(sensitivity);
  });

  it("attack: two jobs differing in one enterprise's label, to learn that label from the coefficients — control: output perturbation calibrated to ε → privacy loss of the released coefficients ≤ ε", async ({
    annotate,
  }) => {
    const { sigma, epsilon, delta } = d.model.privacy.dp!;
    const mech = dpLogisticMechanism({ ...MODEL, dp: { ...DP, delta, rowNorm: 1 } });
    const weightsEpsilon = epsilonFromRho(mech.rho, delta);
    const loss = privacyLoss(d.released, d.exact, dPrime.exact, sigma);
    const lossPrime = privacyLoss(dPrime.released, dPrime.exact, d.exact, sigma);
    await annotate(
      `privacy loss L(o) = ${loss.toExponential(3)}, L(o') = ${lossPrime.toExponential(3)}; ε of the weights ${weightsEpsilon.toFixed(4)}, job ε ${epsilon}`,
    );
    expect(weightsEpsilon).toBeLessThanOrEqual(epsilon);
    expect(Math.abs(loss)).toBeLessThanOrEqual(weightsEpsilon);
    expect(Math.abs(lossPrime)).toBeLessThanOrEqual(weightsEpsilon);
  });

  it('attack: a job whose noise is smaller than its ε needs — control: the recorded σ is Δ/√(2ρ) for the job spec, Δ = 2√(1 + R²)/l2', async ({
    annotate,
  }) => {
    for (const x of [d, dPrime]) {
      const dp = x.job.spec.privacy.dp!;
      expect(dp).toEqual({ epsilon: 2, delta: 1e-6, rowNorm: 1, clip: 1 });
      const mech = dpLogisticMechanism({ ...MODEL, dp });
      const recorded = x.model.privacy.dp!;
      expect(recorded.sensitivity).toBeCloseTo((2 * Math.sqrt(1 + dp.rowNorm ** 2)) / MODEL.l2, 12);
      expect(recorded.sigma).toBeCloseTo(recorded.sensitivity / Math.sqrt(2 * mech.rho), 12);
      expect(recorded.sigma).toBe(mech.sigma);
      expect(recorded.epsilon).toBeCloseTo(dp.epsilon, 9);
      expect(recorded.delta).toBe(dp.delta);
      expect(recorded.mechanism).toMatch(/output perturbation/);
      await annotate(
        `${x.job.spec.name}: σ = ${recorded.sigma.toFixed(5)}, Δ = ${recorded.sensitivity.toFixed(5)}, ρ_weights = ${mech.rho.toFixed(5)}`,
      );
    }
  });

  it("attack: compare the two jobs' holdout metrics to learn the label — control: metrics from noisy score histograms → AUC/KS differ by noise, evaluationSigma > 0", async ({
    annotate,
  }) => {
    const [a, b] = [d.model.metrics, dPrime.model.metrics];
    await annotate(
      `AUC ${a.auc.toFixed(4)} vs ${b.auc.toFixed(4)}, KS ${a.ks.toFixed(4)} vs ${b.ks.toFixed(4)}`,
    );
    expect(a.auc).not.toBe(b.auc);
    expect(a.ks).not.toBe(b.ks);
    for (const x of [d, dPrime]) {
      const mech = dpLogisticMechanism({ ...MODEL, dp: x.job.spec.privacy.dp! });
      expect(x.model.privacy.dp!.evaluationSigma).toBe(evaluationNoiseSigma(mech.evaluationRho));
      expect(x.model.privacy.dp!.evaluationSigma).toBeGreaterThan(0);
      expect(x.model.metrics.sample).toBe('holdout');
    }
  });

  // Utility is the price of privacy, not a control: at ε 2 a holdout of a few hundred rows gives
  // noisy metrics. What must hold is that post-processing adds no systematic rows (clamping every
  // one of 2 × 1000 noisy cells at 0 once inflated a 563-row holdout to ~41,000 rows, AUC ≈ 0.5).
  it('utility: the noisy metrics are unbiased in size — rows within the noise of the holdout size, AUC a probability', async ({
    annotate,
  }) => {
    for (const x of [d, dPrime]) {
      const m = x.model.metrics;
      const holdout = poolRows(x.rows.map((r) => r.holdout));
      const exact = exactAuc(
        predictLogistic(x.model.parameters as unknown as LogisticModel, holdout.x, holdout.n),
        holdout.y,
      );
      await annotate(
        `${x.job.spec.name}: noisy AUC ${m.auc.toFixed(4)}, KS ${m.ks.toFixed(4)}, rows ${m.rows.toFixed(0)}; released model on the ${holdout.n} holdout rows: AUC ${exact.toFixed(4)}`,
      );
      // Each class's total carries the noise of one running sum per domain: σ·√(coarse bins) each.
      const sd = x.model.privacy.dp!.evaluationSigma * Math.sqrt(2 * DP_EVAL_BINS * x.rows.length);
      expect(Math.abs(m.rows - holdout.n)).toBeLessThan(4 * sd);
      expect(m.auc).toBeGreaterThanOrEqual(0);
      expect(m.auc).toBeLessThanOrEqual(1);
    }
  });

  it('attack: run neighbouring jobs off the books — control: each release is audited with the ε it spent', async () => {
    const succeeded = await auditEntries(redis, fx.prefix, 'job.succeeded');
    for (const x of [d, dPrime]) {
      const entry = succeeded.find((e) => e.subject === x.job.id);
      expect(entry?.details).toMatchObject({ modelId: x.model.id, epsilonSpent: DP.epsilon });
      expect(x.model.privacy.epsilonSpent).toBe(DP.epsilon);
    }
  });
});

// Tests for private FedAvg: clipped unweighted domain contributions, calibrated round noise, fixed schedule.
import * as tf from '../tf.ts';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { fitFederated } from '../driver.ts';
import { plainOps } from '../linalg.ts';
import { defaultMlpConfig, mlpStrategy } from '../mlp.ts';
import { interactionCredit } from '../mlp-fixtures.ts';
import { shapeMismatch, sumUpdates } from '../strategy.ts';
import { splitRows } from '../testing/synthetic.ts';
import { gaussianSigma, planDpBudget } from './accounting.ts';
import { l2Norm } from './clipping.ts';
import { type DpMlpConfig, dpMlp, dpMlpMechanism } from './dp-mlp.ts';
import { recordingStates, TEST_SEEDS } from './fixtures.ts';
import { gaussianNoise } from './noise.ts';

// The host picks the backend, never models/: wasm as in the enclave, cpu if wasm cannot start.
if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
await tf.ready();

const all = interactionCredit(1200, 3, 4);
const domains = splitRows(all, [300, 500, 400]);
/** interactionCredit's generating scales: 50 000 ± 15 000, 40 ± 12, then 0 ± (j + 1). */
const stats = { means: [50_000, 40, 0, 0], stds: [15_000, 12, 3, 4] };
const config: DpMlpConfig = {
  ...defaultMlpConfig,
  hidden: [8],
  learningRate: 0.05,
  batchSize: 64,
  maxRounds: 4,
  patience: 1,
  seed: 3,
  dp: { epsilon: 5, delta: 1e-6, seed: TEST_SEEDS[0], ...stats, clip: 0.5 },
};

describe('dpMlp', () => {
  it('returns each domain change clipped to C, with weight 1 and neutral losses', () => {
    const round = dpMlp.configureRound(dpMlp.init(config, 4))!;
    const global = round.params['weights'] as number[];
    for (const rows of domains) {
      const u = dpMlp.localUpdate(round, rows, plainOps, new Map());
      expect(shapeMismatch(u, dpMlp.updateShape(round, 4))).toBeNull();
      expect(u).toMatchObject({ n: [1], valLoss: [0], valRows: [0], trainLoss: [0] });
      const change = u['weights']!.map((w, i) => w - global[i]!);
      const raw = mlpStrategy.localUpdate(round, rows, plainOps, new Map());
      const [n] = raw['n']!;
      const rawChange = raw['weights']!.map((w, i) => w / n! - global[i]!);
      // Clipping bites here and keeps the direction of the local change.
      expect(l2Norm(rawChange)).toBeGreaterThan(0.5);
      expect(l2Norm(change)).toBeLessThanOrEqual(0.5 * (1 + 1e-12));
      expect(l2Norm(change)).toBeGreaterThan(0.5 * (1 - 1e-9));
      const cosine =
        change.reduce((a, c, i) => a + c * rawChange[i]!, 0) / (l2Norm(change) * l2Norm(rawChange));
      expect(cosine).toBeCloseTo(1, 9);
    }
  });

  it('runs exactly maxRounds rounds, reports no loss and releases the last weights', () => {
    const { strategy, last } = recordingStates(dpMlp);
    const fit = fitFederated(strategy, config, domains, plainOps);
    const state = last();
    expect(fit.rounds).toBe(config.maxRounds);
    expect(fit.losses).toEqual([]);
    expect(state.inner).toMatchObject({
      phase: 'done',
      round: 4,
      bestRound: -1,
      stoppedEarly: false,
      history: [],
    });
    expect(state.inner.config.validationFraction).toBe(0);
    expect(fit.model.weights).toEqual(state.inner.weights);
    expect(fitFederated(dpMlp, config, domains, plainOps).model).toEqual(fit.model);
    const other = { ...config, dp: { ...config.dp, seed: TEST_SEEDS[1] } };
    expect(fitFederated(dpMlp, other, domains, plainOps).model.weights).not.toEqual(fit.model.weights);
  });

  it('adds N(0, σ²I) to each round sum from (seed, round-r), σ = 2C/√(2ρ) for ρ per round', () => {
    const still: DpMlpConfig = { ...config, hidden: [64], learningRate: 0 };
    const facts = dpMlpMechanism(still);
    const rho = planDpBudget('mlp', still.dp, still.maxRounds).weightsRho;
    expect(facts).toMatchObject({ sensitivity: 1, rho, releases: 4, clip: 0.5 });
    expect(facts.sigma).toBe(gaussianSigma(1, rho));
    const state = dpMlp.init(still, 4);
    const round = dpMlp.configureRound(state)!;
    const sum = sumUpdates(domains.map((rows) => dpMlp.localUpdate(round, rows, plainOps, new Map())));
    const next = dpMlp.next(state, sum);
    const expected = gaussianNoise(TEST_SEEDS[0], 'round-0', next.inner.weights.length, facts.sigma);
    // Nothing trains, so each new weight is (Σ contributions + noise) / 3, in float32.
    const recovered = next.inner.weights.map((w, i) => 3 * w - sum['weights']![i]!);
    for (let i = 0; i < recovered.length; i++) {
      expect(Math.abs(recovered[i]! - expected[i]!)).toBeLessThan(
        1e-6 * (1 + Math.abs(3 * next.inner.weights[i]!)),
      );
    }
    const sd = Math.sqrt(recovered.reduce((a, e) => a + e * e, 0) / recovered.length);
    expect(Math.abs(sd / facts.sigma - 1)).toBeLessThan(0.15);
  });

  it('refuses set-up rounds and bad settings', () => {
    expect(() => dpMlp.init({ ...config, dp: { ...config.dp, clip: 0 } }, 4)).toThrow(/dp.clip must be/);
    expect(() => dpMlp.init({ ...config, dp: { ...config.dp, delta: 0.1 } }, 4)).toThrow(/delta must be in/);
    expect(() => dpMlp.init(config, 3)).toThrow(/dp.means must be 3 finite numbers/);
    const stats = { phase: 'stats', params: {} };
    expect(() => dpMlp.localUpdate(stats, domains[0]!, plainOps, new Map())).toThrow(/only 'fedavg' rounds/);
    const round = dpMlp.configureRound(dpMlp.init(config, 4))!;
    const noClip = { ...round, params: { ...round.params, clip: -1 } };
    expect(() => dpMlp.localUpdate(noClip, domains[0]!, plainOps, new Map())).toThrow(/param clip must be/);
  });
});

// End-to-end tests of federated logistic regression: parity with pooled fits, optimality, precision.
import { describe, expect, it } from 'vitest';
import { fitFederated, poolRows } from './driver.ts';
import { maxAbsDiff, plainOps, xtwxJs } from './linalg.ts';
import { defaultLogisticConfig, type LogisticModel, logisticRegression } from './logistic-regression.ts';
import { type DenseOps, type LocalRows, sumUpdates } from './strategy.ts';
import { splitRows, syntheticCredit } from './testing/synthetic.ts';

const all = syntheticCredit(3000, 20260101);
const domains = splitRows(all, [500, 1700, 800]);
const pooled = poolRows(domains);
const federated = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps);
const pooledFit = fitFederated(logisticRegression, defaultLogisticConfig, [pooled], plainOps);

/** A host whose Hessian is only float32-accurate, like the TensorFlow.js kernels in an enclave. */
const float32Ops: DenseOps = { xtwx: (x, w, n, d) => xtwxJs(x, w, n, d).map(Math.fround) };

/**
 * Gradient of the penalised objective in ORIGINAL units, written independently of the strategy:
 * ∂/∂b = Σ(y − p), ∂/∂w_j = Σ(y − p)·x̃_j − l2·σ_j²·w_j (the penalty (l2/2)Σ(w_j σ_j)²).
 * Returns each component divided by the sum of magnitudes of its terms.
 */
function relativeGradient(model: LogisticModel, rows: LocalRows, l2: number): number[] {
  const { x, y, n, d } = rows;
  const g = new Array<number>(d + 1).fill(0);
  const scale = new Array<number>(d + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const xi: number[] = [];
    let eta = model.intercept;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      xi.push(Number.isNaN(v) ? model.means[j]! : v);
      eta += model.weights[j]! * xi[j]!;
    }
    const r = y[i]! - 1 / (1 + Math.exp(-eta));
    g[0]! += r;
    scale[0]! += Math.abs(r);
    for (let j = 0; j < d; j++) {
      g[j + 1]! += r * xi[j]!;
      scale[j + 1]! += Math.abs(r * xi[j]!);
    }
  }
  for (let j = 0; j < d; j++) {
    const pen = l2 * model.stds[j]! ** 2 * model.weights[j]!;
    g[j + 1]! -= pen;
    scale[j + 1]! += Math.abs(pen);
  }
  return g.map((v, j) => Math.abs(v) / scale[j]!);
}

describe('logisticRegression (federated)', () => {
  it('has missing values and very different feature scales in its test data', () => {
    expect(all.x.some(Number.isNaN)).toBe(true);
    expect(federated.model.stds[0]).toBeGreaterThan(1e4);
    expect(federated.model.stds[3]).toBeLessThan(1e-2);
  });

  it('equals the pooled fit to 1e-9', () => {
    expect(maxAbsDiff(federated.model.beta, pooledFit.model.beta)).toBeLessThan(1e-9);
    expect(maxAbsDiff(federated.model.weights, pooledFit.model.weights)).toBeLessThan(1e-9);
    expect(Math.abs(federated.model.intercept - pooledFit.model.intercept)).toBeLessThan(1e-9);
    expect(maxAbsDiff(federated.model.means, pooledFit.model.means)).toBeLessThan(1e-9);
    expect(federated.rounds).toBe(pooledFit.rounds);
  });

  it('converges within 15 rounds with a decreasing penalised loss', () => {
    expect(federated.rounds).toBeLessThanOrEqual(15);
    expect(federated.model.rounds).toBeLessThan(defaultLogisticConfig.maxRounds);
    expect(federated.losses.length).toBe(federated.model.rounds);
    for (let k = 1; k < federated.losses.length; k++) {
      expect(federated.losses[k]!).toBeLessThanOrEqual(federated.losses[k - 1]! + 1e-9);
    }
  });

  it('recovers the signs of the generating model', () => {
    const signs = federated.model.weights.map(Math.sign);
    expect(signs).toEqual([-1, -1, 1, 1, 1, 1]);
  });

  it('sets the penalised gradient to zero at the optimum (checked in original units)', () => {
    const rel = relativeGradient(federated.model, pooled, defaultLogisticConfig.l2);
    expect(Math.max(...rel)).toBeLessThan(1e-8);
    // The check has teeth: nudging one weight by 1e-6 of its size makes it fail.
    const nudged = { ...federated.model, weights: [...federated.model.weights] };
    nudged.weights[2]! *= 1 + 1e-6;
    expect(Math.max(...relativeGradient(nudged, pooled, defaultLogisticConfig.l2))).toBeGreaterThan(1e-8);
  });

  it('reaches the same coefficients with a float32-rounded Hessian', () => {
    const f32 = fitFederated(logisticRegression, defaultLogisticConfig, domains, float32Ops);
    expect(maxAbsDiff(f32.model.beta, federated.model.beta)).toBeLessThan(1e-9);
    expect(f32.rounds).toBeLessThanOrEqual(15);
  });

  it('shrinks weights toward zero as l2 grows, leaving the intercept at the base rate', () => {
    const size = (l2: number) => {
      const fit = fitFederated(logisticRegression, { ...defaultLogisticConfig, l2 }, domains, plainOps);
      return { norm: Math.hypot(...fit.model.beta.slice(1)), intercept: fit.model.beta[0]! };
    };
    const mild = size(1);
    const strong = size(100);
    const huge = size(1e7);
    expect(strong.norm).toBeLessThan(mild.norm);
    expect(huge.norm).toBeLessThan(1e-3 * mild.norm);
    const rate = pooled.y.reduce((a, b) => a + b, 0) / pooled.n;
    expect(huge.intercept).toBeCloseTo(Math.log(rate / (1 - rate)), 4);
  });

  it('stops at maxRounds when the tolerance cannot be met', () => {
    const fit = fitFederated(
      logisticRegression,
      { ...defaultLogisticConfig, maxRounds: 2, tolerance: 0 },
      domains,
      plainOps,
    );
    expect(fit.model.rounds).toBe(2);
  });
});

describe('logisticRegression (state machine)', () => {
  it('reports no loss and no round after done', () => {
    let state = logisticRegression.init(defaultLogisticConfig, all.d);
    expect(logisticRegression.loss(state)).toBeNull();
    expect(logisticRegression.configureRound(state)).toEqual({ phase: 'stats', params: {} });
    expect(() => logisticRegression.finalModel(state)).toThrow(/no model/);
    const caches = domains.map(() => new Map<string, unknown>());
    for (let r = logisticRegression.configureRound(state); r; r = logisticRegression.configureRound(state)) {
      const instruction = r;
      const updates = domains.map((d, k) =>
        logisticRegression.localUpdate(instruction, d, plainOps, caches[k]!),
      );
      state = logisticRegression.next(state, sumUpdates(updates));
    }
    expect(state.phase).toBe('done');
    expect(state.converged).toBe(true);
    expect(logisticRegression.loss(state)).toBeCloseTo(federated.losses.at(-1)!, 9);
    expect(() => logisticRegression.next(state, {})).toThrow(/already done/);
    // The state survives a JSON round trip (the coordinator persists it in Redis).
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('rejects bad configs, phases and params', () => {
    expect(() => logisticRegression.init({ ...defaultLogisticConfig, l2: -1 }, 3)).toThrow(/l2/);
    expect(() => logisticRegression.init({ ...defaultLogisticConfig, maxRounds: 0 }, 3)).toThrow(/maxRounds/);
    const rows = domains[0]!;
    const cache = new Map<string, unknown>();
    expect(() =>
      logisticRegression.localUpdate({ phase: 'evaluate', params: {} }, rows, plainOps, cache),
    ).toThrow(/unknown phase/);
    expect(() =>
      logisticRegression.localUpdate(
        { phase: 'newton', params: { beta: [0], means: [], stds: [] } },
        rows,
        plainOps,
        cache,
      ),
    ).toThrow(/'beta' must be 7 numbers/);
  });
});

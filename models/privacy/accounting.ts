// Privacy accounting in zero-concentrated differential privacy: conversions, Gaussian noise scale, job budgets.
// zCDP: Bun & Steinke, "Concentrated Differential Privacy: Simplifications, Extensions, and Lower
// Bounds", TCC 2016.

/**
 * Model kinds with a differentially private wrapper.
 *
 * @example
 * const kind: DpKind = 'mlp';
 */
export type DpKind = 'logistic' | 'mlp';

/**
 * The (ε, δ) a job asks for.
 *
 * @example
 * const target: DpTarget = { epsilon: 3, delta: 1e-6 };
 */
export interface DpTarget {
  epsilon: number;
  delta: number;
}

/**
 * How a job's budget is spent: `weightsRho` per weight release (`releases` of them), `evaluationRho`
 * for the holdout metrics, and the (ε, δ) the sum of all of them achieves.
 *
 * @example
 * const { weightsRho, evaluationRho } = planDpBudget('logistic', { epsilon: 3, delta: 1e-6 }, 25);
 */
export interface DpBudget {
  rho: number;
  weightsRho: number;
  releases: number;
  evaluationRho: number;
  epsilon: number;
  delta: number;
}

/**
 * What a job's lineage records about its mechanism: replace-one L2 `sensitivity` and noise `sigma`
 * of each weight release, its `rho` and count, the ρ left for evaluation, the job's total (ε, δ),
 * and the bound rows (`rowNorm`) or domain updates (`clip`) were clipped to.
 *
 * @example
 * const facts: DpMechanism = dpLogisticMechanism(config);
 */
export interface DpMechanism {
  mechanism: string;
  sensitivity: number;
  sigma: number;
  rho: number;
  releases: number;
  evaluationRho: number;
  epsilon: number;
  delta: number;
  rowNorm?: number;
  clip?: number;
}

/** Share of the job's ρ spent on the released weights; the rest pays for the evaluation metrics. */
const WEIGHTS_SHARE = 0.85;

/** The platform's accepted ranges: beyond ε = 100 the guarantee is vacuous, δ should be ≪ 1/rows. */
const MAX_EPSILON = 100;
const MAX_DELTA = 1e-3;

function checkDelta(delta: number): void {
  if (!(delta > 0 && delta < 1)) throw new Error(`dp: delta must be in (0, 1), got ${delta}`);
}

/**
 * The largest ρ such that ρ-zCDP implies (ε, δ)-DP through ε = ρ + 2√(ρ ln(1/δ)) (Bun & Steinke,
 * Proposition 1.3), i.e. (√(ln(1/δ) + ε) − √(ln(1/δ)))², computed without cancellation.
 *
 * @example
 * rhoFromEpsilonDelta(1, 1e-5); // ≈ 0.02082
 */
export function rhoFromEpsilonDelta(epsilon: number, delta: number): number {
  if (!(epsilon > 0 && Number.isFinite(epsilon)))
    throw new Error(`dp: epsilon must be a finite number > 0, got ${epsilon}`);
  checkDelta(delta);
  const l = Math.log(1 / delta);
  // √(l + ε) − √l = ε / (√(l + ε) + √l): the right side keeps its digits when ε ≪ l.
  const root = epsilon / (Math.sqrt(l + epsilon) + Math.sqrt(l));
  return root * root;
}

/**
 * The ε of the (ε, δ)-DP guarantee that ρ-zCDP implies: ρ + 2√(ρ ln(1/δ)).
 *
 * @example
 * epsilonFromRho(rhoFromEpsilonDelta(1, 1e-5), 1e-5); // ≈ 1
 */
export function epsilonFromRho(rho: number, delta: number): number {
  if (!(rho >= 0 && Number.isFinite(rho))) throw new Error(`dp: rho must be a finite number ≥ 0, got ${rho}`);
  checkDelta(delta);
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/**
 * Noise standard deviation for the Gaussian mechanism to be ρ-zCDP: adding N(0, σ²I) to a query of
 * L2 sensitivity Δ is Δ²/(2σ²)-zCDP (Bun & Steinke, Proposition 1.6), so σ = Δ/√(2ρ).
 *
 * @example
 * gaussianSigma(2, 0.5); // 2
 */
export function gaussianSigma(l2Sensitivity: number, rho: number): number {
  if (!(l2Sensitivity >= 0 && Number.isFinite(l2Sensitivity))) {
    throw new Error(`dp: sensitivity must be a finite number ≥ 0, got ${l2Sensitivity}`);
  }
  if (!(rho > 0 && Number.isFinite(rho))) throw new Error(`dp: rho must be a finite number > 0, got ${rho}`);
  return l2Sensitivity / Math.sqrt(2 * rho);
}

/**
 * Checks a job's (ε, δ) against the platform's ranges: ε in (0, 100], δ in (0, 1e-3].
 *
 * @example
 * checkDpTarget({ epsilon: 3, delta: 1e-6 }); // ok; { epsilon: 0, … } throws
 */
function checkDpTarget(dp: DpTarget): void {
  const { epsilon, delta } = dp;
  if (!(epsilon > 0 && epsilon <= MAX_EPSILON)) {
    throw new Error(`dp: epsilon must be in (0, ${MAX_EPSILON}], got ${epsilon}`);
  }
  if (!(delta > 0 && delta <= MAX_DELTA)) {
    throw new Error(`dp: delta must be in (0, ${MAX_DELTA}], got ${delta}`);
  }
}

/**
 * Splits a job's ρ = ρ(ε, δ): 85% to the released weights, 15% to the evaluation metrics. The
 * logistic model is released once; the MLP's weights are released after every one of `maxRounds`
 * rounds, so each round gets an equal part. zCDP composes by adding ρ, so the releases together
 * spend the job's ρ and meet its (ε, δ) up to rounding.
 *
 * @example
 * planDpBudget('mlp', { epsilon: 8, delta: 1e-6 }, 20).weightsRho; // 0.85·ρ / 20
 */
export function planDpBudget(kind: DpKind, dp: DpTarget, maxRounds: number): DpBudget {
  if (kind !== 'logistic' && kind !== 'mlp') throw new Error(`dp: no budget plan for model kind '${kind}'`);
  checkDpTarget(dp);
  if (!Number.isInteger(maxRounds) || maxRounds < 1) {
    throw new Error(`dp: maxRounds must be a positive integer, got ${maxRounds}`);
  }
  const rho = rhoFromEpsilonDelta(dp.epsilon, dp.delta);
  const releases = kind === 'mlp' ? maxRounds : 1;
  const weightsRho = (WEIGHTS_SHARE * rho) / releases;
  const evaluationRho = (1 - WEIGHTS_SHARE) * rho;
  const spent = releases * weightsRho + evaluationRho;
  return {
    rho,
    weightsRho,
    releases,
    evaluationRho,
    epsilon: epsilonFromRho(spent, dp.delta),
    delta: dp.delta,
  };
}

// A realistic stored evaluation for the console's tests: calibrated credit-like scores, about 6% bads.
import type { Evaluation } from '../../../client-sdk/contract/resources.ts';
import { localEvaluation } from '../../../models/evaluation.ts';
import { calibratedScores } from '../../../models/testing/synthetic.ts';
import { evaluationOf } from '../../infra/evaluation.ts';

/**
 * `n` scores with logit −3.3 + 1.1·z and labels drawn from them, and the evaluation a release
 * would store for them (deciles, calibration) — the rows too, for exact reference metrics.
 *
 * @example
 * const { evaluation, prob, y } = simulatedEvaluation(8000, 5);
 */
export function simulatedEvaluation(
  n: number,
  seed: number,
): { prob: Float64Array; y: Float64Array; evaluation: Evaluation } {
  const { prob, y } = calibratedScores(n, seed);
  return { prob, y, evaluation: evaluationOf(localEvaluation(prob, y), 'holdout', {}) };
}

// Turns summed evaluation histograms into a model's metrics (used by the coordinator, and by the
// enclaves in CKKS mode, where only they can decrypt the sums).
import type { Evaluation, Metrics } from '../../client-sdk/contract/resources.ts';
import { metricsFromHistograms } from '../../models/evaluation.ts';
import type { Update } from '../../models/strategy.ts';
import type { TrainResult } from './task-protocol.ts';

const headline = (m: ReturnType<typeof metricsFromHistograms>): Metrics => ({
  auc: m.auc,
  ks: m.ks,
  gini: m.gini,
  logLoss: m.logLoss,
  brier: m.brier,
  rows: m.rows,
  positives: m.positives,
});

/**
 * Pooled metrics from the summed histograms; a domain's own metrics only where its holdout has at
 * least `minCohort` rows of each class (smaller cohorts would reveal too much about few rows).
 *
 * @example
 * const evaluation = evaluationFrom(aggregate, results, 50);
 */
export function evaluationFrom(
  aggregate: Update,
  results: readonly TrainResult[],
  minCohort: number,
  sample: Evaluation['sample'],
): Evaluation {
  const perDomain: Record<string, Metrics> = {};
  for (const r of results) {
    const pos = (r.update.pos ?? []).reduce((a, b) => a + b, 0);
    const neg = (r.update.neg ?? []).reduce((a, b) => a + b, 0);
    if (pos >= minCohort && neg >= minCohort) perDomain[r.domain] = headline(metricsFromHistograms(r.update));
  }
  return evaluationOf(aggregate, sample, perDomain);
}

/**
 * The full evaluation of summed class histograms: headline metrics, deciles, calibration.
 *
 * @example
 * const evaluation = evaluationOf(aggregate, 'holdout', {});
 */
export function evaluationOf(
  aggregate: Update,
  sample: Evaluation['sample'],
  perDomain: Record<string, Metrics>,
): Evaluation {
  const m = metricsFromHistograms(aggregate);
  return {
    ...headline(m),
    sample,
    deciles: m.deciles.map((d) => ({ ...d })),
    calibration: (m.calibration ?? []).map((c) => ({ ...c })),
    perDomain,
  };
}

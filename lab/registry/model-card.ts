// The model card: what a model is for, what it reads, how it was trained, evaluated and governed.
import type { ModelCard } from '../../client-sdk/contract/model-registry.ts';
import type { Evaluation } from '../../client-sdk/contract/resources.ts';
import type { StoredModel } from '../store/models.ts';
import { inputFormat } from './downloads.ts';

/** |mean| / std above which an input loses visible precision in a float32 TF.js model (2^-24 relative). */
const FLOAT32_OFFSET_RATIO = 1e3;

/** One figure of the reliability table; null when the evaluation carries none. */
function calibrationSummary(metrics: Evaluation): ModelCard['evaluation']['calibration'] {
  const bins = metrics.calibration.map((b) => ({
    rows: b['rows'] ?? 0,
    predicted: b['meanPredicted'] ?? 0,
    observed: b['observedRate'] ?? 0,
  }));
  const rows = bins.reduce((a, b) => a + b.rows, 0);
  if (rows <= 0) return null;
  const weighted = (f: (b: (typeof bins)[number]) => number) =>
    bins.reduce((a, b) => a + b.rows * f(b), 0) / rows;
  return {
    meanPredicted: weighted((b) => b.predicted),
    observedRate: weighted((b) => b.observed),
    expectedCalibrationError: weighted((b) => Math.abs(b.predicted - b.observed)),
    maxBinGap: Math.max(...bins.filter((b) => b.rows > 0).map((b) => Math.abs(b.predicted - b.observed))),
  };
}

/** What a reader must know before relying on the model, derived from its own record. */
function limitations(m: StoredModel): string[] {
  const out: string[] = [];
  const { trainingReport, spec } = m.lineage;
  if (m.status === 'retired') {
    const last = m.statusChanges.at(-1);
    out.push(`Retired${last ? ` on ${last.at} (${last.note})` : ''}: it no longer scores.`);
  }
  if (m.metrics.sample === 'training')
    out.push('In-sample metrics: the job had no holdout, so they overstate performance on new enterprises.');
  if (m.privacy.dp) {
    out.push(
      `DP metrics are noisy: computed from score histograms with noise σ = ${m.privacy.dp.evaluationSigma} per cell.`,
    );
    out.push(`The weights carry DP noise (${m.privacy.dp.mechanism}, σ = ${m.privacy.dp.sigma}).`);
  }
  if (Object.keys(m.metrics.perDomain).length === 0)
    out.push(
      'No per-domain metrics: no domain holdout reached the cohort floor per class, or CKKS hid them.',
    );
  if (trainingReport && trainingReport.droppedUnauthorised > 0)
    out.push(
      `${trainingReport.droppedUnauthorised} label rows were dropped for lack of a modelling authorisation: the training population is the authorised enterprises only.`,
    );
  const unfingerprinted = m.domains.filter((d) => (m.lineage.datasets[d] ?? []).length === 0);
  if (unfingerprinted.length > 0)
    out.push(
      `No dataset fingerprints from ${unfingerprinted.join(', ')}: the files behind the model are not pinned.`,
    );
  if (m.kind === 'logistic') {
    const p = m.parameters as { means?: number[]; stds?: number[] };
    const offset = m.inputs.filter(
      (_, j) => Math.abs(p.means?.[j] ?? 0) > FLOAT32_OFFSET_RATIO * (p.stds?.[j] ?? 1),
    );
    if (offset.length > 0)
      out.push(
        `The float32 TF.js model loses precision on ${offset.join(', ')} (mean far above spread); score with the JSON weights in float64.`,
      );
  }
  if (m.kind === 'gbdt')
    out.push(
      'Tree ensemble: scores move in steps at split thresholds learnt on federated quantile bins, and values beyond the training range score like the outermost bin.',
    );
  out.push(
    `Trained on enterprises of ${m.domains.join(', ')} for "${spec.purpose}"; other regions and uses are out of scope.`,
  );
  return out;
}

/**
 * The card of a stored model; `versions` are the models of the same tenant and name.
 *
 * @example
 * buildModelCard(model, await ctx.models.versions(model.tenant, model.name)).limitations;
 */
export function buildModelCard(m: StoredModel, versions: readonly StoredModel[]): ModelCard {
  const { spec, privacyReport, trainingReport } = m.lineage;
  const rowsByDomain = trainingReport?.rowsByDomain ?? {};
  const dp = m.privacy.dp;
  const trainingRows = trainingReport?.usedRows ?? privacyReport.labelRows;
  const subjects =
    m.entityKey === 'uscc' ? 'enterprises (Unified Social Credit Codes)' : 'entities (opaque ids)';
  return {
    model: {
      id: m.id,
      name: m.name,
      version: m.version,
      status: m.status,
      kind: m.kind,
      tenant: m.tenant,
      createdAt: m.createdAt,
    },
    purpose: spec.purpose,
    intendedUse: `${m.tenant}'s credit decisions on ${subjects} of ${m.domains.join(', ')} that authorised ${m.tenant} for scoring, through POST /v1/models/${m.id}/score${m.bankFeatures.length > 0 ? ` with the bank-side inputs ${m.bankFeatures.join(', ')}` : ''}.`,
    inputs: {
      bySensitivity: privacyReport.featuresBySensitivity,
      bankFeatures: m.bankFeatures,
      encodedInputs: m.inputs.length,
      format: inputFormat(m.kind),
    },
    trainingData: {
      domains: m.domains.map((id) => ({
        id,
        labelRows: rowsByDomain[id] ?? null,
        datasets: m.lineage.datasets[id] ?? [],
      })),
      labelRows: trainingReport?.labelRows ?? null,
      usedRows: trainingReport?.usedRows ?? null,
      droppedUnauthorised: trainingReport?.droppedUnauthorised ?? null,
    },
    evaluation: {
      auc: m.metrics.auc,
      ks: m.metrics.ks,
      gini: m.metrics.gini,
      logLoss: m.metrics.logLoss,
      brier: m.metrics.brier,
      rows: m.metrics.rows,
      positives: m.metrics.positives,
      sample: m.metrics.sample,
      calibration: calibrationSummary(m.metrics),
      perDomain: m.metrics.perDomain,
    },
    privacy: {
      minCohort: spec.privacy.minCohort,
      minClassCohort: spec.privacy.minClassCohort,
      parameterCount: privacyReport.parameterCount,
      rowsPerParameter: trainingRows / privacyReport.parameterCount,
      aggregation: spec.aggregation,
      dp: dp ? { epsilon: dp.epsilon, delta: dp.delta, sigma: dp.sigma, mechanism: dp.mechanism } : null,
      epsilonSpent: m.privacy.epsilonSpent,
      personalFeatureGrants: m.privacy.personalFeatures,
    },
    lineage: {
      jobId: m.jobId,
      approvals: m.lineage.approvals.map((a) => ({ by: a.by, at: a.at, note: a.note })),
      rounds: m.rounds,
      backend: m.backend,
    },
    limitations: limitations(m),
    versions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      status: v.status,
      createdAt: v.createdAt,
    })),
  };
}

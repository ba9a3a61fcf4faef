// Public surface of the models package: strategies, drivers, kernels and evaluation.

export { type FitResult, fitFederated, poolRows } from './driver.ts';
export {
  type CalibrationRow,
  type DecileRow,
  EVAL_BINS,
  EVAL_LOGIT_LIMIT,
  type EvaluationMetrics,
  exactAuc,
  exactKs,
  localEvaluation,
  metricsFromHistograms,
  scoreBin,
} from './evaluation.ts';
export { choleskySolve, maxAbsDiff, plainOps, xtwxJs } from './linalg.ts';
export {
  contributions,
  defaultLogisticConfig,
  type LogisticConfig,
  type LogisticModel,
  type LogisticState,
  type LogisticStrategy,
  logisticRegression,
  topReasons,
} from './logistic-regression.ts';
export {
  defaultMlpConfig,
  type MlpConfig,
  type MlpLayerSpec,
  type MlpModel,
  type MlpState,
  type MlpStrategy,
  type MlpTfjsArtifacts,
  mlpReasons,
  mlpStrategy,
  mlpToTfjsArtifacts,
  occlusion,
  predictMlp,
} from './mlp.ts';
export { logit, sigmoid, softplus } from './numeric.ts';
export { getStrategy, isStrategyKind, type StrategyKind, strategies } from './registry.ts';
export {
  defaultScorecardConfig,
  type PointsTable,
  type PointsTableRow,
  pointsScaling,
  pointsTableCsv,
  pointsTableJson,
  predictScorecard,
  type ScorecardBin,
  type ScorecardCharacteristic,
  type ScorecardConfig,
  type ScorecardModel,
  type ScorecardScaling,
  type ScorecardState,
  type ScorecardStrategy,
  scorecardPoints,
  scorecardReasons,
  scorecardStrategy,
  WOE_SMOOTHING,
  type WoeBin,
  type WoeEncoder,
  withPoints,
} from './scorecard.ts';
export {
  type DenseOps,
  type LocalRows,
  type RoundInstruction,
  type Strategy,
  sumUpdates,
  type Update,
} from './strategy.ts';

// MLP hyperparameters, their validation, and the fixed layer layout the weight vector follows.

/**
 * Federated MLP hyperparameters. `hidden` lists the ReLU layer widths; the output is one sigmoid
 * unit. `maxRounds` caps FedAvg rounds (set-up rounds are not counted); training stops earlier
 * once the federated validation loss has not improved for `patience` rounds. `validationFraction`
 * of each domain's rows (chosen by a seeded hash of the row index) is held out for that loss.
 *
 * @example
 * const config: MlpConfig = { ...defaultMlpConfig, hidden: [64, 32], learningRate: 3e-3 };
 */
export interface MlpConfig {
  hidden: number[];
  /** Dropout rate after every hidden layer, during local training only. */
  dropout: number;
  /** L2 kernel penalty l2·Σw² added to the mean batch loss, as Keras' `regularizers.l2` does. */
  l2: number;
  learningRate: number;
  batchSize: number;
  localEpochs: number;
  maxRounds: number;
  patience: number;
  validationFraction: number;
  /** Seeds the initial weights, the validation split, local shuffles and dropout masks. */
  seed: number;
}

/**
 * Defaults sized for tens of thousands of rows and a few dozen features.
 *
 * @example
 * mlpStrategy.init(defaultMlpConfig, 23);
 */
export const defaultMlpConfig: MlpConfig = {
  hidden: [32, 16],
  dropout: 0.1,
  l2: 1e-4,
  learningRate: 1e-3,
  batchSize: 256,
  localEpochs: 1,
  maxRounds: 30,
  patience: 3,
  validationFraction: 0.1,
  seed: 1,
};

/**
 * One dense layer of a fitted network: its width and activation.
 *
 * @example
 * const out: MlpLayerSpec = { units: 1, activation: 'sigmoid' };
 */
export interface MlpLayerSpec {
  units: number;
  activation: 'relu' | 'sigmoid';
}

const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/**
 * Checks every field and returns a clean copy holding only the known fields (a JobSpec's `kind`
 * and the like are dropped), so the copy can travel in round instructions as plain JSON.
 *
 * @example
 * validateMlpConfig({ ...defaultMlpConfig, dropout: 0.2 }).dropout; // 0.2
 */
export function validateMlpConfig(config: MlpConfig): MlpConfig {
  const c = config;
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new Error(`mlp: ${field} must be ${rule}, got ${JSON.stringify(value)}`);
  };
  if (!Array.isArray(c.hidden) || !c.hidden.every(isPositiveInt)) {
    fail('hidden', 'a list of positive integers', c.hidden);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) fail('dropout', 'in [0, 1)', c.dropout);
  if (!(c.l2 >= 0 && Number.isFinite(c.l2))) fail('l2', 'a finite number ≥ 0', c.l2);
  // 0 is allowed: a round then only evaluates, which tests use to check the FedAvg arithmetic.
  if (!(c.learningRate >= 0 && Number.isFinite(c.learningRate))) {
    fail('learningRate', 'a finite number ≥ 0', c.learningRate);
  }
  if (!isPositiveInt(c.batchSize)) fail('batchSize', 'a positive integer', c.batchSize);
  if (!isPositiveInt(c.localEpochs)) fail('localEpochs', 'a positive integer', c.localEpochs);
  if (!isPositiveInt(c.maxRounds)) fail('maxRounds', 'a positive integer', c.maxRounds);
  if (!isPositiveInt(c.patience)) fail('patience', 'a positive integer', c.patience);
  if (!(c.validationFraction >= 0 && c.validationFraction < 1)) {
    fail('validationFraction', 'in [0, 1)', c.validationFraction);
  }
  if (!Number.isSafeInteger(c.seed)) fail('seed', 'an integer', c.seed);
  return {
    hidden: [...c.hidden],
    dropout: c.dropout,
    l2: c.l2,
    learningRate: c.learningRate,
    batchSize: c.batchSize,
    localEpochs: c.localEpochs,
    maxRounds: c.maxRounds,
    patience: c.patience,
    validationFraction: c.validationFraction,
    seed: c.seed,
  };
}

/**
 * The dense layers of the network: ReLU hidden layers, then one sigmoid output unit.
 *
 * @example
 * mlpLayers([32, 16]); // [{ units: 32, activation: 'relu' }, { units: 16, … }, { units: 1, activation: 'sigmoid' }]
 */
export function mlpLayers(hidden: readonly number[]): MlpLayerSpec[] {
  return [
    ...hidden.map((units) => ({ units, activation: 'relu' as const })),
    { units: 1, activation: 'sigmoid' as const },
  ];
}

/**
 * Shapes of the flattened weight vector, in its fixed order: per dense layer the kernel
 * [inputs, units], then the bias [units] — the order `LayersModel.getWeights()` uses.
 *
 * @example
 * mlpShapes(3, mlpLayers([2])); // [[3, 2], [2], [2, 1], [1]]
 */
export function mlpShapes(featureCount: number, layers: readonly MlpLayerSpec[]): number[][] {
  const shapes: number[][] = [];
  let inputs = featureCount;
  for (const { units } of layers) {
    shapes.push([inputs, units], [units]);
    inputs = units;
  }
  return shapes;
}

/**
 * Number of values in a weight vector with these shapes.
 *
 * @example
 * weightCount([[3, 2], [2]]); // 8
 */
export function weightCount(shapes: readonly number[][]): number {
  return shapes.reduce((acc, s) => acc + s.reduce((a, b) => a * b, 1), 0);
}

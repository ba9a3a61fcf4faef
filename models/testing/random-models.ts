// Random models of every kind and tie-prone rows, for tests that compare scoring paths.

import type { GbdtModel } from '../gbdt-model.ts';
import type { GbdtNode } from '../gbdt-tree.ts';
import { type LogisticModel, logisticModelFromBeta } from '../logistic-model.ts';
import { mlpLayers, mlpShapes } from '../mlp-config.ts';
import type { MlpModel } from '../mlp-model.ts';
import type { ScorecardCharacteristic, ScorecardModel } from '../scorecard-model.ts';
import { pointsScaling } from '../scorecard-points.ts';
import type { SeededRandom } from './random.ts';

/** Small values drawn from few levels, so that contributions, points and node values tie often. */
const level = (rng: SeededRandom, levels: readonly number[]) =>
  levels[Math.floor(rng.uniform() * levels.length)]!;

/**
 * n × d rows mixing NaN, a few repeated levels and continuous values.
 *
 * @example
 * const x = randomRows(seededRandom(1), 50, 8);
 */
export function randomRows(rng: SeededRandom, n: number, d: number): Float64Array {
  return Float64Array.from({ length: n * d }, () => {
    const u = rng.uniform();
    return u < 0.15 ? Number.NaN : u < 0.6 ? level(rng, [0, 1, 2, 3]) : 2 * rng.normal();
  });
}

/**
 * A logistic model over d inputs with weights and means from few levels (many tied contributions).
 *
 * @example
 * const model = randomLogistic(seededRandom(1), 8);
 */
export function randomLogistic(rng: SeededRandom, d: number): LogisticModel {
  const beta = Array.from({ length: d + 1 }, () => level(rng, [-1, -0.5, 0, 0.5, 1, 2]));
  const means = Array.from({ length: d }, () => level(rng, [0, 1, 1.5]));
  const stds = Array.from({ length: d }, () => level(rng, [1, 2]));
  return logisticModelFromBeta(beta, means, stds, 1);
}

/**
 * A scorecard over d inputs keeping a random subset of them, each with 1–4 range bins (edges at
 * the row levels) and sometimes a missing bin; points from few levels.
 *
 * @example
 * const model = randomScorecard(seededRandom(1), 8);
 */
export function randomScorecard(rng: SeededRandom, d: number): ScorecardModel {
  const features = Array.from({ length: d }, (_, j) => j).filter(() => rng.uniform() < 0.8);
  const characteristics: ScorecardCharacteristic[] = features.map((feature) => {
    const edges = [0.5, 1, 1.5, 2.5].filter(() => rng.uniform() < 0.5);
    const uppers = [...edges, null];
    const bins: ScorecardCharacteristic['bins'] = uppers.map((upper, b) => ({
      lower: b === 0 ? null : edges[b - 1]!,
      upper,
      good: 10,
      bad: 1,
      woe: level(rng, [-0.7, -0.2, 0, 0.3, 0.9]),
      points: level(rng, [0, 5, 10, 20]),
    }));
    if (rng.uniform() < 0.5) {
      bins.push({
        lower: null,
        upper: null,
        missing: true,
        good: 5,
        bad: 1,
        woe: 0.4,
        points: level(rng, [0, 5, 10]),
      });
    }
    const missingBin = bins.at(-1)!.missing ? bins.length - 1 : Math.floor(rng.uniform() * uppers.length);
    return { feature, iv: 0.1, coefficient: level(rng, [-1.2, -0.9, -0.5]), missingBin, bins };
  });
  return {
    kind: 'scorecard',
    featureCount: d,
    features,
    intercept: -2,
    coefficients: characteristics.map((c) => c.coefficient),
    characteristics,
    iv: Array.from({ length: d }, () => 0.1),
    scaling: pointsScaling({ pdo: 20, baseScore: 600, baseOdds: 50 }),
    rounds: 1,
  };
}

/**
 * A GBDT over d inputs: `trees` random trees up to depth 3, thresholds at the row levels, node
 * values from few levels.
 *
 * @example
 * const model = randomGbdt(seededRandom(1), 8, 10);
 */
export function randomGbdt(rng: SeededRandom, d: number, trees: number): GbdtModel {
  const tree = () => {
    const nodes: GbdtNode[] = [];
    const grow = (depth: number): number => {
      const k = nodes.push({ depth, value: level(rng, [-0.2, -0.1, 0, 0.1, 0.2]) }) - 1;
      if (depth < 3 && rng.uniform() < 0.8) {
        const feature = Math.floor(rng.uniform() * d);
        const threshold = rng.uniform() < 0.1 ? null : level(rng, [0.5, 1, 1.5, 2.5]);
        const split = { feature, bin: 0, threshold, missingLeft: rng.uniform() < 0.5, gain: 1 };
        const left = grow(depth + 1);
        const right = grow(depth + 1);
        nodes[k] = { ...nodes[k]!, split, left, right };
      }
      return k;
    };
    grow(0);
    return { nodes };
  };
  return {
    kind: 'gbdt',
    featureCount: d,
    base: -2,
    trees: Array.from({ length: trees }, tree),
    validationLoss: [],
  };
}

/**
 * An MLP over d ≥ 2 inputs with hidden layers [5, 3] and random weights; inputs 0 and 1 have the
 * same kernel row, mean and spread, so rows with equal values there tie in occlusion.
 *
 * @example
 * const model = randomMlp(seededRandom(1), 8);
 */
export function randomMlp(rng: SeededRandom, d: number): MlpModel {
  const layers = mlpLayers([5, 3]);
  const shapes = mlpShapes(d, layers);
  const weights = Array.from({ length: shapes.reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0) }, () =>
    rng.normal(),
  );
  // The first kernel is d × 5, row-major: make row 1 a copy of row 0.
  for (let u = 0; u < 5; u++) weights[5 + u] = weights[u]!;
  const means = Array.from({ length: d }, () => level(rng, [0, 1]));
  const stds = Array.from({ length: d }, () => level(rng, [1, 2]));
  means[1] = means[0]!;
  stds[1] = stds[0]!;
  return { kind: 'mlp', layers, weights, shapes, means, stds };
}

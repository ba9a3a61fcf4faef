// A fitted GBDT: its JSON form (the trees themselves), scoring and path-attribution reason codes.

import type { GbdtState } from './gbdt-state.ts';
import { addContributions, type GbdtTree, leafOf } from './gbdt-tree.ts';
import { sigmoid } from './numeric.ts';

/**
 * A fitted GBDT, plain JSON: a row's log-odds is `base` plus its leaf value in every tree (leaf
 * values already carry the learning rate). Thresholds are on raw feature values, so scoring needs
 * no bins; `validationLoss` is the federated validation log loss after 0, 1, … trees.
 *
 * @example
 * const m: GbdtModel = { kind: 'gbdt', featureCount: 2, base: -2.2, trees: [], validationLoss: [] };
 */
export interface GbdtModel {
  kind: 'gbdt';
  featureCount: number;
  base: number;
  trees: GbdtTree[];
  validationLoss: number[];
}

/**
 * The released model from a finished state.
 *
 * @example
 * gbdtModelFromState(state).trees.length; // the best tree count
 */
export function gbdtModelFromState(state: GbdtState): GbdtModel {
  if (state.phase !== 'done') throw new Error(`gbdt: no model before training is done (${state.phase})`);
  return {
    kind: 'gbdt',
    featureCount: state.featureCount,
    base: state.base,
    trees: state.trees,
    validationLoss: state.validationLoss.slice(0, state.trees.length + 1),
  };
}

/**
 * Log-odds of each row of a row-major n × featureCount matrix (NaN = missing).
 *
 * @example
 * gbdtLogits(model, x, n)[0]; // e.g. -2.31
 */
export function gbdtLogits(model: GbdtModel, x: Float64Array, n: number): Float64Array {
  const d = model.featureCount;
  if (x.length !== n * d) throw new Error(`gbdt: x has ${x.length} values, expected ${n}×${d}`);
  const out = new Float64Array(n).fill(model.base);
  for (const tree of model.trees) {
    for (let i = 0; i < n; i++) out[i]! += tree.nodes[leafOf(tree, x, i * d)]!.value;
  }
  return out;
}

/**
 * Probability of the positive class for each row.
 *
 * @example
 * predictGbdt(model, x, n); // Float64Array of P(bad)
 */
export function predictGbdt(model: GbdtModel, x: Float64Array, n: number): Float64Array {
  return gbdtLogits(model, x, n).map(sigmoid);
}

/**
 * Per-feature contributions of one row to its log-odds (path attribution summed over trees):
 * base + Σ root values + Σ contributions = the row's log-odds.
 *
 * @example
 * gbdtContributions(model, row); // Float64Array(featureCount)
 */
export function gbdtContributions(model: GbdtModel, row: Float64Array | readonly number[]): Float64Array {
  if (row.length !== model.featureCount)
    throw new Error(`gbdt: row has ${row.length} values, expected ${model.featureCount}`);
  const out = new Float64Array(model.featureCount);
  for (const tree of model.trees) addContributions(tree, row, 0, out);
  return out;
}

/**
 * Reason codes: names of up to `limit` features whose contributions raise the row's log-odds the
 * most (positive contributions only; a name shared by several columns sums them), largest first.
 *
 * @example
 * gbdtReasons(model, row, ['tax.paid', 'court.cases'], 3); // e.g. ['court.cases']
 */
export function gbdtReasons(
  model: GbdtModel,
  row: Float64Array | readonly number[],
  featureNames: readonly string[],
  limit: number,
): string[] {
  if (featureNames.length !== model.featureCount)
    throw new Error(`reasons: ${featureNames.length} feature names for ${model.featureCount} features`);
  const contributions = gbdtContributions(model, row);
  const byName = new Map<string, number>();
  featureNames.forEach((name, j) => {
    byName.set(name, (byName.get(name) ?? 0) + contributions[j]!);
  });
  return [...byName.entries()]
    .filter(([, c]) => c > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, Math.max(0, limit))
    .map(([name]) => name);
}

// How many parameters a model of a given kind has: the memorisation rule compares it with rows.

/** The part of a model configuration that fixes its size. */
export interface SizedModelConfig {
  kind: string;
  /** Scorecard: bins per feature. */
  bins?: number;
  /** MLP: hidden layer widths. */
  hidden?: readonly number[];
  /** GBDT: trees and their size limits. */
  trees?: number;
  maxDepth?: number;
  maxLeaves?: number;
}

/**
 * Parameters a model of this kind has for `inputs` encoded inputs (an upper bound for scorecards,
 * whose bins may merge). Unknown kinds throw, so a new kind cannot slip past the rule.
 *
 * @example
 * parameterCount({ kind: 'logistic' }, 10); // 11
 * parameterCount({ kind: 'mlp', hidden: [4] }, 3); // 3·4 + 4 + 4 + 1 = 21
 * parameterCount({ kind: 'gbdt', trees: 10, maxDepth: 2, maxLeaves: 31 }, 3); // 10 · (4 leaves + 3 thresholds) = 70
 */
export function parameterCount(config: SizedModelConfig, inputs: number): number {
  switch (config.kind) {
    case 'logistic':
      return inputs + 1;
    case 'scorecard':
      return inputs * ((config.bins ?? 10) + 1) + 1;
    case 'mlp': {
      let count = 0;
      let width = inputs;
      for (const h of [...(config.hidden ?? []), 1]) {
        count += width * h + h;
        width = h;
      }
      return count;
    }
    case 'gbdt': {
      // Per tree its leaf values and split thresholds; every leaf also holds ≥ minLeafRows rows.
      const leaves = Math.min(config.maxLeaves ?? 31, 2 ** (config.maxDepth ?? 5));
      return (config.trees ?? 100) * (2 * leaves - 1);
    }
    default:
      throw new Error(`parameterCount: unknown model kind '${config.kind}'`);
  }
}

/**
 * Whether `rows` training rows are enough for `parameters` parameters under the platform's
 * rows-per-parameter floor (default 20: DESIGN §6, models that can memorise rows are refused).
 *
 * @example
 * enoughRowsPerParameter(1000, 51, 20); // false: 19.6 rows per parameter
 */
export function enoughRowsPerParameter(
  rows: number,
  parameters: number,
  minRowsPerParameter: number,
): boolean {
  return rows >= parameters * minRowsPerParameter;
}

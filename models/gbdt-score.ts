// Scoring batches with a GBDT: its trees flattened into typed arrays once per model, then
// probabilities and path-attribution reason codes without touching the JSON trees per row.

import type { GbdtModel } from './gbdt-model.ts';
import { sigmoid } from './numeric.ts';
import { type PreparedScoring, topGroups } from './strategy.ts';

/** All trees' nodes in one set of arrays; a leaf has feature −1, children index the same arrays. */
interface Forest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** 1 when the split has no threshold: every non-missing value goes left. */
  open: Uint8Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

function flatten(model: GbdtModel): Forest {
  const size = model.trees.reduce((s, t) => s + t.nodes.length, 0);
  const f: Forest = {
    roots: new Int32Array(model.trees.length),
    feature: new Int32Array(size).fill(-1),
    threshold: new Float64Array(size),
    open: new Uint8Array(size),
    missingLeft: new Uint8Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
    value: new Float64Array(size),
  };
  let base = 0;
  model.trees.forEach((tree, t) => {
    f.roots[t] = base;
    tree.nodes.forEach((node, k) => {
      f.value[base + k] = node.value;
      if (!node.split) return;
      f.feature[base + k] = node.split.feature;
      f.open[base + k] = node.split.threshold === null ? 1 : 0;
      f.threshold[base + k] = node.split.threshold ?? 0;
      f.missingLeft[base + k] = node.split.missingLeft ? 1 : 0;
      f.left[base + k] = base + node.left!;
      f.right[base + k] = base + node.right!;
    });
    base += tree.nodes.length;
  });
  return f;
}

/** The child a row (`x[at + feature]`) goes to at inner node k, as `goesLeft` decides. */
function child(f: Forest, k: number, x: Float64Array, at: number): number {
  const v = x[at + f.feature[k]!]!;
  const left = Number.isNaN(v) ? f.missingLeft[k] === 1 : f.open[k] === 1 || v < f.threshold[k]!;
  return left ? f.left[k]! : f.right[k]!;
}

/**
 * The model prepared for scoring batches: `predictGbdt`'s probabilities and, per row, the groups
 * of `gbdtReasons`' names (contributions summed per group, ties in first-seen order), from trees
 * flattened once and reasons selected in place rather than sorted.
 *
 * @example
 * const scoring = prepareGbdtScoring(model, Int32Array.from([0, 0, 1]), 3);
 * scoring.reasons(x, n, out, counts);
 */
export function prepareGbdtScoring(model: GbdtModel, groups: Int32Array, limit: number): PreparedScoring {
  const d = model.featureCount;
  const f = flatten(model);
  // Slots in first-seen order of the groups, as `gbdtReasons` meets the names.
  const order: number[] = [];
  const slotOf = Int32Array.from(groups, (g) => {
    const at = order.indexOf(g);
    return at >= 0 ? at : order.push(g) - 1;
  });
  const groupOf = Int32Array.from(order);
  const contributions = new Float64Array(d);
  const sums = new Float64Array(order.length);
  const best = new Float64Array(limit);
  return {
    predict(x, n) {
      if (x.length !== n * d) throw new Error(`gbdt: x has ${x.length} values, expected ${n}×${d}`);
      // Tree by tree, as `gbdtLogits` adds them.
      const logits = new Float64Array(n).fill(model.base);
      for (const root of f.roots) {
        for (let i = 0; i < n; i++) {
          let k = root;
          while (f.feature[k]! >= 0) k = child(f, k, x, i * d);
          logits[i]! += f.value[k]!;
        }
      }
      return logits.map(sigmoid);
    },
    reasons(x, n, out, counts) {
      if (groups.length !== d) throw new Error(`reasons: ${groups.length} feature groups for ${d} features`);
      for (let i = 0; i < n; i++) {
        contributions.fill(0);
        for (const root of f.roots) {
          for (let k = root; f.feature[k]! >= 0; ) {
            const next = child(f, k, x, i * d);
            contributions[f.feature[k]!]! += f.value[next]! - f.value[k]!;
            k = next;
          }
        }
        sums.fill(0);
        for (let j = 0; j < d; j++) sums[slotOf[j]!]! += contributions[j]!;
        counts[i] = topGroups(sums, groupOf, sums.length, limit, out, i * limit, best);
      }
    },
  };
}

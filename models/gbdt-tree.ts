// GBDT trees: the JSON tree shape, split search on pooled histograms, routing and attribution.
// Split gain and leaf values as in XGBoost (Chen & Guestrin, KDD 2016): second-order gain with an
// L2 penalty on leaf values, missing values sent to whichever side gains more (sparsity-aware split).

/**
 * A split: rows with feature < `threshold` (every non-missing row when `threshold` is null) go
 * left, missing values go left when `missingLeft`. `bin` is the last range bin sent left.
 *
 * @example
 * const s: GbdtSplit = { feature: 2, bin: 4, threshold: 0.35, missingLeft: false, gain: 12.5 };
 */
export interface GbdtSplit {
  feature: number;
  bin: number;
  threshold: number | null;
  missingLeft: boolean;
  gain: number;
}

/**
 * A node: `value` is its shrunk Newton step −η·G/(H + λ) (a leaf's output; on inner nodes the
 * baseline for path attribution); inner nodes have a split and child indices.
 *
 * @example
 * const leaf: GbdtNode = { depth: 1, value: -0.02 };
 */
export interface GbdtNode {
  depth: number;
  value: number;
  split?: GbdtSplit;
  left?: number;
  right?: number;
}

/**
 * One tree: node 0 is the root.
 *
 * @example
 * const t: GbdtTree = { nodes: [{ depth: 0, value: 0 }] };
 */
export interface GbdtTree {
  nodes: GbdtNode[];
}

/**
 * The split-search rules, from the config.
 *
 * @example
 * const rules: SplitRules = { l2: 1, minGain: 0, minChildWeight: 1e-3, minLeafRows: 50, learningRate: 0.1 };
 */
export interface SplitRules {
  l2: number;
  minGain: number;
  minChildWeight: number;
  minLeafRows: number;
  learningRate: number;
}

/**
 * The node value from its gradient and Hessian sums.
 *
 * @example
 * leafValue(-10, 40, { l2: 1, learningRate: 0.1 } as SplitRules); // ≈ 0.0244
 */
export function leafValue(g: number, h: number, rules: SplitRules): number {
  return (-rules.learningRate * g) / (h + rules.l2);
}

/**
 * Histogram slots per feature: its range bins (edges + 1), then the missing slot.
 *
 * @example
 * slotCount([0.5, 1.5]); // 4
 */
export function slotCount(edges: readonly number[]): number {
  return edges.length + 2;
}

/**
 * A split with its children's gradient, Hessian and row sums, for the new nodes.
 *
 * @example
 * const { left, right, ...split } = bestSplit(hist, features, edges, rules)!;
 */
export interface FoundSplit extends GbdtSplit {
  left: { g: number; h: number; c: number };
  right: { g: number; h: number; c: number };
}

/**
 * The best split of one node from its pooled histogram over `features` (slots laid out feature by
 * feature as `slotCount` says), or null when no split satisfies the rules. Ties keep the first
 * candidate (feature order, then bin, missing right before left), so the result is deterministic.
 *
 * @example
 * bestSplit(hist, [0, 3], edges, rules); // e.g. { feature: 3, bin: 2, … }
 */
export function bestSplit(
  hist: { g: readonly number[]; h: readonly number[]; c: readonly number[] },
  features: readonly number[],
  edges: readonly (readonly number[])[],
  rules: SplitRules,
): FoundSplit | null {
  const score = (g: number, h: number) => (g * g) / (h + rules.l2);
  let best: FoundSplit | null = null;
  let offset = 0;
  for (const j of features) {
    const e = edges[j]!;
    const ranges = e.length + 1;
    const miss = offset + ranges;
    let G = 0;
    let H = 0;
    let C = 0;
    for (let s = offset; s <= miss; s++) {
      G += hist.g[s]!;
      H += hist.h[s]!;
      C += hist.c[s]!;
    }
    const parent = score(G, H);
    const mg = hist.g[miss]!;
    const mh = hist.h[miss]!;
    const mc = hist.c[miss]!;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < ranges; b++) {
      gl += hist.g[offset + b]!;
      hl += hist.h[offset + b]!;
      cl += hist.c[offset + b]!;
      for (const missingLeft of [false, true]) {
        const lg = missingLeft ? gl + mg : gl;
        const lh = missingLeft ? hl + mh : hl;
        const lc = missingLeft ? cl + mc : cl;
        const rg = G - lg;
        const rh = H - lh;
        const rc = C - lc;
        if (lc < rules.minLeafRows || rc < rules.minLeafRows) continue;
        if (lh < rules.minChildWeight || rh < rules.minChildWeight) continue;
        const gain = score(lg, lh) + score(rg, rh) - parent;
        if (!(gain > rules.minGain) || (best && gain <= best.gain)) continue;
        best = {
          feature: j,
          bin: b,
          threshold: b < e.length ? e[b]! : null,
          // With no missing rows in the node, missing values follow the larger child.
          missingLeft: mc === 0 ? lc >= rc : missingLeft,
          gain,
          left: { g: lg, h: lh, c: lc },
          right: { g: rg, h: rh, c: rc },
        };
      }
    }
    offset = miss + 1;
  }
  return best;
}

/**
 * Whether a raw value goes left at a split.
 *
 * @example
 * goesLeft({ feature: 0, bin: 1, threshold: 2, missingLeft: true, gain: 1 }, NaN); // true
 */
export function goesLeft(split: GbdtSplit, v: number): boolean {
  if (Number.isNaN(v)) return split.missingLeft;
  return split.threshold === null || v < split.threshold;
}

/**
 * The leaf a raw row (`x[at + feature]`) reaches.
 *
 * @example
 * leafOf(tree, x, i * d); // a node index
 */
export function leafOf(tree: GbdtTree, x: ArrayLike<number>, at: number): number {
  let k = 0;
  for (let node = tree.nodes[0]!; node.split; node = tree.nodes[k]!) {
    k = goesLeft(node.split, x[at + node.split.feature]!) ? node.left! : node.right!;
  }
  return k;
}

/**
 * Path attribution (Saabas): per feature, the sum over the row's path of the change in node value
 * at splits on that feature. The base plus the root values plus the contributions is the row's score.
 *
 * @example
 * addContributions(tree, row, 0, contributions); // contributions[j] += …
 */
export function addContributions(tree: GbdtTree, x: ArrayLike<number>, at: number, out: Float64Array): void {
  let node = tree.nodes[0]!;
  while (node.split) {
    const next = tree.nodes[goesLeft(node.split, x[at + node.split.feature]!) ? node.left! : node.right!]!;
    out[node.split.feature]! += next.value - node.value;
    node = next;
  }
}

// Coordinator-side GBDT transitions: bins fixed → one tree level per round → early stopping → done.

import type { GrowInstruction } from './gbdt-local.ts';
import type { GbdtState, NodeHistogram } from './gbdt-state.ts';
import { bestSplit, type FoundSplit, type GbdtTree, leafValue, slotCount } from './gbdt-tree.ts';
import { mixSeed, shuffled } from './mlp-random.ts';
import { baseRateLogit, checkedVector } from './numeric.ts';
import type { Update } from './strategy.ts';

const COLUMN_TAG = 13;

/**
 * The round instruction's params for the current phase (grow or final-loss).
 *
 * @example
 * growInstruction(state).frontier; // node ids whose histograms this round asks for
 */
export function growInstruction(state: GbdtState): GrowInstruction {
  const { config } = state;
  return {
    edges: state.edges,
    base: state.base,
    seed: config.seed,
    validationFraction: config.validationFraction,
    subsample: config.subsample,
    trees: state.trees,
    tree: state.phase === 'grow' ? state.tree : null,
    features: state.phase === 'grow' ? state.features : [],
    frontier: state.phase === 'grow' ? state.frontier : [],
    losses: state.phase === 'final-loss' || (state.tree?.nodes.length ?? 0) === 1,
  };
}

/** A tree's feature subset: `colsample` of the features (at least one), seeded per tree. */
function treeFeatures(state: GbdtState, treeIndex: number): number[] {
  const d = state.featureCount;
  const take = Math.max(1, Math.round(state.config.colsample * d));
  if (take >= d) return Array.from({ length: d }, (_, j) => j);
  const all = Uint32Array.from({ length: d }, (_, j) => j);
  const order = shuffled(all, mixSeed(state.config.seed, COLUMN_TAG, treeIndex));
  return Array.from(order.subarray(0, take)).sort((a, b) => a - b);
}

/** Starts the next tree, or the final evaluation when every tree is grown. */
function startTree(state: GbdtState): GbdtState {
  if (state.trees.length >= state.config.trees)
    return { ...state, phase: 'final-loss', tree: null, frontier: [], derived: [], histograms: {} };
  return {
    ...state,
    phase: 'grow',
    tree: { nodes: [{ depth: 0, value: 0 }] },
    features: treeFeatures(state, state.trees.length),
    frontier: [0],
    derived: [],
    histograms: {},
  };
}

/**
 * Leaves the binning rounds once the scorecard's quantile edges are fixed: the base score is the
 * log-odds of the pooled base rate, then the first tree starts.
 *
 * @example
 * afterBinning(state).phase; // 'grow'
 */
export function afterBinning(state: GbdtState): GbdtState {
  const { moments, edges } = state.binning;
  return startTree({
    ...state,
    edges: edges.map((e) => [...e]),
    base: baseRateLogit(moments.positives, moments.rows),
  });
}

/** Records the losses of the completed trees; stops early when validation stopped improving. */
function withLosses(state: GbdtState, agg: Update): GbdtState {
  const loss = checkedVector('gbdt', agg, 'loss', 2, 'aggregate');
  const vloss = checkedVector('gbdt', agg, 'vloss', 2, 'aggregate');
  const k = state.trees.length;
  const trainingLoss = loss[1]! > 0 ? loss[0]! / loss[1]! : null;
  if (!(vloss[1]! > 0)) return { ...state, trainingLoss, best: k };
  const validationLoss = [...state.validationLoss.slice(0, k), vloss[0]! / vloss[1]!];
  const best = k === 0 || validationLoss[k]! < validationLoss[state.best]! ? k : state.best;
  const next = { ...state, trainingLoss, validationLoss, best };
  if (state.phase === 'final-loss' || k - best >= state.config.patience)
    return { ...next, phase: 'done', trees: state.trees.slice(0, best), tree: null, frontier: [] };
  return next;
}

/** Splits `frontier` nodes' histograms out of one flat aggregate, then derives their siblings. */
function levelHistograms(state: GbdtState, agg: Update): Map<number, NodeHistogram> {
  const slots = state.features.reduce((s, j) => s + slotCount(state.edges[j]!), 0);
  const len = slots * state.frontier.length;
  const [g, h, c] = ['g', 'h', 'c'].map((f) => checkedVector('gbdt', agg, f, len, 'aggregate'));
  const out = new Map<number, NodeHistogram>();
  state.frontier.forEach((node, f) => {
    const part = (v: number[]) => v.slice(f * slots, (f + 1) * slots);
    out.set(node, { g: part(g!), h: part(h!), c: part(c!) });
  });
  for (const { node, parent, sibling } of state.derived) {
    const p = state.histograms[parent]!;
    const s = out.get(sibling)!;
    const minus = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
    out.set(node, { g: minus(p.g, s.g), h: minus(p.h, s.h), c: minus(p.c, s.c) });
  }
  return out;
}

/**
 * Chooses this level's splits from the pooled histograms (best gain first while the leaf budget
 * lasts), adds the children, and asks next for the smaller child of each split (the larger one is
 * its parent's histogram minus its sibling's). A finished tree joins the ensemble.
 *
 * @example
 * afterGrow(state, sumUpdates(growUpdates)).tree?.nodes.length;
 */
export function afterGrow(state: GbdtState, agg: Update): GbdtState {
  let s = state;
  if (growInstruction(state).losses) {
    s = withLosses(state, agg);
    if (s.phase === 'done') return s;
  }
  const { config, features, edges } = s;
  const hists = levelHistograms(s, agg);
  const nodes = s.tree!.nodes.map((n) => ({ ...n }));
  const rootHist = hists.get(0);
  if (rootHist) {
    const len = slotCount(edges[features[0]!]!);
    const sum = (v: number[]) => v.slice(0, len).reduce((a, b) => a + b, 0);
    nodes[0]!.value = leafValue(sum(rootHist.g), sum(rootHist.h), config);
  }
  const candidates: { node: number; split: FoundSplit }[] = [];
  for (const node of [...hists.keys()].sort((a, b) => a - b)) {
    const split = bestSplit(hists.get(node)!, features, edges, config);
    if (split) candidates.push({ node, split });
  }
  candidates.sort((a, b) => b.split.gain - a.split.gain || a.node - b.node);
  let leaves = nodes.filter((n) => !n.split).length;
  const frontier: number[] = [];
  const derived: GbdtState['derived'] = [];
  const histograms: Record<string, NodeHistogram> = {};
  const canSplit = (depth: number, c: number) => depth < config.maxDepth && c >= 2 * config.minLeafRows;
  for (const { node, split } of candidates) {
    if (leaves + 1 > config.maxLeaves) break;
    leaves++;
    const { left, right, ...kept } = split;
    const depth = nodes[node]!.depth + 1;
    const l = nodes.push({ depth, value: leafValue(left.g, left.h, config) }) - 1;
    const r = nodes.push({ depth, value: leafValue(right.g, right.h, config) }) - 1;
    nodes[node] = { ...nodes[node]!, split: kept, left: l, right: r };
    const [small, large] = left.c <= right.c ? [l, r] : [r, l];
    const [cs, cl] = left.c <= right.c ? [left.c, right.c] : [right.c, left.c];
    if (canSplit(depth, cs)) frontier.push(small);
    if (canSplit(depth, cl)) {
      // The larger child needs the smaller one's histogram to be derived from the parent's.
      if (!frontier.includes(small)) frontier.push(small);
      derived.push({ node: large, parent: node, sibling: small });
      histograms[node] = hists.get(node)!;
    }
  }
  const tree: GbdtTree = { nodes };
  if (frontier.length === 0) return startTree({ ...s, trees: [...s.trees, tree] });
  frontier.sort((a, b) => a - b);
  return { ...s, tree, frontier, derived, histograms };
}

/**
 * The final evaluation: losses of the whole ensemble, then done (keeping the best tree count).
 *
 * @example
 * afterFinalLoss(state, sumUpdates(updates)).phase; // 'done'
 */
export function afterFinalLoss(state: GbdtState, agg: Update): GbdtState {
  const s = withLosses(state, agg);
  return { ...s, phase: 'done', trees: s.trees.slice(0, s.best), tree: null, frontier: [] };
}

// Domain-side GBDT work: bin the rows once, keep the ensemble's scores, sum gradient/Hessian histograms.

import { type GbdtTree, slotCount } from './gbdt-tree.ts';
import { fmix32, mixSeed } from './mlp-random.ts';
import { sigmoid, softplus } from './numeric.ts';
import { binIndex } from './scorecard-encoder.ts';
import type { LocalRows, Update } from './strategy.ts';

const CACHE_SLOT = 'gbdt:rows';
const TAG = { validation: 11, subsample: 12 } as const;

interface BinnedRows {
  edgesKey: string;
  /** n × d slot per cell: range bin, or edges.length + 1 for missing. */
  bins: Uint8Array;
  /** A hash of each row's contents: splits and samples depend on the row, not on where it lives. */
  hash: Uint32Array;
  validation: Uint8Array;
  score: Float64Array;
  applied: number;
}

/**
 * What a grow round tells a domain.
 *
 * @example
 * localGrow(rows, growInstruction(state), cache);
 */
export interface GrowInstruction {
  edges: number[][];
  base: number;
  seed: number;
  validationFraction: number;
  subsample: number;
  /** Completed trees; the domain's cached scores catch up with them. */
  trees: GbdtTree[];
  tree: GbdtTree | null;
  features: number[];
  frontier: number[];
  /** Whether to report training and validation loss of the completed trees. */
  losses: boolean;
}

function rowHashes(rows: LocalRows): Uint32Array {
  const { x, y, n, d } = rows;
  const words = new Uint32Array(x.buffer, x.byteOffset, 2 * n * d);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = fmix32(y[i]! + 0x9e3779b9);
    for (let w = 2 * i * d; w < 2 * (i + 1) * d; w++) h = fmix32((h ^ words[w]!) + 0x9e3779b9);
    out[i] = h;
  }
  return out;
}

const unit = (h: number): number => h / 4294967296;

function binnedRows(rows: LocalRows, g: GrowInstruction, cache: Map<string, unknown>): BinnedRows {
  const edgesKey = JSON.stringify([g.edges, g.base, g.seed, g.validationFraction]);
  const cached = cache.get(CACHE_SLOT) as BinnedRows | undefined;
  if (cached && cached.edgesKey === edgesKey && cached.applied <= g.trees.length) return cached;
  const { x, n, d } = rows;
  if (g.edges.length !== d) throw new Error(`gbdt: ${g.edges.length} edge lists for ${d} features`);
  const bins = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const e = g.edges[j]!;
    if (slotCount(e) > 256) throw new Error(`gbdt: feature ${j} has too many bins`);
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]!;
      bins[i * d + j] = Number.isNaN(v) ? e.length + 1 : binIndex(e, v);
    }
  }
  const hash = rowHashes(rows);
  const validation = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    validation[i] = unit(mixSeed(hash[i]!, g.seed, TAG.validation)) < g.validationFraction ? 1 : 0;
  const entry: BinnedRows = {
    edgesKey,
    bins,
    hash,
    validation,
    score: new Float64Array(n).fill(g.base),
    applied: 0,
  };
  cache.set(CACHE_SLOT, entry);
  return entry;
}

/** The node a binned row reaches in a (possibly partial) tree. */
function nodeOfBins(tree: GbdtTree, edges: number[][], bins: Uint8Array, at: number): number {
  let k = 0;
  for (let node = tree.nodes[0]!; node.split && node.left !== undefined; node = tree.nodes[k]!) {
    const s = node.split;
    const slot = bins[at + s.feature]!;
    const left = slot === edges[s.feature]!.length + 1 ? s.missingLeft : slot <= s.bin;
    k = left ? node.left : node.right!;
  }
  return k;
}

/**
 * One domain's grow-round update: per frontier node of the current tree, per histogram slot of
 * the tree's features, sums of gradient (p − y), Hessian p(1 − p) and rows over its sampled
 * training rows (`g`, `h`, `c`); with `losses`, summed log loss and rows of the training and the
 * validation rows under the completed trees (`loss`, `vloss`). Sums only, never a row.
 *
 * @example
 * localGrow(rows, instruction, cache); // { g: [...], h: [...], c: [...] }
 */
export function localGrow(rows: LocalRows, g: GrowInstruction, cache: Map<string, unknown>): Update {
  const { y, n, d } = rows;
  const b = binnedRows(rows, g, cache);
  for (; b.applied < g.trees.length; b.applied++) {
    const tree = g.trees[b.applied]!;
    for (let i = 0; i < n; i++) b.score[i]! += tree.nodes[nodeOfBins(tree, g.edges, b.bins, i * d)]!.value;
  }
  const out: Update = {};
  if (g.losses) {
    const sums = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const k = b.validation[i]! * 2;
      sums[k]! += softplus(b.score[i]!) - y[i]! * b.score[i]!;
      sums[k + 1]! += 1;
    }
    out['loss'] = [sums[0]!, sums[1]!];
    out['vloss'] = [sums[2]!, sums[3]!];
  }
  const tree = g.tree;
  if (!tree || g.frontier.length === 0) return out;
  const offsets: number[] = [];
  let slots = 0;
  for (const j of g.features) {
    offsets.push(slots);
    slots += slotCount(g.edges[j]!);
  }
  const position = new Map(g.frontier.map((node, f) => [node, f]));
  const gs = new Float64Array(g.frontier.length * slots);
  const hs = new Float64Array(gs.length);
  const cs = new Float64Array(gs.length);
  const treeIndex = g.trees.length;
  const m = g.features.length;
  for (let i = 0; i < n; i++) {
    if (b.validation[i]) continue;
    if (g.subsample < 1 && unit(mixSeed(b.hash[i]!, g.seed, TAG.subsample, treeIndex)) >= g.subsample)
      continue;
    const f = position.get(nodeOfBins(tree, g.edges, b.bins, i * d));
    if (f === undefined) continue;
    const p = sigmoid(b.score[i]!);
    const grad = p - y[i]!;
    const hess = p * (1 - p);
    const base = f * slots;
    for (let q = 0; q < m; q++) {
      const s = base + offsets[q]! + b.bins[i * d + g.features[q]!]!;
      gs[s]! += grad;
      hs[s]! += hess;
      cs[s]! += 1;
    }
  }
  out['g'] = Array.from(gs);
  out['h'] = Array.from(hs);
  out['c'] = Array.from(cs);
  return out;
}

/**
 * The update shape of a grow round, known without rows.
 *
 * @example
 * growShape(instruction); // { g: 68, h: 68, c: 68 } or with loss fields
 */
export function growShape(g: GrowInstruction): Record<string, number> {
  const shape: Record<string, number> = {};
  if (g.losses) Object.assign(shape, { loss: 2, vloss: 2 });
  if (g.tree && g.frontier.length > 0) {
    const slots = g.features.reduce((s, j) => s + slotCount(g.edges[j] ?? []), 0);
    const len = slots * g.frontier.length;
    Object.assign(shape, { g: len, h: len, c: len });
  }
  return shape;
}

// Federated GBDT: the same trees as a pooled histogram GBDT on the same bins, scoring, reasons, rules.
import { describe, expect, it } from 'vitest';
import { fitFederated, poolRows } from './driver.ts';
import { exactAuc } from './evaluation.ts';
import {
  defaultGbdtConfig,
  type GbdtConfig,
  type GbdtModel,
  gbdtContributions,
  gbdtLogits,
  gbdtStrategy,
} from './gbdt.ts';
import { bestSplit, type GbdtTree, leafValue, slotCount } from './gbdt-tree.ts';
import { plainOps } from './linalg.ts';
import { sigmoid } from './numeric.ts';
import { getStrategy } from './registry.ts';
import { binIndex } from './scorecard-encoder.ts';
import { type LocalRows, sumUpdates } from './strategy.ts';
import { splitRows, syntheticCredit } from './testing/synthetic.ts';

const rows = syntheticCredit(12_000, 5);
const domains = splitRows(rows, [2500, 4000, 5500]);
const exact: GbdtConfig = { ...defaultGbdtConfig, trees: 12, maxDepth: 3, validationFraction: 0 };

/** A pooled histogram GBDT written directly over all rows: no domains, no subtraction, no cache. */
function pooledReference(all: LocalRows, edges: number[][], base: number, config: GbdtConfig): GbdtTree[] {
  const { x, y, n, d } = all;
  const slot = (i: number, j: number) => {
    const v = x[i * d + j]!;
    return Number.isNaN(v) ? edges[j]!.length + 1 : binIndex(edges[j]!, v);
  };
  const features = Array.from({ length: d }, (_, j) => j);
  const offsets = features.map((j) => edges.slice(0, j).reduce((s, e) => s + slotCount(e), 0));
  const slots = edges.reduce((s, e) => s + slotCount(e), 0);
  const score = new Float64Array(n).fill(base);
  const trees: GbdtTree[] = [];
  for (let t = 0; t < config.trees; t++) {
    const nodes: GbdtTree['nodes'] = [{ depth: 0, value: 0 }];
    const at = new Int32Array(n);
    let level = [0];
    let leaves = 1;
    for (let depth = 0; depth < config.maxDepth && level.length > 0; depth++) {
      const hist = new Map(
        level.map((k) => [
          k,
          { g: new Array(slots).fill(0), h: new Array(slots).fill(0), c: new Array(slots).fill(0) },
        ]),
      );
      for (let i = 0; i < n; i++) {
        const hk = hist.get(at[i]!);
        if (!hk) continue;
        const p = sigmoid(score[i]!);
        for (const j of features) {
          const s = offsets[j]! + slot(i, j);
          hk.g[s] += p - y[i]!;
          hk.h[s] += p * (1 - p);
          hk.c[s] += 1;
        }
      }
      if (depth === 0) {
        const r = hist.get(0)!;
        const len = slotCount(edges[0]!);
        nodes[0]!.value = leafValue(
          r.g.slice(0, len).reduce((a, b) => a + b),
          r.h.slice(0, len).reduce((a, b) => a + b),
          config,
        );
      }
      const found = level.flatMap((k) => {
        const s = bestSplit(hist.get(k)!, features, edges, config);
        return s ? [{ k, s }] : [];
      });
      found.sort((a, b) => b.s.gain - a.s.gain || a.k - b.k);
      const next: number[] = [];
      for (const { k, s } of found) {
        if (leaves + 1 > config.maxLeaves) break;
        leaves++;
        const { left, right, ...split } = s;
        const l = nodes.push({ depth: depth + 1, value: leafValue(left.g, left.h, config) }) - 1;
        const r = nodes.push({ depth: depth + 1, value: leafValue(right.g, right.h, config) }) - 1;
        nodes[k] = { ...nodes[k]!, split, left: l, right: r };
        next.push(l, r);
      }
      for (let i = 0; i < n; i++) {
        const node = nodes[at[i]!]!;
        if (!node.split || !next.includes(node.left!)) continue;
        const sl = slot(i, node.split.feature);
        const left =
          sl === edges[node.split.feature]!.length + 1 ? node.split.missingLeft : sl <= node.split.bin;
        at[i] = left ? node.left! : node.right!;
      }
      level = next;
    }
    const tree = { nodes };
    for (let i = 0; i < n; i++) score[i]! += nodes[at[i]!]!.value;
    trees.push(tree);
  }
  return trees;
}

/** Splits only (feature, bin, threshold, missing direction) and the tree shape. */
const shapeOf = (model: GbdtModel) =>
  model.trees.map((t) =>
    t.nodes.map((n) => (n.split ? { ...n.split, gain: 0, l: n.left, r: n.right } : null)),
  );

function expectSameTrees(a: GbdtModel, b: GbdtModel): void {
  expect(shapeOf(a)).toEqual(shapeOf(b));
  a.trees.forEach((t, i) => {
    t.nodes.forEach((node, k) => {
      expect(Math.abs(node.value - b.trees[i]!.nodes[k]!.value)).toBeLessThan(1e-9);
    });
  });
}

describe('gbdt strategy', () => {
  const fed = fitFederated(gbdtStrategy, exact, domains, plainOps);
  const pooled = fitFederated(gbdtStrategy, exact, [poolRows(domains)], plainOps);

  it('grows the trees of a pooled histogram GBDT on the same bins, written without domains', () => {
    const state = gbdtStrategy.init(exact, rows.d);
    // Bins from the federated fit's own first rounds: the edges are those of the released model's splits.
    let s = state;
    const caches = domains.map(() => new Map<string, unknown>());
    while (s.phase === 'binning') {
      const r = gbdtStrategy.configureRound(s)!;
      s = gbdtStrategy.next(
        s,
        sumUpdates(domains.map((d, k) => gbdtStrategy.localUpdate(r, d, plainOps, caches[k]!))),
      );
    }
    const reference = pooledReference(poolRows(domains), s.edges, s.base, exact);
    expect(fed.model.trees.length).toBe(exact.trees);
    expectSameTrees(fed.model, { ...fed.model, trees: reference });
    expect(fed.model.trees.some((t) => t.nodes.some((n) => n.split?.missingLeft === false))).toBe(true);
  });

  it('gives the pooled strategy fit with row and column subsampling and early stopping', () => {
    const config: GbdtConfig = {
      ...exact,
      trees: 30,
      subsample: 0.7,
      colsample: 0.67,
      validationFraction: 0.2,
      patience: 3,
    };
    const a = fitFederated(gbdtStrategy, config, domains, plainOps).model;
    const b = fitFederated(
      gbdtStrategy,
      config,
      [poolRows([domains[2]!, domains[0]!, domains[1]!])],
      plainOps,
    ).model;
    expectSameTrees(a, b);
    expect(a.validationLoss.length).toBe(a.trees.length + 1);
  });

  it('takes one round per tree level, and predicts, attributes and ranks like a credit model', () => {
    const binningRounds = fed.rounds - exact.trees * exact.maxDepth - 1;
    expect(binningRounds).toBeGreaterThan(0);
    expect(binningRounds).toBeLessThanOrEqual(5);
    const p = gbdtStrategy.predict(fed.model, rows.x, rows.n);
    expect(exactAuc(p, rows.y)).toBeGreaterThan(0.7);
    const q = gbdtStrategy.predict(pooled.model, rows.x, rows.n);
    expect(Math.max(...p.map((v, i) => Math.abs(v - q[i]!)))).toBeLessThan(1e-9);
    const row = rows.x.slice(0, rows.d);
    const roots = fed.model.trees.reduce((s, t) => s + t.nodes[0]!.value, 0);
    const total = gbdtContributions(fed.model, row).reduce((a, b) => a + b, 0);
    expect(Math.abs(fed.model.base + roots + total - gbdtLogits(fed.model, row, 1)[0]!)).toBeLessThan(1e-9);
    const names = ['income', 'age', 'utilisation', 'ratio', 'balance', 'flag'];
    const reasons = gbdtStrategy.reasons(fed.model, row, names, 3);
    expect(reasons.length).toBeLessThanOrEqual(3);
    for (const r of reasons) expect(names).toContain(r);
    // Reasons are the features raising the log-odds most, largest first: checked on a row that has some.
    const riskyRow = Array.from({ length: 200 }, (_, i) => rows.x.slice(i * rows.d, (i + 1) * rows.d)).find(
      (r) => gbdtContributions(fed.model, r).some((c) => c > 0),
    )!;
    const expected = [...gbdtContributions(fed.model, riskyRow)]
      .map((c, j) => [names[j]!, c] as const)
      .filter(([, c]) => c > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([n]) => n);
    expect(expected.length).toBeGreaterThan(0);
    expect(gbdtStrategy.reasons(fed.model, riskyRow, names, 3)).toEqual(expected);
    expect(getStrategy('gbdt')).toBe(gbdtStrategy);
    expect(JSON.parse(JSON.stringify(fed.model))).toEqual(fed.model);
  });

  it('keeps every leaf at minLeafRows rows or more and declares every update exactly', () => {
    const config: GbdtConfig = { ...exact, trees: 3, minLeafRows: 400, validationFraction: 0 };
    const caches = domains.map(() => new Map<string, unknown>());
    let state = gbdtStrategy.init(config, rows.d);
    for (let r = gbdtStrategy.configureRound(state); r; r = gbdtStrategy.configureRound(state)) {
      const round = JSON.parse(JSON.stringify(r));
      const updates = domains.map((d, k) => gbdtStrategy.localUpdate(round, d, plainOps, caches[k]!));
      const shape = gbdtStrategy.updateShape(round, rows.d);
      for (const u of updates) for (const [f, v] of Object.entries(u)) expect(v.length).toBe(shape[f]);
      state = JSON.parse(JSON.stringify(gbdtStrategy.next(state, sumUpdates(updates))));
    }
    const model = gbdtStrategy.finalModel(state);
    const all = poolRows(domains);
    for (const tree of model.trees) {
      const counts = new Map<number, number>();
      for (let i = 0; i < all.n; i++) {
        let k = 0;
        for (let n = tree.nodes[0]!; n.split; n = tree.nodes[k]!) {
          const v = all.x[i * all.d + n.split.feature]!;
          k = (Number.isNaN(v) ? n.split.missingLeft : n.split.threshold === null || v < n.split.threshold)
            ? n.left!
            : n.right!;
        }
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses bad configs', () => {
    expect(() => gbdtStrategy.init({ ...exact, maxDepth: 0 }, 3)).toThrow(/gbdt/);
    expect(() => gbdtStrategy.init({ ...exact, subsample: 0 }, 3)).toThrow(/gbdt/);
  });
});

// Federated GBDT with CKKS-summed histograms grows the same trees (same splits) as plain aggregation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitFederated } from '../driver.ts';
import { defaultGbdtConfig, type GbdtConfig, gbdtStrategy } from '../gbdt.ts';
import { plainOps } from '../linalg.ts';
import { splitRows, syntheticCredit } from '../testing/synthetic.ts';
import { type Ckks, type CkksKeys, createCkks } from './ckks.ts';
import { ckksSummed } from './fixtures.ts';

let ckks: Ckks;
let keys: CkksKeys;
beforeAll(async () => {
  ckks = await createCkks();
  keys = ckks.generateKeys();
});
afterAll(() => ckks.dispose());

describe('gbdt on CKKS-summed histograms', () => {
  it('grows the same trees as plain aggregation across three domains holding different rows', () => {
    // Horizontal: every domain has the same features for its own enterprises.
    const domains = splitRows(syntheticCredit(6000, 77), [1500, 2500, 2000]);
    const config: GbdtConfig = { ...defaultGbdtConfig, trees: 6, maxDepth: 3, bins: 16, patience: 3 };
    const rounds = { phases: [] as string[] };
    const plain = fitFederated(gbdtStrategy, config, domains, plainOps);
    const he = fitFederated(ckksSummed(ckks, keys, gbdtStrategy, rounds), config, domains, plainOps);
    expect(he.rounds).toBe(plain.rounds);
    expect(rounds.phases).toContain('grow');
    const splits = (m: typeof plain.model) =>
      m.trees.map((t) =>
        t.nodes.map((n) => (n.split ? [n.split.feature, n.split.bin, n.split.missingLeft] : null)),
      );
    expect(splits(he.model)).toEqual(splits(plain.model));
    expect(he.model.trees.length).toBe(plain.model.trees.length);
    plain.model.trees.forEach((t, i) => {
      t.nodes.forEach((n, k) => {
        const v = he.model.trees[i]!.nodes[k]!.value;
        expect(Math.abs(v - n.value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(n.value)));
      });
    });
  });
});

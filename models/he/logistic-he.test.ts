// Federated logistic regression with CKKS-summed aggregates matches the plain fit to 1e-6 relative.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitFederated } from '../driver.ts';
import { plainOps } from '../linalg.ts';
import { defaultLogisticConfig, logisticRegression } from '../logistic-regression.ts';
import type { LocalRows } from '../strategy.ts';
import { seededRandom } from '../testing/random.ts';
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

/** n rows of d standard-normal features on mixed scales, labels from a known sparse logistic model. */
function wideRows(n: number, d: number, seed: number): LocalRows {
  const rng = seededRandom(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -2;
    for (let j = 0; j < d; j++) {
      const z = rng.normal();
      x[i * d + j] = z * 10 ** ((j % 7) - 2);
      if (j % 5 === 0) eta += 0.4 * z;
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x, y, n, d };
}

/** max_j |a_j − b_j| / |b_j|: relative error per coefficient (none is near zero here). */
const worstRelative = (a: readonly number[], b: readonly number[]): number =>
  Math.max(...a.map((v, j) => Math.abs(v - b[j]!) / Math.abs(b[j]!)));

describe('logistic regression on CKKS-summed gradients and Hessians', () => {
  it('matches the plain federated fit within 1e-6 relative (credit-like data, spread round included)', () => {
    const domains = splitRows(syntheticCredit(4000, 314), [700, 1300, 900, 1100]);
    const rounds = { phases: [] as string[] };
    const plain = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps);
    const he = fitFederated(
      ckksSummed(ckks, keys, logisticRegression, rounds),
      defaultLogisticConfig,
      domains,
      plainOps,
    );
    expect(rounds.phases.slice(0, 3)).toEqual(['stats', 'spread', 'newton']);
    expect(rounds.phases).toHaveLength(he.rounds);
    expect(he.rounds).toBe(plain.rounds);
    // Measured: 1.2e-15 on β — the aggregates are the correctly rounded exact sums.
    expect(worstRelative(he.model.beta, plain.model.beta)).toBeLessThan(1e-6);
    expect(worstRelative(he.model.weights, plain.model.weights)).toBeLessThan(1e-6);
    expect(worstRelative([he.model.intercept], [plain.model.intercept])).toBeLessThan(1e-6);
    expect(worstRelative(he.losses, plain.losses)).toBeLessThan(1e-9);
  });

  it('matches with 41 features across 4 domains (Newton updates of 1,808 values)', () => {
    const domains = splitRows(wideRows(6000, 41, 2718), [1000, 2000, 1200, 1800]);
    const plain = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps);
    const he = fitFederated(
      ckksSummed(ckks, keys, logisticRegression, { phases: [] }),
      defaultLogisticConfig,
      domains,
      plainOps,
    );
    expect(he.model.beta).toHaveLength(42);
    expect(worstRelative(he.model.beta, plain.model.beta)).toBeLessThan(1e-6);
    expect(worstRelative(he.model.weights, plain.model.weights)).toBeLessThan(1e-6);
  });
});

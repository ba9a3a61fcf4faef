// Test fixtures for the CKKS layer: realistic mixed-magnitude updates and the precision bar.

import type { Strategy, Update } from '../strategy.ts';
import { seededRandom } from '../testing/random.ts';
import { type Ckks, type CkksKeys, decryptUpdate, encryptUpdate, sumEncrypted } from './ckks.ts';

/** A log-uniform magnitude in [lo, hi] with a random sign (when `signed`). */
function spread(uniform: () => number, lo: number, hi: number, signed: boolean): number {
  const magnitude = lo * (hi / lo) ** uniform();
  return signed && uniform() < 0.5 ? -magnitude : magnitude;
}

/**
 * A Newton-round-shaped update with p coefficients: `n` (rows), `grad` (p values, |g| ~ 1e-2..1e3,
 * signed), `hess` (p×p, symmetric, ~1e-1..1e6 with the diagonal largest) and `loss` (~1e5).
 *
 * @example
 * const u = newtonUpdate(42, 1); // u.hess.length === 42 * 42
 */
export function newtonUpdate(p: number, seed: number): Update {
  const rng = seededRandom(seed);
  const grad = Array.from({ length: p }, () => spread(rng.uniform, 1e-2, 1e3, true));
  const hess = new Array<number>(p * p).fill(0);
  for (let i = 0; i < p; i++) {
    hess[i * p + i] = spread(rng.uniform, 1e4, 1e6, false);
    for (let j = 0; j < i; j++) hess[i * p + j] = hess[j * p + i] = spread(rng.uniform, 1e-1, 1e5, true);
  }
  return { n: [250_000 + Math.floor(rng.uniform() * 1000)], grad, hess, loss: [1.2e5 * (1 + rng.uniform())] };
}

/**
 * A score-histogram update: `pos` and `neg` with `bins` integer counts in 0..1e5 each.
 *
 * @example
 * histogramUpdate(1000, 3).pos.length; // 1000
 */
export function histogramUpdate(bins: number, seed: number): Update {
  const rng = seededRandom(seed);
  const counts = () => Array.from({ length: bins }, () => Math.floor(rng.uniform() * 100_001));
  return { pos: counts(), neg: counts() };
}

/**
 * The lab's acceptance bar, per element: |got − want| ≤ 1e-6·|want| wherever |want| ≥ 1e-9, and
 * |got − want| ≤ 1e-15 below that (no scheme keeps relative precision on values near zero; the
 * float64 plain sum does not either). Returns the worst relative error and any violations.
 *
 * @example
 * const { worst, violations } = compareUpdates(decrypted, sumUpdates(updates));
 */
export function compareUpdates(got: Update, want: Update): { worst: number; violations: string[] } {
  let worst = 0;
  const violations: string[] = [];
  for (const [field, values] of Object.entries(want)) {
    const actual = got[field];
    if (!actual || actual.length !== values.length) {
      violations.push(`${field}: missing or wrong length`);
      continue;
    }
    values.forEach((w, i) => {
      const error = Math.abs(actual[i]! - w);
      const ok = Math.abs(w) >= 1e-9 ? error <= 1e-6 * Math.abs(w) : error <= 1e-15;
      if (w !== 0) worst = Math.max(worst, error / Math.abs(w));
      if (!ok) violations.push(`${field}[${i}]: ${actual[i]} vs ${w}`);
    });
  }
  return { worst, violations };
}

/**
 * `strategy` for the unchanged `fitFederated`, but with `next` handed the CKKS aggregate of the
 * round's updates (each encrypted, summed without a key, decrypted) instead of the plain sum;
 * `rounds.phases` records each round's phase.
 *
 * @example
 * const he = fitFederated(ckksSummed(ckks, keys, logisticRegression, { phases: [] }), config, domains, plainOps);
 */
export function ckksSummed<C, S, M>(
  ckks: Ckks,
  keys: CkksKeys,
  strategy: Strategy<C, S, M>,
  rounds: { phases: string[] },
): Strategy<C, S, M> {
  let pending: Update[] = [];
  return {
    ...strategy,
    localUpdate(instruction, rows, ops, cache) {
      if (pending.length === 0) rounds.phases.push(instruction.phase);
      const update = strategy.localUpdate(instruction, rows, ops, cache);
      pending.push(update);
      return update;
    },
    next(state, _plainSum) {
      const encrypted = pending.map((u) => encryptUpdate(ckks, keys.publicKey, u));
      pending = [];
      return strategy.next(state, decryptUpdate(ckks, keys.secretKey, sumEncrypted(ckks, encrypted)));
    },
  };
}

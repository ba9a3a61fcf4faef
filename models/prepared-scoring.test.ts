// Every strategy's prepared scoring against the reference (predict, points, reasons), on random
// models and tie-prone rows: identical probabilities and points, identical reason groups in order.
import * as tf from './tf.ts';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { strategies } from './registry.ts';
import { type PreparedScoring, referenceScoring, type Strategy, topGroups } from './strategy.ts';
import { type SeededRandom, seededRandom } from './testing/random.ts';
import {
  randomGbdt,
  randomLogistic,
  randomMlp,
  randomRows,
  randomScorecard,
} from './testing/random-models.ts';

const LIMIT = 3;

/** Scores of one scoring path, as plain arrays for exact comparison. */
function scoresOf(scoring: PreparedScoring, x: Float64Array, n: number) {
  const out = new Int32Array(n * LIMIT).fill(-1);
  const counts = new Uint8Array(n);
  scoring.reasons(x, n, out, counts);
  return {
    probability: Array.from(scoring.predict(x, n)),
    points: scoring.points ? Array.from(scoring.points(x, n)) : null,
    reasons: Array.from(counts, (c, i) => Array.from(out.subarray(i * LIMIT, i * LIMIT + c))),
  };
}

/** Groups of d columns: few of them, so that several columns share one, in no particular order. */
function randomGroups(seed: number, d: number): Int32Array {
  const rng = seededRandom(1000 + seed);
  return Int32Array.from({ length: d }, () => Math.floor(rng.uniform() * Math.max(2, d / 2)));
}

function expectSameScores<Model>(
  strategy: Pick<Strategy<unknown, unknown, Model>, 'predict' | 'points' | 'reasons' | 'prepareScoring'>,
  model: Model,
  x: Float64Array,
  n: number,
  groups: Int32Array,
) {
  const prepared = strategy.prepareScoring?.(model, groups, LIMIT);
  expect(prepared).toBeDefined();
  const fast = scoresOf(prepared!, x, n);
  const reference = scoresOf(referenceScoring(strategy, model, groups, LIMIT), x, n);
  expect(fast.probability).toEqual(reference.probability);
  expect(fast.points).toEqual(reference.points);
  expect(fast.reasons).toEqual(reference.reasons);
  // The comparison means something: some rows have reasons, some several.
  expect(reference.reasons.some((r) => r.length > 1)).toBe(true);
}

/** A random model of d = 4 + 3·seed inputs, scored on 300 random rows, both ways. */
function expectSameOf<Model>(
  strategy: Parameters<typeof expectSameScores<Model>>[0],
  seed: number,
  randomModel: (rng: SeededRandom, d: number) => Model,
) {
  const rng = seededRandom(seed);
  const d = 4 + seed * 3;
  const n = 300;
  expectSameScores(strategy, randomModel(rng, d), randomRows(rng, n, d), n, randomGroups(seed, d));
}

const seeds = [1, 2, 3, 4, 5, 6];

describe('prepared scoring matches the reference', () => {
  // The plain-JS kinds: each scores random models of its own on rows of several widths.
  const plain = [
    ['logistic', (seed: number) => expectSameOf(strategies.logistic, seed, randomLogistic)],
    ['scorecard', (seed: number) => expectSameOf(strategies.scorecard, seed, randomScorecard)],
    [
      'gbdt',
      (seed: number) => expectSameOf(strategies.gbdt, seed, (rng, d) => randomGbdt(rng, d, 5 + seed * 4)),
    ],
  ] as const;
  it.each(plain.flatMap(([kind, run]) => seeds.map((seed) => [kind, seed, run] as const)))(
    '%s (seed %i)',
    (_, seed, run) => run(seed),
  );

  const backends = ['wasm', 'cpu'];
  it.each(backends.flatMap((b) => seeds.slice(0, 3).map((s) => [b, s] as const)))(
    'mlp on %s (seed %i)',
    async (backend, seed) => {
      if (!(await tf.setBackend(backend).catch(() => false))) return;
      await tf.ready();
      expect(tf.getBackend()).toBe(backend);
      const rng = seededRandom(300 + seed);
      const d = 4 + seed * 3;
      // More rows than fit one forward pass of whole rows (16384 inputs), to cross a chunk edge.
      const n = seed === 1 ? Math.ceil(16384 / (d + 1)) + 7 : 60;
      const x = randomRows(rng, n, d);
      // Equal values in the two inputs that share a kernel row: tied occlusion contributions.
      for (let i = 0; i < n; i += 2) x[i * d + 1] = x[i * d]!;
      expectSameScores(strategies.mlp, randomMlp(rng, d), x, n, randomGroups(seed, d));
    },
  );
});

describe('topGroups', () => {
  it('ranks groups by their best candidate, ties to the earlier candidate, positives only', () => {
    const values = Float64Array.from([1, 3, Number.NaN, 3, 0, 2, -5, 4]);
    const groupOf = Int32Array.from([0, 1, 2, 3, 4, 0, 5, 1]);
    const out = new Int32Array(4);
    const best = new Float64Array(4);
    expect(topGroups(values, groupOf, values.length, 3, out, 0, best)).toBe(3);
    // Group 1 (best 4), then group 3 (3, at candidate 3), then group 0 (best 2).
    expect(Array.from(out.subarray(0, 3))).toEqual([1, 3, 0]);
    expect(topGroups(values, groupOf, values.length, 0, out, 0, best)).toBe(0);
    expect(topGroups(Float64Array.from([0, -1]), groupOf, 2, 3, out, 0, best)).toBe(0);
  });
});

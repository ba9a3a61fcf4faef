// The enclave scorer against scoring spelled out from the strategies' own predict, points and
// reasons, for every model kind: same probabilities, points and reason codes, in order.
import * as tf from '../../models/tf.ts';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { type ScoreModelWire, type ScoreVectors, scoreSources } from '../../lab/infra/score-wire.ts';
import {
  encodeRows,
  inputName,
  planEncoding,
  type SourceColumn,
  sourceReasons,
} from '../../models/encoding.ts';
import { type StrategyKind, strategyFor } from '../../models/registry.ts';
import { type SeededRandom, seededRandom } from '../../models/testing/random.ts';
import {
  randomGbdt,
  randomLogistic,
  randomMlp,
  randomScorecard,
} from '../../models/testing/random-models.ts';
import type { DomainTable } from '../data/columns.ts';
import { sourceLookup } from './rows.ts';
import { EnclaveScorer } from './score.ts';

if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
await tf.ready();

/** A table of n entities: numbers on the model's levels, a boolean, a category; values missing. */
function randomTable(rng: SeededRandom, n: number): DomainTable {
  const entities = Array.from({ length: n }, (_, i) => `E${i}`);
  const number = (name: string) => ({
    name,
    type: 'number' as const,
    values: Float64Array.from({ length: n }, () => {
      const u = rng.uniform();
      return u < 0.15 ? Number.NaN : u < 0.6 ? Math.floor(4 * rng.uniform()) : 2 * rng.normal();
    }),
  });
  const columns: DomainTable['columns'] = new Map();
  for (const c of [number('tax.paid'), number('tax.overdue'), number('court.cases')]) columns.set(c.name, c);
  columns.set('court.enforced', {
    name: 'court.enforced',
    type: 'boolean',
    values: Float64Array.from({ length: n }, () =>
      rng.uniform() < 0.1 ? Number.NaN : rng.uniform() < 0.3 ? 1 : 0,
    ),
  });
  columns.set('tax.grade', {
    name: 'tax.grade',
    type: 'category',
    codes: Int32Array.from({ length: n }, () => Math.floor(5 * rng.uniform()) - 1),
    dictionary: ['A', 'B', 'C', 'D'],
  });
  return {
    entities,
    index: new Map(entities.map((e, i) => [e, i])),
    columns,
    invalidKeys: 0,
    duplicateKeys: 0,
  };
}

const encoding = planEncoding(
  [
    { name: 'tax.paid', type: 'number', mayBeMissing: true },
    {
      name: 'tax.grade',
      type: 'category',
      mayBeMissing: true,
      categories: ['A', 'B', 'C', 'X'].map((value) => ({ value, count: 100 })),
    },
    { name: 'tax.overdue', type: 'number', mayBeMissing: true },
    { name: 'court.cases', type: 'number', mayBeMissing: false },
    { name: 'court.enforced', type: 'boolean', mayBeMissing: true },
    { name: 'court.absent', type: 'number', mayBeMissing: true },
    { name: 'bank.limit', type: 'number', mayBeMissing: true },
  ],
  { missingIndicators: true, minCategoryCount: 50 },
);
const d = encoding.inputs.length;

const modelOf = (kind: StrategyKind, rng: SeededRandom): Record<string, unknown> =>
  ({
    logistic: () => randomLogistic(rng, d),
    scorecard: () => randomScorecard(rng, d),
    gbdt: () => randomGbdt(rng, d, 12),
    mlp: () => randomMlp(rng, d),
  })[kind]() as unknown as Record<string, unknown>;

/** Scores as the strategies define them: reasons by name, mapped to source indices, each once. */
function expectedScores(
  wire: ScoreModelWire,
  table: DomainTable,
  entities: string[],
  bankInputs: number[][],
  opaque: boolean,
): ScoreVectors {
  const strategy = strategyFor(wire.kind);
  const names = sourceReasons(wire.encoding.inputs.map(inputName), { unique: false });
  const sources = scoreSources(wire.encoding);
  const n = entities.length;
  const rows = Int32Array.from(entities, (e) => table.index.get(e) ?? -1);
  const bank = new Map<string, SourceColumn>([
    ['limit', { type: 'number', values: Float64Array.from(bankInputs, (r) => r[0]!) }],
  ]);
  const x = encodeRows(wire.encoding, n, sourceLookup(table, rows, bank));
  const p = strategy.predict(wire.parameters, x, n);
  const points = strategy.points?.(wire.parameters, x, n);
  const unknown = (i: number) => opaque && rows[i]! < 0;
  const reasons = entities.map((_, i) => {
    if (unknown(i)) return [];
    const mine: number[] = [];
    for (const name of strategy.reasons?.(wire.parameters, x.subarray(i * d, (i + 1) * d), names, d) ?? []) {
      const k = sources.indexOf(name);
      if (!mine.includes(k) && mine.length < 3) mine.push(k);
    }
    return mine;
  });
  const probability = entities.map((_, i) => (unknown(i) ? null : p[i]!));
  return points
    ? { probability, points: Array.from(points, (v, i) => (unknown(i) ? null : v)), reasons }
    : { probability, reasons };
}

const kinds: StrategyKind[] = ['logistic', 'scorecard', 'gbdt', 'mlp'];
const cases = kinds.flatMap((kind) => [1, 2, 3].map((seed) => [kind, seed] as const));

describe('EnclaveScorer.score', () => {
  it.each(cases)(
    '%s (seed %i) matches the strategy’s own scoring, by uscc and by opaque id',
    (kind, seed) => {
      const rng = seededRandom(seed * 31 + kind.length);
      const table = randomTable(rng, 400);
      const model: ScoreModelWire = {
        id: `mdl_${kind}_${seed}`,
        kind,
        encoding,
        bankFeatures: ['limit'],
        parameters: modelOf(kind, rng),
      };
      // Entities in any order, repeated, and some this domain does not hold.
      const entities = Array.from({ length: 250 }, () => {
        const i = Math.floor(rng.uniform() * 460);
        return i < 400 ? `E${i}` : `other-${i}`;
      });
      const bankInputs = entities.map(() => [
        rng.uniform() < 0.2 ? Number.NaN : Math.floor(4 * rng.uniform()),
      ]);
      for (const key of ['uscc', 'opaque'] as const) {
        const scorer = new EnclaveScorer(key);
        const first = scorer.score(table, {
          type: 'score',
          id: 1,
          modelId: model.id,
          model,
          entities,
          bankInputs,
        });
        const expected = expectedScores(model, table, entities, bankInputs, key === 'opaque');
        expect(first.scores).toEqual(expected);
        expect(expected.reasons.filter((r) => r.length > 1).length).toBeGreaterThan(10);
        // A cached model scores the same, also for a call of a few entities.
        const again = scorer.score(table, { type: 'score', id: 2, modelId: model.id, entities, bankInputs });
        expect(again.scores).toEqual(expected);
        const few = scorer.score(table, {
          type: 'score',
          id: 3,
          modelId: model.id,
          entities: entities.slice(0, 3),
          bankInputs: bankInputs.slice(0, 3),
        });
        expect(few.scores).toEqual(
          expectedScores(model, table, entities.slice(0, 3), bankInputs.slice(0, 3), key === 'opaque'),
        );
      }
    },
  );
});

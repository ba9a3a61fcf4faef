// Scoring inside the enclave: models cached by id, entities looked up in the warm domain table,
// scores in request order with reason codes as feature names (never values).

import { type ScoreModelWire, type ScoreVectors, scoreSources } from '../../lab/infra/score-wire.ts';
import { encodeRows, inputName, type SourceColumn, sourceReasons } from '../../models/encoding.ts';
import { type JsonStrategy, strategyFor } from '../../models/registry.ts';
import type { DomainTable } from '../data/columns.ts';
import type { ToEnclave } from '../protocol.ts';
import { EnclaveRefusal, sourceLookup } from './rows.ts';

type ScoreMessage = Extract<ToEnclave, { type: 'score' }>;

/** Models one enclave keeps; the broker re-sends a model it evicted (it tracks what it sent). */
export const MAX_CACHED_MODELS = 32;
const REASONS = 3;

interface Prepared {
  model: ScoreModelWire;
  strategy: JsonStrategy;
  /** Each input's source feature (one-hot and missing-indicator inputs share their source's name). */
  inputSources: string[];
  /** A source feature's index among the model's `scoreSources`. */
  sourceIndex: Map<string, number>;
}

/**
 * The scorer's model cache and scoring. `score` is pure apart from the cache: the same table,
 * model and entities give the same scores.
 *
 * @example
 * const scorer = new EnclaveScorer('uscc');
 * scorer.score(table, { type: 'score', id: 1, modelId: 'mdl_x', model, entities: ['9111…'] });
 */
export class EnclaveScorer {
  private readonly models = new Map<string, Prepared>();

  constructor(private readonly entityKey: 'uscc' | 'opaque') {}

  private prepared(msg: ScoreMessage): Prepared {
    if (msg.model) {
      if (msg.model.id !== msg.modelId) throw new EnclaveRefusal('the model does not match its id');
      if (this.models.size >= MAX_CACHED_MODELS && !this.models.has(msg.modelId))
        this.models.delete(this.models.keys().next().value!);
      this.models.set(msg.modelId, {
        model: msg.model,
        strategy: strategyFor(msg.model.kind),
        inputSources: sourceReasons(msg.model.encoding.inputs.map(inputName), { unique: false }),
        sourceIndex: new Map(scoreSources(msg.model.encoding).map((name, k) => [name, k])),
      });
    }
    const p = this.models.get(msg.modelId);
    // Retryable: the broker sends the model again with the next request.
    if (!p) throw new Error(`model ${msg.modelId} is not cached in this enclave`);
    return p;
  }

  score(table: DomainTable, msg: ScoreMessage): { scores: ScoreVectors } {
    const { model, strategy, inputSources, sourceIndex } = this.prepared(msg);
    const width = model.bankFeatures.length;
    const n = msg.entities.length;
    if (width > 0 && (msg.bankInputs?.length !== n || msg.bankInputs.some((r) => r.length !== width))) {
      // Never impute what the bank must supply: a score without its inputs would be made up.
      throw new EnclaveRefusal(`the model needs ${width} bank-side inputs per entity`);
    }
    const rows = Int32Array.from(msg.entities, (e) => table.index.get(e) ?? -1);
    const bank = new Map<string, SourceColumn>(
      model.bankFeatures.map((f, j) => [
        f,
        {
          type: 'number',
          values: Float64Array.from(msg.entities, (_, i) => msg.bankInputs?.[i]?.[j] ?? Number.NaN),
        },
      ]),
    );
    const x = encodeRows(model.encoding, n, sourceLookup(table, rows, bank));
    const d = inputSources.length;
    const p = strategy.predict(model.parameters, x, n);
    const points = strategy.points?.(model.parameters, x, n);
    const opaque = this.entityKey === 'opaque';
    const probability: (number | null)[] = new Array(n);
    const reasons: number[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      // An opaque id this domain does not hold is someone else's to answer.
      if (opaque && rows[i]! < 0) {
        probability[i] = null;
        reasons[i] = [];
        continue;
      }
      probability[i] = p[i]!;
      // Reasons by source feature, most important first, each source once.
      const mine: number[] = [];
      if (strategy.reasons) {
        for (const name of strategy.reasons(
          model.parameters,
          x.subarray(i * d, (i + 1) * d),
          inputSources,
          d,
        )) {
          const k = sourceIndex.get(name)!;
          if (!mine.includes(k)) mine.push(k);
          if (mine.length === REASONS) break;
        }
      }
      reasons[i] = mine;
    }
    const scores: ScoreVectors = points
      ? { probability, points: Array.from(points, (v, i) => (probability[i] === null ? null : v)), reasons }
      : { probability, reasons };
    return { scores };
  }
}

// Scoring inside the enclave: models cached by id, entities looked up in the warm domain table,
// scores in request order with reason codes as feature names (never values).

import { type ScoreModelWire, type ScoreVectors, scoreSources } from '../../lab/infra/score-wire.ts';
import { encodeRows, inputName, type SourceColumn, sourceReasons } from '../../models/encoding.ts';
import { type JsonStrategy, strategyFor } from '../../models/registry.ts';
import { type PreparedScoring, referenceScoring } from '../../models/strategy.ts';
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
  /** Each input's source as an index into `scoreSources` (one-hot and missing inputs share it). */
  inputSources: Int32Array;
  /** The model made ready for scoring, on first use (a model that cannot score fails every call). */
  scoring?: PreparedScoring;
}

/** Each input's source feature as an index into `scoreSources`, so scoring does no string work. */
function inputSourceIndex(model: ScoreModelWire): Int32Array {
  const sourceIndex = new Map(scoreSources(model.encoding).map((name, k) => [name, k]));
  const sources = sourceReasons(model.encoding.inputs.map(inputName), { unique: false });
  return Int32Array.from(sources, (name) => sourceIndex.get(name)!);
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
        this.drop(this.models.keys().next().value!);
      // A model sent again replaces its cached one (in place, as the eviction order goes).
      this.models.get(msg.modelId)?.scoring?.dispose?.();
      this.models.set(msg.modelId, {
        model: msg.model,
        strategy: strategyFor(msg.model.kind),
        inputSources: inputSourceIndex(msg.model),
      });
    }
    const p = this.models.get(msg.modelId);
    // Retryable: the broker sends the model again with the next request.
    if (!p) throw new Error(`model ${msg.modelId} is not cached in this enclave`);
    return p;
  }

  private drop(modelId: string): void {
    this.models.get(modelId)?.scoring?.dispose?.();
    this.models.delete(modelId);
  }

  score(table: DomainTable, msg: ScoreMessage): { scores: ScoreVectors } {
    const prepared = this.prepared(msg);
    const { model, strategy, inputSources } = prepared;
    const width = model.bankFeatures.length;
    const n = msg.entities.length;
    if (width > 0 && (msg.bankInputs?.length !== n || msg.bankInputs.some((r) => r.length !== width))) {
      // Never impute what the bank must supply: a score without its inputs would be made up.
      throw new EnclaveRefusal(`the model needs ${width} bank-side inputs per entity`);
    }
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = table.index.get(msg.entities[i]!) ?? -1;
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
    prepared.scoring ??=
      strategy.prepareScoring?.(model.parameters, inputSources, REASONS) ??
      referenceScoring(strategy, model.parameters, inputSources, REASONS);
    const { scoring } = prepared;
    const p = scoring.predict(x, n);
    const points = scoring.points?.(x, n);
    // An opaque id this domain does not hold is someone else's to answer: no reasons for it.
    const held = this.entityKey === 'opaque' ? heldRows(rows) : null;
    const found = held ? held.length : n;
    const top = new Int32Array(found * REASONS);
    const counts = new Uint8Array(found);
    scoring.reasons(held ? gatherRows(x, inputSources.length, held) : x, found, top, counts);
    const probability: (number | null)[] = new Array(n);
    const reasons: number[][] = new Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (held && rows[i]! < 0) {
        probability[i] = null;
        reasons[i] = [];
        continue;
      }
      probability[i] = p[i]!;
      // Reasons by source feature, most important first, each source once.
      const mine = new Array<number>(counts[k]!);
      for (let r = 0; r < mine.length; r++) mine[r] = top[k * REASONS + r]!;
      reasons[i] = mine;
      k++;
    }
    let pointList: (number | null)[] | undefined;
    if (points) {
      pointList = new Array(n);
      for (let i = 0; i < n; i++) pointList[i] = probability[i] === null ? null : points[i]!;
    }
    const scores: ScoreVectors = pointList
      ? { probability, points: pointList, reasons }
      : { probability, reasons };
    return { scores };
  }
}

/** The positions of the rows this domain holds. */
function heldRows(rows: Int32Array): Int32Array {
  let count = 0;
  for (const r of rows) if (r >= 0) count++;
  const out = new Int32Array(count);
  let k = 0;
  rows.forEach((r, i) => {
    if (r >= 0) out[k++] = i;
  });
  return out;
}

/** The listed rows of a row-major matrix of width d. */
function gatherRows(x: Float64Array, d: number, keep: Int32Array): Float64Array {
  if (keep.length * d === x.length) return x;
  const out = new Float64Array(keep.length * d);
  keep.forEach((i, k) => {
    out.set(x.subarray(i * d, (i + 1) * d), k * d);
  });
  return out;
}

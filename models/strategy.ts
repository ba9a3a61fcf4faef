// The federated strategy contract: one model kind = one file implementing `Strategy`.

/**
 * A domain's training rows, columnar-free: row-major features (`NaN` = missing) and 0/1 labels.
 *
 * @example
 * const rows: LocalRows = { x: new Float64Array([1, 2, 3, 4]), y: new Float64Array([0, 1]), n: 2, d: 2 };
 */
export interface LocalRows {
  /** Row-major n × d matrix; `NaN` marks a missing value. */
  x: Float64Array;
  /** Labels, 0 or 1, length n. */
  y: Float64Array;
  n: number;
  d: number;
}

/**
 * Dense kernels a strategy may borrow from its host. The enclave supplies TensorFlow.js-backed
 * versions; tests and pooled fits use the plain-JS ones from `linalg.ts`.
 *
 * @example
 * const h = ops.xtwx(x, w, n, d); // d × d, row-major
 */
export interface DenseOps {
  /** Xᵀ diag(w) X for a row-major n × d matrix. Precision may be float32: used for curvature only. */
  xtwx(x: Float64Array, w: Float64Array, n: number, d: number): Float64Array;
}

/**
 * What a domain returns for a round: named numeric vectors whose element-wise sum over domains is
 * the aggregate. Keeping updates additive is what lets CKKS sum them without decrypting.
 *
 * @example
 * const u: Update = { n: [120], grad: [0.1, -0.2] };
 */
export type Update = Record<string, number[]>;

/**
 * The declared shape of an update: each field's vector length.
 *
 * @example
 * const shape: UpdateShape = { n: 1, grad: 3 };
 */
export type UpdateShape = Record<string, number>;

/**
 * How an update departs from its declared shape (`null` when it matches): the first extra,
 * missing or wrongly sized field.
 *
 * @example
 * shapeMismatch({ n: [1], rows: [1, 2, 3] }, { n: 1 }); // { field: 'rows', problem: 'extra', length: 3 }
 */
export function shapeMismatch(
  update: Update,
  shape: UpdateShape,
): { field: string; problem: 'extra' | 'missing' | 'length'; length: number } | null {
  for (const [field, v] of Object.entries(update)) {
    if (!Object.hasOwn(shape, field)) return { field, problem: 'extra', length: v.length };
    if (v.length !== shape[field]) return { field, problem: 'length', length: v.length };
  }
  for (const field of Object.keys(shape)) {
    if (!Object.hasOwn(update, field)) return { field, problem: 'missing', length: 0 };
  }
  return null;
}

/**
 * The instruction a coordinator sends to every domain for one round.
 *
 * @example
 * const i: RoundInstruction = { phase: 'update', params: { beta: [0, 0] } };
 */
export interface RoundInstruction {
  phase: string;
  params: Record<string, unknown>;
}

/**
 * A federated model kind, in the manner of Flower's strategies: configure a round, compute the
 * local update on one domain's rows, aggregate, advance. Pure: no I/O, no clock, no randomness
 * that is not seeded from the state.
 *
 * @example
 * let state = strategy.init(config, featureCount);
 * for (let r = strategy.configureRound(state); r; r = strategy.configureRound(state)) {
 *   const updates = domains.map((rows) => strategy.localUpdate(r, rows, ops, caches.get(rows)));
 *   state = strategy.next(state, sumUpdates(updates));
 * }
 * const model = strategy.finalModel(state);
 */
export interface Strategy<Config, State, Model> {
  readonly kind: string;
  init(config: Config, featureCount: number): State;
  /** The next round's instruction, or `null` when training is done. */
  configureRound(state: State): RoundInstruction | null;
  /** Runs inside an enclave. `cache` persists across rounds of the same job in the same enclave. */
  localUpdate(
    instruction: RoundInstruction,
    rows: LocalRows,
    ops: DenseOps,
    cache: Map<string, unknown>,
  ): Update;
  /**
   * The exact shape `localUpdate` returns for this instruction (field → vector length), known
   * without any rows. The egress guard refuses an update of any other shape: an extra field, or a
   * vector as long as the rows.
   */
  updateShape(instruction: RoundInstruction, featureCount: number): UpdateShape;
  next(state: State, aggregate: Update): State;
  /** Training loss after the last aggregated round, for progress reports (`null` before any). */
  loss(state: State): number | null;
  finalModel(state: State): Model;
  /** Probability of the positive class for each row of a row-major matrix (missing values allowed). */
  predict(model: Model, x: Float64Array, n: number): Float64Array;
  /**
   * Optional: names of up to `limit` features that push one row's risk up the most (reason codes),
   * most important first. `featureNames` names the model's columns in order.
   */
  reasons?(model: Model, row: Float64Array, featureNames: readonly string[], limit: number): string[];
  /**
   * Optional: the score in points of each row, for kinds whose points come from their own table
   * (scorecards). Kinds without it are scored on the lab's default scale from the probability.
   */
  points?(model: Model, x: Float64Array, n: number): Float64Array;
  /**
   * Optional: the model prepared for scoring batches, doing its per-model work once. Must give the
   * numbers `referenceScoring` gives: the same probabilities and points, bit for bit, and the same
   * reason groups in the same order.
   */
  prepareScoring?(model: Model, groups: Int32Array, limit: number): PreparedScoring;
}

/**
 * A model ready to score batches of rows (row-major, as `predict` reads them). Reason codes come
 * as groups (`groups[j]` is the group of column j, e.g. its source feature): for each row, the first
 * `limit` distinct groups of the columns `reasons` names, written into caller-owned buffers.
 *
 * @example
 * const scoring = strategy.prepareScoring?.(model, groups, 3) ?? referenceScoring(strategy, model, groups, 3);
 * const out = new Int32Array(n * 3);
 * const counts = new Uint8Array(n);
 * scoring.reasons(x, n, out, counts); // row i: out.subarray(i * 3, i * 3 + counts[i])
 */
export interface PreparedScoring {
  predict(x: Float64Array, n: number): Float64Array;
  points?(x: Float64Array, n: number): Float64Array;
  /** Row i's reason groups go to `out[i · limit …]`, their number (≤ `limit` < 256) to `counts[i]`. */
  reasons(x: Float64Array, n: number, out: Int32Array, counts: Uint8Array): void;
  /** Releases what the model holds beyond plain memory (a network); hosts call it on dropping it. */
  dispose?(): void;
}

/**
 * Scoring straight from a strategy's `predict`, `points` and `reasons`: the reference every
 * `prepareScoring` must match, and the way to score kinds that have none.
 *
 * @example
 * const scoring = referenceScoring(logisticRegression, model, Int32Array.from([0, 0, 1]), 3);
 */
export function referenceScoring<Model>(
  strategy: Pick<Strategy<unknown, unknown, Model>, 'predict' | 'points' | 'reasons'>,
  model: Model,
  groups: Int32Array,
  limit: number,
): PreparedScoring {
  const names = Array.from(groups, String);
  const d = groups.length;
  const points = strategy.points;
  return {
    predict: (x, n) => strategy.predict(model, x, n),
    ...(points ? { points: (x: Float64Array, n: number) => points(model, x, n) } : {}),
    reasons(x, n, out, counts) {
      for (let i = 0; i < n; i++) {
        const mine: number[] = [];
        const named = strategy.reasons?.(model, x.subarray(i * d, (i + 1) * d), names, d) ?? [];
        for (const name of named) {
          const g = Number(name);
          if (!mine.includes(g)) mine.push(g);
          if (mine.length === limit) break;
        }
        out.set(mine, i * limit);
        counts[i] = mine.length;
      }
    },
  };
}

/**
 * Selects reason groups from candidate contributions without sorting or allocating: the groups of
 * the candidates with the largest positive `values` (ties: lower candidate index first), each
 * group once at the rank of its best candidate, at most `limit`, written to `out` from `at`.
 * Returns how many were written. `best` is scratch space of at least `limit` numbers.
 *
 * @example
 * topGroups(Float64Array.from([0.5, 2, 1]), Int32Array.from([0, 1, 0]), 3, 3, out, 0, best); // 2: out [1, 0]
 */
export function topGroups(
  values: Float64Array,
  groupOf: Int32Array,
  count: number,
  limit: number,
  out: Int32Array,
  at: number,
  best: Float64Array,
): number {
  if (limit <= 0) return 0;
  let size = 0;
  // What a value must exceed to matter: 0, then once `limit` groups are kept the worst of them
  // (a value not above it can neither enter nor improve a kept group). NaN never does.
  let floor = 0;
  for (let c = 0; c < count; c++) {
    const v = values[c]!;
    if (!(v > floor)) continue;
    const g = groupOf[c]!;
    let p = 0;
    while (p < size && out[at + p] !== g) p++;
    if (p < size) {
      // Candidates come in index order, so an equal value never displaces an earlier one.
      if (!(v > best[p]!)) continue;
    } else if (size < limit) {
      p = size++;
    } else {
      p = limit - 1;
    }
    while (p > 0 && v > best[p - 1]!) {
      best[p] = best[p - 1]!;
      out[at + p] = out[at + p - 1]!;
      p--;
    }
    best[p] = v;
    out[at + p] = g;
    if (size === limit) floor = best[limit - 1]!;
  }
  return size;
}

/**
 * Element-wise sum of domain updates (plain aggregation).
 *
 * @example
 * sumUpdates([{ a: [1, 2] }, { a: [3, 4] }]); // { a: [4, 6] }
 */
export function sumUpdates(updates: readonly Update[]): Update {
  const first = updates[0];
  if (!first) throw new Error('sumUpdates: no updates to aggregate');
  const out: Update = {};
  for (const key of Object.keys(first)) {
    const acc = new Array<number>(first[key]!.length).fill(0);
    for (const u of updates) {
      const v = u[key];
      if (!v || v.length !== acc.length)
        throw new Error(`sumUpdates: update field '${key}' has a different shape`);
      for (let i = 0; i < acc.length; i++) acc[i]! += v[i]!;
    }
    out[key] = acc;
  }
  return out;
}

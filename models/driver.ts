// In-process federated training driver: runs any Strategy over in-memory domains (tests, pooled fits).

import { type DenseOps, type LocalRows, type Strategy, shapeMismatch, sumUpdates } from './strategy.ts';

/** Guard against a strategy that never reports done. */
const MAX_DRIVER_ROUNDS = 10_000;

/**
 * The result of a driven fit: the final model, rounds run (every round, including set-up rounds
 * such as stats) and the loss reported after each round that had one.
 *
 * @example
 * const { model, rounds, losses } = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps);
 */
export interface FitResult<Model> {
  model: Model;
  rounds: number;
  losses: number[];
}

/**
 * Trains `strategy` across `domains` in process: configureRound → localUpdate per domain (each
 * domain with its own persistent cache) → sumUpdates in the given domain order → next. A pooled
 * fit is the same call with a single domain.
 *
 * @example
 * const fed = fitFederated(logisticRegression, defaultLogisticConfig, [a, b, c], plainOps);
 * const pooled = fitFederated(logisticRegression, defaultLogisticConfig, [poolRows([a, b, c])], plainOps);
 */
export function fitFederated<Config, State, Model>(
  strategy: Strategy<Config, State, Model>,
  config: Config,
  domains: readonly LocalRows[],
  ops: DenseOps,
): FitResult<Model> {
  const first = domains[0];
  if (!first) throw new Error('fitFederated: no domains');
  for (const rows of domains) {
    if (rows.d !== first.d)
      throw new Error(`fitFederated: domains disagree on feature count (${rows.d} vs ${first.d})`);
  }
  const caches = domains.map(() => new Map<string, unknown>());
  let state = strategy.init(config, first.d);
  const losses: number[] = [];
  let rounds = 0;
  for (let round = strategy.configureRound(state); round; round = strategy.configureRound(state)) {
    if (rounds >= MAX_DRIVER_ROUNDS) throw new Error(`fitFederated: ${strategy.kind} did not finish`);
    const instruction = round;
    const updates = domains.map((rows, k) => strategy.localUpdate(instruction, rows, ops, caches[k]!));
    // Every strategy must declare its updates exactly: the egress guard refuses anything else.
    const declared = strategy.updateShape(instruction, first.d);
    for (const u of updates) {
      const off = shapeMismatch(u, declared);
      if (off)
        throw new Error(
          `fitFederated: ${strategy.kind} ${instruction.phase} update field '${off.field}' is not as declared (${off.problem})`,
        );
    }
    state = strategy.next(state, sumUpdates(updates));
    rounds++;
    const loss = strategy.loss(state);
    if (loss !== null) losses.push(loss);
  }
  return { model: strategy.finalModel(state), rounds, losses };
}

/**
 * Concatenates domains into one (rows in the given order) for a pooled reference fit.
 *
 * @example
 * const pooled = poolRows([a, b]); // pooled.n === a.n + b.n
 */
export function poolRows(domains: readonly LocalRows[]): LocalRows {
  const first = domains[0];
  if (!first) throw new Error('poolRows: no domains');
  const d = first.d;
  const n = domains.reduce((acc, r) => acc + r.n, 0);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  let offset = 0;
  for (const rows of domains) {
    if (rows.d !== d) throw new Error(`poolRows: domains disagree on feature count (${rows.d} vs ${d})`);
    x.set(rows.x, offset * d);
    y.set(rows.y, offset);
    offset += rows.n;
  }
  return { x, y, n, d };
}

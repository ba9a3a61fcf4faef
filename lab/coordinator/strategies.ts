// The strategy registry as the lab and the enclaves use it: untyped configs and models (JSON).
import { getStrategy } from '../../models/registry.ts';
import type { Strategy } from '../../models/strategy.ts';

/** A strategy whose config, state and model are the JSON that travels through Redis. */
export type JsonStrategy = Strategy<unknown, unknown, Record<string, unknown>>;

/**
 * @example
 * const s = strategyFor(job.spec.model.kind); const state = s.init(job.spec.model, inputs);
 */
export function strategyFor(kind: string): JsonStrategy {
  return getStrategy(kind) as unknown as JsonStrategy;
}

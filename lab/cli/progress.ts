// How far a running job has got: rounds done of rounds planned, and the time the rest should take.
import type { JobSpec } from '../../client-sdk/contract/job-spec.ts';
import type { JobProgress } from '../../client-sdk/contract/resources.ts';

/** Phases of the rounds `maxRounds` counts; every other phase is set-up (statistics, bins, spreads). */
const TRAINING_PHASES = new Set(['newton', 'fedavg', 'grow', 'final-loss']);

/**
 * Rounds the job will run at most: its set-up rounds so far (at least the statistics round) plus the
 * model's `maxRounds` (GBDT: one round per tree level and a final evaluation). An upper bound:
 * logistic and scorecard jobs stop when Newton converges, MLPs and GBDTs on patience.
 *
 * @example
 * plannedRounds({ kind: 'logistic', l2: 1, maxRounds: 25, tolerance: 1e-10 }, [{ phase: 'stats' }]); // 26
 */
export function plannedRounds(
  model: { kind?: JobSpec['model']['kind']; maxRounds?: number; trees?: number; maxDepth?: number },
  progress: readonly Pick<JobProgress, 'phase'>[],
): number {
  const setup = progress.filter((p) => !TRAINING_PHASES.has(p.phase)).length;
  const training =
    model.kind === 'gbdt' ? (model.trees ?? 0) * (model.maxDepth ?? 0) + 1 : (model.maxRounds ?? 0);
  return Math.max(progress.length, Math.max(setup, 1) + training);
}

/**
 * Time left at the average pace so far (ms), or null before the first round.
 *
 * @example
 * etaMs([{ elapsedMs: 1000 }, { elapsedMs: 2000 }], 10); // 8000
 */
export function etaMs(progress: readonly Pick<JobProgress, 'elapsedMs'>[], planned: number): number | null {
  const last = progress.at(-1);
  if (!last) return null;
  return Math.max(0, planned - progress.length) * (last.elapsedMs / progress.length);
}

/**
 * A duration for people: `12s`, `3m05s`, `1h02m`; `?` when unknown.
 *
 * @example
 * formatDuration(185_000); // '3m05s'
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A loss for people: four decimals, `-` before there is one.
 *
 * @example
 * formatLoss(0.41234); // '0.4123'
 */
export const formatLoss = (loss: number | null): string => (loss === null ? '-' : loss.toFixed(4));

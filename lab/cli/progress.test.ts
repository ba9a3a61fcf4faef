// Rounds planned, time left and their text, as `lab jobs … --watch` shows them.
import { describe, expect, it } from 'vitest';
import { etaMs, formatDuration, formatLoss, plannedRounds } from './progress.ts';

describe('job progress', () => {
  it('plans the set-up rounds seen so far (at least one) plus maxRounds, never fewer than done', () => {
    const model = { maxRounds: 25 };
    expect(plannedRounds(model, [])).toBe(26);
    expect(plannedRounds(model, [{ phase: 'stats' }])).toBe(26);
    expect(plannedRounds(model, [{ phase: 'stats' }, { phase: 'spread' }, { phase: 'newton' }])).toBe(27);
    // An MLP: statistics, then FedAvg rounds.
    expect(plannedRounds({ maxRounds: 2 }, [{ phase: 'stats' }, { phase: 'fedavg' }])).toBe(3);
    // More rounds than planned (a scorecard's histogram rounds): the count wins.
    const histograms = Array.from({ length: 5 }, () => ({ phase: 'histogram' }));
    expect(plannedRounds({ maxRounds: 1 }, [...histograms, { phase: 'newton' }])).toBe(6);
    // A GBDT: its binning rounds, one round per tree level, a final loss round.
    const gbdt = { kind: 'gbdt' as const, trees: 10, maxDepth: 3 };
    expect(plannedRounds(gbdt, [{ phase: 'moments' }, { phase: 'histogram' }, { phase: 'grow' }])).toBe(33);
  });

  it('estimates the time left at the average pace so far', () => {
    expect(etaMs([], 10)).toBeNull();
    expect(etaMs([{ elapsedMs: 1000 }, { elapsedMs: 2000 }], 10)).toBe(8000);
    expect(etaMs([{ elapsedMs: 300 }, { elapsedMs: 600 }, { elapsedMs: 900 }], 3)).toBe(0);
  });

  it('prints durations and losses for people', () => {
    expect([null, Number.NaN, 0, 12_400, 59_600, 185_000, 3_725_000].map(formatDuration)).toEqual([
      '?',
      '?',
      '0s',
      '12s',
      '1m00s',
      '3m05s',
      '1h02m',
    ]);
    expect([null, 0.41234, 1400.16519].map(formatLoss)).toEqual(['-', '0.4123', '1400.1652']);
  });
});

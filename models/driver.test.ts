// Tests for the in-process federated driver and row pooling.
import { describe, expect, it } from 'vitest';
import { fitFederated, poolRows } from './driver.ts';
import { plainOps } from './linalg.ts';
import type { LocalRows, Strategy } from './strategy.ts';

const rowsOf = (n: number, d: number, start: number): LocalRows => ({
  x: Float64Array.from({ length: n * d }, (_, i) => start + i),
  y: Float64Array.from({ length: n }, (_, i) => i % 2),
  n,
  d,
});

/** Two rounds of "sum the first value of every domain", recording the order domains are visited. */
function recordingStrategy(visits: number[]): Strategy<null, { round: number; total: number }, number> {
  return {
    kind: 'recording',
    init: () => ({ round: 0, total: 0 }),
    configureRound: (s) => (s.round < 2 ? { phase: 'sum', params: {} } : null),
    localUpdate: (_i, rows, _ops, cache) => {
      visits.push(rows.x[0]!);
      cache.set('seen', ((cache.get('seen') as number | undefined) ?? 0) + 1);
      return { v: [rows.x[0]!], seen: [cache.get('seen') as number] };
    },
    updateShape: () => ({ v: 1, seen: 1 }),
    next: (s, agg) => ({ round: s.round + 1, total: s.total + agg['v']![0]! }),
    loss: (s) => (s.round > 1 ? s.total : null),
    finalModel: (s) => s.total,
    predict: (_m, _x, n) => new Float64Array(n),
  };
}

describe('fitFederated', () => {
  it('refuses an update that is not of the declared shape', () => {
    const strategy = { ...recordingStrategy([]), updateShape: () => ({ v: 1 }) };
    expect(() => fitFederated(strategy, null, [rowsOf(2, 1, 0)], plainOps)).toThrow(
      /field 'seen' is not as declared \(extra\)/,
    );
  });

  it('visits domains in the given order each round and keeps a cache per domain', () => {
    const visits: number[] = [];
    const domains = [rowsOf(2, 1, 100), rowsOf(3, 1, 10), rowsOf(1, 1, 1)];
    const fit = fitFederated(recordingStrategy(visits), null, domains, plainOps);
    expect(visits).toEqual([100, 10, 1, 100, 10, 1]);
    expect(fit).toEqual({ model: 222, rounds: 2, losses: [222] });
  });

  it('refuses no domains or domains with different feature counts', () => {
    expect(() => fitFederated(recordingStrategy([]), null, [], plainOps)).toThrow(/no domains/);
    expect(() =>
      fitFederated(recordingStrategy([]), null, [rowsOf(1, 1, 0), rowsOf(1, 2, 0)], plainOps),
    ).toThrow(/feature count/);
  });
});

describe('poolRows', () => {
  it('concatenates rows in order', () => {
    const pooled = poolRows([rowsOf(1, 2, 0), rowsOf(2, 2, 10)]);
    expect(pooled.n).toBe(3);
    expect(Array.from(pooled.x)).toEqual([0, 1, 10, 11, 12, 13]);
    expect(Array.from(pooled.y)).toEqual([0, 0, 1]);
  });
});

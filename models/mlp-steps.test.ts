// Unit tests of the MLP coordinator maths: FedAvg weighting, best-weight tracking, stop rules, set-up.
import { describe, expect, it } from 'vitest';
import { localStats } from './logistic-local.ts';
import { defaultMlpConfig, type MlpConfig, mlpShapes, validateMlpConfig } from './mlp-config.ts';
import { initialMlpState, type MlpState } from './mlp-state.ts';
import { afterFedAvg, afterStats } from './mlp-steps.ts';
import { logit } from './numeric.ts';
import { sumUpdates } from './strategy.ts';

/** A 1-input, 1-hidden-unit net (4 weights) past its stats round, with chosen global weights. */
function tinyState(overrides: Partial<MlpConfig> = {}, weights = [0.5, 0.25, -1, 0.125]): MlpState {
  const state = initialMlpState({ ...defaultMlpConfig, hidden: [1], ...overrides }, 1);
  return { ...state, phase: 'fedavg', means: [0], stds: [1], weights };
}

describe('MLP coordinator steps', () => {
  it('averages weights exactly as FedAvg: Σ(n·w) / Σn', () => {
    const state = tinyState();
    const domainA = {
      weights: [1, 2, 3, 4].map((w) => 3 * w),
      n: [3],
      valLoss: [1.2],
      valRows: [2],
      trainLoss: [2],
    };
    const domainB = { weights: [5, 6, 7, 8], n: [1], valLoss: [0.4], valRows: [2], trainLoss: [1] };
    const next = afterFedAvg(state, sumUpdates([domainA, domainB]));
    // (3·[1, 2, 3, 4] + 1·[5, 6, 7, 8]) / 4
    expect(next.weights).toStrictEqual([2, 3, 4, 5]);
    expect(next.loss).toBe(1.6 / 4);
    expect(next.trainLoss).toBe(3 / 4);
    // Round 0 evaluated the weights it sent, so those are the best so far, not the new average.
    expect(next.bestWeights).toStrictEqual(state.weights);
    expect(next.bestRound).toBe(0);
    expect(next.round).toBe(1);
    expect(next.phase).toBe('fedavg');
  });

  it('rounds the average to float32, the precision domains load', () => {
    const next = afterFedAvg(tinyState(), {
      weights: [1, 1, 1, 1],
      n: [3],
      valLoss: [1],
      valRows: [1],
      trainLoss: [1],
    });
    expect(next.weights[0]).toBe(Math.fround(1 / 3));
  });

  it('stops after `patience` rounds without a strictly lower validation loss, keeping the best', () => {
    const agg = (w: number, valLoss: number) => ({
      weights: [w, w, w, w],
      n: [1],
      valLoss: [valLoss],
      valRows: [1],
      trainLoss: [1],
    });
    let s = tinyState({ patience: 2, maxRounds: 10 });
    s = afterFedAvg(s, agg(1, 0.5)); // evaluates the initial weights: best
    s = afterFedAvg(s, agg(2, 0.4)); // evaluates [1, 1, 1, 1]: new best
    s = afterFedAvg(s, agg(3, 0.4)); // a tie is no improvement
    expect(s.phase).toBe('fedavg');
    s = afterFedAvg(s, agg(4, 0.6));
    expect(s.phase).toBe('done');
    expect(s.stoppedEarly).toBe(true);
    expect(s.bestRound).toBe(1);
    expect(s.bestWeights).toStrictEqual([1, 1, 1, 1]);
    expect(s.history).toStrictEqual([0.5, 0.4, 0.4, 0.6]);
  });

  it('stops at maxRounds without calling it early stopping', () => {
    const s = afterFedAvg(tinyState({ maxRounds: 1 }), {
      weights: [1, 1, 1, 1],
      n: [1],
      valLoss: [1],
      valRows: [1],
      trainLoss: [1],
    });
    expect(s.phase).toBe('done');
    expect(s.stoppedEarly).toBe(false);
  });

  it('falls back to the training loss when no domain holds validation rows, and never stores NaN', () => {
    const s = afterFedAvg(tinyState(), {
      weights: [0, 0, 0, 0],
      n: [4],
      valLoss: [0],
      valRows: [0],
      trainLoss: [2],
    });
    expect(s.loss).toBe(0.5);
    const bad = afterFedAvg(tinyState(), {
      weights: [0, 0, 0, 0],
      n: [4],
      valLoss: [Number.NaN],
      valRows: [2],
      trainLoss: [2],
    });
    expect(bad.loss).toBeNull();
    expect(bad.bestRound).toBe(-1);
    expect(() =>
      afterFedAvg(tinyState(), { weights: [0, 0, 0, 0], n: [0], valLoss: [0], valRows: [0], trainLoss: [0] }),
    ).toThrow(/no training rows/);
  });

  it('standardises from the stats round and starts the output bias at logit(base rate)', () => {
    const x = Float64Array.from([1, 10, 3, Number.NaN, 5, 30, 7, 40]);
    const y = Float64Array.from([0, 1, 0, 0]);
    const state = initialMlpState({ ...defaultMlpConfig, hidden: [2] }, 2);
    const next = afterStats(state, localStats({ x, y, n: 4, d: 2 }));
    expect(next.phase).toBe('fedavg');
    expect(next.means).toStrictEqual([4, 80 / 3]);
    expect(next.stds[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(next.weights.at(-1)).toBe(Math.fround(logit(0.25)));
    expect(next.weights.slice(0, -1)).toStrictEqual(state.weights.slice(0, -1));
  });

  it('draws the same Glorot weights for the same seed, and validates the config', () => {
    const a = initialMlpState(defaultMlpConfig, 23);
    expect(a.weights).toStrictEqual(initialMlpState(defaultMlpConfig, 23).weights);
    expect(a.weights).not.toStrictEqual(initialMlpState({ ...defaultMlpConfig, seed: 2 }, 23).weights);
    expect(a.shapes).toStrictEqual(
      mlpShapes(23, [
        { units: 32, activation: 'relu' },
        { units: 16, activation: 'relu' },
        { units: 1, activation: 'sigmoid' },
      ]),
    );
    const limit = Math.sqrt(6 / (23 + 32));
    expect(a.weights.slice(0, 23 * 32).every((w) => Math.abs(w) <= limit)).toBe(true);
    expect(() => validateMlpConfig({ ...defaultMlpConfig, dropout: 1 })).toThrow(
      /dropout must be in \[0, 1\)/,
    );
    expect(() => validateMlpConfig({ ...defaultMlpConfig, hidden: [0] })).toThrow(/hidden/);
    const withKind = { ...defaultMlpConfig, kind: 'mlp' } as MlpConfig;
    expect(validateMlpConfig(withKind)).toStrictEqual(defaultMlpConfig);
  });
});

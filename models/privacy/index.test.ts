// Tests for the private strategy lookup.
import { describe, expect, it } from 'vitest';
import { logisticRegression } from '../logistic-regression.ts';
import { mlpStrategy } from '../mlp.ts';
import { dpLogistic, dpMlp, dpStrategies, dpStrategyFor } from './index.ts';

describe('dpStrategyFor', () => {
  it('maps each supported kind to its wrapper, which keeps the model kind', () => {
    expect(dpStrategyFor('logistic')).toBe(dpLogistic);
    expect(dpStrategyFor('mlp')).toBe(dpMlp);
    expect(dpLogistic.kind).toBe(logisticRegression.kind);
    expect(dpMlp.kind).toBe(mlpStrategy.kind);
    expect(Object.keys(dpStrategies).sort()).toEqual(['logistic', 'mlp']);
  });

  it('throws naming the supported kinds otherwise, including inherited property names', () => {
    expect(() => dpStrategyFor('scorecard')).toThrow(
      /no differentially private strategy for model kind 'scorecard' \(supported: logistic, mlp\)/,
    );
    expect(() => dpStrategyFor('toString')).toThrow(/supported: logistic, mlp/);
  });
});

// Tests for the strategy registry.
import { describe, expect, it } from 'vitest';
import { logisticRegression } from './logistic-regression.ts';
import { getStrategy, isStrategyKind, strategies } from './registry.ts';

describe('registry', () => {
  it('maps each kind to the strategy declaring it', () => {
    expect(getStrategy('logistic')).toBe(logisticRegression);
    expect(Object.keys(strategies).sort()).toEqual(['gbdt', 'logistic', 'mlp', 'scorecard']);
    for (const [kind, strategy] of Object.entries(strategies)) expect(strategy.kind).toBe(kind);
  });

  it('throws a clear error for unknown kinds, including inherited property names', () => {
    expect(() => getStrategy('xgboost')).toThrow(
      /unknown model kind 'xgboost' \(known: gbdt, logistic, mlp, scorecard\)/,
    );
    expect(() => getStrategy('toString')).toThrow(/unknown model kind/);
    expect(isStrategyKind('constructor')).toBe(false);
  });
});

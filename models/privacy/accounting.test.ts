// Tests for zCDP accounting: (ε, δ) ↔ ρ conversions, the Gaussian noise scale and job budget plans.
import { describe, expect, it } from 'vitest';
import { epsilonFromRho, gaussianSigma, planDpBudget, rhoFromEpsilonDelta } from './accounting.ts';

describe('rhoFromEpsilonDelta / epsilonFromRho', () => {
  it('matches values computed by hand', () => {
    expect(rhoFromEpsilonDelta(1, 1e-5)).toBeCloseTo(0.0208199383395355, 14);
    expect(rhoFromEpsilonDelta(10, 1e-6)).toBeCloseTo(1.3530146901688735, 12);
  });

  it('round-trips ε → ρ → ε over a grid of budgets', () => {
    for (const epsilon of [1e-3, 0.1, 1, 3, 10, 100]) {
      for (const delta of [1e-3, 1e-6, 1e-10]) {
        const rho = rhoFromEpsilonDelta(epsilon, delta);
        expect(Math.abs(epsilonFromRho(rho, delta) - epsilon)).toBeLessThan(1e-12 * epsilon);
      }
    }
  });

  it('returns the largest admissible ρ: a slightly larger one overshoots ε', () => {
    const rho = rhoFromEpsilonDelta(2, 1e-6);
    expect(epsilonFromRho(rho * (1 + 1e-6), 1e-6)).toBeGreaterThan(2);
  });

  it('rejects values outside their domains', () => {
    expect(() => rhoFromEpsilonDelta(0, 1e-6)).toThrow(/epsilon must be a finite number > 0/);
    expect(() => rhoFromEpsilonDelta(1, 1)).toThrow(/delta must be in \(0, 1\)/);
    expect(() => epsilonFromRho(-1, 1e-6)).toThrow(/rho must be a finite number ≥ 0/);
  });
});

describe('gaussianSigma', () => {
  it('is Δ/√(2ρ), so the mechanism is Δ²/(2σ²) = ρ-zCDP', () => {
    expect(gaussianSigma(2, 0.5)).toBe(2);
    const sigma = gaussianSigma(3, 0.07);
    expect(3 ** 2 / (2 * sigma ** 2)).toBeCloseTo(0.07, 14);
  });

  it('rejects a zero ρ and a negative sensitivity', () => {
    expect(() => gaussianSigma(1, 0)).toThrow(/rho must be a finite number > 0/);
    expect(() => gaussianSigma(-1, 1)).toThrow(/sensitivity must be a finite number ≥ 0/);
  });
});

describe('planDpBudget', () => {
  const target = { epsilon: 3, delta: 1e-6 };
  const rho = rhoFromEpsilonDelta(3, 1e-6);

  it('gives a logistic job one weight release of 85% and the evaluation 15%', () => {
    const plan = planDpBudget('logistic', target, 25);
    expect(plan.releases).toBe(1);
    expect(plan.weightsRho).toBeCloseTo(0.85 * rho, 15);
    expect(plan.evaluationRho).toBeCloseTo(0.15 * rho, 15);
    expect(plan.rho).toBe(rho);
  });

  it('divides the MLP weights share evenly over its rounds', () => {
    const plan = planDpBudget('mlp', target, 20);
    expect(plan.releases).toBe(20);
    expect(plan.weightsRho).toBeCloseTo((0.85 * rho) / 20, 15);
    expect(plan.evaluationRho).toBeCloseTo(0.15 * rho, 15);
  });

  it('achieves at most the requested ε (up to rounding) and keeps δ', () => {
    for (const kind of ['logistic', 'mlp'] as const) {
      for (const epsilon of [0.01, 1, 7, 100]) {
        const plan = planDpBudget(kind, { epsilon, delta: 1e-5 }, 37);
        expect(plan.epsilon).toBeLessThanOrEqual(epsilon * (1 + 1e-12));
        expect(plan.epsilon).toBeGreaterThan(epsilon * (1 - 1e-12));
        expect(plan.delta).toBe(1e-5);
      }
    }
  });

  it('rejects budgets outside the platform ranges and bad round counts', () => {
    expect(() => planDpBudget('logistic', { epsilon: 0, delta: 1e-6 }, 1)).toThrow(
      /epsilon must be in \(0, 100\]/,
    );
    expect(() => planDpBudget('logistic', { epsilon: 101, delta: 1e-6 }, 1)).toThrow(/epsilon/);
    expect(() => planDpBudget('logistic', { epsilon: Number.NaN, delta: 1e-6 }, 1)).toThrow(/epsilon/);
    expect(() => planDpBudget('mlp', { epsilon: 1, delta: 0 }, 1)).toThrow(/delta must be in \(0, 0.001\]/);
    expect(() => planDpBudget('mlp', { epsilon: 1, delta: 0.01 }, 1)).toThrow(/delta/);
    expect(() => planDpBudget('mlp', target, 0)).toThrow(/maxRounds must be a positive integer/);
    expect(() => planDpBudget('scorecard' as 'mlp', target, 1)).toThrow(
      /no budget plan for model kind 'scorecard'/,
    );
  });
});

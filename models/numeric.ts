// Numerically stable scalar helpers (sigmoid, softplus, logit) shared by models and evaluation.

/**
 * Logistic function 1 / (1 + e^−t), evaluated so that neither branch can overflow.
 *
 * @example
 * sigmoid(0); // 0.5
 * sigmoid(-800); // ≈ 0, not NaN
 */
export function sigmoid(t: number): number {
  // For very negative t, e^−t overflows to Infinity; rewriting as e^t / (1 + e^t) keeps it finite.
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/**
 * softplus(t) = log(1 + e^t), without overflow for large t or precision loss for very negative t.
 * The logistic negative log-likelihood of a row is softplus(η) − y·η.
 *
 * @example
 * softplus(0); // Math.LN2
 * softplus(1000); // 1000
 */
export function softplus(t: number): number {
  // log(1 + e^t) = t + log(1 + e^−t): the second form is safe once t is positive.
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * Log-odds log(p / (1 − p)); ±Infinity at 0 and 1.
 *
 * @example
 * logit(0.5); // 0
 */
export function logit(p: number): number {
  // log(p) − log1p(−p) keeps precision for p near 1, where 1 − p would cancel.
  return Math.log(p) - Math.log1p(-p);
}

/**
 * The log-odds of a base rate `positives / rows`, the rate kept within [1e-6, 1 − 1e-6]: where the
 * model kinds start their intercept (no rows count as rate 0).
 *
 * @example
 * baseRateLogit(50, 1000); // logit(0.05) ≈ −2.944
 */
export function baseRateLogit(positives: number, rows: number): number {
  return logit(Math.min(Math.max(positives / Math.max(rows, 1), 1e-6), 1 - 1e-6));
}

/**
 * Reads a numeric vector of an exact length from round params or an aggregate, failing loudly
 * with the owning strategy's name (inputs that crossed a process boundary are never trusted).
 *
 * @example
 * checkedVector('logistic', { beta: [0, 1] }, 'beta', 2, 'param'); // [0, 1]
 */
export function checkedVector(
  owner: string,
  source: Record<string, unknown>,
  key: string,
  length: number,
  what: string,
): number[] {
  const v = source[key];
  if (!Array.isArray(v) || v.length !== length || !v.every((e) => typeof e === 'number')) {
    throw new Error(`${owner}: ${what} '${key}' must be ${length} numbers`);
  }
  return v as number[];
}

// A tiny pooled logistic regression (Newton) and AUC, used to check the world's signal strength.

/**
 * Fits logistic regression with an intercept by Newton–Raphson with a small ridge penalty.
 * `x` is row-major n × d, already imputed and standardised. Returns [intercept, ...weights].
 * Plain JS and O(n·d²) per step: fine for the few dozen features a sanity check needs.
 *
 * @example
 * const w = fitLogistic(new Float64Array([0, 1, 2, 3]), new Float64Array([0, 0, 1, 1]), 4, 1);
 */
export function fitLogistic(x: Float64Array, y: Float64Array, n: number, d: number, l2 = 1e-3): Float64Array {
  const p = d + 1;
  const w = new Float64Array(p);
  const row = new Float64Array(p);
  for (let iter = 0; iter < 30; iter++) {
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      for (let j = 0; j < d; j++) row[j + 1] = x[i * d + j]!;
      let z = 0;
      for (let j = 0; j < p; j++) z += w[j]! * row[j]!;
      const mu = 1 / (1 + Math.exp(-z));
      const r = mu - y[i]!;
      const s = mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        grad[a]! += r * row[a]!;
        for (let b = 0; b <= a; b++) hess[a * p + b]! += s * row[a]! * row[b]!;
      }
    }
    // Ridge on the weights only (not the intercept) keeps the Hessian invertible with rare features.
    for (let a = 1; a < p; a++) {
      grad[a]! += l2 * n * w[a]!;
      hess[a * p + a]! += l2 * n;
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hess[b * p + a] = hess[a * p + b]!;
    const step = solve(hess, grad, p);
    let change = 0;
    for (let j = 0; j < p; j++) {
      w[j]! -= step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < 1e-8) break;
  }
  return w;
}

/** Solves A·x = b (A symmetric positive definite, p × p) by Gaussian elimination with pivoting. */
function solve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r * p + c]!) > Math.abs(m[pivot * p + c]!)) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < p; k++) [m[c * p + k], m[pivot * p + k]] = [m[pivot * p + k]!, m[c * p + k]!];
      [x[c], x[pivot]] = [x[pivot]!, x[c]!];
    }
    const diag = m[c * p + c]!;
    for (let r = c + 1; r < p; r++) {
      const f = m[r * p + c]! / diag;
      if (f === 0) continue;
      for (let k = c; k < p; k++) m[r * p + k]! -= f * m[c * p + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = p - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let k = c + 1; k < p; k++) s -= m[c * p + k]! * x[k]!;
    x[c] = s / m[c * p + c]!;
  }
  return x;
}

/**
 * Area under the ROC curve (Mann–Whitney, ties count half).
 *
 * @example
 * auc([0.1, 0.9, 0.4], [0, 1, 0]); // 1
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!] === 1) {
        rankSumPos += midRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

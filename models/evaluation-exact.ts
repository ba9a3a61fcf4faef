// Exact (row-level) AUC and KS, the references the histogram metrics are checked against.

function checkInputs(prob: Float64Array, y: Float64Array, what: string): { pos: number; neg: number } {
  if (prob.length !== y.length) throw new Error(`${what}: ${prob.length} scores for ${y.length} labels`);
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`${what}: label ${y[i]} at row ${i} is not 0 or 1`);
    if (Number.isNaN(prob[i]!)) throw new Error(`${what}: score at row ${i} is NaN`);
    pos += y[i]!;
  }
  const neg = y.length - pos;
  if (pos === 0 || neg === 0)
    throw new Error(`${what}: needs both classes (${pos} positives, ${neg} negatives)`);
  return { pos, neg };
}

/** Row indices ordered by ascending score. */
function ascendingOrder(prob: Float64Array): Uint32Array {
  const order = new Uint32Array(prob.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => prob[a]! - prob[b]!);
}

/**
 * Exact ROC AUC by the rank-sum (Mann–Whitney) formula, tied scores sharing their average rank,
 * i.e. P(score of a positive > score of a negative) + ½ P(tie). Throws unless both classes occur.
 *
 * @example
 * exactAuc(new Float64Array([0.1, 0.4, 0.35, 0.8]), new Float64Array([0, 0, 1, 1])); // 0.75
 */
export function exactAuc(prob: Float64Array, y: Float64Array): number {
  const { pos, neg } = checkInputs(prob, y, 'exactAuc');
  const order = ascendingOrder(prob);
  let rankSumPos = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && prob[order[end]!] === prob[order[start]!]) end++;
    // Ranks are 1-based; the tie group start..end−1 shares the mean of ranks start+1..end.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) rankSumPos += y[order[k]!]! * rank;
    start = end;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Exact Kolmogorov–Smirnov statistic: the largest gap between the score CDFs of negatives and
 * positives over all thresholds (only between distinct scores, so ties are never split).
 *
 * @example
 * exactKs(new Float64Array([0.1, 0.2, 0.8, 0.9]), new Float64Array([0, 0, 1, 1])); // 1
 */
export function exactKs(prob: Float64Array, y: Float64Array): number {
  const { pos, neg } = checkInputs(prob, y, 'exactKs');
  const order = ascendingOrder(prob);
  let cumPos = 0;
  let cumNeg = 0;
  let ks = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    const score = prob[order[start]!];
    while (end < order.length && prob[order[end]!] === score) {
      const label = y[order[end]!]!;
      cumPos += label;
      cumNeg += 1 - label;
      end++;
    }
    ks = Math.max(ks, Math.abs(cumNeg / neg - cumPos / pos));
    start = end;
  }
  return ks;
}

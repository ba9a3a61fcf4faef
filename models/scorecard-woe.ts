// Weights of evidence and information value of binned counts, and feature selection by IV.
// Thomas, Edelman & Crook, "Credit Scoring and Its Applications" (2002), §8.7; Siddiqi (2006), ch. 6.

/**
 * Added to every bin's good and bad count before WoE is taken (Laplace smoothing), so a bin without
 * one class gets a large but finite WoE. Final bins normally hold both classes, so it only moves
 * WoE by O(0.5 / count); the smoothed distributions still sum to 1, which keeps IV ≥ 0.
 *
 * @example
 * Math.log(((0 + WOE_SMOOTHING) / 100) / ((5 + WOE_SMOOTHING) / 20)); // finite despite 0 goods
 */
export const WOE_SMOOTHING = 0.5;

const S = WOE_SMOOTHING;

/**
 * Smoothed WoE per bin and the feature's IV = Σ (%good − %bad) · WoE.
 *
 * @example
 * woeAndIv([{ good: 90, bad: 10 }, { good: 60, bad: 40 }]); // { woe: [1.07…, -0.68…], iv: 0.69… }
 */
export function woeAndIv(bins: readonly { good: number; bad: number }[]): { woe: number[]; iv: number } {
  const k = bins.length;
  const goods = bins.reduce((s, b) => s + b.good, 0) + k * S;
  const bads = bins.reduce((s, b) => s + b.bad, 0) + k * S;
  let iv = 0;
  const woe = bins.map((b) => {
    const pg = (b.good + S) / goods;
    const pb = (b.bad + S) / bads;
    const w = Math.log(pg / pb);
    iv += (pg - pb) * w;
    return w;
  });
  return { woe, iv };
}

/**
 * Input features to keep: IV ≥ `minIv`, ascending; when none qualifies, the single highest-IV
 * feature (lowest index on ties), since a scorecard needs at least one characteristic.
 *
 * @example
 * selectFeatures([{ iv: 0.3 }, { iv: 0.001 }, { iv: 0.05 }], 0.02); // [0, 2]
 */
export function selectFeatures(binned: readonly { iv: number }[], minIv: number): number[] {
  const kept = binned.flatMap((f, j) => (f.iv >= minIv ? [j] : []));
  if (kept.length > 0 || binned.length === 0) return kept;
  let best = 0;
  binned.forEach((f, j) => {
    if (f.iv > binned[best]!.iv) best = j;
  });
  return [best];
}

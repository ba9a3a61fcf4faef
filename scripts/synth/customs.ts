// Customs records of a synthetic firm: whether it trades across the border, how much, and its grade.
import { type Rng, sigmoid } from './prng.ts';
import type { Industry } from './provinces.ts';

/**
 * A trader's customs record. Only firms that import or export have one.
 *
 * @example
 * const rec: CustomsRecord = { importExportValue: 850.2, grade: 'B', declarations12m: 31 };
 */
export interface CustomsRecord {
  /** Declared import + export value over 12 months, 10k CNY; heavy-tailed. */
  importExportValue: number;
  /** China Customs enterprise credit grade: AA/A certified, B general, C dishonest. */
  grade: 'AA' | 'A' | 'B' | 'C';
  declarations12m: number;
}

// Logit offsets of being a trader: factories and wholesalers trade; restaurants and builders rarely do.
const TRADE_PROPENSITY: Record<Industry, number> = {
  manufacturing: 0.5,
  wholesale_retail: 0.2,
  construction: -2.6,
  it_services: -1.3,
  logistics: 0.0,
  catering: -3.5,
  real_estate: -4.0,
  agriculture: -0.9,
};

function grade(rng: Rng, size: number, distress: number): CustomsRecord['grade'] {
  const g = -distress + 0.35 * size + rng.normal(0, 0.7);
  if (g > 2.5) return 'AA';
  if (g > 1.4) return 'A';
  if (g > -1.8) return 'B';
  return 'C';
}

/**
 * Draws the firm's customs record, or `null` when it does not trade (most firms: about a quarter of
 * the firms of a coastal province trade, manufacturers and wholesalers far more often). A distressed
 * trader files fewer declarations for its volume, and some have gone dormant (none in 12 months).
 *
 * @example
 * const rec = drawCustoms(rng, 'manufacturing', 0.3, -0.2); // CustomsRecord | null
 */
export function drawCustoms(
  rng: Rng,
  industry: Industry,
  size: number,
  distress: number,
): CustomsRecord | null {
  if (!rng.chance(sigmoid(-1.1 + TRADE_PROPENSITY[industry] + 0.45 * size))) return null;
  const importExportValue = rng.logNormal(4.2 + 1.1 * size - 0.25 * distress, 1.5);
  const dormant = rng.chance(sigmoid(-3.2 + 0.9 * distress));
  const declarations12m = dormant
    ? 0
    : rng.overdispersed(Math.exp(0.8 + 0.5 * Math.log1p(importExportValue) - 0.25 * distress), 0.5);
  return { importExportValue, grade: grade(rng, size, distress), declarations12m };
}

// Qualifications and intellectual property of a synthetic firm: high-tech status, licences, patents.
import { type Rng, sigmoid } from './prng.ts';
import type { Industry } from './provinces.ts';

/**
 * The firm's qualifications record.
 *
 * @example
 * const q: Qualifications = { highTechCertified: true, licencesHeld: 2, patentsGranted: 14 };
 */
export interface Qualifications {
  highTechCertified: boolean;
  licencesHeld: number;
  patentsGranted: number;
}

// Per-industry logit offsets of high-tech certification and log-mean offsets of licences held
// (builders, restaurants and developers need many permits; software houses few).
const HIGH_TECH: Record<Industry, number> = {
  manufacturing: -0.2,
  wholesale_retail: -2.8,
  construction: -2.4,
  it_services: 0.6,
  logistics: -2.6,
  catering: -4.5,
  real_estate: -4.0,
  agriculture: -1.8,
};
const LICENCES: Record<Industry, number> = {
  manufacturing: 0.3,
  wholesale_retail: 0.0,
  construction: 0.9,
  it_services: -0.5,
  logistics: 0.4,
  catering: 0.7,
  real_estate: 0.8,
  agriculture: 0.2,
};

/**
 * Draws qualifications: certification favours bigger, healthier firms in tech-heavy industries
 * (about 10% overall); certified firms hold many patents, others rarely any.
 *
 * @example
 * const q = drawQualifications(rng, 'it_services', 0.5, -1);
 */
export function drawQualifications(
  rng: Rng,
  industry: Industry,
  size: number,
  distress: number,
): Qualifications {
  const highTechCertified = rng.chance(sigmoid(-1.9 + HIGH_TECH[industry] + 0.6 * size - 0.35 * distress));
  const licencesHeld = rng.poisson(Math.exp(0.3 + LICENCES[industry] + 0.2 * size));
  const patentsGranted = highTechCertified
    ? 1 + rng.overdispersed(Math.exp(1.6 + 0.5 * size), 0.9)
    : rng.chance(sigmoid(-2.6 + 0.4 * size + 0.4 * HIGH_TECH[industry]))
      ? 1 + rng.poisson(Math.exp(0.2 + 0.3 * size))
      : 0;
  return { highTechCertified, licencesHeld, patentsGranted };
}

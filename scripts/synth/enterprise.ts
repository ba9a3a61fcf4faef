// One synthetic enterprise: latent size and distress, and the true platform values derived from them.
import { generateUscc } from '../../client-sdk/contract/uscc.ts';
import { type CustomsRecord, drawCustoms } from './customs.ts';
import { COASTAL_DOMAINS } from './datasets.ts';
import { type Rng, sigmoid } from './prng.ts';
import { INDUSTRIES, INDUSTRY_EFFECTS, type Industry, type ProvinceProfile } from './provinces.ts';
import { drawQualifications, type Qualifications } from './qualifications.ts';

/**
 * An enterprise's ground truth, before any cell goes missing. `size` and `distress` are latent
 * (never written); everything else is a platform column.
 *
 * @example
 * const firm = drawEnterprise(rng, PROVINCES[0]!, new Set());
 */
export interface Firm {
  id: string;
  division: string;
  /** Latent log-scale firm size, ~N(province shift, 1). */
  size: number;
  /** Latent financial distress, ~N(0, 1); higher is worse. Drives most risk signals. */
  distress: number;
  industry: Industry;
  ageYears: number;
  registeredCapital: number;
  employeesDeclared: number;
  taxGrade: 'A' | 'B' | 'M' | 'C' | 'D';
  annualTaxPaid: number;
  taxArrearsCount: number;
  vatInvoiceGrowth: number;
  insuredEmployees: number;
  monthsInArrears: number;
  latePayments12m: number;
  electricityGrowth: number;
  lawsuitsAsDefendant: number;
  enforcementCases: number;
  adminPenalties3y: number;
  /** The customs record; only traders registered in a coastal (customs-holding) province have one. */
  customs: CustomsRecord | null;
  qualifications: Qualifications;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

function uniqueId(rng: Rng, division: string, seen: Set<string>): string {
  for (;;) {
    const id = generateUscc(rng.uniform, division);
    if (!seen.has(id)) {
      seen.add(id);
      return id;
    }
  }
}

function taxGrade(
  rng: Rng,
  age: number,
  employees: number,
  size: number,
  distress: number,
): Firm['taxGrade'] {
  // Grade M is for new or very small taxpayers, whatever their health.
  if (age < 1 || (employees < 5 && rng.chance(0.4))) return 'M';
  const g = -distress + 0.3 * size + rng.normal(0, 0.6);
  if (g > 0.8) return 'A';
  if (g > -0.6) return 'B';
  if (g > -1.5) return 'C';
  return 'D';
}

/**
 * Draws one enterprise registered in the province. The draw order is fixed, so a seed fixes the firm.
 *
 * @example
 * const firm = drawEnterprise(new Rng(7), PROVINCES[2]!, seen); // firm.division e.g. '440300'
 */
export function drawEnterprise(rng: Rng, province: ProvinceProfile, seen: Set<string>): Firm {
  const division = province.divisions[rng.weighted(province.divisions.map((d) => d[1]))]![0];
  const id = uniqueId(rng, division, seen);
  const industry = INDUSTRIES[rng.weighted(province.industryMix)]!;
  const fx = INDUSTRY_EFFECTS[industry];
  const size = rng.normal(province.size, 1);
  const distress = rng.normal(0, 1);

  // Older firms are bigger and a little healthier; survivorship, roughly.
  const ageYears = clamp(rng.logNormal(1.75 + 0.2 * size - 0.15 * distress, 0.75), 0.1, 45);
  const registeredCapital = rng.logNormal(5 + 1.0 * size + fx.capital, 1.0);
  const employeesDeclared = Math.max(1, Math.round(rng.logNormal(2.3 + 0.9 * size, 0.6)));

  const annualTaxPaid = rng.logNormal(2.4 + 1.1 * size - 0.35 * distress, 0.8);
  const taxArrearsCount = rng.overdispersed(Math.exp(-2.0 + 0.85 * distress), 0.6);
  const vatInvoiceGrowth = clamp(rng.normal(0.08 - 0.1 * distress, 0.22), -0.95, 3);

  // Under-insuring staff is a common corner to cut when cash is short.
  const insuredShare = sigmoid(1.6 - 0.5 * distress + rng.normal(0, 0.7));
  const insuredEmployees = Math.round(employeesDeclared * insuredShare);
  const monthsInArrears = rng.chance(sigmoid(-2.3 + 0.9 * distress))
    ? Math.min(24, 1 + rng.poisson(Math.exp(0.6 + 0.3 * distress)))
    : 0;

  // At most 36: three utilities billed monthly.
  const latePayments12m = Math.min(36, rng.overdispersed(Math.exp(-1.3 + 0.6 * distress), 0.5));
  const electricityGrowth = clamp(rng.normal(0.04 - 0.08 * distress + 0.02 * fx.capital, 0.2), -0.95, 3);

  // Judicial records are zero-inflated: most firms have none; big firms get sued more, healthy or not.
  const lawsuitsAsDefendant = rng.chance(sigmoid(-1.9 + 0.6 * distress + 0.35 * size))
    ? 1 + rng.overdispersed(Math.exp(0.1 + 0.35 * distress + 0.25 * size), 0.8)
    : 0;
  const enforcementCases = rng.chance(sigmoid(-3.4 + 1.0 * distress))
    ? 1 + rng.poisson(Math.exp(-0.2 + 0.3 * distress))
    : 0;
  const adminPenalties3y = rng.chance(sigmoid(-2.6 + 0.35 * distress + fx.penalty))
    ? 1 + rng.poisson(0.6)
    : 0;
  const customs = COASTAL_DOMAINS.includes(province.id) ? drawCustoms(rng, industry, size, distress) : null;
  const qualifications = drawQualifications(rng, industry, size, distress);

  return {
    id,
    division,
    size,
    distress,
    industry,
    ageYears,
    registeredCapital,
    employeesDeclared,
    taxGrade: taxGrade(rng, ageYears, employeesDeclared, size, distress),
    annualTaxPaid,
    taxArrearsCount,
    vatInvoiceGrowth,
    insuredEmployees,
    monthsInArrears,
    latePayments12m,
    electricityGrowth,
    lawsuitsAsDefendant,
    enforcementCases,
    adminPenalties3y,
    customs,
    qualifications,
  };
}

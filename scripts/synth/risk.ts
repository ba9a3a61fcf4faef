// The latent default process: a non-linear risk score over platform values, plus province and noise.
import type { Firm } from './enterprise.ts';
import { INDUSTRY_EFFECTS, type ProvinceProfile } from './provinces.ts';

// Calibrated (see signal.test.ts) for a ~6% default rate in the loan book and a plain platform-feature
// logistic regression near AUC 0.81 (population level, every platform feature, mean-imputed where a
// domain lacks the dataset; 3 domains, 300k firms): INTERCEPT sets the rate, SIGNAL_SCALE the
// spread of platform risk against the logistic and unobserved noise, hence the AUC.
const INTERCEPT = -4.1;
const SIGNAL_SCALE = 1.17;
const GRADE_EFFECT: Record<Firm['taxGrade'], number> = { A: -0.45, B: 0, M: 0.2, C: 0.45, D: 0.85 };
const CUSTOMS_EFFECT: Record<NonNullable<Firm['customs']>['grade'], number> = {
  AA: -0.6,
  A: -0.3,
  B: 0,
  C: 0.9,
};

/**
 * The part of the default logit the platform data can explain. Deliberately not linear in the raw
 * columns: amounts enter on a log scale, age and arrears through thresholds, and two interactions
 * (court enforcement on top of tax arrears; young and thinly capitalised) add extra risk. Customs
 * grade and high-tech certification are protective. Every term counts whether or not the firm's
 * domain shares the dataset (Beijing's firms still pay their utility bills late), so withheld data
 * costs a model signal.
 *
 * @example
 * platformRisk(firm, PROVINCES[0]!); // e.g. -3.1
 */
export function platformRisk(firm: Firm, province: ProvinceProfile): number {
  const logTax = Math.log1p(firm.annualTaxPaid);
  const logCapital = Math.log1p(firm.registeredCapital);
  const insuredShare = firm.insuredEmployees / firm.employeesDeclared;
  let z = province.risk + INDUSTRY_EFFECTS[firm.industry].risk + GRADE_EFFECT[firm.taxGrade];
  z += firm.ageYears < 2 ? 0.7 : firm.ageYears < 5 ? 0.3 : 0;
  z -= 0.3 * (logTax - 2.5);
  z += 0.55 * Math.log1p(firm.taxArrearsCount);
  z -= 1.6 * Math.max(-0.6, Math.min(0.6, firm.vatInvoiceGrowth));
  z -= 0.8 * (insuredShare - 0.8);
  z += 0.2 * Math.min(firm.monthsInArrears, 8);
  z += 0.4 * Math.log1p(firm.latePayments12m);
  z -= 1.1 * Math.max(-0.6, Math.min(0.6, firm.electricityGrowth));
  z += 0.3 * Math.log1p(firm.lawsuitsAsDefendant);
  z += firm.enforcementCases > 0 ? 0.8 : 0;
  z += 0.15 * Math.min(firm.adminPenalties3y, 4);
  if (firm.enforcementCases > 0 && firm.taxArrearsCount > 0) z += 0.6;
  if (firm.ageYears < 3) z += 0.25 * Math.max(0, 4.5 - logCapital);
  // Customs only matters where it exists (traders in coastal provinces): a good grade protects, a
  // dormant customs registration (no declarations in 12 months) signals a business in trouble.
  if (firm.customs) {
    z += CUSTOMS_EFFECT[firm.customs.grade];
    if (firm.customs.declarations12m === 0) z += 0.5;
  }
  if (firm.qualifications.highTechCertified) z -= 0.4;
  z -= 0.1 * Math.log1p(firm.qualifications.patentsGranted);
  return INTERCEPT + SIGNAL_SCALE * z;
}

/** Spread of the unobserved shock (management quality, a lost customer…) no one's data sees. */
export const UNOBSERVED_SD = 0.55;

/**
 * The full default logit for a loan: platform risk, bank-side loan terms and the unobserved shock.
 *
 * @example
 * const shock = rng.normal(0, UNOBSERVED_SD);
 * const p = sigmoid(defaultLogit(platformZ, { collateral: 1, termMonths: 12 }, shock));
 */
export function defaultLogit(
  platformZ: number,
  loan: { collateral: number; termMonths: number },
  shock: number,
): number {
  // Collateral makes borrowers careful; long terms leave more time for things to go wrong.
  return platformZ - 0.35 * loan.collateral + (loan.termMonths > 24 ? 0.15 : 0) + shock;
}

// The bank's side of the world: who borrows, on what terms, who defaults, and the data authorisations.
import type { Firm } from './enterprise.ts';
import { type Rng, sigmoid } from './prng.ts';
import { defaultLogit, UNOBSERVED_SD } from './risk.ts';

/** The one bank in the synthetic world. */
export const BANK_ID = 'bank-a';

/** Header of `banks/<bank>/labels.csv`. */
export const LABELS_HEADER =
  'entity,label,loan_amount,term_months,collateral,internal_rating,relationship_years';
/** Header of `banks/<bank>/authorizations.csv`. */
export const AUTHORIZATIONS_HEADER = 'entity,bank,purposes,granted_at,expires_at,evidence';

const TERMS = [6, 12, 24, 36, 60] as const;
const TERM_WEIGHTS = [0.1, 0.45, 0.25, 0.15, 0.05] as const;
const EXPIRIES = ['2027-12-31', '2028-06-30', '2028-12-31', '2029-12-31'] as const;
// Centre and spread of platform risk, so the rating scale lands on 1–10 without a second pass.
const RISK_CENTRE = -3.8;
const RISK_SPREAD = 1.7;

/**
 * One loan-book entry: the label row and the authorisation row, both CSV lines without newline.
 *
 * @example
 * const loan = drawLoan(rng, firm, platformZ, 17); // null when the firm is not a customer
 */
export interface Loan {
  label: 0 | 1;
  labelLine: string;
  authorizationLine: string;
}

function isoDate(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
}

/**
 * Decides whether the firm borrows from the bank (~70% do; bigger, healthier firms more often) and,
 * if so, draws its loan terms, internal rating, 12-month default outcome and authorisation.
 * `seq` numbers the evidence reference.
 *
 * @example
 * const loan = drawLoan(rng, firm, platformRisk(firm, province), 1);
 */
export function drawLoan(rng: Rng, firm: Firm, platformZ: number, seq: number): Loan | null {
  if (!rng.chance(sigmoid(0.95 + 0.3 * firm.size - 0.15 * firm.distress))) return null;

  const loanAmount = rng.logNormal(3.2 + 0.8 * firm.size, 0.7);
  const termMonths = TERMS[rng.weighted(TERM_WEIGHTS)]!;
  const collateral = rng.chance(sigmoid(-0.3 + 0.6 * firm.size)) ? 1 : 0;
  const relationshipYears = Math.min(firm.ageYears, rng.logNormal(0.9, 0.8));
  const shock = rng.normal(0, UNOBSERVED_SD);
  const label = rng.chance(sigmoid(defaultLogit(platformZ, { collateral, termMonths }, shock))) ? 1 : 0;

  // The bank's rating sees a blurred version of the risk, including a little of the shock
  // (relationship managers hear things), so it helps alongside platform data but is weak alone.
  const view =
    (0.33 * (platformZ - RISK_CENTRE)) / RISK_SPREAD + (0.2 * shock) / UNOBSERVED_SD + rng.normal(0, 1);
  const rating = Math.min(10, Math.max(1, Math.round(5 + 1.6 * view)));

  const labelLine = [
    firm.id,
    label,
    loanAmount.toFixed(1),
    termMonths,
    collateral,
    rating,
    relationshipYears.toFixed(1),
  ].join(',');

  const expired = rng.chance(0.02);
  const grantedAt = expired
    ? isoDate(2025, Math.floor(rng.next() * 300))
    : isoDate(2026, Math.floor(rng.next() * 300));
  const expiresAt = expired ? isoDate(2026, Math.floor(rng.next() * 150)) : rng.pick(EXPIRIES);
  const evidence = `esign:${BANK_ID}/${grantedAt.slice(0, 4)}/${String(seq).padStart(7, '0')}`;
  const authorizationLine = [firm.id, BANK_ID, 'modelling;scoring', grantedAt, expiresAt, evidence].join(',');

  return { label, labelLine, authorizationLine };
}

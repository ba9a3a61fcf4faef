// A firm's true values formatted as CSV cells, per dataset, in the dataset's column order.
import type { Firm } from './enterprise.ts';

/** The date the synthetic department extracts are taken (ages and 12-month windows end here). */
export const AS_OF = '2026-10-31';

const DAY_MS = 86_400_000;
const AS_OF_DAY = Date.parse(`${AS_OF}T00:00:00Z`) / DAY_MS;
const YEAR_DAYS = 365.25;

/** Days since 1970-01-01 → `YYYY-MM-DD` by integer arithmetic (Hinnant's civil_from_days; no Date). */
function isoDay(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * The registration date of a firm `ageYears` old on `AS_OF`, as `YYYY-MM-DD`.
 *
 * @example
 * establishedOn(1); // '2025-10-31'
 */
export function establishedOn(ageYears: number): string {
  return isoDay(AS_OF_DAY - Math.round(ageYears * YEAR_DAYS));
}

/**
 * Age in years on `AS_OF` of a firm registered on `date` (`YYYY-MM-DD`); the inverse of `establishedOn`.
 *
 * @example
 * ageOn('2025-10-31'); // 0.9993 (365 days)
 */
export function ageOn(date: string): number {
  return (AS_OF_DAY - Date.parse(`${date}T00:00:00Z`) / DAY_MS) / YEAR_DAYS;
}

/**
 * The firm's cells for a dataset, formatted, in the dataset's column order (see `datasets.ts`), or
 * `null` when the department has nothing on the firm by nature (customs for a firm that never trades).
 *
 * @example
 * datasetCells(firm, 'penalties'); // ['0']
 */
export function datasetCells(firm: Firm, dataset: string): string[] | null {
  switch (dataset) {
    case 'registration':
      return [
        firm.ageYears.toFixed(1),
        firm.registeredCapital.toFixed(1),
        firm.industry,
        String(firm.employeesDeclared),
        establishedOn(firm.ageYears),
      ];
    case 'tax':
      return [
        firm.taxGrade,
        firm.annualTaxPaid.toFixed(2),
        String(firm.taxArrearsCount),
        firm.vatInvoiceGrowth.toFixed(3),
      ];
    case 'social_insurance':
      return [String(firm.insuredEmployees), String(firm.monthsInArrears)];
    case 'utilities':
      return [String(firm.latePayments12m), firm.electricityGrowth.toFixed(3)];
    case 'judicial':
      return [String(firm.lawsuitsAsDefendant), String(firm.enforcementCases)];
    case 'penalties':
      return [String(firm.adminPenalties3y)];
    case 'customs': {
      const c = firm.customs;
      return c ? [c.importExportValue.toFixed(1), c.grade, String(c.declarations12m)] : null;
    }
    case 'qualifications': {
      const q = firm.qualifications;
      return [String(q.highTechCertified), String(q.licencesHeld), String(q.patentsGranted)];
    }
    default:
      throw new Error(`unknown dataset ${dataset}`);
  }
}

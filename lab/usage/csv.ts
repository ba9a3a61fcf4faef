// Usage reports as CSV (RFC 4180): one table of jobs, one of scores served, for spreadsheets and ledgers.
import type { UsageReport } from '../../client-sdk/contract/usage.ts';

/**
 * One RFC 4180 field: quoted when it holds a comma, quote or line break. Text that a spreadsheet
 * would run as a formula (a bank names its jobs; a data provider opens the file) gets a leading `'`.
 */
function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function table<R>(rows: readonly R[], columns: readonly (keyof R & string)[]): string {
  const lines = [
    columns.join(','),
    ...rows.map((r) => columns.map((c) => cell(r[c] as string | number | null)).join(',')),
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}

const JOB_COLUMNS = [
  'jobId',
  'bank',
  'name',
  'status',
  'submittedAt',
  'modelId',
  'rowsContributed',
  'auc',
  'bankOnlyAuc',
  'aucLift',
] as const;

/**
 * The report's jobs, one line each (header first, CRLF line ends, empty = null, full-precision numbers).
 *
 * @example
 * usageJobsCsv(report).split('\r\n')[0]; // 'jobId,bank,name,status,submittedAt,modelId,rowsContributed,auc,bankOnlyAuc,aucLift'
 */
export const usageJobsCsv = (report: UsageReport) => table(report.jobs, JOB_COLUMNS);

/**
 * The report's scores served, one line per (day, bank, model).
 *
 * @example
 * usageScoresCsv(report).split('\r\n')[0]; // 'day,bank,modelId,count'
 */
export const usageScoresCsv = (report: UsageReport) =>
  table(report.scores, ['day', 'bank', 'modelId', 'count']);

// The points table of a scorecard as JSON-ready rows and as CSV, one row per bin.

import type { ScorecardModel } from './scorecard-model.ts';

/**
 * One bin of the points table. `missing` is true when missing values score this bin (its own
 * missing bin, or the range bin they were folded into); `lower`/`upper` are null when unbounded.
 *
 * @example
 * const row: PointsTableRow = { feature: 'age', bin: '[25, 40)', lower: 25, upper: 40, missing: false, good: 3100, bad: 210, woe: 0.12, points: 61.3 };
 */
export interface PointsTableRow {
  feature: string;
  bin: string;
  lower: number | null;
  upper: number | null;
  missing: boolean;
  good: number;
  bad: number;
  woe: number;
  points: number;
}

/**
 * The whole points table: scaling, the regression and, per kept feature, IV, coefficient and bins.
 *
 * @example
 * const t: PointsTable = pointsTableJson(model, names); JSON.stringify(t);
 */
export interface PointsTable {
  pdo: number;
  baseScore: number;
  baseOdds: number;
  factor: number;
  offset: number;
  intercept: number;
  features: { name: string; iv: number; coefficient: number; bins: PointsTableRow[] }[];
}

/** A readable bin label: `< u`, `[l, u)`, `>= l`, `any` or `missing`, plus ` or missing`. */
function binLabel(
  lower: number | null,
  upper: number | null,
  dedicated: boolean,
  takesMissing: boolean,
): string {
  if (dedicated) return 'missing';
  const range =
    lower === null && upper === null
      ? 'any'
      : lower === null
        ? `< ${upper}`
        : upper === null
          ? `>= ${lower}`
          : `[${lower}, ${upper})`;
  return takesMissing ? `${range} or missing` : range;
}

/**
 * The points table as a JSON-serialisable object (lossless numbers); `featureNames` names the
 * model's input columns.
 *
 * @example
 * pointsTableJson(model, ['income', 'utilisation', 'age']).features[0].bins[0].points;
 */
export function pointsTableJson(model: ScorecardModel, featureNames: readonly string[]): PointsTable {
  if (featureNames.length !== model.featureCount) {
    throw new Error(`pointsTable: ${featureNames.length} feature names for ${model.featureCount} features`);
  }
  const { pdo, baseScore, baseOdds, factor, offset } = model.scaling;
  return {
    pdo,
    baseScore,
    baseOdds,
    factor,
    offset,
    intercept: model.intercept,
    features: model.characteristics.map((c) => {
      const name = featureNames[c.feature]!;
      const bins = c.bins.map((b, i) => ({
        feature: name,
        bin: binLabel(b.lower, b.upper, b.missing === true, i === c.missingBin),
        lower: b.lower,
        upper: b.upper,
        missing: i === c.missingBin,
        good: b.good,
        bad: b.bad,
        woe: b.woe,
        points: b.points,
      }));
      return { name, iv: c.iv, coefficient: c.coefficient, bins };
    }),
  };
}

/** RFC 4180 quoting for fields holding a comma, quote or line break. */
function csvField(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The points table as CSV (header + one line per bin, full-precision numbers, empty = unbounded).
 *
 * @example
 * pointsTableCsv(model, names).split('\n')[0]; // 'feature,bin,lower,upper,missing,good,bad,woe,points'
 */
export function pointsTableCsv(model: ScorecardModel, featureNames: readonly string[]): string {
  const columns = ['feature', 'bin', 'lower', 'upper', 'missing', 'good', 'bad', 'woe', 'points'] as const;
  const lines = [columns.join(',')];
  for (const f of pointsTableJson(model, featureNames).features) {
    for (const row of f.bins) lines.push(columns.map((c) => csvField(row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

// Decile (lift) and calibration tables read off class-conditional score histograms.

/**
 * Totals of one equal-mass slice of the score distribution.
 *
 * @example
 * const slice: MassSlice = { rows: 500, positives: 31, predicted: 29.4 };
 */
export interface MassSlice {
  rows: number;
  positives: number;
  /** Σ predicted probability in the slice (0 when the histogram has no `psum`). */
  predicted: number;
}

/**
 * Cuts the histogram mass into `groups` slices of equal row count, walking bins from the top
 * (highest score) when `fromTop`. A bin straddling a boundary is shared proportionally, so slice
 * counts can be fractional: the tables are exact up to the bin granularity only.
 *
 * @example
 * massSlices([1, 0], [0, 1], null, 2, true); // [{ rows: 1, positives: 0, … }, { rows: 1, positives: 1, … }]
 */
export function massSlices(
  pos: readonly number[],
  neg: readonly number[],
  psum: readonly number[] | null,
  groups: number,
  fromTop: boolean,
): MassSlice[] {
  const bins = pos.length;
  const total = pos.reduce((a, b) => a + b, 0) + neg.reduce((a, b) => a + b, 0);
  const slices: MassSlice[] = Array.from({ length: groups }, () => ({ rows: 0, positives: 0, predicted: 0 }));
  const target = total / groups;
  let g = 0;
  let room = target;
  for (let k = 0; k < bins; k++) {
    const b = fromTop ? bins - 1 - k : k;
    const mass = pos[b]! + neg[b]!;
    if (mass <= 0) continue;
    let left = 1;
    while (left > 0) {
      const last = g === groups - 1;
      // The last slice absorbs whatever rounding leaves over.
      const share = last ? left : Math.min(left, room / mass);
      const slice = slices[g]!;
      slice.rows += share * mass;
      slice.positives += share * pos[b]!;
      slice.predicted += share * (psum ? psum[b]! : 0);
      room -= share * mass;
      left = share === left ? 0 : left - share;
      if (!last && room <= target * 1e-12) {
        g++;
        room = target;
      }
    }
  }
  return slices;
}

/**
 * One risk decile, decile 1 being the highest-scored 10% of rows.
 *
 * @example
 * const top: DecileRow = { decile: 1, rows: 500, positives: 120, rate: 0.24, cumulativeCaptureRate: 0.4, lift: 4 };
 */
export interface DecileRow {
  decile: number;
  rows: number;
  positives: number;
  /** Positive rate within the decile. */
  rate: number;
  /** Share of all positives captured by deciles 1..this one. */
  cumulativeCaptureRate: number;
  /** rate / overall positive rate. */
  lift: number;
}

/**
 * Reliability table: equal-mass slices by increasing predicted probability, bin 1 the lowest.
 *
 * @example
 * const row: CalibrationRow = { bin: 10, rows: 500, meanPredicted: 0.21, observedRate: 0.2 };
 */
export interface CalibrationRow {
  bin: number;
  rows: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Lift table from histograms (see `massSlices` for the granularity caveat).
 *
 * @example
 * decileTable(pos, neg)[0].lift; // lift of the riskiest decile
 */
export function decileTable(pos: readonly number[], neg: readonly number[]): DecileRow[] {
  const slices = massSlices(pos, neg, null, 10, true);
  const rows = slices.reduce((a, s) => a + s.rows, 0);
  const positives = slices.reduce((a, s) => a + s.positives, 0);
  const baseRate = positives / rows;
  let captured = 0;
  return slices.map((s, i) => {
    captured += s.positives;
    const rate = s.rows > 0 ? s.positives / s.rows : 0;
    return {
      decile: i + 1,
      rows: s.rows,
      positives: s.positives,
      rate,
      cumulativeCaptureRate: positives > 0 ? captured / positives : 0,
      lift: baseRate > 0 ? rate / baseRate : 0,
    };
  });
}

/**
 * Calibration table from histograms plus per-bin Σp (`psum`).
 *
 * @example
 * calibrationTable(pos, neg, psum).map((r) => r.meanPredicted - r.observedRate);
 */
export function calibrationTable(
  pos: readonly number[],
  neg: readonly number[],
  psum: readonly number[],
): CalibrationRow[] {
  return massSlices(pos, neg, psum, 10, false).map((s, i) => ({
    bin: i + 1,
    rows: s.rows,
    meanPredicted: s.rows > 0 ? s.predicted / s.rows : 0,
    observedRate: s.rows > 0 ? s.positives / s.rows : 0,
  }));
}

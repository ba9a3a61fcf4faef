// The model page's curves against the metrics they illustrate, and the SVG they render to.
import { describe, expect, it } from 'vitest';
import { exactAuc } from '../../../models/evaluation.ts';
import { calibrationPoints, classShares, ksCurves, rocPoints, trapezoidArea } from './curves.ts';
import { simulatedEvaluation } from './evaluation-fixture.ts';
import { modelCharts } from './model-charts.ts';
import { lineChart, niceMax } from './svg.ts';

const { prob, y, evaluation } = simulatedEvaluation(8000, 5);

describe('curves from a stored evaluation', () => {
  it('ROC runs from (0, 0) to (1, 1), rises monotonically, and its area is just under the AUC', () => {
    const roc = rocPoints(evaluation.deciles);
    expect(roc).toHaveLength(11);
    expect(roc[0]).toEqual({ x: 0, y: 0 });
    expect(roc.at(-1)!.x).toBeCloseTo(1, 12);
    expect(roc.at(-1)!.y).toBeCloseTo(1, 12);
    for (let i = 1; i < roc.length; i++) {
      expect(roc[i]!.x).toBeGreaterThanOrEqual(roc[i - 1]!.x);
      expect(roc[i]!.y).toBeGreaterThanOrEqual(roc[i - 1]!.y);
    }
    const area = trapezoidArea(roc);
    expect(area).toBeLessThanOrEqual(exactAuc(prob, y) + 1e-3);
    expect(exactAuc(prob, y) - area).toBeLessThan(0.02);
  });

  it("KS's widest decile gap is at most the model's KS and close to it", () => {
    const { bad, good, widest } = ksCurves(evaluation.deciles);
    expect(bad).toHaveLength(11);
    expect(good).toHaveLength(11);
    expect(widest.gap).toBeLessThanOrEqual(evaluation.ks + 1e-9);
    expect(evaluation.ks - widest.gap).toBeLessThan(0.06);
    expect(widest.gap).toBeCloseTo(widest.bad - widest.good, 12);
  });

  it('class shares sum to one per class, bads concentrated in the riskiest deciles', () => {
    const shares = classShares(evaluation.deciles);
    expect(shares.map((s) => s.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(shares.reduce((s, d) => s + d.bad, 0)).toBeCloseTo(1, 9);
    expect(shares.reduce((s, d) => s + d.good, 0)).toBeCloseTo(1, 9);
    expect(shares[0]!.bad).toBeGreaterThan(shares[0]!.good);
    expect(shares[9]!.bad).toBeLessThan(shares[9]!.good);
  });

  it('calibration points lie near the diagonal for calibrated scores', () => {
    const points = calibrationPoints(evaluation.calibration);
    expect(points).toHaveLength(10);
    for (const p of points) expect(Math.abs(p.x - p.y)).toBeLessThan(0.05);
  });

  it('reads noisy or empty tables without NaN', () => {
    const noisy = [
      { decile: 1, rows: 10, positives: -0.5 },
      { decile: 2, rows: 10, positives: 12 },
    ];
    for (const p of rocPoints(noisy)) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
    expect(rocPoints([])).toEqual([{ x: 0, y: 0 }]);
    expect(calibrationPoints([{ bin: 1, rows: 0, meanPredicted: 0, observedRate: 0 }])).toEqual([]);
  });
});

describe('SVG', () => {
  it('draws one path point per decile cut, a marker per point, and escapes its text', async () => {
    const svg = String(
      await lineChart(
        'chart-x',
        'ROC <b>&',
        'desc',
        { x: { label: 'x', max: 1 }, y: { label: 'y', max: 1 } },
        [{ name: 'model', points: rocPoints(evaluation.deciles), colour: '#000', markers: true }],
        { diagonal: true },
      ),
    );
    expect(svg).toContain('<title id="chart-x-title">ROC &lt;b&gt;&amp;</title>');
    const d = /<g data-series="model"><path d="([^"]+)"/.exec(svg)![1]!;
    expect(d.split(/[ML]/).filter((s) => s.trim()).length).toBe(11);
    expect(svg.match(/<circle /g)).toHaveLength(11);
  });

  it('renders the four charts of a model page', async () => {
    const page = String(await modelCharts(evaluation));
    for (const id of ['chart-roc', 'chart-ks', 'chart-distribution', 'chart-calibration'])
      expect(page).toContain(`<svg id="${id}" role="img"`);
    expect(page.match(/<rect /g)).toHaveLength(20);
    expect(page).not.toContain('NaN');
  });

  it('picks axis maxima that tick nicely', () => {
    expect(niceMax(0.27)).toBe(0.5);
    expect(niceMax(0.1)).toBeCloseTo(0.1, 12);
    expect(niceMax(0.011)).toBeCloseTo(0.02, 12);
    expect(niceMax(0)).toBe(1);
  });
});

// The four evaluation charts of a model page — ROC, KS, score distribution per class, calibration — from its stored metrics.
import { html } from 'hono/html';
import type { Evaluation } from '../../../client-sdk/contract/resources.ts';
import { calibrationPoints, classShares, ksCurves, rocPoints, trapezoidArea } from './curves.ts';
import { barChart, lineChart, niceMax } from './svg.ts';

const BAD = '#a8261b';
const GOOD = '#2563a8';
const unit = (label: string) => ({ label, max: 1, percent: true });

/**
 * The charts as inline SVG, each with a caption saying what resolution it is drawn at.
 *
 * @example
 * html`${modelCharts(model.metrics)}`;
 */
export function modelCharts(m: Evaluation) {
  const roc = rocPoints(m.deciles);
  const ks = ksCurves(m.deciles);
  const shares = classShares(m.deciles);
  const cal = calibrationPoints(m.calibration);
  const calMax = niceMax(Math.max(0.01, ...cal.flatMap((p) => [p.x, p.y])));
  const calAxis = (label: string) => ({ label, max: calMax, percent: calMax >= 0.1 });
  const sample = m.sample === 'holdout' ? 'holdout' : 'training (no holdout)';
  const w = ks.widest;
  const gap = { name: 'ks-gap', from: { x: w.x, y: w.good }, to: { x: w.x, y: w.bad } };
  return html`<div class="grid">
<figure class="card">
${lineChart(
  'chart-roc',
  'ROC curve',
  `True positive rate against false positive rate, one point per risk decile of the ${sample}.`,
  { x: unit('False positive rate (goods flagged)'), y: unit('True positive rate (bads caught)') },
  [{ name: 'model', points: roc, colour: GOOD, markers: true }],
  { diagonal: true },
)}
<figcaption>AUC ${m.auc.toFixed(4)} from the full score histograms (the decile polygon's area is ${trapezoidArea(roc).toFixed(4)}).</figcaption>
</figure>
<figure class="card">
${lineChart(
  'chart-ks',
  'KS curve',
  'Cumulative share of bads and of goods against the share of the population, riskiest first.',
  { x: unit('Population (riskiest first)'), y: unit('Cumulative share') },
  [
    { name: 'bads', points: ks.bad, colour: BAD, markers: true },
    { name: 'goods', points: ks.good, colour: GOOD, markers: true, dashed: true },
  ],
  { diagonal: true, segments: [gap] },
)}
<figcaption>KS ${m.ks.toFixed(4)}; at decile resolution the widest gap is ${ks.widest.gap.toFixed(4)} after ${Math.round(ks.widest.x * 100)}% of the population.</figcaption>
</figure>
<figure class="card">
${barChart(
  'chart-distribution',
  'Score distribution per class',
  'Share of all bads and of all goods in each risk decile (decile 1 is the riskiest tenth).',
  shares.map((s) => String(s.decile)),
  { x: { label: 'Risk decile (1 = riskiest)' }, y: unit('Share of the class') },
  [
    { name: 'bads', values: shares.map((s) => s.bad), colour: BAD },
    { name: 'goods', values: shares.map((s) => s.good), colour: GOOD },
  ],
)}
<figcaption>${Math.round(m.positives).toLocaleString('en-US')} bads and ${Math.round(m.rows - m.positives).toLocaleString('en-US')} goods in the ${sample}.</figcaption>
</figure>
<figure class="card">
${lineChart(
  'chart-calibration',
  'Calibration',
  'Observed bad rate against mean predicted probability, ten equal-mass bins.',
  { x: calAxis('Mean predicted probability'), y: calAxis('Observed bad rate') },
  [{ name: 'model', points: cal, colour: GOOD, markers: true }],
  { diagonal: true },
)}
<figcaption>Log loss ${m.logLoss.toFixed(4)}, Brier score ${m.brier.toFixed(4)}; the dashed line is perfect calibration.</figcaption>
</figure>
</div>`;
}

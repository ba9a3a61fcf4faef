// Server-side SVG charts for the console: a line chart and a grouped bar chart, axes, ticks and legend, no script.
import { html } from 'hono/html';
import type { Point } from './curves.ts';

const W = 560;
const H = 360;
const M = { left: 56, right: 16, top: 16, bottom: 64 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

export interface Series {
  /** Names the series in the legend and in `data-series` (tests and styles find it by this). */
  name: string;
  points: readonly Point[];
  colour: string;
  dashed?: boolean;
  /** A dot on each point (decile cuts, calibration bins). */
  markers?: boolean;
}

export interface Axes {
  x: { label: string; max: number; percent?: boolean };
  y: { label: string; max: number; percent?: boolean };
}

/** `v` with 1 decimal, for SVG coordinates. */
const f = (v: number) => (Math.round(v * 10) / 10).toString();
const sx = (a: Axes, x: number) => M.left + (Math.min(Math.max(x, 0), a.x.max) / a.x.max) * PLOT_W;
const sy = (a: Axes, y: number) => M.top + PLOT_H - (Math.min(Math.max(y, 0), a.y.max) / a.y.max) * PLOT_H;
const tickText = (v: number, percent?: boolean) =>
  percent ? `${Math.round(v * 100)}%` : v < 0.1 && v > 0 ? v.toFixed(3) : v.toFixed(2);

/** The smallest of 1, 2, 5 × 10^k at or above `v` (an axis maximum that ticks nicely). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].map((m) => m * step).find((m) => m >= v * (1 - 1e-12)) ?? 10 * step) as number;
}

/** The chart's box: title and description for screen readers, grid, axes, ticks (numeric x ticks unless categorical), legend. */
function frame(
  id: string,
  title: string,
  desc: string,
  a: Axes,
  inner: unknown,
  legend: readonly Series[],
  xTicks = true,
) {
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const legendItems = legend.map(
    (s, i) => html`<g transform="translate(${M.left + i * 180},${H - 6})">
<line x1="0" y1="-4" x2="18" y2="-4" stroke="${s.colour}" stroke-width="3"${s.dashed ? html` stroke-dasharray="5 4"` : ''}/>
<text x="24" y="0" font-size="12">${s.name}</text></g>`,
  );
  return html`<svg id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">${desc}</desc>
<g class="grid" stroke="#e3e8ef" stroke-width="1">${ticks.map(
    (t) =>
      html`<line x1="${f(M.left)}" y1="${f(sy(a, t * a.y.max))}" x2="${f(M.left + PLOT_W)}" y2="${f(sy(a, t * a.y.max))}"/>`,
  )}</g>
<g class="axes" stroke="#5d6878" stroke-width="1">
<line x1="${M.left}" y1="${M.top + PLOT_H}" x2="${M.left + PLOT_W}" y2="${M.top + PLOT_H}"/>
<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PLOT_H}"/></g>
<g class="ticks" font-size="11" fill="#5d6878">${ticks.map(
    (t) =>
      html`${xTicks ? html`<text x="${f(sx(a, t * a.x.max))}" y="${M.top + PLOT_H + 16}" text-anchor="middle">${tickText(t * a.x.max, a.x.percent)}</text>` : ''}
<text x="${M.left - 6}" y="${f(sy(a, t * a.y.max) + 4)}" text-anchor="end">${tickText(t * a.y.max, a.y.percent)}</text>`,
  )}</g>
<text x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H + 32}" text-anchor="middle" font-size="12">${a.x.label}</text>
<text transform="translate(14,${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="12">${a.y.label}</text>
${inner}
${legendItems}
</svg>`;
}

/**
 * A line chart of one or more series on linear axes from 0 to each axis's `max`; `diagonal` draws
 * the y = x reference (chance for ROC, perfect calibration for a reliability diagram); `segments`
 * are plain marks between two points (the KS gap).
 *
 * @example
 * lineChart('chart-roc', 'ROC curve', 'True vs false positive rate by decile', axes, [roc], { diagonal: true });
 */
export function lineChart(
  id: string,
  title: string,
  desc: string,
  a: Axes,
  series: readonly Series[],
  opts: { diagonal?: boolean; segments?: readonly { name: string; from: Point; to: Point }[] } = {},
) {
  const diagonalEnd = Math.min(a.x.max, a.y.max);
  const diagonal = opts.diagonal
    ? html`<line class="reference" x1="${f(sx(a, 0))}" y1="${f(sy(a, 0))}" x2="${f(sx(a, diagonalEnd))}" y2="${f(sy(a, diagonalEnd))}" stroke="#9aa5b1" stroke-dasharray="4 4"/>`
    : '';
  const lines = series.map((s) => {
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(sx(a, p.x))} ${f(sy(a, p.y))}`).join(' ');
    const markers = s.markers
      ? s.points.map(
          (p) => html`<circle cx="${f(sx(a, p.x))}" cy="${f(sy(a, p.y))}" r="3" fill="${s.colour}"/>`,
        )
      : '';
    return html`<g data-series="${s.name}"><path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? html` stroke-dasharray="5 4"` : ''}/>${markers}</g>`;
  });
  const segments = (opts.segments ?? []).map(
    (g) =>
      html`<line data-segment="${g.name}" x1="${f(sx(a, g.from.x))}" y1="${f(sy(a, g.from.y))}" x2="${f(sx(a, g.to.x))}" y2="${f(sy(a, g.to.y))}" stroke="#1d2430" stroke-width="1.5"/>`,
  );
  return frame(id, title, desc, a, html`${diagonal}${lines}${segments}`, series);
}

/**
 * A grouped bar chart: one group per category on the x axis, one bar per series in each group.
 *
 * @example
 * barChart('chart-dist', 'Score distribution', '…', ['1', '2'], axes, [{ name: 'bads', values: [0.4, 0.2], colour: '#a8261b' }]);
 */
export function barChart(
  id: string,
  title: string,
  desc: string,
  categories: readonly string[],
  a: Omit<Axes, 'x'> & { x: { label: string } },
  series: readonly { name: string; values: readonly number[]; colour: string }[],
) {
  const axes: Axes = { x: { ...a.x, max: 1 }, y: a.y };
  const group = PLOT_W / Math.max(categories.length, 1);
  const bar = (group * 0.8) / Math.max(series.length, 1);
  const bars = series.map(
    (s, k) =>
      html`<g data-series="${s.name}" fill="${s.colour}">${s.values.map((v, i) => {
        const x = M.left + i * group + group * 0.1 + k * bar;
        const y = sy(axes, v);
        return html`<rect x="${f(x)}" y="${f(y)}" width="${f(bar)}" height="${f(M.top + PLOT_H - y)}"><title>${categories[i]}: ${tickText(v, a.y.percent)}</title></rect>`;
      })}</g>`,
  );
  const labels = categories.map(
    (label, i) =>
      html`<text x="${f(M.left + (i + 0.5) * group)}" y="${M.top + PLOT_H + 16}" text-anchor="middle" font-size="11" fill="#5d6878">${label}</text>`,
  );
  const legend = series.map((s) => ({ name: s.name, points: [], colour: s.colour }));
  return frame(id, title, desc, axes, html`${bars}${labels}`, legend, false);
}

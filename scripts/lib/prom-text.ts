// Reading the lab's /metrics (Prometheus text format): one series' value, a histogram's cumulative
// buckets, and quantiles of the difference of two scrapes (what happened between them).

/** A histogram's cumulative counts per upper bound (`+Inf` last), for one label set. */
export interface HistogramScrape {
  bounds: number[];
  counts: number[];
}

/** Whether the series line `line` is of metric `name` with every label of `labels`. */
function matches(line: string, name: string, labels: Record<string, string>): boolean {
  if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) return false;
  const open = line.indexOf('{');
  // Each label pair follows `{` or `,`: `stage="audit"` does not match inside `substage="audit"`.
  const inner = open === -1 ? '' : `,${line.slice(open + 1, line.lastIndexOf('}'))}`;
  return Object.entries(labels).every(([k, v]) => inner.includes(`,${k}="${v}"`));
}

const sampleValue = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1));

/**
 * The sum over every series of `name` carrying `labels` (0 when none does).
 *
 * @example
 * promSum(text, 'lab_score_calls_total') // calls to every domain
 */
export function promSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) if (matches(line, name, labels)) sum += sampleValue(line);
  return sum;
}

/**
 * The buckets of histogram `name` for `labels` (the `le` label aside), in increasing bounds; empty
 * when the series is not there.
 *
 * @example
 * const h = promHistogram(text, 'lab_score_stage_seconds', { stage: 'domains' });
 */
export function promHistogram(text: string, name: string, labels: Record<string, string>): HistogramScrape {
  const rows: [number, number][] = [];
  for (const line of text.split('\n')) {
    if (!matches(line, `${name}_bucket`, labels)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    rows.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), sampleValue(line)]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return { bounds: rows.map((r) => r[0]), counts: rows.map((r) => r[1]) };
}

/** What a histogram counted between two scrapes (`before` may be empty: nothing counted yet). */
export function histogramDelta(before: HistogramScrape, after: HistogramScrape): HistogramScrape {
  return {
    bounds: after.bounds,
    counts: after.counts.map((n, i) =>
      before.bounds[i] === after.bounds[i] ? n - (before.counts[i] ?? 0) : n,
    ),
  };
}

/**
 * The `q` quantile of a histogram, interpolated linearly inside its bucket as Prometheus'
 * `histogram_quantile` does (the first bucket from 0; a quantile in `+Inf` gives the last finite
 * bound). `null` for an empty histogram.
 *
 * @example
 * histogramQuantile({ bounds: [1, 2, Infinity], counts: [50, 100, 100] }, 0.75) // 1.5
 */
export function histogramQuantile(h: HistogramScrape, q: number): number | null {
  const total = h.counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < h.counts.length; i++) {
    if (h.counts[i]! < rank) continue;
    const upper = h.bounds[i]!;
    if (upper === Number.POSITIVE_INFINITY) return h.bounds[i - 1] ?? null;
    const lower = i === 0 ? 0 : h.bounds[i - 1]!;
    const below = i === 0 ? 0 : h.counts[i - 1]!;
    const inBucket = h.counts[i]! - below;
    return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
  }
  return h.bounds.at(-2) ?? null;
}

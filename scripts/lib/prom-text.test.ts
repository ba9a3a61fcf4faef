import { describe, expect, it } from 'vitest';
import { histogramDelta, histogramQuantile, promHistogram, promSum } from './prom-text.ts';

const scrape = (domains: number, stalled: number) => `# HELP lab_score_stage_seconds Time of each stage
# TYPE lab_score_stage_seconds histogram
lab_score_stage_seconds_bucket{le="0.001",stage="domains"} ${domains}
lab_score_stage_seconds_bucket{le="0.01",stage="domains"} ${domains * 2}
lab_score_stage_seconds_bucket{le="+Inf",stage="domains"} ${domains * 2 + stalled}
lab_score_stage_seconds_sum{stage="domains"} 1.5
lab_score_stage_seconds_count{stage="domains"} ${domains * 2 + stalled}
lab_score_stage_seconds_bucket{le="0.001",stage="audit"} 7
lab_score_stage_seconds_bucket{le="+Inf",stage="audit"} 9
lab_score_calls_total{domain="d-a"} 10
lab_score_calls_total{domain="d-b"} 32
`;

describe('Prometheus text', () => {
  it('sums series and reads one label set of a histogram, bounds in order', () => {
    expect(promSum(scrape(1, 0), 'lab_score_calls_total')).toBe(42);
    expect(promSum(scrape(1, 0), 'lab_score_calls_total', { domain: 'd-b' })).toBe(32);
    expect(promSum(scrape(1, 0), 'lab_score_call')).toBe(0);
    expect(promHistogram(scrape(5, 1), 'lab_score_stage_seconds', { stage: 'domains' })).toEqual({
      bounds: [0.001, 0.01, Number.POSITIVE_INFINITY],
      counts: [5, 10, 11],
    });
    expect(promHistogram(scrape(5, 1), 'lab_score_stage_seconds', { stage: 'lookup' })).toEqual({
      bounds: [],
      counts: [],
    });
  });

  it('quantiles of what was counted between two scrapes, interpolated inside the bucket', () => {
    const delta = histogramDelta(
      promHistogram(scrape(50, 0), 'lab_score_stage_seconds', { stage: 'domains' }),
      promHistogram(scrape(100, 0), 'lab_score_stage_seconds', { stage: 'domains' }),
    );
    expect(delta.counts).toEqual([50, 100, 100]);
    expect(histogramQuantile(delta, 0.25)).toBeCloseTo(0.0005, 12);
    expect(histogramQuantile(delta, 0.75)).toBeCloseTo(0.0055, 12);
    expect(histogramQuantile(delta, 1)).toBeCloseTo(0.01, 12);
    // A quantile in the +Inf bucket is reported as the last finite bound.
    expect(histogramQuantile({ bounds: [1, 2, Number.POSITIVE_INFINITY], counts: [0, 1, 10] }, 0.99)).toBe(2);
    expect(histogramQuantile({ bounds: [1, Number.POSITIVE_INFINITY], counts: [0, 0] }, 0.5)).toBeNull();
  });
});

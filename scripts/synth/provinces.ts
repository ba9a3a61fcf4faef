// Province profiles for the synthetic world: one data domain each, deliberately non-IID.

/** The industries enterprises are drawn from; the `registration.industry` category values. */
export const INDUSTRIES = [
  'manufacturing',
  'wholesale_retail',
  'construction',
  'it_services',
  'logistics',
  'catering',
  'real_estate',
  'agriculture',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

/**
 * Per-industry shifts: log-capital, default-logit and penalty-rate offsets. Construction and real
 * estate carry more leverage and more risk; IT firms are light on capital and penalties.
 *
 * @example
 * INDUSTRY_EFFECTS.construction.risk; // 0.35
 */
export const INDUSTRY_EFFECTS: Record<Industry, { capital: number; risk: number; penalty: number }> = {
  manufacturing: { capital: 0.4, risk: 0.0, penalty: 0.5 },
  wholesale_retail: { capital: -0.1, risk: 0.1, penalty: 0.0 },
  construction: { capital: 0.6, risk: 0.35, penalty: 0.6 },
  it_services: { capital: -0.4, risk: -0.15, penalty: -0.6 },
  logistics: { capital: 0.1, risk: 0.15, penalty: 0.3 },
  catering: { capital: -0.9, risk: 0.3, penalty: 0.7 },
  real_estate: { capital: 1.2, risk: 0.45, penalty: 0.2 },
  agriculture: { capital: -0.3, risk: 0.2, penalty: -0.2 },
};

/**
 * One province: its domain identity, where its firms register, and how it differs from the others.
 *
 * @example
 * const bj: ProvinceProfile = PROVINCES[0]!;
 */
export interface ProvinceProfile {
  /** Domain id, e.g. `d-bj`. */
  id: string;
  name: string;
  /** Province-level division code (GB/T 2260). */
  region: string;
  /** Prefecture/district codes enterprises register in, with relative weights. */
  divisions: ReadonlyArray<readonly [code: string, weight: number]>;
  /** Relative share of all enterprises. */
  share: number;
  /** Shift of the latent firm size (log scale). */
  size: number;
  /** Additive default-logit effect, unexplained by the features (the "province effect"). */
  risk: number;
  /** Industry weights, in `INDUSTRIES` order. */
  industryMix: readonly number[];
  /** Multiplier on how often a firm is absent from a department's file (data coverage). */
  coverageGap: number;
  /** Probability that a present cell is blank. */
  cellMissing: number;
}

// Real GB/T 2260 codes; ordering matters — `--domains K` takes the first K.
export const PROVINCES: readonly ProvinceProfile[] = [
  {
    id: 'd-bj',
    name: 'Beijing Credit Platform',
    region: '110000',
    divisions: [
      ['110101', 1],
      ['110102', 1],
      ['110105', 3],
      ['110106', 1.5],
      ['110108', 3],
      ['110114', 1],
      ['110115', 1],
    ],
    share: 0.9,
    size: 0.3,
    risk: -0.25,
    industryMix: [0.12, 0.2, 0.1, 0.3, 0.07, 0.09, 0.1, 0.02],
    coverageGap: 0.7,
    cellMissing: 0.035,
  },
  {
    id: 'd-sh',
    name: 'Shanghai Credit Platform',
    region: '310000',
    divisions: [
      ['310101', 1],
      ['310104', 1],
      ['310105', 1],
      ['310110', 1],
      ['310112', 2],
      ['310115', 4],
      ['310117', 1.5],
    ],
    share: 0.9,
    size: 0.4,
    risk: -0.35,
    industryMix: [0.18, 0.28, 0.08, 0.2, 0.12, 0.07, 0.06, 0.01],
    coverageGap: 0.8,
    cellMissing: 0.04,
  },
  {
    id: 'd-gd',
    name: 'Guangdong Credit Platform',
    region: '440000',
    divisions: [
      ['440100', 3],
      ['440300', 4],
      ['440400', 0.7],
      ['440500', 0.6],
      ['440600', 1.5],
      ['441900', 1.5],
      ['442000', 0.7],
    ],
    share: 1.3,
    size: -0.2,
    risk: 0.2,
    industryMix: [0.32, 0.24, 0.08, 0.12, 0.1, 0.08, 0.04, 0.02],
    coverageGap: 1.2,
    cellMissing: 0.055,
  },
  {
    id: 'd-zj',
    name: 'Zhejiang Credit Platform',
    region: '330000',
    divisions: [
      ['330100', 3],
      ['330200', 2],
      ['330300', 1.5],
      ['330400', 0.8],
      ['330600', 0.8],
      ['330700', 1],
      ['331000', 0.8],
    ],
    share: 1.0,
    size: -0.1,
    risk: 0.05,
    industryMix: [0.34, 0.26, 0.07, 0.12, 0.09, 0.06, 0.04, 0.02],
    coverageGap: 1.0,
    cellMissing: 0.045,
  },
  {
    id: 'd-js',
    name: 'Jiangsu Credit Platform',
    region: '320000',
    divisions: [
      ['320100', 2],
      ['320200', 1.5],
      ['320400', 1],
      ['320500', 3],
      ['320600', 1],
      ['321000', 0.6],
    ],
    share: 1.0,
    size: 0.1,
    risk: -0.1,
    industryMix: [0.38, 0.2, 0.1, 0.1, 0.09, 0.05, 0.05, 0.03],
    coverageGap: 0.9,
    cellMissing: 0.04,
  },
  {
    id: 'd-sc',
    name: 'Sichuan Credit Platform',
    region: '510000',
    divisions: [
      ['510100', 5],
      ['510600', 0.8],
      ['510700', 1],
      ['511300', 0.7],
    ],
    share: 0.6,
    size: -0.35,
    risk: 0.3,
    industryMix: [0.2, 0.24, 0.14, 0.08, 0.08, 0.12, 0.06, 0.08],
    coverageGap: 1.4,
    cellMissing: 0.06,
  },
  {
    id: 'd-hb',
    name: 'Hubei Credit Platform',
    region: '420000',
    divisions: [
      ['420100', 5],
      ['420500', 1],
      ['420600', 1],
    ],
    share: 0.5,
    size: -0.25,
    risk: 0.2,
    industryMix: [0.26, 0.22, 0.14, 0.1, 0.1, 0.08, 0.05, 0.05],
    coverageGap: 1.3,
    cellMissing: 0.055,
  },
  {
    id: 'd-sd',
    name: 'Shandong Credit Platform',
    region: '370000',
    divisions: [
      ['370100', 2],
      ['370200', 2.5],
      ['370600', 1],
      ['370700', 1],
    ],
    share: 0.8,
    size: -0.1,
    risk: 0.1,
    industryMix: [0.34, 0.2, 0.12, 0.06, 0.1, 0.06, 0.05, 0.07],
    coverageGap: 1.1,
    cellMissing: 0.05,
  },
];

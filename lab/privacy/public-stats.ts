// Public standardisation statistics for a differentially private job: from what the domains
// already publish in the catalog, and from the bank's own label set, so no extra release is needed.
import type { Encoding } from '../../client-sdk/contract/resources.ts';
import type { DomainRegistration } from '../infra/task-protocol.ts';

const BANK = 'bank.';

interface Moments {
  mean: number;
  std: number;
}

/** A 0/1 input present with probability p. */
const indicator = (p: number): Moments => ({ mean: p, std: Math.sqrt(p * (1 - p)) });

/** Pooled mean and std of a catalog feature over the domains that publish them. */
function pooledValue(source: string, domains: readonly DomainRegistration[]): Moments | null {
  let n = 0;
  let sum = 0;
  let sumsq = 0;
  for (const d of domains) {
    const f = d.features.find((x) => x.name === source);
    if (f?.mean === undefined || f.std === undefined || f.rows === undefined) continue;
    const k = f.rows * (1 - (f.missingRate ?? 0));
    n += k;
    sum += k * f.mean;
    sumsq += k * (f.std * f.std + f.mean * f.mean);
  }
  if (!(n > 0)) return null;
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumsq / n - mean * mean)) };
}

/** Share of a catalog feature's rows that are missing, or that hold one category (`null`: "other"). */
function pooledShare(
  source: string,
  domains: readonly DomainRegistration[],
  what: { missing: true } | { category: string | null; listed: readonly string[] },
): number | null {
  let rows = 0;
  let hits = 0;
  for (const d of domains) {
    const f = d.features.find((x) => x.name === source);
    if (f?.rows === undefined) continue;
    rows += f.rows;
    if ('missing' in what) hits += f.rows * (f.missingRate ?? 0);
    else if (what.category !== null) hits += f.categories?.find((c) => c.value === what.category)?.count ?? 0;
    else {
      const listed = (f.categories ?? []).filter((c) => what.listed.includes(c.value));
      hits += f.rows * (1 - (f.missingRate ?? 0)) - listed.reduce((s, c) => s + c.count, 0);
    }
  }
  return rows > 0 ? Math.min(1, Math.max(0, hits / rows)) : null;
}

function bankMoments(values: readonly (number | null)[] | undefined, missing: boolean): Moments | null {
  if (!values || values.length === 0) return null;
  if (missing) return indicator(values.filter((v) => v === null).length / values.length);
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  const mean = present.reduce((s, v) => s + v, 0) / present.length;
  const variance = present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Means and std devs, one per encoded input, for a DP job's standardisation. Platform inputs use
 * the catalog (federated over the domains' whole tables, label-free, published only from ≥ k
 * rows); bank-side inputs use the bank's own label set. Where nothing is published the input is
 * left unscaled (mean 0, std 1): row clipping still bounds it, only accuracy suffers.
 *
 * @example
 * const { means, stds } = publicStandardisation(job.encoding, domains, labelRows.bank);
 */
export function publicStandardisation(
  encoding: Encoding,
  domains: readonly DomainRegistration[],
  bank: Record<string, (number | null)[]>,
): { means: number[]; stds: number[] } {
  const listed = (source: string) =>
    encoding.inputs.flatMap((i) =>
      i.kind === 'category' && i.source === source && i.value !== null ? [i.value] : [],
    );
  const moments = encoding.inputs.map((input): Moments | null => {
    const { source } = input;
    if (source.startsWith(BANK))
      return bankMoments(bank[source.slice(BANK.length)], input.kind === 'missing');
    if (input.kind === 'value') return pooledValue(source, domains);
    const p =
      input.kind === 'missing'
        ? pooledShare(source, domains, { missing: true })
        : pooledShare(source, domains, { category: input.value, listed: listed(source) });
    return p === null ? null : indicator(p);
  });
  return {
    means: moments.map((m) => m?.mean ?? 0),
    stds: moments.map((m) => (m && m.std > 1e-12 && Number.isFinite(m.std) ? m.std : 1)),
  };
}

// The synthetic world generator: K provincial data domains plus one bank's loan book, written to disk.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AUTHORIZATIONS_HEADER, BANK_ID, drawLoan, LABELS_HEADER } from './bank.ts';
import { BufferedFile } from './buffered-file.ts';
import { domainDatasets } from './datasets.ts';
import { writeRow } from './defects.ts';
import { drawEnterprise } from './enterprise.ts';
import { writeDomainKeys } from './keys.ts';
import { datasetRow } from './missingness.ts';
import { Rng } from './prng.ts';
import { PROVINCES } from './provinces.ts';
import { platformRisk } from './risk.ts';
import { buildManifest, featureNames, KEY_COLUMN, MODEL_TYPES } from './schema.ts';

/**
 * Options for `generateWorld`.
 *
 * @example
 * const opts: WorldOptions = { out: '/tmp/world', enterprises: 12_000, domains: 3, seed: 7 };
 */
export interface WorldOptions {
  out: string;
  enterprises?: number;
  domains?: number;
  seed?: number;
}

/**
 * The `world.json` summary (also returned by `generateWorld`). A domain's `datasets` are the ones it
 * holds; its `features` are the numeric and boolean columns of those (`<dataset>.<column>`), its
 * `categoryFeatures` the category columns. `commonFeatures` are the features every domain holds.
 *
 * @example
 * summary.domains[0]!.features; // ['registration.age_years', …]
 * summary.commonFeatures; // the features a job across all domains can use
 */
export interface WorldSummary {
  seed: number;
  enterprises: number;
  bank: string;
  commonFeatures: string[];
  domains: Array<{
    id: string;
    name: string;
    regions: string[];
    enterprises: number;
    datasets: string[];
    features: string[];
    categoryFeatures: string[];
  }>;
  labels: { rows: number; positives: number };
  createdWith: 'scripts/synth';
}

// Flush roughly every this many enterprises: bounded memory without an await per row.
const FLUSH_EVERY = 2048;

/** Clears a previous world we generated (never an arbitrary folder), so stale domains don't linger. */
async function clearPreviousWorld(out: string): Promise<void> {
  try {
    const old = JSON.parse(await readFile(path.join(out, 'world.json'), 'utf8')) as { createdWith?: unknown };
    if (old.createdWith !== 'scripts/synth') return;
  } catch {
    return;
  }
  await rm(path.join(out, 'domains'), { recursive: true, force: true });
  await rm(path.join(out, 'banks'), { recursive: true, force: true });
}

function checkOptions(enterprises: number, domains: number, seed: number): void {
  if (!Number.isInteger(enterprises) || enterprises < 1)
    throw new RangeError('enterprises must be a positive integer');
  if (!Number.isInteger(domains) || domains < 1 || domains > PROVINCES.length) {
    throw new RangeError(`domains must be an integer in 1..${PROVINCES.length}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
}

/**
 * Generates the world under `out`: `world.json`, `domains/<id>/{manifest.json,keys/,data/*.csv}` and
 * `banks/bank-a/{labels,authorizations}.csv`. Byte-identical for a seed, except the key pairs.
 *
 * @example
 * const summary = await generateWorld({ out: '/tmp/world', enterprises: 12_000, domains: 3, seed: 7 });
 */
export async function generateWorld(options: WorldOptions): Promise<WorldSummary> {
  const { out, enterprises = 12_000, domains = 3, seed = 7 } = options;
  checkOptions(enterprises, domains, seed);
  await clearPreviousWorld(out);
  const provinces = PROVINCES.slice(0, domains);
  const held = provinces.map(domainDatasets);

  const files: BufferedFile[] = [];
  const domainFiles: BufferedFile[][] = [];
  for (const [k, province] of provinces.entries()) {
    const dir = path.join(out, 'domains', province.id);
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeDomainKeys(dir);
    await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(buildManifest(province), null, 2)}\n`);
    const perDataset: BufferedFile[] = [];
    for (const ds of held[k]!) {
      const header = [KEY_COLUMN, ...ds.columns.map((c) => c.name)].join(',');
      perDataset.push(await BufferedFile.create(path.join(dir, 'data', `${ds.name}.csv`), header));
    }
    domainFiles.push(perDataset);
    files.push(...perDataset);
  }
  const bankDir = path.join(out, 'banks', BANK_ID);
  await mkdir(bankDir, { recursive: true });
  const labels = await BufferedFile.create(path.join(bankDir, 'labels.csv'), LABELS_HEADER);
  const authorizations = await BufferedFile.create(
    path.join(bankDir, 'authorizations.csv'),
    AUTHORIZATIONS_HEADER,
  );
  files.push(labels, authorizations);

  const rng = new Rng(seed);
  const seen = new Set<string>();
  const shares = provinces.map((p) => p.share);
  const counts = provinces.map(() => 0);
  let rows = 0;
  let positives = 0;
  for (let i = 0; i < enterprises; i++) {
    const k = rng.weighted(shares);
    const province = provinces[k]!;
    const firm = drawEnterprise(rng, province, seen);
    counts[k]!++;
    const perDataset = domainFiles[k]!;
    const datasets = held[k]!;
    for (let d = 0; d < datasets.length; d++) {
      const cells = datasetRow(rng, firm, datasets[d]!, province);
      if (cells === null) continue;
      writeRow(rng, perDataset[d]!, firm.id, cells, datasets[d]!.columns);
    }
    const loan = drawLoan(rng, firm, platformRisk(firm, province), rows + 1);
    if (loan) {
      rows++;
      positives += loan.label;
      labels.line(loan.labelLine);
      authorizations.line(loan.authorizationLine);
    }
    if (i % FLUSH_EVERY === FLUSH_EVERY - 1) for (const f of files) await f.flushIfFull();
  }
  for (const f of files) await f.close();

  const features = held.map((h) => featureNames(h, MODEL_TYPES));
  const summary: WorldSummary = {
    seed,
    enterprises,
    bank: BANK_ID,
    commonFeatures: features[0]!.filter((f) => features.every((fs) => fs.includes(f))),
    domains: provinces.map((p, k) => ({
      id: p.id,
      name: p.name,
      regions: [p.region],
      enterprises: counts[k]!,
      datasets: held[k]!.map((d) => d.name),
      features: features[k]!,
      categoryFeatures: featureNames(held[k]!, ['category']),
    })),
    labels: { rows, positives },
    createdWith: 'scripts/synth',
  };
  await writeFile(path.join(out, 'world.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

// Turns the public FATE credit files into lab domains and a bank label set (data referenced, not copied).
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabelSetUploadInput } from '../../client-sdk/contract/resources.ts';
import type { DomainManifest } from '../../enclave-worker/data/manifest.ts';
import { writeDomainKeys } from '../synth/keys.ts';

/** Meaning of the hetero host columns, by correlation with the raw UCI table (see SOURCE.md). */
const HOST_COLUMNS = [
  'LIMIT_BAL',
  'SEX',
  'EDUCATION',
  'MARRIAGE',
  'AGE',
  'PAY_0',
  'PAY_2',
  'PAY_3',
  'PAY_4',
  'PAY_5',
];
const GUEST_COLUMNS = [
  'PAY_6',
  ...[1, 2, 3, 4, 5, 6].map((i) => `BILL_AMT${i}`),
  ...[1, 2, 3, 4, 5, 6].map((i) => `PAY_AMT${i}`),
];

export interface FateCase {
  split: 'vertical' | 'horizontal';
  domainDirs: string[];
  /** Platform features, in the order the lab encodes them. */
  features: string[];
  /** Vertical: the bank's label set (guest file); horizontal: none (labels held in the domains). */
  labelSet: LabelSetUploadInput | null;
  bankFeatures: string[];
  labelColumn: string | null;
  /** Every entity id, for the authorisation import. */
  entities: string[];
}

/** Parses a FATE CSV (`id[,y],x0..`) into columns; values stay numbers. */
export async function readFateCsv(file: string): Promise<{ header: string[]; rows: number[][] }> {
  const [head, ...lines] = (await readFile(file, 'utf8')).trim().split(/\r?\n/);
  return { header: head!.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

async function writeDomain(
  out: string,
  id: string,
  name: string,
  dataset: {
    name: string;
    file: string;
    columns: { name: string; description: string; restricted?: boolean }[];
  },
): Promise<string> {
  const dir = path.join(out, id);
  await writeDomainKeys(dir);
  const manifest: DomainManifest = {
    id,
    name,
    regions: ['000000'],
    entityKey: 'opaque',
    keys: { publicKey: 'keys/domain.pub.pem', privateKey: 'keys/domain.key.pem' },
    datasets: [
      {
        name: dataset.name,
        file: dataset.file,
        format: 'csv',
        key: 'id',
        columns: dataset.columns.map((c) => ({
          name: c.name,
          type: 'number',
          category: 'other',
          sensitivity: c.restricted ? 'restricted' : 'public',
          description: c.description,
        })),
      },
    ],
  };
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/**
 * Writes the domain folders of one FATE case under `out`; manifests point at the files in `dataDir`.
 *
 * @example
 * const fate = await fateCase('../shared/data/fate', '/tmp/fate', 'vertical');
 */
export async function fateCase(
  dataDir: string,
  out: string,
  split: 'vertical' | 'horizontal',
): Promise<FateCase> {
  const data = path.resolve(dataDir);
  try {
    await access(path.join(data, 'default_credit_hetero_host.csv'));
  } catch {
    throw new Error(`FATE data not found in ${data} (expected default_credit_*.csv; see --data)`);
  }
  if (split === 'vertical') {
    const hostColumns = HOST_COLUMNS.map((d, i) => ({ name: `x${i}`, description: `standardised ${d}` }));
    const dir = await writeDomain(out, 'fate-host', 'Platform (FATE hetero host)', {
      name: 'host',
      file: path.join(data, 'default_credit_hetero_host.csv'),
      columns: hostColumns,
    });
    const guest = await readFateCsv(path.join(data, 'default_credit_hetero_guest.csv'));
    const xs = guest.header.slice(2);
    return {
      split,
      domainDirs: [dir],
      features: hostColumns.map((c) => `host.${c.name}`),
      bankFeatures: xs,
      labelColumn: null,
      labelSet: {
        name: 'fate-hetero-guest',
        entityKey: 'opaque',
        rows: guest.rows.map((r) => ({
          entity: String(r[0]),
          label: r[1] === 1 ? 1 : 0,
          features: Object.fromEntries(xs.map((x, j) => [x, r[j + 2]!])),
        })),
      },
      entities: guest.rows.map((r) => String(r[0])),
    };
  }
  const columns = [
    { name: 'y', description: 'default next month (label)', restricted: true },
    ...[...GUEST_COLUMNS, ...HOST_COLUMNS].map((d, i) => ({
      name: `x${i}`,
      description: `standardised ${d}`,
    })),
  ];
  const parties = ['guest', 'host_1', 'host_2'];
  const dirs = [];
  for (const p of parties) {
    dirs.push(
      await writeDomain(out, `fate-${p.replace('_', '-')}`, `FATE homo ${p}`, {
        name: 'credit',
        file: path.join(data, `default_credit_homo_${p}.csv`),
        columns,
      }),
    );
  }
  return {
    split,
    domainDirs: dirs,
    features: columns.slice(1).map((c) => `credit.${c.name}`),
    bankFeatures: [],
    labelColumn: 'credit.y',
    labelSet: null,
    entities: [],
  };
}

// The domain manifest: how a domain declares itself and its data. Parsed with zod on load.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** A 6-digit administrative division code (GB/T 2260), e.g. `110000` for Beijing. */
export const RegionCode = z.string().regex(/^\d{6}$/, 'a 6-digit administrative division code');

export const ColumnType = z.enum(['number', 'category', 'boolean', 'date']);
export const Sensitivity = z.enum(['public', 'restricted', 'personal', 'identifier']);
export const ColumnCategory = z.enum([
  'registration',
  'key-personnel',
  'tax',
  'social-insurance',
  'utilities',
  'customs',
  'judicial',
  'administrative-penalties',
  'qualifications',
  'intellectual-property',
  'public-credit-evaluation',
  'other',
]);

export const ColumnSpec = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case'),
  type: ColumnType,
  category: ColumnCategory,
  sensitivity: Sensitivity,
  description: z.string().max(500).default(''),
  unit: z.string().max(40).optional(),
});
export type ColumnSpec = z.infer<typeof ColumnSpec>;

export const DatasetSpec = z.strictObject({
  /** Dataset name; features are addressed as `<dataset>.<column>`. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case'),
  /** Path relative to the domain folder. */
  file: z.string().min(1),
  format: z.literal('csv'),
  /** The column holding the entity key. */
  key: z.string().min(1),
  columns: z.array(ColumnSpec).min(1),
});
export type DatasetSpec = z.infer<typeof DatasetSpec>;

export const DomainManifest = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1).max(200),
  regions: z.array(RegionCode).min(1),
  entityKey: z.enum(['uscc', 'opaque']),
  keys: z.strictObject({
    /** X25519 public key (SPKI PEM), relative to the domain folder. */
    publicKey: z.string().min(1),
    /** X25519 private key (PKCS#8 PEM), relative to the domain folder; never leaves the domain. */
    privateKey: z.string().min(1),
  }),
  datasets: z.array(DatasetSpec).min(1),
});
export type DomainManifest = z.infer<typeof DomainManifest>;

/**
 * Reads and validates `<dir>/manifest.json`; errors name the file and the field.
 *
 * @example
 * const manifest = await loadManifest('/srv/domains/d-bj');
 */
export async function loadManifest(dir: string): Promise<DomainManifest> {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read manifest (${(err as Error).message})`);
  }
  const parsed = DomainManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: field '${issue.path.join('.')}' ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const ds of parsed.data.datasets) {
    for (const col of ds.columns) {
      const name = `${ds.name}.${col.name}`;
      if (seen.has(name))
        throw new Error(`${file}: field 'datasets.${ds.name}.columns' duplicate column ${col.name}`);
      seen.add(name);
    }
  }
  return parsed.data;
}

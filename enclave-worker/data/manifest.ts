// The domain manifest: how a domain declares itself and its data. Parsed with zod on load.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** A 6-digit administrative division code (GB/T 2260), e.g. `110000` for Beijing. */
export const RegionCode = z.string().regex(/^\d{6}$/, 'a 6-digit administrative division code');

export const ColumnType = z.enum(['number', 'category', 'boolean', 'date']);
export type ColumnType = z.infer<typeof ColumnType>;
export const Sensitivity = z.enum(['public', 'restricted', 'personal', 'identifier']);
export type Sensitivity = z.infer<typeof Sensitivity>;
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
  /** Plausible values of a number column; the quality report counts values outside it. */
  range: z
    .strictObject({ min: z.number().optional(), max: z.number().optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max')
    .optional(),
});
export type ColumnSpec = z.infer<typeof ColumnSpec>;

export const DatasetSpec = z.strictObject({
  /** Dataset name; features are addressed as `<dataset>.<column>`. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case'),
  /** Path relative to the domain folder, or absolute. */
  file: z.string().min(1),
  format: z.literal('csv'),
  /** The column holding the entity key. */
  key: z.string().min(1),
  columns: z.array(ColumnSpec).min(1),
  /** A date column that dates each row; the quality report counts rows per calendar month of it. */
  dateColumn: z.string().min(1).optional(),
});
export type DatasetSpec = z.infer<typeof DatasetSpec>;

export const DomainManifest = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes'),
    name: z.string().min(1).max(200),
    regions: z.array(RegionCode).min(1),
    entityKey: z.enum(['uscc', 'opaque']),
    keys: z.strictObject({
      /** X25519 public key (SPKI PEM), relative to the domain folder or absolute. */
      publicKey: z.string().min(1),
      /** X25519 private key (PKCS#8 PEM), relative to the domain folder or absolute; never leaves the domain. */
      privateKey: z.string().min(1),
    }),
    datasets: z.array(DatasetSpec).min(1),
  })
  .superRefine((m, ctx) => {
    // Features are addressed as `<dataset>.<column>`, so both names must be unique where they live.
    const datasetNames = new Set<string>();
    m.datasets.forEach((ds, i) => {
      if (datasetNames.has(ds.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['datasets', i, 'name'],
          message: `duplicate dataset ${ds.name}`,
        });
      }
      datasetNames.add(ds.name);
      const columnNames = new Set<string>();
      ds.columns.forEach((c, j) => {
        const at = ['datasets', i, 'columns', j];
        if (columnNames.has(c.name)) {
          ctx.addIssue({ code: 'custom', path: [...at, 'name'], message: `duplicate column ${c.name}` });
        }
        columnNames.add(c.name);
        if (c.range && c.type !== 'number') {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'range'],
            message: 'range applies to number columns only',
          });
        }
      });
      if (ds.dateColumn !== undefined && ds.columns.find((c) => c.name === ds.dateColumn)?.type !== 'date') {
        ctx.addIssue({
          code: 'custom',
          path: ['datasets', i, 'dateColumn'],
          message: `${ds.dateColumn} is not a declared date column of dataset ${ds.name}`,
        });
      }
    });
  });
export type DomainManifest = z.infer<typeof DomainManifest>;

/** Line and column of a JSON.parse error position when the engine reports one (not every message has it). */
function jsonErrorAt(text: string, message: string): string {
  const pos = /position (\d+)/.exec(message);
  if (!pos) return '';
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

/**
 * Reads and validates `<dir>/manifest.json`; errors name the file and the field (every schema issue,
 * e.g. `field 'datasets.0.columns.3.type'`; `(root)` when the file is not JSON at all).
 *
 * @example
 * const manifest = await loadManifest('/srv/domains/d-bj');
 */
export async function loadManifest(dir: string): Promise<DomainManifest> {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: field '(root)' cannot read manifest (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(`${file}: field '(root)' is not valid JSON${jsonErrorAt(text, message)} (${message})`);
  }
  const parsed = DomainManifest.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `field '${i.path.join('.') || '(root)'}' ${i.message}`);
    throw new Error(`${file}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

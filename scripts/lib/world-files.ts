// Reads a synthetic world's bank files (labels, authorisations) into the SDK's upload shapes.
import { readFile } from 'node:fs/promises';
import type { AuthorizationGrant } from '../../client-sdk/contract/resources.ts';

function parseCsv(text: string): Record<string, string>[] {
  const [head = '', ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = head.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

export interface LabelFileRow {
  entity: string;
  label: 0 | 1;
  /** Bank-side features: every column besides entity and label (empty cell = null). */
  features: Record<string, number | null>;
}

/**
 * @example
 * const rows = await readLabels('world/banks/bank-a/labels.csv'); // [{ entity, label, features }]
 */
export async function readLabels(file: string): Promise<LabelFileRow[]> {
  return parseCsv(await readFile(file, 'utf8')).map(({ entity, label, ...rest }) => ({
    entity: entity!,
    label: label === '1' ? 1 : 0,
    features: Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === '' ? null : Number(v)])),
  }));
}

/**
 * @example
 * const grants = await readAuthorizations('world/banks/bank-a/authorizations.csv');
 */
export async function readAuthorizations(file: string): Promise<AuthorizationGrant[]> {
  return parseCsv(await readFile(file, 'utf8')).map((r) => ({
    entity: r.entity!,
    bank: r.bank!,
    purposes: r.purposes!.split(';') as AuthorizationGrant['purposes'],
    grantedAt: new Date(r.granted_at!).toISOString(),
    expiresAt: new Date(r.expires_at!).toISOString(),
    evidence: r.evidence ?? '',
  }));
}

// Bulk import of authorisations as CSV: `entity,bank,purposes,granted_at,expires_at[,evidence]`,
// purposes separated by `;`, dates as ISO dates or date-times.
const REQUIRED = ['entity', 'bank', 'purposes', 'granted_at', 'expires_at'] as const;

/** An ISO date (midnight UTC) or date-time, as a date-time; anything else stays as given for the schema to name. */
const isoOrRaw = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v)) return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
};

/**
 * The CSV as the JSON import body (`{ entityKey, grants }`), for `AuthorizationImport` to
 * validate: a bad cell is reported as `grants.<row>.<field>`, the row counted from 0 after the
 * header. A header without a required column gives `{ missing }` instead (the API answers 400,
 * the CLI names the file).
 *
 * @example
 * csvToImport('entity,bank,purposes,granted_at,expires_at\n9111…,bank-a,scoring,2026-01-01,2027-01-01\n', 'uscc');
 */
export function csvToImport(
  text: string,
  entityKey: string | undefined,
): { body: unknown; missing: null } | { body: null; missing: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const missing = REQUIRED.filter((h) => !header.includes(h));
  if (missing.length > 0) return { body: null, missing };
  const at = (cells: string[], name: string) => cells[header.indexOf(name)]?.trim() ?? '';
  const body = {
    ...(entityKey ? { entityKey } : {}),
    grants: lines.map((line) => {
      const cells = line.split(',');
      return {
        entity: at(cells, 'entity'),
        bank: at(cells, 'bank'),
        purposes: at(cells, 'purposes')
          .split(';')
          .filter((p) => p !== ''),
        grantedAt: isoOrRaw(at(cells, 'granted_at')),
        expiresAt: isoOrRaw(at(cells, 'expires_at')),
        ...(header.includes('evidence') ? { evidence: at(cells, 'evidence') } : {}),
      };
    }),
  };
  return { body, missing: null };
}

/**
 * The message for a header that lacks required columns.
 *
 * @example
 * headerProblem(['bank']); // 'CSV header lacks bank'
 */
export const headerProblem = (missing: readonly string[]) => `CSV header lacks ${missing.join(', ')}`;

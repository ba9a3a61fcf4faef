// A bank's label-set CSV (`entity,label[,bank feature…]`, header first, plain cells without quotes)
// as a label-set upload body: the one reading the lab's `text/csv` upload and the CLI share.

/** A cell as the upload schema should judge it: a number when it reads as one, null when empty. */
function cellValue(cell: string): number | string | null {
  if (cell === '') return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : cell;
}

/**
 * The upload body a label-set CSV stands for, still to be checked with `LabelSetUpload` (which
 * names the bad row and field); null when the header lacks `entity` or `label`. Labels other than
 * 0 and 1 are passed on as written, so the schema reports them.
 *
 * @example
 * labelSetCsvBody('entity,label,tenure_months\n91350100M000100Y43,0,14\n', { name: 'book' });
 * // { name: 'book', rows: [{ entity: '91350100M000100Y43', label: 0, features: { tenure_months: 14 } }] }
 */
export function labelSetCsvBody(
  text: string,
  opts: { name: string; entityKey?: string | undefined },
): { name: string; entityKey?: string; rows: Record<string, unknown>[] } | null {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const entity = header.indexOf('entity');
  const label = header.indexOf('label');
  if (entity < 0 || label < 0) return null;
  const features = header.flatMap((h, i) => (i === entity || i === label ? [] : [{ h, i }]));
  return {
    name: opts.name,
    ...(opts.entityKey ? { entityKey: opts.entityKey } : {}),
    rows: lines.map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      const raw = cells[label] ?? '';
      return {
        entity: cells[entity] ?? '',
        label: raw === '1' ? 1 : raw === '0' ? 0 : raw,
        ...(features.length > 0
          ? { features: Object.fromEntries(features.map(({ h, i }) => [h, cellValue(cells[i] ?? '')])) }
          : {}),
      };
    }),
  };
}

// One entity's raw cells read straight from the world's domain files (a test may; the lab never does).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StackFixture } from './stack-fixture.ts';

/**
 * The cells of `features` (`dataset.column`) for an enterprise, from the domain covering its
 * province; '' where the file has no row or the cell is empty.
 *
 * @example
 * const cells = await rawCells(fx, '911101…', ['tax.annual_tax_paid']); cells.get('tax.annual_tax_paid');
 */
export async function rawCells(
  fx: Pick<StackFixture, 'world' | 'worldDir'>,
  entity: string,
  features: readonly string[],
): Promise<Map<string, string>> {
  const domain = fx.world.domains.find((d) => d.regions.some((r) => entity.slice(2, 4) === r.slice(0, 2)))!;
  const out = new Map<string, string>();
  for (const f of features) {
    const [ds, col] = f.split('.') as [string, string];
    const text = await readFile(
      path.join(fx.worldDir, 'domains', domain.id, 'data', `${ds}.csv`),
      'utf8',
    ).catch(() => '');
    const [head = '', ...lines] = text.trim().split('\n');
    const cols = head.split(',');
    const line = lines.find((l) => l.startsWith(`${entity},`));
    out.set(f, line?.split(',')[cols.indexOf(col)] ?? '');
  }
  return out;
}

/**
 * The model's input encoding, re-implemented by hand from the input names; a missing cell of a
 * value input becomes `missing[j]` (a logistic model's mean, or NaN for a scorecard's missing bin).
 *
 * @example
 * encodeByHand(model.inputs, cells, {}, model.parameters.means);
 */
export function encodeByHand(
  inputs: string[],
  cells: Map<string, string>,
  bank: Record<string, number | null>,
  missing: readonly number[],
) {
  return inputs.map((name, j) => {
    if (name.startsWith('bank.')) return bank[name.slice(5)] ?? missing[j]!;
    const [src, value] = name.includes('=')
      ? (name.split('=') as [string, string])
      : [name.replace(/#missing$/, ''), ''];
    const cell = cells.get(src) ?? '';
    if (name.endsWith('#missing')) return cell === '' ? 1 : 0;
    if (name.includes('=')) {
      if (cell === '') return 0;
      if (value !== 'other') return cell === value ? 1 : 0;
      return inputs.some((n) => n === `${src}=${cell}`) ? 0 : 1;
    }
    if (cell === '') return missing[j]!;
    return cell === 'true' ? 1 : cell === 'false' ? 0 : Number(cell);
  });
}

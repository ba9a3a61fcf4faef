// How real department files go patchy: firms absent from a file altogether, and blank cells.
import { datasetCells } from './cells.ts';
import type { SynthDataset } from './columns.ts';
import type { Firm } from './enterprise.ts';
import type { Rng } from './prng.ts';
import type { ProvinceProfile } from './provinces.ts';

/**
 * The firm's cells for a dataset, or `null` when the department has no record of it (then every
 * column of that dataset is missing for the firm): by chance, or by nature (customs lists traders
 * only). Present rows still lose single cells at the province's blank-cell rate.
 *
 * @example
 * const cells = datasetRow(rng, firm, DATASETS[0]!, PROVINCES[0]!); // ['3.2', '120.0', '', '8', '2023-08-15']
 */
export function datasetRow(
  rng: Rng,
  firm: Firm,
  dataset: SynthDataset,
  province: ProvinceProfile,
): string[] | null {
  if (rng.chance(dataset.absentRate * province.coverageGap)) return null;
  const cells = datasetCells(firm, dataset.name);
  if (cells === null) return null;
  for (let c = 0; c < cells.length; c++) if (rng.chance(province.cellMissing)) cells[c] = '';
  return cells;
}

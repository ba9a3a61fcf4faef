// How real department files go patchy: firms absent from a file altogether, and blank cells.
import { datasetCells, type Firm } from './enterprise.ts';
import type { Rng } from './prng.ts';
import type { ProvinceProfile } from './provinces.ts';
import type { SynthDataset } from './schema.ts';

/**
 * The firm's CSV line for a dataset, or `null` when the department has no record of it (then every
 * column of that dataset is missing for the firm). Present rows still lose single cells at the
 * province's blank-cell rate; the key is never blank.
 *
 * @example
 * const line = datasetLine(rng, firm, DATASETS[0]!, PROVINCES[0]!); // '91110105…,3.2,120.0,it_services,8'
 */
export function datasetLine(
  rng: Rng,
  firm: Firm,
  dataset: SynthDataset,
  province: ProvinceProfile,
): string | null {
  if (rng.chance(dataset.absentRate * province.coverageGap)) return null;
  const cells = datasetCells(firm, dataset.name);
  let line = firm.id;
  for (const cell of cells) line += rng.chance(province.cellMissing) ? ',' : `,${cell}`;
  return line;
}

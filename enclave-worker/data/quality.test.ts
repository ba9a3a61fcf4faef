// Tests of the data-quality report on a hand-made domain (exact counts) and on a synthetic world.
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidUscc } from '../../client-sdk/contract/uscc.ts';
import { generateWorld } from '../../scripts/synth/index.ts';
import { loadDomainTable } from './columns.ts';
import { loadManifest } from './manifest.ts';
import { QualityReport, qualityReport } from './quality.ts';
import { col, testIds, testManifest, writeTestDomain } from './test-domain.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('qualityReport on a hand-made domain', () => {
  it('counts every defect exactly, with line numbers instead of ids', async () => {
    const [A, B, C, D] = testIds(4) as [string, string, string, string];
    const reg = [
      'entity_id,age,industry,active,founded', // line 1
      `${A},3,it,yes,2020-01-15`,
      'BAD1,-5,it,no,2020-01-20', // invalid id; age below range
      `${A},200,,true,2020-02-01`, // repeated key; age above range; industry blank
      `${B},abc,retail,maybe,`, // age and active unparsable; undated
      '"",4,x,1,2020-13-01', // empty id; impossible date
      `${C},,it,0,2020-02-29T10:00:00Z`,
      B, // repeated key, a short row: every column missing
    ].join('\n');
    const badIds = Array.from({ length: 21 }, (_, i) => `X${i},1`);
    const tax = ['entity_id,paid', ...badIds, `${A},5`, `${D},-1`, `${C},`].join('\r\n');
    const dir = await writeTestDomain(
      testManifest([
        {
          name: 'reg',
          file: 'data/reg.csv',
          format: 'csv',
          key: 'entity_id',
          dateColumn: 'founded',
          columns: [
            col('age', 'number', { range: { min: 0, max: 150 } }),
            col('industry', 'category'),
            col('active', 'boolean'),
            col('founded', 'date'),
          ],
        },
        {
          name: 'tax',
          file: 'data/tax.csv',
          format: 'csv',
          key: 'entity_id',
          columns: [col('paid', 'number', { range: { min: 0 } })],
        },
      ]),
      { 'data/reg.csv': reg, 'data/tax.csv': tax },
    );
    dirs.push(dir);
    const report = await qualityReport(dir, await loadManifest(dir));
    expect(QualityReport.parse(report)).toEqual(report);
    expect(report.domain).toBe('d-test');
    expect(report.datasets[0]).toEqual({
      name: 'reg',
      file: 'data/reg.csv',
      rows: 7,
      invalidIds: { count: 2, firstLines: [3, 6] },
      duplicateKeys: 2,
      columns: [
        { name: 'age', type: 'number', missing: 2, missingRate: 2 / 7, unparsable: 1, outOfRange: 2 },
        { name: 'industry', type: 'category', missing: 2, missingRate: 2 / 7, unparsable: 0, outOfRange: 0 },
        { name: 'active', type: 'boolean', missing: 1, missingRate: 1 / 7, unparsable: 1, outOfRange: 0 },
        { name: 'founded', type: 'date', missing: 2, missingRate: 2 / 7, unparsable: 1, outOfRange: 0 },
      ],
      months: [
        { month: '2020-01', rows: 2 },
        { month: '2020-02', rows: 2 },
      ],
      undatedRows: 3,
    });
    expect(report.datasets[1]).toEqual({
      name: 'tax',
      file: 'data/tax.csv',
      rows: 24,
      invalidIds: { count: 21, firstLines: Array.from({ length: 20 }, (_, i) => i + 2) },
      duplicateKeys: 0,
      columns: [
        { name: 'paid', type: 'number', missing: 1, missingRate: 1 / 24, unparsable: 0, outOfRange: 1 },
      ],
    });
    expect(JSON.stringify(report)).not.toContain('BAD1');
  });

  it('the schema refuses a report that lists more than 20 lines or has stray fields', () => {
    const base = {
      domain: 'd',
      datasets: [
        {
          name: 'x',
          file: 'x.csv',
          rows: 1,
          invalidIds: { count: 0, firstLines: [] },
          duplicateKeys: 0,
          columns: [],
        },
      ],
    };
    expect(QualityReport.safeParse(base).success).toBe(true);
    const tooMany = structuredClone(base);
    tooMany.datasets[0]!.invalidIds.firstLines = Array.from({ length: 21 }, (_, i) => i + 2) as never[];
    expect(QualityReport.safeParse(tooMany).success).toBe(false);
    expect(QualityReport.safeParse({ ...base, ids: ['911…'] }).success).toBe(false);
  });
});

describe('qualityReport on a synthetic world', () => {
  it('agrees with the loader on invalid ids and repeated keys, and its lines point at bad ids', async () => {
    const out = path.join(tmpdir(), `jml-quality-${process.pid}`);
    dirs.push(out);
    await generateWorld({ out, enterprises: 3000, domains: 1, seed: 5 });
    const dir = path.join(out, 'domains', 'd-bj');
    const manifest = await loadManifest(dir);
    const report = QualityReport.parse(await qualityReport(dir, manifest));
    const table = await loadDomainTable(dir, manifest);
    const sum = (f: (d: QualityReport['datasets'][number]) => number) =>
      report.datasets.reduce((s, d) => s + f(d), 0);
    expect(sum((d) => d.invalidIds.count)).toBe(table.invalidKeys);
    expect(sum((d) => d.duplicateKeys)).toBe(table.duplicateKeys);
    expect(table.invalidKeys).toBeGreaterThan(0);
    expect(sum((d) => d.columns.reduce((s, c) => s + c.outOfRange, 0))).toBeGreaterThan(0);
    for (const d of report.datasets) {
      const lines = (await readFile(path.join(dir, d.file), 'utf8')).split('\n');
      expect(d.rows).toBe(lines.filter((l) => l !== '').length - 1);
      for (const n of d.invalidIds.firstLines) expect(isValidUscc(lines[n - 1]!.split(',')[0]!)).toBe(false);
    }
    const dated = report.datasets.find((d) => d.months);
    expect(dated, 'the world declares a dateColumn').toBeDefined();
    expect(dated!.months!.reduce((s, m) => s + m.rows, 0) + dated!.undatedRows!).toBe(dated!.rows);
  });
});

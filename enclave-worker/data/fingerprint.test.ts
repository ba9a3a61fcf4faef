// Dataset fingerprints: the file's SHA-256 and its data rows counted as the loader counts them.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintDomain, fingerprintFile } from './fingerprint.ts';
import { col, testIds, testManifest, writeTestDomain } from './test-domain.ts';
import { validateDomain } from './validate.ts';

describe('fingerprintFile', () => {
  it('hashes the bytes and counts records, not lines (quoted newlines, blank lines, CRLF, no final newline)', async () => {
    const [a, b, c] = testIds(3);
    const text = `entity_id,note\r\n${a},"two\nlines"\r\n\r\n${b},plain\n${c},"say ""hi"""`;
    const dir = await writeTestDomain(testManifest([]), { 'data/t.csv': text });
    const fp = await fingerprintFile(path.join(dir, 'data/t.csv'));
    expect(fp).toEqual({ sha256: createHash('sha256').update(text).digest('hex'), rows: 3 });
  });

  it('gives an empty file and a header-only file zero rows', async () => {
    const dir = await writeTestDomain(testManifest([]), { 'data/e.csv': '', 'data/h.csv': 'entity_id,x\n' });
    expect((await fingerprintFile(path.join(dir, 'data/e.csv'))).rows).toBe(0);
    expect((await fingerprintFile(path.join(dir, 'data/h.csv'))).rows).toBe(0);
  });
});

describe('fingerprintDomain', () => {
  it('fingerprints every dataset in manifest order, and a changed byte changes the hash', async () => {
    const ids = testIds(4);
    const tax = `entity_id,x\n${ids.map((e, i) => `${e},${i}`).join('\n')}\n`;
    const court = `entity_id,y\n${ids[0]},1\n`;
    const manifest = testManifest([
      { name: 'tax', file: 'data/tax.csv', format: 'csv', key: 'entity_id', columns: [col('x', 'number')] },
      {
        name: 'court',
        file: 'data/court.csv',
        format: 'csv',
        key: 'entity_id',
        columns: [col('y', 'number')],
      },
    ]);
    const dir = await writeTestDomain(manifest, { 'data/tax.csv': tax, 'data/court.csv': court });
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    expect(await fingerprintDomain(dir, await validateDomain(dir))).toEqual([
      { dataset: 'tax', sha256: sha(tax), rows: 4 },
      { dataset: 'court', sha256: sha(court), rows: 1 },
    ]);
    const other = await writeTestDomain(manifest, {
      'data/tax.csv': tax.replace(',3', ',4'),
      'data/court.csv': court,
    });
    const [changed] = await fingerprintDomain(other, await validateDomain(other));
    expect(changed!.sha256).not.toBe(sha(tax));
    expect(changed!.rows).toBe(4);
  });
});

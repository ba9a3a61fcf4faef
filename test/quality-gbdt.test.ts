// The public-data acceptance case of the gbdt kind: FATE's vertical split of the UCI credit data
// through the whole lab (`npm run quality -- --split vertical --model gbdt`), held to AUC ≥ 0.78
// (scikit-learn's HistGradientBoosting reaches 0.787 on it). The data lives beside the repository
// (`../shared/data/fate`, or $FATE_DATA); without it the case is skipped with a warning.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from './helpers/redis.ts';

const repo = path.resolve(import.meta.dirname, '..');
const data = process.env.FATE_DATA ?? path.resolve(repo, '..', 'shared', 'data', 'fate');
const present = existsSync(path.join(data, 'default_credit_hetero_host.csv'));
if (!present) console.warn(`quality gbdt: skipped, no FATE data at ${data} (set FATE_DATA)`);

describe.skipIf(!present)('gbdt on the FATE vertical case', () => {
  it('reaches holdout AUC ≥ 0.78, above the bank-only model', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/quality.ts',
        '--split',
        'vertical',
        '--model',
        'gbdt',
        '--data',
        data,
        '--json',
      ],
      { cwd: repo, env: { ...process.env, REDIS_URL: TEST_REDIS_URL }, maxBuffer: 16 * 1024 * 1024 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      model: string;
      auc: number;
      bankOnlyAuc: number;
      rounds: number;
    };
    expect(result.model).toBe('gbdt');
    expect(result.auc).toBeGreaterThanOrEqual(0.78);
    expect(result.auc).toBeGreaterThan(result.bankOnlyAuc + 0.03);
  }, 300_000);
});

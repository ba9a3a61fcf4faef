// The SDK builds to plain JavaScript with type declarations (`npm run build:sdk`), which loads in
// Node without tsx and needs nothing but zod.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test-artifacts', `sdk-dist-${randomBytes(4).toString('hex')}`);

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('SDK build', () => {
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('emits JavaScript and declarations that load in plain Node and work', async () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', 'client-sdk/tsconfig.build.json', '--outDir', out], {
      cwd: root,
    });
    const emitted = await files(out);
    const js = emitted.filter((f) => f.endsWith('.js'));
    expect(emitted.some((f) => f.endsWith(path.join(out, 'index.d.ts')))).toBe(true);
    expect(emitted.filter((f) => f.endsWith('.d.ts'))).toHaveLength(js.length);
    expect(emitted.some((f) => f.includes('.test.'))).toBe(false);
    // Relative imports point at .js files; the only package imported is zod.
    for (const f of js) {
      const text = await readFile(f, 'utf8');
      expect(text).not.toMatch(/from ["']\.{1,2}\/[^"']*\.ts["']/);
      for (const [, spec] of text.matchAll(/from ["']([^"'.][^"']*)["']/g)) expect(spec).toBe('zod');
    }
    const probe = `
      const sdk = await import(${JSON.stringify(path.join(out, 'index.js'))});
      const pages = { null: { data: [1, 2], nextCursor: 'b' }, b: { data: [], nextCursor: 'c' }, c: { data: [3], nextCursor: null } };
      const list = new sdk.PagePromise(async (cursor) => pages[String(cursor)]);
      const first = await list;
      console.log(JSON.stringify({
        client: typeof sdk.LabClient,
        uscc: sdk.isValidUscc('91350100M000100Y43'),
        first: first.data,
        all: await list.all(),
        score: sdk.ScoreRequest.safeParse({ entities: [] }).success,
      }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({
      client: 'function',
      uscc: true,
      first: [1, 2],
      all: [1, 2, 3],
      score: false,
    });
  }, 120_000);
});

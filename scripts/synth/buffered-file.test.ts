// Tests for the chunked line writer: everything lands, in order, across many flushes.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferedFile } from './buffered-file.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('BufferedFile', () => {
  it('writes the header and every line in order across flushes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'synth-bf-'));
    dirs.push(dir);
    const file = path.join(dir, 'x.csv');
    const f = await BufferedFile.create(file, 'a,b');
    const expected = ['a,b'];
    for (let i = 0; i < 60_000; i++) {
      const line = `${i},${'x'.repeat(i % 17)}`;
      f.line(line);
      expected.push(line);
      if (i % 1000 === 0) await f.flushIfFull();
    }
    await f.close();
    expect(await readFile(file, 'utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('truncates an existing file and honours the mode', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'synth-bf-'));
    dirs.push(dir);
    const file = path.join(dir, 'k');
    const first = await BufferedFile.create(file, 'long old content', 0o600);
    await first.close();
    const second = await BufferedFile.create(file);
    second.line('new');
    await second.close();
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

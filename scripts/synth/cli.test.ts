// Tests for the `scripts/synth.ts` command line: one JSON line on success, usage on bad arguments.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../synth.ts';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('synth CLI', () => {
  it('generates a world and prints a one-line JSON summary', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'synth-cli-'));
    dirs.push(out);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main(['--out', out, '--enterprises', '1_500', '--domains', '4', '--seed', '3']);
    expect(code).toBe(0);
    expect(log).toHaveBeenCalledTimes(1);
    const printed = String(log.mock.calls[0]![0]);
    expect(printed).not.toContain('\n');
    const summary = JSON.parse(printed);
    expect(summary).toMatchObject({ seed: 3, enterprises: 1500, bank: 'bank-a', out });
    expect(summary.domains.map((d: { id: string }) => d.id)).toEqual(['d-bj', 'd-sh', 'd-gd', 'd-zj']);
    expect(typeof summary.elapsedMs).toBe('number');
    const world = JSON.parse(await readFile(path.join(out, 'world.json'), 'utf8'));
    expect(world.labels).toEqual(summary.labels);
  });

  it('exits 2 with usage on missing or malformed arguments', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main([])).toBe(2);
    expect(await main(['--out', '/tmp/x', '--enterprises', 'many'])).toBe(2);
    expect(await main(['--out', '/tmp/x', '--bogus'])).toBe(2);
    expect(String(err.mock.calls[0]![0])).toContain('usage:');
  });

  it('exits 1 when generation fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['--out', path.join(tmpdir(), 'synth-never'), '--domains', '0'])).toBe(1);
  });
});

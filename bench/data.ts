// `npm run bench:data`: times the synthetic world generator and the columnar loader (in a child process).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateWorld } from '../scripts/synth/index.ts';
import { writeNumericDomain } from './numeric-csv.ts';

const ENTERPRISES = 1_000_000;
const LOAD_ROWS = 1_000_000;
const LOAD_COLUMNS = 40;
const MISSING = 0.1;

const json = process.argv.includes('--json');
const say = (line: string) => {
  if (!json) console.log(line);
};

/** Generates the world; returns seconds. */
async function timeSynth(root: string): Promise<number> {
  const started = performance.now();
  const world = await generateWorld({ out: path.join(root, 'world'), enterprises: ENTERPRISES, seed: 7 });
  const seconds = (performance.now() - started) / 1000;
  say(
    `synth: ${ENTERPRISES.toLocaleString('en')} enterprises in ${world.domains.length} domains, ${seconds.toFixed(1)} s`,
  );
  return seconds;
}

/** Loads the wide file in a fresh child process, so its peak RSS is the loader's alone. */
async function timeLoad(dir: string): Promise<{ loadSeconds: number; loadRssMiB: number }> {
  const child = fileURLToPath(new URL('./load-child.ts', import.meta.url));
  // Resolve tsx from here rather than the cwd, so the bench runs from any folder.
  const tsx = import.meta.resolve('tsx');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, child, dir], {
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
    loadSeconds: number;
    loadRssMiB: number;
    rows: number;
    columns: number;
  };
  if (result.rows !== LOAD_ROWS || result.columns !== LOAD_COLUMNS) {
    throw new Error(`loader returned ${result.rows} rows × ${result.columns} columns`);
  }
  say(
    `load: ${result.rows.toLocaleString('en')} rows × ${result.columns} numeric columns in ${result.loadSeconds.toFixed(2)} s, peak RSS ${result.loadRssMiB.toFixed(0)} MiB`,
  );
  return { loadSeconds: result.loadSeconds, loadRssMiB: result.loadRssMiB };
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'jml-bench-data-'));
  try {
    const synthSeconds = await timeSynth(root);
    await rm(path.join(root, 'world'), { recursive: true, force: true }); // free the disk before the next step
    const dir = path.join(root, 'wide');
    const { bytes } = await writeNumericDomain(dir, {
      rows: LOAD_ROWS,
      columns: LOAD_COLUMNS,
      missing: MISSING,
      seed: 1,
    });
    say(`wrote ${(bytes / 2 ** 20).toFixed(0)} MiB of CSV (not timed)`);
    const { loadSeconds, loadRssMiB } = await timeLoad(dir);
    const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
    console.log(
      JSON.stringify({
        synthSeconds: round(synthSeconds, 2),
        loadSeconds: round(loadSeconds, 2),
        loadRssMiB: round(loadRssMiB, 1),
      }),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('bench:data failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

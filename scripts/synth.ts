// CLI for the synthetic world: `tsx scripts/synth.ts --out DIR [--enterprises N] [--domains K] [--seed S]`.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateWorld } from './synth/index.ts';

const USAGE = 'usage: tsx scripts/synth.ts --out DIR [--enterprises N=12000] [--domains K=3] [--seed S=7]';

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer, got '${raw}'`);
  return value;
}

/**
 * Parses the arguments, generates the world and prints a one-line JSON summary (world.json plus the
 * output folder and elapsed milliseconds). Exit code 2 on bad arguments, 1 on failure.
 *
 * @example
 * await main(['--out', '/tmp/world', '--enterprises', '1000']);
 */
export async function main(argv: string[]): Promise<number> {
  let opts: { out: string; enterprises: number; domains: number; seed: number };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        enterprises: { type: 'string' },
        domains: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (!values.out) throw new Error('--out is required');
    opts = {
      out: values.out,
      enterprises: integer('enterprises', values.enterprises, 12_000),
      domains: integer('domains', values.domains, 3),
      seed: integer('seed', values.seed, 7),
    };
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  try {
    const summary = await generateWorld(opts);
    const elapsedMs = Math.round(performance.now() - started);
    console.log(JSON.stringify({ ...summary, out: opts.out, elapsedMs }));
    return 0;
  } catch (err) {
    console.error(`synth: ${(err as Error).message}`);
    return 1;
  }
}

// Run only when invoked directly, so tests can import `main`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}

// `npm run bench:enclave`: what the enclave sandbox costs — start-up (spawn → ready) and a logistic
// regression round, sandboxed vs unsandboxed — and where an enclave's start-up time goes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type EnclaveLimits, EnclaveProcess } from '../enclave-worker/enclave-process.ts';
import { RoundResult } from '../enclave-worker/protocol.ts';
import { spawnEnclaveSource } from '../enclave-worker/sandbox.ts';
import { writeTrainDomain } from './train-data.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    starts: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '10' },
    rows: { type: 'string', default: '5000' },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const limits: EnclaveLimits = { memoryMiB: 1024, requestTimeoutMs: 60_000 };
const modes = [true, false] as const;

/** Milliseconds from spawn until the process exits (or, with IPC, sends its first message). */
function timed(child: ChildProcess, until: 'exit' | 'message'): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once(until, () => {
      resolve(performance.now() - started);
      child.kill('SIGKILL');
    });
  });
}

async function startupMs(dir: string, sandboxed: boolean): Promise<number> {
  const started = performance.now();
  const enclave = await EnclaveProcess.start(dir, limits, { sandboxed });
  const ms = performance.now() - started;
  enclave.kill();
  return ms;
}

async function roundMs(
  dir: string,
  features: string[],
  sandboxed: boolean,
  rounds: number,
): Promise<number[]> {
  const enclave = await EnclaveProcess.start(dir, limits, { sandboxed });
  try {
    await enclave.request({
      type: 'load',
      jobId: 'bench',
      modelKind: 'logistic',
      encoding: { inputs: features.map((source) => ({ kind: 'value' as const, source })) },
      bankFeatures: [],
      labels: { source: 'domain', column: 'loans.y' },
      validation: { split: 'none' },
      minCohort: 1,
      minClassCohort: 1,
      dp: false,
    });
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const instruction = { phase: 'stats', params: {} };
      RoundResult.parse(await enclave.request({ type: 'round', jobId: 'bench', instruction }));
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    enclave.kill();
  }
}

/** The old launcher, for comparison: node --import tsx on the enclave's TypeScript sources. */
function tsxStartupMs(dir: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'enclave-worker/enclave/main.ts', dir], {
    cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return timed(child, 'message');
}

/** An empty module: what starting node itself costs in the same launcher. */
const EMPTY_MODULE = 'export {};';

function sourceMs(source: string, sandboxed: boolean): Promise<number> {
  const child = spawnEnclaveSource(source, [], {
    sandboxed,
    memoryMiB: 256,
    reads: [],
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  return timed(child, 'exit');
}

async function main() {
  const starts = Number(values.starts);
  const rounds = Number(values.rounds);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jml-bench-enclave-'));
  try {
    const features = await writeTrainDomain(dir, {
      id: 'bench-enclave',
      rows: Number(values.rows),
      features: 10,
      firstId: 0,
      seed: 1,
    });
    // One start per mode first: builds the enclave bundle (once per broker process) and warms caches.
    for (const sandboxed of modes) await startupMs(dir, sandboxed);

    const startup = { true: [] as number[], false: [] as number[] };
    const bare = { true: [] as number[], false: [] as number[] };
    const emptyStart: number[] = [];
    const tsx: number[] = [];
    for (let i = 0; i < starts; i++) {
      for (const sandboxed of modes) {
        startup[`${sandboxed}`].push(await startupMs(dir, sandboxed));
        bare[`${sandboxed}`].push(await sourceMs('', sandboxed));
      }
      emptyStart.push(await sourceMs(EMPTY_MODULE, true));
      tsx.push(await tsxStartupMs(dir));
    }
    const startupMsSandboxed = median(startup.true);
    const startupMsPlain = median(startup.false);
    const sandboxSetupMs = median(bare.true) - median(bare.false);
    say(
      `enclave start-up (spawn → ready, median of ${starts}): sandboxed ${startupMsSandboxed.toFixed(0)} ms, unsandboxed ${startupMsPlain.toFixed(0)} ms`,
    );
    say(`  node itself (empty program, unsandboxed): ${median(bare.false).toFixed(0)} ms`);
    say(
      `  sandbox set-up (namespaces, new root, permission model; empty program): +${sandboxSetupMs.toFixed(0)} ms`,
    );
    say(`  of which starting node itself (sandboxed, empty module): ${median(emptyStart).toFixed(0)} ms`);
    say(
      `  for comparison, the old launcher (node --import tsx, transpiling at start): ${median(tsx).toFixed(0)} ms`,
    );

    const perRound = { true: 0, false: 0 };
    for (const sandboxed of modes) {
      perRound[`${sandboxed}`] = median(await roundMs(dir, features, sandboxed, rounds));
    }
    const roundOverheadMs = perRound.true - perRound.false;
    say(
      `logistic regression stats round on ${values.rows} rows × 10 features (median of ${rounds}): sandboxed ${perRound.true.toFixed(2)} ms, unsandboxed ${perRound.false.toFixed(2)} ms, overhead ${roundOverheadMs.toFixed(2)} ms`,
    );

    console.log(
      JSON.stringify({
        startupMs: Math.round(startupMsSandboxed),
        roundOverheadMs: Number(roundOverheadMs.toFixed(2)),
        startupMsUnsandboxed: Math.round(startupMsPlain),
        sandboxSetupMs: Math.round(sandboxSetupMs),
        nodeStartupMs: Math.round(median(emptyStart)),
        tsxStartupMs: Math.round(median(tsx)),
        roundMsSandboxed: Number(perRound.true.toFixed(2)),
        roundMsUnsandboxed: Number(perRound.false.toFixed(2)),
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

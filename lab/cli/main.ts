// `lab …`: the entry point (`npm run lab -- …`, or the `lab` bin through lab.js). `lab --help` lists the commands.
import { CommanderError } from 'commander';
import { CliError, ExitCode, exitCodeFor } from './exit-codes.ts';
import { Output } from './output.ts';
import { buildProgram } from './program.ts';

const out = new Output({ json: process.argv.includes('--json') });
try {
  await buildProgram(out).parseAsync(process.argv);
} catch (err) {
  const code = exitCodeFor(err);
  // Commander has printed its message (or the help) already, except under --json.
  if (!(err instanceof CommanderError)) process.exitCode = out.error(err);
  else if (!out.json || code === ExitCode.ok) process.exitCode = code;
  else if (err.code === 'commander.help')
    process.exitCode = out.error(new CliError('usage', 'a command is required (--help lists them)', code));
  else process.exitCode = out.error(err);
}

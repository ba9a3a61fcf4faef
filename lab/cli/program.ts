// The `lab` program: the lab's processes, key administration, and the client commands over HTTP.
import { Command } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerData } from './commands/data.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerKeys } from './commands/keys.ts';
import { registerModels } from './commands/models.ts';
import { registerServer } from './commands/server.ts';
import type { GlobalOptions } from './context.ts';
import type { Output } from './output.ts';

const AFTER_HELP = `
Client commands talk to a running lab: --profile <name> (or LAB_PROFILE) picks a profile of the
profiles file ($LAB_CONFIG, else ~/.config/lab/profiles.json); else LAB_URL and LAB_API_KEY; else
the file's "default" profile. The key is never printed.

Exit codes: 0 ok; 1 failed (job failed/rejected/cancelled/expired, entity not scored, audit chain
broken); 2 usage or invalid input (also a 400 from the lab); 3 authentication or permission (401,
403); 4 not found; 5 conflict (409); 6 lab unreachable or unavailable (503, 429). See docs/cli.md.`;

/** The full name of a command (`lab jobs show`). */
function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Builds the program; `out` receives results and errors. Parse errors throw (exitOverride), so
 * the caller chooses the exit code.
 *
 * @example
 * await buildProgram(new Output({ json: false })).parseAsync(process.argv);
 */
export function buildProgram(out: Output): Command {
  const program = new Command('lab')
    .description('the Joint Modeling Lab: its processes, and the commands banks and operators run against it')
    .option('--json', 'machine-readable output: one JSON document (JSON Lines when following a job)')
    .option('--profile <name>', 'the lab profile to use (see below)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      // Under --json a parse error is printed once, as JSON, by the caller.
      writeErr: (text) => {
        if (!out.json) process.stderr.write(text);
      },
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', AFTER_HELP);
  program.hook('preAction', (_program, action) => {
    out.json = Boolean(action.optsWithGlobals<GlobalOptions>().json);
    out.command = pathOf(action);
  });
  registerServer(program);
  registerKeys(program, out);
  registerJobs(program, out);
  registerModels(program, out);
  registerData(program, out);
  registerAudit(program, out);
  return program;
}

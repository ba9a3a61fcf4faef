// `lab jobs submit | watch | list | show | approve | reject | cancel`: model jobs, for banks and operators.
import type { Command } from 'commander';
import type { LabClient } from '../../../client-sdk/client.ts';
import { JobSpec } from '../../../client-sdk/contract/job-spec.ts';
import { Job, JobList } from '../../../client-sdk/contract/resources.ts';
import { clientFor, collect, firstOrAll, intIn } from '../context.ts';
import { readJson } from '../files.ts';
import { jobDetails, jobHeadline, jobLine, listText } from '../format.ts';
import type { Output } from '../output.ts';
import { watchJob } from '../watch.ts';

const WATCH_HELP =
  'follow the job until it ends: a progress bar on a terminal, a line per round when piped, JSON Lines with --json; exits 1 unless it succeeds';

/**
 * @example
 * registerJobs(program, out); // lab jobs …
 */
export function registerJobs(program: Command, out: Output): void {
  const jobs = program.command('jobs').description('model jobs: submit, follow, review, cancel');

  jobs
    .command('submit')
    .description('submit a model job (bank scientists); it then waits for operators to approve it')
    .argument('<spec>', 'the JobSpec, a JSON file ("-" reads stdin)')
    .option('--watch', WATCH_HELP)
    .action(async (file: string, opts: { watch?: boolean }, cmd: Command) => {
      const spec = await readJson(file, JobSpec);
      const client = clientFor(cmd, out);
      const job = await client.jobs.create(spec);
      if (opts.watch) process.exitCode = await watchJob(client, job, out);
      else out.result(Job, job, jobHeadline);
    });

  jobs
    .command('watch')
    .description('follow a job until it ends (as submit --watch)')
    .argument('<id>', 'job id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd, out);
      process.exitCode = await watchJob(client, await client.jobs.retrieve(id), out);
    });

  jobs
    .command('list')
    .description('jobs, newest first (banks: their own; operators and auditors: every tenant)')
    .option('--limit <n>', 'jobs per page (1-100)', intIn(1, 100))
    .option('--all', 'every page, not only the first')
    .action(async (opts: { limit?: number; all?: boolean }, cmd: Command) => {
      const list = clientFor(cmd, out).jobs.list(opts.limit ? { limit: opts.limit } : {});
      const page = await firstOrAll(list, opts.all);
      out.result(JobList, page, (p) => listText(p.data.map(jobLine), p.nextCursor, 'jobs'));
    });

  jobs
    .command('show')
    .description('a job: spec, privacy report, decisions, rounds, outcome')
    .argument('<id>', 'job id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      out.result(Job, await clientFor(cmd, out).jobs.retrieve(id), jobDetails);
    });

  jobs
    .command('approve')
    .description('approve a pending job (operators); restricted features may need a second operator')
    .argument('<id>', 'job id')
    .option('--note <text>', 'why (kept with the decision and in the audit log)', '')
    .option('--personal-feature <name>', 'grant a personal feature the job uses (repeat for each)', collect)
    .action(async (id: string, opts: { note: string; personalFeature?: string[] }, cmd: Command) => {
      const grant = opts.personalFeature ? { personalFeatures: opts.personalFeature } : {};
      out.result(Job, await clientFor(cmd, out).jobs.approve(id, opts.note, grant), jobHeadline);
    });

  // Reject and cancel: a job id and a note, the job as it stands afterwards.
  const withNote = (
    name: string,
    description: string,
    call: (lab: LabClient, id: string, note: string) => Promise<Job>,
  ) =>
    jobs
      .command(name)
      .description(description)
      .argument('<id>', 'job id')
      .option('--note <text>', 'why', '')
      .action(async (id: string, opts: { note: string }, cmd: Command) => {
        out.result(Job, await call(clientFor(cmd, out), id, opts.note), jobHeadline);
      });
  withNote('reject', 'reject a pending job (operators)', (lab, id, note) => lab.jobs.reject(id, note));
  withNote('cancel', "cancel a job that has not ended (the job's bank, or operators)", (lab, id, note) =>
    lab.jobs.cancel(id, note),
  );
}

// Follows a job live over SSE until it ends: a progress bar on a terminal, plain lines when piped,
// JSON Lines under --json. The stream is reopened if it drops; rounds already shown are skipped.
import { SingleBar } from 'cli-progress';
import type { LabClient } from '../../client-sdk/client.ts';
import {
  type Job,
  type JobEvent,
  type JobProgress,
  TERMINAL_STATUSES,
} from '../../client-sdk/contract/resources.ts';
import { UnavailableError } from '../../client-sdk/errors.ts';
import { ExitCode, isNetworkError } from './exit-codes.ts';
import { jobHeadline, jobOutcome } from './format.ts';
import type { Output } from './output.ts';
import { etaMs, formatDuration, formatLoss, plannedRounds } from './progress.ts';
import { WatchLine } from './schemas.ts';

type StatusEvent = Extract<JobEvent, { type: 'status' }>;

/** A round as the views show it: rounds done, rounds planned, loss, time left. */
interface RoundView {
  done: number;
  planned: number;
  loss: number | null;
  eta: number | null;
}

/** What a watch shows, however it shows it. */
interface WatchView {
  start(job: Job): void;
  status(event: StatusEvent): void;
  round(event: JobProgress, view: RoundView): void;
  end(event: StatusEvent, job: Job): void;
  /** Leaves the terminal as it was (the bar stopped), also when the watch fails. */
  close(): void;
}

const jsonView = (out: Output): WatchView => ({
  start: (job) => out.jsonLine(WatchLine, { type: 'job', job }),
  status: (event) => out.jsonLine(WatchLine, event),
  round: (event) => out.jsonLine(WatchLine, { type: 'progress', ...event }),
  end: (event) => out.jsonLine(WatchLine, event),
  close: () => {},
});

const roundLine = (v: RoundView) =>
  `round ${v.done}/${v.planned} loss ${formatLoss(v.loss)} eta ${formatDuration(v.eta)}`;

const plainView = (out: Output): WatchView => ({
  start: (job) => out.print(jobHeadline(job)),
  status: (event) => out.print(`status ${event.status}`),
  round: (_event, view) => out.print(roundLine(view)),
  end: (event, job) => out.print(jobOutcome(job, event)),
  close: () => {},
});

/** The terminal view: status lines until the first round, then one bar that advances a round at a time. */
function barView(out: Output): WatchView {
  const bar = new SingleBar({
    stream: process.stdout,
    format: 'round {value}/{total} {bar} loss {loss} eta {etaText}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 30,
    hideCursor: true,
    gracefulExit: true,
  });
  let started = false;
  let last: RoundView | null = null;
  const payload = (v: RoundView) => ({ loss: formatLoss(v.loss), etaText: formatDuration(v.eta) });
  const stop = () => {
    if (started) bar.stop();
    started = false;
  };
  return {
    start: (job) => out.print(jobHeadline(job)),
    status: (event) => {
      if (!started) out.print(`status ${event.status}`);
    },
    round: (_event, view) => {
      last = view;
      if (!started) {
        bar.start(view.planned, view.done, payload(view));
        started = true;
      } else {
        bar.setTotal(view.planned);
        bar.update(view.done, payload(view));
      }
    },
    end: (event, job) => {
      // A job that converged early ends before the planned rounds: the bar ends full.
      if (started && last && event.status === 'succeeded') {
        bar.setTotal(last.done);
        bar.update(last.done, payload({ ...last, eta: 0 }));
      }
      stop();
      out.print(jobOutcome(job, event));
    },
    close: stop,
  };
}

/** Consecutive failed attempts to (re)open the stream before the watch gives up. */
const MAX_RECONNECTS = 5;
const RECONNECT_MS = 1000;

/**
 * Follows `job` until it ends and returns the exit code: 0 when it succeeded, 1 when it ended
 * failed, rejected, cancelled or expired.
 *
 * @example
 * process.exitCode = await watchJob(client, await client.jobs.create(spec), out);
 */
export async function watchJob(client: LabClient, job: Job, out: Output): Promise<number> {
  const view = out.json ? jsonView(out) : process.stdout.isTTY ? barView(out) : plainView(out);
  const rounds: JobProgress[] = [];
  let lastRound = -1;
  let lastStatus = job.status;
  let final: StatusEvent | null = null;
  let failures = 0;
  try {
    view.start(job);
    while (!final) {
      try {
        for await (const event of client.jobs.events(job.id)) {
          failures = 0;
          if (event.type === 'progress') {
            if (event.round <= lastRound) continue;
            lastRound = event.round;
            const { type: _type, ...progress } = event;
            rounds.push(progress);
            const planned = plannedRounds(job.spec.model, rounds);
            const eta = etaMs(rounds, planned);
            view.round(progress, { done: rounds.length, planned, loss: progress.loss, eta });
          } else if (TERMINAL_STATUSES.has(event.status)) {
            final = event;
            break;
          } else if (event.status !== lastStatus) {
            lastStatus = event.status;
            view.status(event);
          }
        }
      } catch (err) {
        const transient = isNetworkError(err) || err instanceof UnavailableError;
        if (!transient || ++failures > MAX_RECONNECTS) throw err;
      }
      if (!final) await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
    view.end(final, job);
  } finally {
    view.close();
  }
  return final.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
}

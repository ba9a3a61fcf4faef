// `GET /v1/jobs/:id/events`: a job's rounds and status changes as server-sent events.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Job, TERMINAL_STATUSES } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import type { AuthEnv } from '../auth.ts';

/** How often the stream looks at the job record. */
const POLL_MS = 250;

/**
 * Streams `progress` events (one per round, id = round index, so `Last-Event-ID` resumes) and
 * `status` events; the stream ends after a terminal status. The caller has already been allowed
 * to see `job`.
 *
 * @example
 * return jobEvents(c, ctx, job);
 */
export function jobEvents(c: Context<AuthEnv>, ctx: LabContext, job: Job): Response {
  const resumeFrom = Number(c.req.header('last-event-id') ?? -1);
  return streamSSE(c, async (stream) => {
    let sent = Number.isInteger(resumeFrom) ? resumeFrom + 1 : 0;
    let status = '';
    let aborted = false;
    stream.onAbort(() => {
      aborted = true;
    });
    for (let current: Job | null = job; current && !aborted; current = await ctx.jobs.get(job.id)) {
      for (; sent < current.progress.length; sent++) {
        await stream.writeSSE({
          event: 'progress',
          id: String(sent),
          data: JSON.stringify(current.progress[sent]),
        });
      }
      if (current.status !== status) {
        status = current.status;
        const body = { status, modelId: current.modelId, error: current.error };
        await stream.writeSSE({ event: 'status', data: JSON.stringify(body) });
      }
      if (TERMINAL_STATUSES.has(current.status)) break;
      await stream.sleep(POLL_MS);
    }
  });
}

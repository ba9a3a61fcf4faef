// Queue monitoring: bull-board over the coordinator's queue and every registered domain's queue, read-only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { LabContext } from '../context.ts';
import { queueNames } from '../infra/redis.ts';
import { audited, type ConsoleEnv } from './env.ts';

export const QUEUES_PATH = '/console/queues';

/**
 * bull-board, mounted under `/console/queues` behind the console's session guard. Every queue is
 * read-only: the coordinator's state machine owns its jobs, and a retry or clean from a dashboard
 * would go round it (the guard refuses non-GET requests here as well). Domains that registered
 * since the board was built are added on the next request.
 *
 * @example
 * console.route('/queues', queueBoard(ctx));
 */
export function queueBoard(ctx: LabContext) {
  const adapter = new HonoAdapter(serveStatic).setBasePath(QUEUES_PATH);
  const board = createBullBoard({
    queues: [new BullMQAdapter(ctx.coordinatorQueue, { readOnlyMode: true })],
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: 'Lab queues',
        hideDocsLink: true,
        miscLinks: [{ text: 'Back to the console', url: '/console/approvals' }],
      },
    },
  });
  const shown = new Set([queueNames.coordinator]);
  return new Hono<ConsoleEnv>()
    .use('*', async function addDomainQueues(c, next) {
      for (const d of await ctx.domains.listCached()) {
        const name = queueNames.domain(d.id);
        if (shown.has(name)) continue;
        shown.add(name);
        board.addQueue(new BullMQAdapter(ctx.domainQueue(d.id).queue, { readOnlyMode: true }));
      }
      // The board's pages are page views; its UI's polling of `/api` and its static files are not.
      const sub = c.req.path.slice(QUEUES_PATH.length);
      if (!sub.startsWith('/api/') && !sub.startsWith('/static/'))
        await audited(ctx, c, 'console.queues.viewed', c.get('principal').tenant, sub || '/');
      await next();
    })
    .route('/', adapter.registerPlugin());
}

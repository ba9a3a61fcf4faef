// The ceiling of bench:score: @hono/node-server with a bare handler answering a fixed score, so the
// lab's own work per request can be told from the HTTP stack's.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const answer = {
  modelId: 'mdl_ceiling',
  modelVersion: 1,
  results: [{ entity: 'x', ok: true, probability: 0.05, score: 640, reasons: [], modelVersion: 1 }],
};
const app = new Hono().post('/score', async (c) => {
  await c.req.json();
  return c.json(answer);
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(JSON.stringify({ listening: `http://127.0.0.1:${info.port}` }));
});

// readJson under the real Node server: bodies read straight off the socket, in pieces, broken
// or cut off, all end as a value or a 400 — never a hung or crashed handler.
import net from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from './http-error.ts';
import { readJson } from './validate.ts';

/** Sends raw HTTP/1.1 bytes in pieces, `gapMs` apart, and returns the whole answer (or '' if cut). */
function rawRequest(port: number, pieces: string[], opts: { gapMs?: number; cut?: boolean } = {}) {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setTimeout(r, opts.gapMs ?? 5));
      }
      if (opts.cut) socket.destroy();
    });
  });
}

const head = (length: number) =>
  `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`;

describe('readJson on the Node server', () => {
  let server: ServerType;
  let port = 0;
  /** How each handler call ended: the value read, or the error code. */
  const outcomes: unknown[] = [];

  beforeAll(async () => {
    const app = new Hono().post('/echo', async (c) => {
      try {
        const value = await readJson(c);
        outcomes.push(value);
        return c.json({ value });
      } catch (err) {
        outcomes.push(err instanceof HttpError ? err.code : 'crash');
        if (err instanceof HttpError) return c.json({ error: err.code, field: err.field }, err.status);
        throw err;
      }
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        port = info.port;
        resolve();
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads a body that arrives in several pieces, whole and in order', async () => {
    const body = JSON.stringify({ entities: Array.from({ length: 2000 }, (_, i) => `e-${i}`) });
    const pieces = [head(Buffer.byteLength(body)), body.slice(0, 7), body.slice(7, 9000), body.slice(9000)];
    const answer = await rawRequest(port, pieces);
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
    const echoed = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).value;
    expect(echoed.entities).toHaveLength(2000);
    expect(echoed.entities[1999]).toBe('e-1999');
  });

  it('reads an empty body as malformed JSON (400 naming body), and bytes that are not UTF-8 the same', async () => {
    const empty = await rawRequest(port, [head(0)]);
    expect(empty.startsWith('HTTP/1.1 400')).toBe(true);
    expect(empty).toContain('"field":"body"');
    const latin1 = Buffer.from('{"a":"\xe9"}', 'latin1');
    const bad = await rawRequest(port, [head(latin1.length), latin1.toString('latin1')]);
    expect(bad.startsWith('HTTP/1.1 400')).toBe(true);
  });

  it('ends the handler with a 400 when the caller cuts the body short, and keeps serving', async () => {
    const before = outcomes.length;
    await rawRequest(port, [head(100), '{"entities": ["a",'], { cut: true });
    await expect.poll(() => outcomes.length, { timeout: 2000 }).toBe(before + 1);
    expect(outcomes.at(-1)).toBe('invalid_request');
    const next = await rawRequest(port, [head(8), '{"ok":1}']);
    expect(next.startsWith('HTTP/1.1 200')).toBe(true);
  });
});

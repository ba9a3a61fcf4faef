// Request parsing at the boundary: JSON bodies through zod, errors that name the field.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './http-error.ts';

/**
 * Turns the first zod issue into a 400 naming the dotted field path (`model.l2`, `features.3`).
 * Unknown keys name the key itself, so `{"modle": …}` answers with field `modle`.
 *
 * @example
 * throw zodToHttp(result.error);
 */
export function zodToHttp(error: z.ZodError, base: string[] = []): HttpError {
  const issue = error.issues[0]!;
  const path = [...base, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    const field = [...path, issue.keys[0]!].join('.');
    return new HttpError(400, 'invalid_request', `unknown field '${field}'`, field);
  }
  const field = path.join('.') || undefined;
  return new HttpError(400, 'invalid_request', field ? `${field}: ${issue.message}` : issue.message, field);
}

/** `application/json`, optionally with `charset=utf-8` (JSON is UTF-8 on the wire, RFC 8259 §8.1). */
const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
/** Strict decoding: bytes that are not UTF-8 are refused, never replaced by U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request body. Under the Node server, a body of stated length nobody has started reading is
 * read from the socket's stream directly, without building a Fetch `Request` around it (the
 * scoring route's hot path); otherwise through `c.req`.
 */
async function bodyBytes(c: Context): Promise<Uint8Array> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const direct =
    incoming instanceof Readable &&
    c.req.header('content-length') !== undefined &&
    c.req.header('transfer-encoding') === undefined &&
    !incoming.readableDidRead &&
    incoming.listenerCount('data') === 0 &&
    incoming.listenerCount('readable') === 0;
  if (!direct) return new Uint8Array(await c.req.arrayBuffer());
  return readIncoming(incoming);
}

/**
 * All of a request's body, by its events: a stream's async iterator costs several times more per
 * request, and most bodies here are one small chunk. Rejects if the request closes before its end.
 */
function readIncoming(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    incoming.once('error', reject);
    incoming.once('close', () => {
      if (!incoming.readableEnded) reject(new Error('the request closed before its body ended'));
    });
  });
}

/**
 * Reads and validates a JSON body; a wrong content type, bytes that are not UTF-8, malformed
 * JSON and schema errors become 400s, never 500s.
 *
 * @example
 * const spec = await parseJson(c, JobSpec);
 */
export async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseValue(schema, await readJson(c));
}

/**
 * Reads a JSON body without a schema (400 for a wrong content type, bytes that are not UTF-8 or
 * malformed JSON); `parseValue` validates it later.
 *
 * @example
 * const body = await readJson(c); … parseValue(ScoreRequest, body);
 */
export async function readJson(c: Context): Promise<unknown> {
  if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    const message = 'body must be JSON sent as content-type application/json';
    throw new HttpError(400, 'invalid_request', message, 'content-type');
  }
  try {
    return JSON.parse(utf8.decode(await bodyBytes(c)));
  } catch {
    throw new HttpError(400, 'invalid_request', 'body must be valid JSON in UTF-8', 'body');
  }
}

/** Validates an already-parsed value. */
export function parseValue<S extends z.ZodType>(schema: S, value: unknown, base: string[] = []): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToHttp(result.error, base);
  return result.data;
}

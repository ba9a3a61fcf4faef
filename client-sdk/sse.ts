// A minimal server-sent-events reader over fetch (works in Node ≥ 20 and browsers).

/**
 * One server-sent event: its `event` name (`message` when the stream names none), `id`, and the
 * `data` lines joined by newlines.
 *
 * @example
 * const m: SseMessage = { event: 'progress', id: '3', data: '{"round":3,"loss":0.41}' };
 */
export interface SseMessage {
  event: string;
  id?: string;
  data: string;
}

/**
 * Yields the messages of an SSE response body as they arrive.
 *
 * @example
 * for await (const m of readSse(res.body!)) console.log(m.event, m.data);
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.search(/\r?\n\r?\n/);
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const message: SseMessage = { event: 'message', data: '' };
        const data: string[] = [];
        for (const line of block.split(/\r?\n/)) {
          const colon = line.indexOf(':');
          if (colon === 0) continue; // comment
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') message.event = value;
          else if (field === 'id') message.id = value;
          else if (field === 'data') data.push(value);
        }
        message.data = data.join('\n');
        if (data.length > 0) yield message;
        end = buffer.search(/\r?\n\r?\n/);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

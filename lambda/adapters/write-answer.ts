import type { ServerResponse } from 'node:http';
import { pipeBody } from './pipe-body.js';

/**
 * A non-streamed answer up to this size is written whole: status, headers (with `content-length`) and body in one
 * socket write. Larger ones, and every event stream, go out chunk by chunk as they arrive.
 */
export const WHOLE_ANSWER_MAX_BYTES = 64 * 1024;

/**
 * Writes the gateway's answer to a node:http response. An event stream is never held: each chunk is written as it
 * arrives, waiting for `drain` when the socket is full (backpressure). A short non-streamed answer (JSON, already
 * complete upstream) is collected first, so it costs one write instead of a header write, a chunk and a
 * terminating chunk. A caller who leaves cancels the body ({@link pipeBody}), which ends the upstream call.
 *
 * @throws what the body stream throws (an upstream cut mid-answer); the caller destroys the response then.
 */
export async function writeAnswer(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const held = headers['content-type']?.includes('text/event-stream') ? [] : await readWhole(reader);
  if (held === 'whole') return;
  res.writeHead(response.status, headers);
  await pipeBody(reader, res, held);

  /** The body whole (then written with its length), or the chunks read before it passed the limit. */
  async function readWhole(source: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array[] | 'whole'> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size <= WHOLE_ANSWER_MAX_BYTES) {
      const next = await source.read();
      if (next.done) {
        headers['content-length'] = String(size);
        res.writeHead(response.status, headers);
        res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
        return 'whole';
      }
      chunks.push(next.value);
      size += next.value.byteLength;
    }
    return chunks;
  }
}

import type { ServerResponse } from 'node:http';
import { isChunkSource, type Answer, type ChunkSource } from '../domain/answer.js';
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
export async function writeAnswer(res: ServerResponse, response: Answer): Promise<void> {
  const { status, headers, body } = response;
  if (!isChunkSource(body)) {
    if (body === undefined) res.writeHead(status, headers).end();
    else res.writeHead(status, { ...headers, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) }).end(body);
    return;
  }
  const held = headers['content-type']?.includes('text/event-stream') ? [] : await readWhole(body);
  if (!Array.isArray(held)) {
    res.writeHead(status, { ...headers, 'content-length': String(held.byteLength) }).end(held);
    return;
  }
  res.writeHead(status, headers);
  await pipeBody(body, res, held);
}

/** The body whole (then written with its length), or the chunks read before it passed the limit. */
async function readWhole(source: ChunkSource): Promise<Uint8Array | Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= WHOLE_ANSWER_MAX_BYTES) {
    const chunk = await source.read();
    if (chunk === undefined) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return chunks;
}

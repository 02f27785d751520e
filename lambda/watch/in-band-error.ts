import type { ErrorType } from '../domain/request-facts.js';
import type { StreamFormat } from '../domain/stream-format.js';

const ENCODER = new TextEncoder();

/** What the caller is told, per failure; no upstream detail, nothing internal. */
const MESSAGES: Partial<Record<ErrorType, string>> = {
  stream_idle_timeout: 'The upstream model stopped sending; the gateway ended the stream.',
  stream_interrupted: 'The connection to the upstream model broke; the answer is incomplete.',
};

/** Anthropic's documented error types for what went wrong. */
const ANTHROPIC_TYPE: Partial<Record<ErrorType, string>> = {
  stream_idle_timeout: 'timeout_error',
  stream_interrupted: 'api_error',
};

/**
 * The one in-band error event the watch stage sends after the first byte, in the caller's format, followed by
 * what ends a stream cleanly there:
 * - Chat Completions: `data: {"error":{message,type,code}}` then `data: [DONE]`;
 * - Messages: `event: error` with `{"type":"error","error":{type,message}}`;
 * - Responses: `event: error` with `{"type":"error","code","message","sequence_number"}`, numbering on from the
 *   last event the caller got.
 * Built only when a stream fails, so it costs nothing on the way of a healthy one.
 */
export function inBandError(format: StreamFormat, failure: ErrorType, nextSequenceNumber: number): Uint8Array {
  const message = MESSAGES[failure] ?? 'The upstream model failed; the answer is incomplete.';
  switch (format) {
    case 'chat':
      return ENCODER.encode(`data: ${JSON.stringify({ error: { message, type: 'server_error', code: failure } })}\n\ndata: [DONE]\n\n`);
    case 'messages':
      return ENCODER.encode(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: ANTHROPIC_TYPE[failure] ?? 'api_error', message } })}\n\n`);
    case 'responses':
      return ENCODER.encode(`event: error\ndata: ${JSON.stringify({ type: 'error', code: failure, message, sequence_number: nextSequenceNumber })}\n\n`);
  }
}

const SEQUENCE = /"sequence_number"\s*:\s*(\d+)/g;
const TAIL_BYTES = 8_192;

/**
 * The sequence number after the last one in `chunks` (the last events the caller got), read only from their tail
 * and only when a Responses stream fails: the healthy path never parses an event.
 */
export function nextSequenceNumber(chunks: ReadonlyArray<Uint8Array | undefined>): number {
  for (let index = chunks.length - 1; index >= 0; index -= 1) {
    const chunk = chunks[index];
    if (!chunk) continue;
    const tail = new TextDecoder().decode(chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES)));
    let last: string | undefined;
    for (const match of tail.matchAll(SEQUENCE)) last = match[1];
    if (last !== undefined) return Number(last) + 1;
  }
  return 0;
}

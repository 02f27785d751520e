/**
 * What a surface handler produces: a JSON answer or an SSE stream, as data. The server delivers it (applying
 * pacing and faults), so surfaces never touch sockets.
 */
import type { ServerResponse } from 'node:http';
import { writeBenchStream } from './bench-stream.js';
import type { BenchStreamSpec } from './bench-stream.js';
import type { DeliveryControl } from './faults.js';
import { cutConnection, writeFlushed, writeSse } from './sse.js';
import type { SseEvent, StreamEnd } from './sse.js';

export type Answer =
  | { kind: 'json'; status: number; body: string | object; headers?: Record<string, string> }
  | {
      kind: 'sse';
      events: SseEvent[];
      /** Runs once however the stream ends (completed, cut, stalled, client gone). */
      onSettled?: (end: StreamEnd) => void;
    }
  /** The benchmark model's generated stream (see bench-stream.ts); faults do not apply to it. */
  | { kind: 'bench'; spec: BenchStreamSpec };

export function jsonAnswer(body: object, status = 200): Answer {
  return { kind: 'json', status, body };
}

export function sseAnswer(events: SseEvent[], onSettled?: (end: StreamEnd) => void): Answer {
  return onSettled ? { kind: 'sse', events, onSettled } : { kind: 'sse', events };
}

/** Delivers an answer honouring the delivery control of any fault. */
export async function deliver(
  res: ServerResponse,
  answer: Answer,
  delivery: DeliveryControl,
  signal: AbortSignal,
): Promise<void> {
  if (answer.kind === 'bench') return writeBenchStream(res, answer.spec, signal);
  if (answer.kind === 'sse') {
    let end: StreamEnd = 'aborted';
    try {
      end = await writeSse(res, answer.events, delivery, signal);
    } finally {
      answer.onSettled?.(end);
    }
    return;
  }
  const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const isPlainText = typeof answer.body === 'string' && !looksLikeJson(payload);
  const headers = {
    'content-type': isPlainText ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...answer.headers,
  };
  await writeJsonBody(res, answer.status, headers, payload, delivery, signal);
}

/**
 * A non-streaming body counts as one event: a cut or stall at 0 happens before the status line, at 1 or more
 * after the headers and half of the body (so the client sees a truncated JSON document).
 */
async function writeJsonBody(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  payload: string,
  delivery: DeliveryControl,
  signal: AbortSignal,
): Promise<void> {
  const interruptAt = delivery.cutAfterEvents ?? delivery.stallAfterEvents;
  if (interruptAt === undefined) {
    res.writeHead(status, headers);
    res.end(payload);
    return;
  }
  if (interruptAt > 0) {
    res.writeHead(status, headers);
    await writeFlushed(res, payload.slice(0, Math.floor(payload.length / 2)), signal);
  }
  if (delivery.cutAfterEvents !== undefined) cutConnection(res);
  // A stall leaves the socket open and silent until the client gives up or the simulator closes.
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

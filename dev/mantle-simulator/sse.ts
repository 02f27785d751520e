/**
 * Server-sent events, written one event at a time with optional pacing, so a client (or the gateway in between)
 * sees a stream arrive in pieces exactly as from Mantle, and so faults can cut or stall it between events.
 */
import type { ServerResponse } from 'node:http';
import type { DeliveryControl } from './faults.js';

export interface SseEvent {
  /** The `event:` line; absent for chat completions, which send `data:` lines only. */
  event?: string;
  /** Objects are sent as JSON; strings as they are (`[DONE]`). */
  data: string | object;
}

/** How a stream ended, for callers that keep state about it (stored responses). */
export type StreamEnd = 'completed' | 'cut' | 'stalled' | 'failed' | 'aborted';

export function formatSse({ event, data }: SseEvent): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`;
}

/**
 * Resolves after `ms`, or early with `false` once `signal` aborts, so pending pacing never keeps a closed
 * simulator or a departed client's stream alive.
 */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Writes `chunk` and waits until it is handed to the socket (or the exchange is aborted). */
export function writeFlushed(res: ServerResponse, chunk: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(chunk, (error) => {
      signal.removeEventListener('abort', onAbort);
      resolve(!error);
    });
  });
}

/** Responses whose connection the simulator itself cut: their close is no client abort. */
export const cutBySimulator = new WeakSet<ServerResponse>();

/** Destroys the connection under a response: what a cut looks like to the client (a truncated body). */
export function cutConnection(res: ServerResponse): void {
  cutBySimulator.add(res);
  res.socket?.destroy();
  res.destroy();
}

/**
 * Sends `events` as an SSE response. Pacing applies between events; `cutAfterEvents`/`stallAfterEvents` stop the
 * stream after that many events (0: right after the headers).
 */
export async function writeSse(
  res: ServerResponse,
  events: readonly SseEvent[],
  delivery: DeliveryControl,
  signal: AbortSignal,
): Promise<StreamEnd> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // Defeats buffering in any proxy between the simulator and a client, as Mantle's own streams do.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  for (let index = 0; index <= events.length; index += 1) {
    if (delivery.cutAfterEvents === index) {
      cutConnection(res);
      return 'cut';
    }
    if (delivery.stallAfterEvents === index) return 'stalled';
    if (delivery.failAfterEvents === index) {
      if (await writeFlushed(res, formatSse(inBandFailure(events, index)), signal)) res.end();
      return 'failed';
    }
    const event = events[index];
    if (event === undefined) break;
    if (index > 0 && delivery.pacingMs > 0 && !(await pause(delivery.pacingMs, signal))) return 'aborted';
    if (!(await writeFlushed(res, formatSse(event), signal))) return 'aborted';
  }
  res.end();
  return 'completed';
}

/**
 * The in-band failure Mantle sends on each surface, told apart by the stream's own first event: Responses streams
 * start with `response.created`, Messages streams with `message_start`, Chat Completions streams have no `event:`.
 */
export function inBandFailure(events: readonly SseEvent[], sequence: number): SseEvent {
  const first = events[0];
  const message = 'The server had an error while processing your request.';
  if (first?.event === 'response.created') {
    const response = (first.data as { response?: Record<string, unknown> }).response ?? {};
    const failed = { ...response, status: 'failed', error: { code: 'server_error', message } };
    return { event: 'response.failed', data: { type: 'response.failed', response: failed, sequence_number: sequence } };
  }
  if (first?.event === 'message_start') {
    return { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
  }
  return { data: { error: { message, type: 'server_error', code: 'server_error', param: null } } };
}

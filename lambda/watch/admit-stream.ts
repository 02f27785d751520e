import type { Admit, Admission } from '../attempts/attempt-routes.js';
import { isChunkSource, type ChunkSource } from '../domain/answer.js';
import type { RequestFacts } from '../domain/request-facts.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import type { StreamFormat } from '../domain/stream-format.js';
import { classifyOpeningEvent, type OpeningVerdict } from './opening-events.js';
import { watchStream } from './watch-stream.js';

/** Opening events are small; past this much without content the stream is committed anyway. */
const MAX_HELD_BYTES = 64 * 1024;
const EVENT_END = /\r?\n\r?\n/;

export interface StreamAdmissionOptions {
  /**
   * The format of the stream as the watch passes it on, for its in-band error: the caller's, unless a translation
   * follows the watch (the Chat bridge turns a Responses `error` event into Chat's), then the route's.
   */
  readonly formatOf: (route: ResolvedRoute) => StreamFormat;
  /** @default for routes without `stream_idle_timeout_seconds` */
  readonly idleTimeoutMs: number;
  readonly facts: RequestFacts;
  readonly clientSignal: AbortSignal;
  /** The attempt stage's clock, on which `deadline` is given. */
  readonly now: () => number;
}

/**
 * The watch stage's admission of a streamed answer (docs/adr/0007): the status and the opening events are held
 * until the first content event, so an in-band failure right after `response.created` (or `message_start`, or a
 * role-only chat delta) is still a retryable failure and not something the caller already saw. Then the stream
 * is committed: held events first, and the rest passes through {@link watchStream}.
 *
 * Only the opening events are parsed, and only until the first content event; a stream that is not SSE passes
 * at once. Silence before content counts against both the attempt's first-byte deadline and the idle timeout.
 */
export function admitStream(options: StreamAdmissionOptions): Admit {
  return async (response, route, deadline, abort) => {
    const contentType = response.headers['content-type'] ?? '';
    const reader = response.body;
    if (!isChunkSource(reader) || !contentType.startsWith('text/event-stream')) return { ok: true, response };
    const idleTimeoutMs = idleTimeoutOf(route, options.idleTimeoutMs);
    const held: Uint8Array[] = [];
    const decoder = new TextDecoder();
    let pending = '';
    let size = 0;
    for (;;) {
      const read = await readBefore(reader, Math.min(deadline - options.now(), idleTimeoutMs), abort);
      if ('failure' in read) return read;
      if (read.chunk === undefined) break;
      held.push(read.chunk);
      size += read.chunk.length;
      pending += decoder.decode(read.chunk, { stream: true });
      const verdict = scanEvents(route, pending);
      pending = verdict.rest;
      if (verdict.verdict === 'failure') {
        abort.abort();
        return { ok: false, failure: 'upstream_error', message: 'the stream failed in-band before any content' };
      }
      if (verdict.verdict === 'content' || size > MAX_HELD_BYTES) break;
    }
    const body = watchStream(reader, held, { format: options.formatOf(route), facts: options.facts, clientSignal: options.clientSignal, idleTimeoutMs, abort });
    return { ok: true, response: { status: response.status, headers: response.headers, body } };
  };
}

function idleTimeoutOf(route: ResolvedRoute, fallbackMs: number): number {
  const seconds = route.route.stream_idle_timeout_seconds;
  return seconds === undefined ? fallbackMs : seconds * 1000;
}

type Read = { readonly chunk: Uint8Array | undefined } | Extract<Admission, { ok: false }>;

/** One read, given up (and the upstream aborted) after `waitMs`. */
async function readBefore(reader: ChunkSource, waitMs: number, abort: AbortController): Promise<Read> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, Math.max(0, waitMs));
  try {
    return { chunk: await reader.read() };
  } catch {
    return timedOut
      ? { ok: false, failure: 'upstream_timeout', message: 'no content before the first-byte deadline' }
      : { ok: false, failure: 'upstream_unreachable', message: 'the stream broke before any content' };
  } finally {
    clearTimeout(timer);
  }
}

/** Classifies the complete events in `text`; stops at the first that is not opening. */
function scanEvents(route: ResolvedRoute, text: string): { verdict: OpeningVerdict; rest: string } {
  let rest = text;
  for (let match = EVENT_END.exec(rest); match; match = EVENT_END.exec(rest)) {
    const verdict = classifyOpeningEvent(route.route.api_style, rest.slice(0, match.index));
    rest = rest.slice(match.index + match[0].length);
    if (verdict !== 'opening') return { verdict, rest };
  }
  return { verdict: 'opening', rest };
}

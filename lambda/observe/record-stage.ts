/**
 * The record stage: wraps the answer's body so that, when the request ends (the last chunk handed to the
 * adapter, the caller gone, or the upstream stream broken), one request record is written. It also returns the
 * request id to the caller as `x-request-id`. Chunks pass straight through, each shown to the usage watcher on
 * its way (a few microseconds, no copy).
 */
import { isChunkSource, type Answer, type ChunkSource } from '../domain/answer.js';
import type { Invocation } from '../domain/invocation.js';
import type { RequestFacts } from '../domain/request-facts.js';
import { AnswerWatcher, type WatchMode } from './answer-watcher.js';
import { errorTypeOfUpstreamStatus } from './error-type.js';
import type { AnswerError } from './usage-fields.js';
import { buildRecord, metricModel, type RequestRecordSink } from './request-record.js';

/** Endpoints whose answers carry the caller's token usage (stored-response lookups would count it twice). */
const USAGE_ENDPOINTS = new Set(['chat_completions', 'responses', 'messages', 'count_tokens']);

type Ending = 'done' | 'cancelled' | 'failed';

/**
 * @param signal the request's signal: the adapters abort it when the caller leaves
 * @example
 * return recordResponse(await handle(request), facts, invocation, request.signal, sink);
 */
export function recordResponse(response: Answer, facts: RequestFacts, invocation: Invocation, signal: AbortSignal, sink: RequestRecordSink): Answer {
  const headers = { ...response.headers, 'x-request-id': invocation.requestId };
  const fromUpstream = facts.error === undefined && facts.attempts.length > 0;
  const watcher = new AnswerWatcher(watchMode(facts, response, fromUpstream));
  let firstByteAt: number | undefined;
  let bytesOut = 0;
  let written = false;
  const end = (ending: Ending): void => {
    if (written) return;
    written = true;
    const endedAt = performance.now();
    const gone = ending === 'cancelled' || signal.aborted ? true : invocation.reportsDisconnect ? false : undefined;
    // The rest waits until the adapter has written the answer's last bytes (the next check phase): reading the
    // usage, building the record and writing its line and metrics cost more than the rest of the answer path, and
    // none of it should delay the caller. It still runs before a Lambda handler's invocation ends: the runtime
    // reports the end over its own socket, which takes later turns of the event loop.
    setImmediate(() => {
      const findings = watcher.finish();
      if (findings.usage && !facts.usage) facts.usage = findings.usage;
      // A stream cut short because the caller left is the caller's doing, not an upstream failure.
      if (fromUpstream && !facts.error && !(gone && ending !== 'done')) noteUpstreamError(facts, response.status, findings.error, ending);
      if (gone && facts.error?.type === 'upstream_unreachable') facts.error = { ...facts.error, type: 'client_gone' };
      const delivery = { status: response.status, endedAt, bytesOut, ...(firstByteAt !== undefined ? { firstByteAt } : {}), ...(gone !== undefined ? { clientGone: gone } : {}) };
      sink.write(buildRecord(facts, invocation, delivery), { model: metricModel(facts) });
    });
  };
  const passed = (chunk: Uint8Array): void => {
    if (firstByteAt === undefined && chunk.byteLength > 0) firstByteAt = performance.now();
    bytesOut += chunk.byteLength;
    watcher.watch(chunk);
  };
  const source = response.body;
  if (!isChunkSource(source)) {
    // A whole body goes out in one write: it is delivered as soon as the adapter has it.
    if (source !== undefined) passed(typeof source === 'string' ? Buffer.from(source) : source);
    end('done');
    return { status: response.status, headers, body: source };
  }
  // Each chunk is handed on as read (no read-ahead: the first byte time is when the adapter asked and got it).
  const body: ChunkSource = {
    read: () =>
      source.read().then(
        (chunk) => {
          if (chunk === undefined) end('done');
          else passed(chunk);
          return chunk;
        },
        (error: unknown) => {
          end('failed');
          throw error;
        },
      ),
    cancel() {
      end('cancelled');
      source.cancel();
    },
  };
  return { status: response.status, headers, body };
}

function watchMode(facts: RequestFacts, response: Answer, fromUpstream: boolean): WatchMode {
  if (!fromUpstream) return 'none';
  if (response.status >= 400) return 'json_whole';
  if (!USAGE_ENDPOINTS.has(facts.endpoint ?? '')) return 'none';
  if (response.headers['content-type']?.includes('text/event-stream')) return 'sse';
  return facts.endpoint === 'count_tokens' ? 'json_whole' : 'json_usage';
}

/** An upstream error status, an error event inside a 200 stream, or a stream that broke before its end. */
function noteUpstreamError(facts: RequestFacts, status: number, reported: AnswerError | undefined, ending: Ending): void {
  const upstreamRequestId = facts.upstreamRequestId !== undefined ? { upstreamRequestId: facts.upstreamRequestId } : {};
  if (status >= 400) {
    const type = errorTypeOfUpstreamStatus(status);
    facts.error = { type, message: reported?.message ?? `Mantle answered ${status}`, ...upstreamRequestId };
  } else if (reported) {
    facts.error = { type: reported.type, message: reported.message, ...upstreamRequestId };
  } else if (ending === 'failed') {
    facts.error = { type: 'stream_interrupted', message: 'The upstream answer ended before it was complete.', ...upstreamRequestId };
  }
}

/**
 * Between the gateway's own answer type and the web `Response` tests like to read (`.json()`, `.headers.get()`)
 * or build (a canned upstream), in both directions.
 */
import { isChunkSource, type Answer, type ChunkSource } from '../../lambda/domain/answer.js';
import type { FetchFunction, UpstreamInit } from '../../lambda/upstream/send-upstream.js';

/** The gateway's answer as a web Response, body still streamed. */
export function toResponse(answer: Answer): Response;
export function toResponse(answer: Promise<Answer>): Promise<Response>;
export function toResponse(answer: Answer | Promise<Answer>): Response | Promise<Response> {
  return answer instanceof Promise ? answer.then(webResponse) : webResponse(answer);
}

function webResponse(answer: Answer): Response {
  const { body } = answer;
  const stream = isChunkSource(body)
    ? new ReadableStream<Uint8Array>({
        async pull(controller) {
          const chunk = await body.read();
          if (chunk === undefined) controller.close();
          else controller.enqueue(chunk);
        },
        cancel: () => body.cancel(),
      })
    : body;
  return new Response((stream ?? null) as BodyInit | null, { status: answer.status, headers: answer.headers });
}

/** A web Response as an answer (lower-case headers, the body read through its reader). */
export function fromResponse(response: Response, signal?: AbortSignal): Answer & { readonly body: ChunkSource | undefined } {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: response.body ? chunkSourceOf(response.body, signal) : undefined };
}

/** A transport from a function that answers with web Responses (canned upstreams in tests); honours the signal. */
export function webFetch(answer: (input: URL, init: UpstreamInit) => Response | Promise<Response>): FetchFunction {
  return async (input, init) => {
    if (init.signal.aborted) throw init.signal.reason;
    return fromResponse(await answer(input, init), init.signal);
  };
}

/** A body over given chunks, all there at once. */
export function chunksOf(pieces: ReadonlyArray<string | Uint8Array>): ChunkSource {
  const queue = pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece));
  return { read: async () => queue.shift(), cancel: () => void queue.splice(0) };
}

function chunkSourceOf(stream: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): ChunkSource {
  const reader = stream.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', () => void reader.cancel(signal.reason).catch(() => undefined), { once: true });
  return {
    read: async () => {
      if (signal?.aborted) throw signal.reason;
      const next = await reader.read();
      if (next.done && signal?.aborted) throw signal.reason;
      return next.done ? undefined : next.value;
    },
    cancel,
  };
}

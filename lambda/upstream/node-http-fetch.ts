import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetchFunction } from './send-upstream.js';

/**
 * The upstream transport: `node:http(s)` over one keep-alive agent per protocol (sockets pooled per host), as a
 * `FetchFunction`. It takes the subset of `RequestInit` the gateway sends (method, a header record, a buffered
 * string body, a signal) and never follows redirects. Node's `fetch` (undici) cost about four times as much per
 * request as this, in its Request, fetch algorithm and stream plumbing (docs/adr/0001).
 *
 * Aborting the signal before the headers rejects with the signal's reason; after them it errors the body stream.
 *
 * @example
 * const gateway = createGateway({ config, authorize, fetch: createNodeHttpFetch() });
 */
export function createNodeHttpFetch(): FetchFunction {
  let agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  return (url, init) => {
    agents ??= { http: new HttpAgent({ keepAlive: true, maxSockets: Infinity }), https: new HttpsAgent({ keepAlive: true, maxSockets: Infinity }) };
    const secure = url.protocol === 'https:';
    return send(url, init, secure ? agents.https : agents.http, secure);
  };
}

function send(url: URL, init: RequestInit, agent: HttpAgent, secure: boolean): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const body = typeof init.body === 'string' ? init.body : undefined;
  const headers = { ...(init.headers as Record<string, string> | undefined) } as OutgoingHttpHeaders;
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  return new Promise<Response>((resolve, reject) => {
    const options = { method: init.method ?? 'GET', hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers, agent };
    const request = (secure ? httpsRequest : httpRequest)(options, (answer) => {
      resolve(new Response(answer.statusCode === 204 || answer.statusCode === 304 || options.method === 'HEAD' ? (answer.resume(), null) : bodyStream(answer), { status: answer.statusCode ?? 502, headers: answerHeaders(answer) }));
    });
    request.on('error', reject);
    if (signal) {
      const abort = (): void => {
        request.destroy(signal.reason as Error);
      };
      signal.addEventListener('abort', abort, { once: true });
      request.once('close', () => signal.removeEventListener('abort', abort));
    }
    request.end(body);
  });
}

/** A web stream over the answer that reads only as fast as it is read (the socket pauses in between). */
function bodyStream(answer: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let settled = false;
        const settle = (end: () => void): void => {
          if (settled) return;
          settled = true;
          end();
        };
        answer.on('data', (chunk: Buffer) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) answer.pause();
        });
        answer.once('end', () => settle(() => controller.close()));
        answer.on('error', (error) => settle(() => controller.error(error)));
        // Destroyed before its end (the signal aborted, the socket cut): the body must not look complete.
        answer.once('close', () => {
          if (!answer.complete) settle(() => controller.error(answer.errored ?? new Error('The upstream answer was cut off before its end.')));
        });
      },
      pull() {
        answer.resume();
      },
      cancel() {
        answer.destroy();
      },
    },
    { highWaterMark: 1 },
  );
}

function answerHeaders(answer: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = answer.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  return headers;
}

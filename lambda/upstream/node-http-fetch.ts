import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { incomingBody } from './incoming-body.js';
import type { ChunkSource } from '../domain/answer.js';
import type { FetchFunction, UpstreamAnswer, UpstreamInit } from './send-upstream.js';

/**
 * The upstream transport: `node:http(s)` over one keep-alive agent per protocol (sockets pooled per host), as a
 * `FetchFunction`. It sends a header record and a buffered string body, never follows redirects, and hands back
 * Node's own header object and the socket's chunks: no web `Response`, `Headers` or stream in between. Node's
 * `fetch` (undici) cost about four times as much per request as this (docs/adr/0001, 0012).
 *
 * Aborting the signal before the headers rejects with the signal's reason; after them it fails the body's next read,
 * unless the whole answer had already arrived (then the body just ends).
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

function send(url: URL, init: UpstreamInit, agent: HttpAgent, secure: boolean): Promise<UpstreamAnswer> {
  const { signal, body } = init;
  if (signal.aborted) return Promise.reject(signal.reason);
  const headers: OutgoingHttpHeaders = { ...init.headers };
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  return new Promise<UpstreamAnswer>((resolve, reject) => {
    let received: IncomingMessage | undefined;
    let answerBody: ChunkSource | undefined;
    const options = { method: init.method, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers, agent };
    const request = (secure ? httpsRequest : httpRequest)(options, (answer) => {
      const status = answer.statusCode ?? 502;
      const empty = status === 204 || status === 304 || init.method === 'HEAD';
      received = answer;
      if (empty) answer.resume();
      else answerBody = incomingBody(answer);
      resolve({ status, headers: answer.headers, body: answerBody });
    });
    request.on('error', reject);
    const abort = (): void => {
      // An answer that arrived whole has nothing left to stop: the body ends, its unread rest drained so the socket
      // goes back to the pool (what cancelling it does). Destroying the request then would fail a socket Node's
      // client has already let go of (an 'error' nobody listens to).
      if (received?.complete) answerBody?.cancel();
      else request.destroy(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    request.once('close', () => signal.removeEventListener('abort', abort));
    request.end(body);
  });
}

import type { Answer, AnswerHeaders, ChunkSource } from '../domain/answer.js';
import { ClientClosedRequestError, UpstreamTimeoutError, UpstreamUnreachableError } from '../domain/errors.js';
import type { UpstreamRequest } from './upstream-request.js';

/** Response headers as Node hands them over: lower-case names, repeated ones as arrays (set-cookie) or joined. */
export type UpstreamHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the transport sends: the signed request's parts and the signal that aborts the call. */
export interface UpstreamInit {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Always buffered (SigV4 signs its hash). */
  readonly body?: string;
  /** Aborts the call: before the headers it rejects; after them the body's next read fails. */
  readonly signal: AbortSignal;
}

/** Mantle's answer as the transport got it: nothing copied, the body still on the socket. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** Absent for 204, 304 and HEAD. */
  readonly body: ChunkSource | undefined;
}

/** The upstream transport ({@link createNodeHttpFetch} in production; tests pass their own). */
export type FetchFunction = (input: URL, init: UpstreamInit) => Promise<UpstreamAnswer>;

export interface SendOptions {
  readonly fetch: FetchFunction;
  /** Aborts the upstream call, before and after the headers: the caller went away. */
  readonly clientSignal: AbortSignal;
  /** Time allowed until Mantle's response headers; a non-streamed answer arrives whole, so allow generation time. */
  readonly headersTimeoutMs: number;
  /**
   * Aborts this call; pass one to keep the means of aborting the body later (a stream the gateway gives up on).
   * @default a new controller per call
   */
  readonly controller?: AbortController;
}

/** Upstream response headers worth passing to the caller; everything else (framing, cookies) stays here. */
const PASSED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'x-amzn-requestid', 'x-request-id', 'request-id', 'openai-processing-ms'];

/**
 * Sends a signed request to Mantle and returns its answer for streaming, status and body untouched.
 * Redirects are never followed: a signed request must not be replayed elsewhere.
 *
 * @throws UpstreamUnreachableError (502) when no response arrives, UpstreamTimeoutError (504) after `headersTimeoutMs`,
 *   ClientClosedRequestError (499) when the caller left first: that is not Mantle's failure, and must not look like one.
 */
export async function sendUpstream(request: UpstreamRequest, options: SendOptions): Promise<Answer> {
  const controller = options.controller ?? new AbortController();
  const abort = (): void => controller.abort();
  if (options.clientSignal.aborted) abort();
  else options.clientSignal.addEventListener('abort', abort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.headersTimeoutMs);
  try {
    const upstream = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: controller.signal,
    });
    return { status: upstream.status, headers: passedHeaders(upstream.headers), body: upstream.body };
  } catch (error) {
    if (timedOut) throw new UpstreamTimeoutError(request.url.host, options.headersTimeoutMs);
    if (options.clientSignal.aborted) throw new ClientClosedRequestError();
    throw new UpstreamUnreachableError(request.url.host, error);
  } finally {
    clearTimeout(timer);
  }
}

/** One header's value; repeated ones joined as HTTP allows (RFC 9110 section 5.3). */
export function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join(', ');
}

function passedHeaders(upstream: UpstreamHeaders): AnswerHeaders {
  const headers: AnswerHeaders = {};
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = headerValue(upstream, name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

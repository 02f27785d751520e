import { ClientClosedRequestError, UpstreamTimeoutError, UpstreamUnreachableError } from '../domain/errors.js';
import type { UpstreamRequest } from './upstream-request.js';

export type FetchFunction = (input: URL, init: RequestInit) => Promise<Response>;

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
 * Sends a signed request to Mantle and returns its response for streaming, status and body untouched.
 * Redirects are never followed: a signed request must not be replayed elsewhere.
 *
 * @throws UpstreamUnreachableError (502) when no response arrives, UpstreamTimeoutError (504) after `headersTimeoutMs`,
 *   ClientClosedRequestError (499) when the caller left first: that is not Mantle's failure, and must not look like one.
 */
export async function sendUpstream(request: UpstreamRequest, options: SendOptions): Promise<Response> {
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
      redirect: 'manual',
      signal: controller.signal,
    });
    return new Response(upstream.body, { status: upstream.status, headers: passedHeaders(upstream.headers) });
  } catch (error) {
    if (timedOut) throw new UpstreamTimeoutError(request.url.host, options.headersTimeoutMs);
    if (options.clientSignal.aborted) throw new ClientClosedRequestError();
    throw new UpstreamUnreachableError(request.url.host, error);
  } finally {
    clearTimeout(timer);
  }
}

function passedHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = upstream.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

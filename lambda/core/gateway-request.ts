import type { GatewayError } from '../domain/errors.js';
import type { RequestHeaders } from '../domain/request-headers.js';

/**
 * What the gateway reads of a request. A web `Request` is one (tests pass `new Request(...)`); the adapters pass
 * a plain object over the body they have already read whole, because constructing a `Request` (its URL, a body
 * stream, a signal that follows the adapter's) cost more per request than the rest of the core (docs/adr/0001).
 */
export interface GatewayRequest {
  /** Upper case for the methods the Fetch standard normalizes (GET, POST, DELETE, ...). */
  readonly method: string;
  /** Absolute URL: scheme, host and origin-form target. */
  readonly url: string;
  readonly headers: RequestHeaders;
  /** Aborted when the caller leaves. */
  readonly signal: AbortSignal;
  /**
   * The whole body (empty when there is none). The adapters hand over a view of the bytes they read rather than
   * a copy; a web `Request` gives its own ArrayBuffer.
   */
  arrayBuffer(): Promise<ArrayBuffer | Uint8Array>;
  /**
   * Set by an adapter for a request it refused before the gateway could read it (a method, target, Host, header
   * or body no request the gateway serves can hold): the gateway only answers it with this error and records it.
   */
  readonly refusal?: Refusal;
}

export interface Refusal {
  readonly error: GatewayError;
  /** The request's path, `/` when the target named none (absolute or asterisk form): it picks the error's envelope. */
  readonly path: string;
}

const NO_HEADERS: RequestHeaders = { get: () => null, forEach: () => undefined };
const NO_BODY = new Uint8Array(0);

/** The request an adapter hands over for a request it refused, so the refusal is answered and recorded as any other. */
export function refusedRequest(error: GatewayError, path: string, signal: AbortSignal): GatewayRequest {
  return { method: 'GET', url: 'http://refused.invalid/', headers: NO_HEADERS, signal, arrayBuffer: () => Promise.resolve(NO_BODY), refusal: { error, path } };
}

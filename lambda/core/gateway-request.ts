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
}

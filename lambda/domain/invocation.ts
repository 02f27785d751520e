/**
 * What an adapter knows about a request beyond the HTTP message itself: the platform's request id, the caller
 * identity the platform already verified, and how long the platform lets the request run. Adapters fill it;
 * the stages read it. It carries no Lambda or node:http types, so the core stays transport-free.
 */
export interface Invocation {
  /** The Lambda request id, or an id the local server generated; returned to callers as `x-request-id`. */
  readonly requestId: string;
  /** `performance.now()` when the request reached the adapter: the start of `latencyMs`. */
  readonly receivedAt: number;
  /** The caller's ARN as the function URL verified it (`AWS_IAM` auth only). */
  readonly iamCallerArn?: string;
  /** Milliseconds before the platform stops the invocation (Lambda's `getRemainingTimeInMillis`). */
  remainingTimeMs?(): number;
  /**
   * True when the transport reliably tells when a caller leaves (the local server), so the record can say
   * `clientGone: false`. Lambda's runtime gives no such signal: there the field is absent unless a write failed.
   */
  readonly reportsDisconnect?: boolean;
}

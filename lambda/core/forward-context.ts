import type { UpstreamAuthorizer } from '../upstream/authorize.js';
import type { FetchFunction } from '../upstream/send-upstream.js';
import type { RequestFacts } from '../domain/request-facts.js';

/** What every forwarding step needs: how to authorize and send upstream (from the gateway's options), and this request's facts. */
export interface ForwardContext {
  readonly authorize: UpstreamAuthorizer;
  readonly fetch: FetchFunction;
  readonly headersTimeoutMs: number;
  /** This request's facts, for its record (lambda/observe/). */
  readonly facts: RequestFacts;
}

import type { UpstreamAuthorizer } from '../upstream/authorize.js';
import type { FetchFunction } from '../upstream/send-upstream.js';

/** What every forwarding step needs from the gateway's options: how to authorize and send upstream. */
export interface ForwardContext {
  readonly authorize: UpstreamAuthorizer;
  readonly fetch: FetchFunction;
  readonly headersTimeoutMs: number;
}

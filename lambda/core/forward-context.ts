import type { AttemptContext } from '../attempts/attempt-routes.js';
import type { ResponseHomes } from '../attempts/response-homes.js';
import type { UpstreamAuthorizer } from '../upstream/authorize.js';
import type { FetchFunction } from '../upstream/send-upstream.js';
import type { RequestFacts } from '../domain/request-facts.js';

/**
 * What every forwarding step needs: how to authorize, send and retry upstream and how long a silent stream may
 * last (from the gateway's options), this environment's affinity hints, and this request's facts.
 */
export interface ForwardContext {
  readonly authorize: UpstreamAuthorizer;
  readonly fetch: FetchFunction;
  readonly headersTimeoutMs: number;
  readonly attempt: AttemptContext;
  readonly streamIdleTimeoutMs: number;
  /** Where this environment found stored responses. */
  readonly responseHomes: ResponseHomes;
  /** This request's facts, for its record (lambda/observe/). */
  readonly facts: RequestFacts;
}

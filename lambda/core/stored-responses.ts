import { attemptRoutes } from '../attempts/attempt-routes.js';
import type { Answer } from '../domain/answer.js';
import { GatewayError } from '../domain/errors.js';
import type { Invocation } from '../domain/invocation.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import { buildUpstreamHeaders } from '../upstream/upstream-headers.js';
import type { UpstreamRequest } from '../upstream/upstream-request.js';
import type { EndpointMatch } from './endpoints.js';
import type { ForwardContext } from './forward-context.js';
import type { GatewayRequest } from './gateway-request.js';
import type { RouteTable } from './route-table.js';
import type { ModelGrants } from '../domain/caller.js';
import { grantedResponsesUpstreams } from './granted-models.js';

/**
 * GET, DELETE and cancel of a stored response name only its id, and Mantle ids carry no region. Stored responses
 * stay in the region (and project) that served them, so the attempt stage asks each distinct Responses upstream,
 * the one this environment last found the id at first, until one does not answer 404; retryable failures are
 * retried there, and a failing upstream's error beats the others' 404s (docs/adr/0007).
 */
export async function forwardStoredResponseOperation(
  match: EndpointMatch,
  request: GatewayRequest,
  url: URL,
  table: RouteTable,
  grants: ModelGrants,
  context: ForwardContext,
  invocation?: Invocation,
): Promise<Answer> {
  // Only the upstreams the caller reaches through a granted Responses model: the others are not asked at all.
  const upstreams = grantedResponsesUpstreams(table, grants);
  const responseId = match.responseId!;
  if (upstreams.length === 0) {
    throw new GatewayError(404, 'not_found', `No response found with id ${JSON.stringify(responseId)}.`, { code: 'response_not_found' });
  }
  const suffix = match.operation === 'responses_cancel' ? '/cancel' : '';
  // Only GET takes query parameters (stream, starting_after, include[]).
  const query = match.operation === 'responses_get' ? url.search : '';
  const path = `/responses/${responseId}${suffix}${query}`;
  return attemptRoutes(
      {
        routes: context.responseHomes.homeFirst(responseId, upstreams),
        build: (target) => storedRequest(target, request, path),
        surface: 'openai',
        clientSignal: request.signal,
        facts: context.facts,
        affinity: true,
        onServed: (target) => (match.operation === 'responses_delete' ? context.responseHomes.forget(responseId) : context.responseHomes.remember(responseId, target)),
        ...(invocation?.remainingTimeMs ? { remainingTimeMs: () => invocation.remainingTimeMs!() } : {}),
      },
      context.attempt,
    );
}

function storedRequest(target: ResolvedRoute, request: GatewayRequest, path: string): UpstreamRequest {
  return {
    method: request.method,
    url: new URL(target.baseUrl + path),
    headers: buildUpstreamHeaders(request.headers, target, 'openai', false),
    body: undefined,
  };
}

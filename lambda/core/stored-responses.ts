import { GatewayError } from '../domain/errors.js';
import type { EndpointMatch } from './endpoints.js';
import type { ForwardContext } from './forward-context.js';
import type { RouteTable } from './route-table.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import { sendUpstream } from '../upstream/send-upstream.js';
import { buildUpstreamHeaders } from '../upstream/upstream-headers.js';
import { observedFetch } from '../observe/observed-fetch.js';

/**
 * GET, DELETE and cancel of a stored response name only its id, and Mantle ids carry no region. Stored
 * responses stay in the region (and project) that served them, so ask each distinct Responses upstream in
 * config order until one does not answer 404. A later change remembers where each response lives instead.
 */
export async function forwardStoredResponseOperation(
  match: EndpointMatch,
  request: Request,
  url: URL,
  table: RouteTable,
  context: ForwardContext,
): Promise<Response> {
  const upstreams = table.responsesUpstreams;
  if (upstreams.length === 0) {
    throw new GatewayError(404, 'not_found', 'No model on this gateway routes to the Responses API.', { code: 'response_not_found' });
  }
  const suffix = match.operation === 'responses_cancel' ? '/cancel' : '';
  // Only GET takes query parameters (stream, starting_after, include[]).
  const query = match.operation === 'responses_get' ? url.search : '';
  let lastNotFound: Response | undefined;
  let lastFailure: unknown;
  for (const target of upstreams) {
    try {
      const response = await sendStored(target, `/responses/${match.responseId}${suffix}${query}`, request, context);
      if (response.status !== 404) return response;
      await lastNotFound?.body?.cancel();
      lastNotFound = response;
    } catch (error) {
      if (!(error instanceof GatewayError) || request.signal.aborted) throw error;
      lastFailure = error;
    }
  }
  if (lastNotFound) return lastNotFound;
  throw lastFailure;
}

async function sendStored(target: ResolvedRoute, path: string, request: Request, context: ForwardContext): Promise<Response> {
  const method = request.method;
  const upstream = {
    method,
    url: new URL(target.baseUrl + path),
    headers: buildUpstreamHeaders(request.headers, target, 'openai', false),
    body: undefined,
  };
  await context.authorize(upstream, target.provider, 'openai');
  const fetch = observedFetch(context.fetch, context.facts, target, request.signal);
  return sendUpstream(upstream, { fetch, clientSignal: request.signal, headersTimeoutMs: context.headersTimeoutMs });
}

import type { ApiSurface } from '../domain/api-surface.js';
import type { RequestHeaders } from '../domain/request-headers.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import type { UpstreamRequest } from '../upstream/upstream-request.js';
import { buildUpstreamHeaders } from '../upstream/upstream-headers.js';
import type { InferenceOperation } from './endpoints.js';
import { replaceTopLevelModel } from './json-model-field.js';
import type { InferenceBody } from './read-request-body.js';
import type { RouteExchange } from '../compat/route-compatibility.js';

/** Path under the route's base URL for each inference operation. */
const UPSTREAM_SUFFIX: Record<InferenceOperation, string> = {
  chat_completions: '/chat/completions',
  responses_create: '/responses',
  messages: '/messages',
  count_tokens: '/messages/count_tokens',
};

/**
 * The upstream request for one route: its URL, the allow-listed headers plus the route's, and the caller's body
 * (or the route's compatibility translation of it) with only `model` replaced. Built per attempt, because each route has its own model id and host.
 */
export function inferenceRequest(operation: InferenceOperation, surface: ApiSurface, inbound: RequestHeaders, body: InferenceBody, target: ResolvedRoute, exchange: RouteExchange): UpstreamRequest {
  return {
    method: 'POST',
    url: new URL(target.baseUrl + (exchange.upstreamSuffix ?? UPSTREAM_SUFFIX[operation])),
    headers: buildUpstreamHeaders(inbound, target, surface, true),
    // The model spans found while reading hold for the text as received, not for a translated one.
    body: replaceTopLevelModel(exchange.body, target.route.upstream_model, exchange.body === body.text ? body.modelFields : undefined),
  };
}

import { attemptRoutes } from '../attempts/attempt-routes.js';
import type { Answer } from '../domain/answer.js';
import { orderRoutes } from '../attempts/route-order.js';
import { rememberCreatedResponse } from '../attempts/response-homes.js';
import { routeExchange, type RouteExchange } from '../compat/route-compatibility.js';
import type { ApiSurface } from '../domain/api-surface.js';
import type { ApiStyle } from '../config/types.js';
import type { Invocation } from '../domain/invocation.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import type { StreamFormat } from '../domain/stream-format.js';
import { noteModel, noteUsage } from '../observe/request-facts-notes.js';
import { admitStream } from '../watch/admit-stream.js';
import type { InferenceOperation } from './endpoints.js';
import type { ForwardContext } from './forward-context.js';
import type { GatewayRequest } from './gateway-request.js';
import { inferenceRequest } from './inference-request.js';
import { readInferenceBody, type InferenceBody } from './read-request-body.js';
import { requestedFeatures } from './request-features.js';
import { resolveRoutes } from './resolve-route.js';
import type { RouteTable } from './route-table.js';
import type { ModelGrants } from '../domain/caller.js';

/** The stream format a caller of each operation reads (count_tokens never streams). */
const CALLER_FORMAT: Record<InferenceOperation, StreamFormat> = {
  chat_completions: 'chat',
  responses_create: 'responses',
  messages: 'messages',
  count_tokens: 'messages',
};

/** The stream format of each upstream surface: what a translation after the watch stage reads. */
const ROUTE_FORMAT: Record<ApiStyle, StreamFormat> = {
  mantle_openai_chat: 'chat',
  mantle_openai_responses: 'responses',
  mantle_anthropic_messages: 'messages',
};

/**
 * An inference request through the stages: resolve (the model's candidate routes) -> compat (per route) ->
 * attempt (retries, fallback, affinity) -> watch (a streamed answer, from its admission to its end).
 */
export async function forwardInference(
  operation: InferenceOperation,
  surface: ApiSurface,
  request: GatewayRequest,
  table: RouteTable,
  grants: ModelGrants,
  context: ForwardContext,
  invocation: Invocation,
): Promise<Answer> {
  const body = await readInferenceBody(request, operation);
  const { facts } = context;
  noteModel(facts, body.model, table.models.has(body.model));
  facts.stream = body.json['stream'] === true;
  const candidates = resolveRoutes(table, body.model, operation, requestedFeatures(operation, body.json), grants);
  const exchanges = new Map<ResolvedRoute, RouteExchange>();
  let served: RouteExchange | undefined;
  let servedRoute: ResolvedRoute | undefined;
  const exchangeFor = (route: ResolvedRoute): RouteExchange => {
    let exchange = exchanges.get(route);
    if (!exchange) exchanges.set(route, (exchange = routeExchange(operation, route.route, body.text, body.json)));
    return exchange;
  };
  const order = candidateOrder(operation, body, candidates.routes, candidates.weighted, context);
  const response = await attemptRoutes(
    {
      ...order,
      onServed: (route) => {
        served = exchangeFor(route);
        servedRoute = route;
        order.onServed?.(route);
      },
      build: (route) => inferenceRequest(operation, surface, request.headers, body, route, exchangeFor(route)),
      surface,
      clientSignal: request.signal,
      facts,
      ...(facts.stream ? { admit: admitStream({ formatOf: (route) => (exchangeFor(route).translateAnswer ? ROUTE_FORMAT[route.route.api_style] : CALLER_FORMAT[operation]), idleTimeoutMs: context.streamIdleTimeoutMs, facts, clientSignal: request.signal, now: context.attempt.now }) } : {}),
      ...(invocation.remainingTimeMs ? { remainingTimeMs: () => invocation.remainingTimeMs!() } : {}),
    },
    context.attempt,
  );
  // The record needs a bridged stream's usage even when the caller did not ask for the usage chunk.
  if (served?.translateAnswer) return served.translateAnswer(response, { onUsage: (usage) => noteUsage(facts, usage) });
  return operation === 'responses_create' && servedRoute ? rememberCreatedResponse(response, servedRoute, context.responseHomes) : response;
}

interface CandidateOrder {
  readonly routes: readonly ResolvedRoute[];
  readonly affinity?: boolean;
  readonly onServed?: (route: ResolvedRoute) => void;
}

/**
 * The routes in the order to try them: by priority and weight, or, for a chained Responses create, the one this
 * environment knows holds the previous response first, with affinity (docs/adr/0007).
 */
function candidateOrder(operation: InferenceOperation, body: InferenceBody, routes: readonly ResolvedRoute[], weighted: boolean, context: ForwardContext): CandidateOrder {
  const ordered = orderRoutes(routes, weighted, context.attempt.random);
  const previousId = operation === 'responses_create' ? body.json['previous_response_id'] : undefined;
  if (typeof previousId !== 'string') return { routes: ordered };
  return {
    routes: context.responseHomes.homeFirst(previousId, ordered),
    affinity: true,
    onServed: (route: ResolvedRoute) => context.responseHomes.remember(previousId, route),
  };
}

import { replaceTopLevelModel } from './json-model-field.js';
import { routeExchange } from '../compat/route-compatibility.js';
import { GatewayError } from '../domain/errors.js';
import { matchEndpoint, surfaceOf, type EndpointMatch, type InferenceOperation } from './endpoints.js';
import { renderError } from './render-error.js';
import type { ApiSurface } from '../domain/api-surface.js';
import type { ForwardContext } from './forward-context.js';
import type { Invocation } from '../domain/invocation.js';
import { readInferenceBody } from './read-request-body.js';
import { requestedFeatures } from './request-features.js';
import { resolveRoute } from './resolve-route.js';
import { forwardStoredResponseOperation } from './stored-responses.js';
import type { ConfigSource } from './config-source.js';
import type { RouteTable } from './route-table.js';
import type { UpstreamAuthorizer } from '../upstream/authorize.js';
import { sendUpstream, type FetchFunction } from '../upstream/send-upstream.js';
import { buildUpstreamHeaders } from '../upstream/upstream-headers.js';
import { newRequestFacts, type RequestFacts } from '../domain/request-facts.js';
import { endpointName, localInvocation, noteGatewayError, noteModel } from '../observe/request-facts-notes.js';
import { observedFetch } from '../observe/observed-fetch.js';
import { recordResponse } from '../observe/record-stage.js';
import type { RequestRecordSink } from '../observe/request-record.js';

/**
 * The whole gateway as one web-standard function; the Lambda adapter, the local server and tests all call it.
 * Adapters pass what the transport knows ({@link Invocation}); a test may leave it out and gets a generated id.
 */
export type Gateway = (request: Request, invocation?: Invocation) => Promise<Response>;

/** Where gateway-made server errors (5xx) are reported; caller mistakes (4xx) are not logged as errors. */
export interface GatewayErrorLog {
  error(message: string, details: Record<string, unknown>): void;
}

export interface GatewayOptions {
  readonly config: ConfigSource;
  readonly authorize: UpstreamAuthorizer;
  /** @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /**
   * Time allowed until Mantle's response headers. A non-streamed generation sends its headers only when done.
   * @default 600000 (10 minutes; the Lambda timeout bounds the whole call anyway)
   */
  readonly headersTimeoutMs?: number;
  readonly log?: GatewayErrorLog;
  /** Where the request records go (logger and metrics). @default none: answers only get `x-request-id` */
  readonly records?: RequestRecordSink;
}

/** Path under the route's base URL for each inference operation. */
const UPSTREAM_SUFFIX: Record<InferenceOperation, string> = {
  chat_completions: '/chat/completions',
  responses_create: '/responses',
  messages: '/messages',
  count_tokens: '/messages/count_tokens',
};

/**
 * Builds the gateway.
 *
 * @example
 * const gateway = createGateway({ config: staticConfigSource(config), authorize });
 * const response = await gateway(new Request('http://localhost/v1/models'));
 */
export function createGateway(options: GatewayOptions): Gateway {
  const context: Omit<ForwardContext, 'facts'> = {
    authorize: options.authorize,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    headersTimeoutMs: options.headersTimeoutMs ?? 600_000,
  };
  return async (request, invocation = localInvocation()) => {
    const facts = newRequestFacts();
    const response = await handle(request, { ...context, facts }, options, invocation.requestId);
    if (options.records) return recordResponse(response, facts, invocation, request.signal, options.records);
    response.headers.set('x-request-id', invocation.requestId);
    return response;
  };
}

async function handle(request: Request, context: ForwardContext, options: GatewayOptions, requestId: string): Promise<Response> {
  const url = new URL(request.url);
  let surface: ApiSurface = surfaceOf(url.pathname);
  try {
    const match = matchEndpoint(request.method, url.pathname);
    surface = match.surface;
    context.facts.endpoint = endpointName(match.operation);
    const snapshot = await options.config.snapshot();
    if (snapshot.revision !== undefined) context.facts.configRevision = snapshot.revision;
    return await dispatch(match, request, url, snapshot.routes, context);
  } catch (error) {
    const gatewayError = asGatewayError(error, options.log, url.pathname, requestId);
    noteGatewayError(context.facts, gatewayError);
    return renderError(gatewayError, surface, requestId);
  }
}

async function dispatch(match: EndpointMatch, request: Request, url: URL, table: RouteTable, context: ForwardContext): Promise<Response> {
  if (match.modelId !== undefined) noteModel(context.facts, match.modelId, table.models.has(match.modelId));
  if (match.operation === 'responses_get') context.facts.stream = url.searchParams.get('stream') === 'true';
  switch (match.operation) {
    case 'models_list':
      return jsonResponse(table.modelListJson);
    case 'models_get': {
      const model = table.modelJson.get(match.modelId ?? '');
      if (model === undefined) {
        throw new GatewayError(404, 'not_found', `The model ${JSON.stringify(match.modelId)} does not exist on this gateway.`, { code: 'model_not_found' });
      }
      return jsonResponse(model);
    }
    case 'responses_get':
    case 'responses_delete':
    case 'responses_cancel':
      return forwardStoredResponseOperation(match, request, url, table, context);
    default:
      return forwardInference(match.operation, match.surface, request, table, context);
  }
}

async function forwardInference(operation: InferenceOperation, surface: ApiSurface, request: Request, table: RouteTable, context: ForwardContext): Promise<Response> {
  const body = await readInferenceBody(request, operation);
  noteModel(context.facts, body.model, table.models.has(body.model));
  context.facts.stream = body.json['stream'] === true;
  const target = resolveRoute(table, body.model, operation, requestedFeatures(operation, body.json));
  const exchange = routeExchange(operation, target.route, body.text, body.json);
  const upstream = {
    method: 'POST',
    url: new URL(target.baseUrl + (exchange.upstreamSuffix ?? UPSTREAM_SUFFIX[operation])),
    headers: buildUpstreamHeaders(request.headers, target, surface, true),
    // The model spans found while reading hold for the text as received, not for a translated one.
    body: replaceTopLevelModel(exchange.body, target.route.upstream_model, exchange.body === body.text ? body.modelFields : undefined),
  };
  await context.authorize(upstream, target.provider, surface);
  const fetch = observedFetch(context.fetch, context.facts, target, request.signal);
  const response = await sendUpstream(upstream, { fetch, clientSignal: request.signal, headersTimeoutMs: context.headersTimeoutMs });
  return exchange.translateAnswer ? exchange.translateAnswer(response) : response;
}

function jsonResponse(json: string): Response {
  return new Response(json, { status: 200, headers: { 'content-type': 'application/json' } });
}

/** Server errors are logged with their details and the request id; callers see a generic message and that id. */
function asGatewayError(error: unknown, log: GatewayErrorLog | undefined, path: string, requestId: string): GatewayError {
  const gatewayError =
    error instanceof GatewayError
      ? error
      : new GatewayError(500, 'internal', 'The gateway failed to handle this request.', { code: 'internal_error', cause: error });
  if (gatewayError.status >= 500) {
    log?.error(gatewayError.message, { requestId, path, status: gatewayError.status, code: gatewayError.code, cause: describe(gatewayError.cause) });
  }
  return gatewayError;
}

function describe(cause: unknown): string | undefined {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? undefined : String(cause);
}

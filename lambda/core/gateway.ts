import { jsonAnswer, type Answer } from '../domain/answer.js';
import { GatewayError } from '../domain/errors.js';
import { matchEndpoint, surfaceOf, type EndpointMatch } from './endpoints.js';
import { renderError } from './render-error.js';
import type { ApiSurface } from '../domain/api-surface.js';
import type { ForwardContext } from './forward-context.js';
import type { Invocation } from '../domain/invocation.js';
import type { GatewayRequest, Refusal } from './gateway-request.js';
import { forwardInference } from './forward-inference.js';
import { forwardStoredResponseOperation } from './stored-responses.js';
import type { ConfigSource } from './config-source.js';
import type { RouteTable } from './route-table.js';
import type { UpstreamAuthorizer } from '../upstream/authorize.js';
import type { Authenticate } from '../auth/authenticate.js';
import { ALL_MODELS } from '../auth/grants.js';
import type { AuthenticatedCaller, ModelGrants } from '../domain/caller.js';
import { grantedModel, modelListFor } from './granted-models.js';
import type { FetchFunction } from '../upstream/send-upstream.js';
import { createNodeHttpFetch } from '../upstream/node-http-fetch.js';
import { newRequestFacts, type RequestFacts } from '../domain/request-facts.js';
import { endpointName, localInvocation, noteGatewayError, noteModel } from '../observe/request-facts-notes.js';
import { AllRoutesFailedError } from '../attempts/all-routes-failed.js';
import { RouteCooldown } from '../attempts/route-cooldown.js';
import { ResponseHomes } from '../attempts/response-homes.js';
import { DEFAULT_RETRY_SETTINGS, type RetrySettings } from '../attempts/retry-settings.js';
import { recordResponse } from '../observe/record-stage.js';
import type { RequestRecordSink } from '../observe/request-record.js';

/**
 * The whole gateway as one transport-free function; the Lambda adapter, the local server and tests all call it.
 * Adapters pass what the transport knows ({@link Invocation}); a test may leave it out and gets a generated id.
 */
export type Gateway = (request: GatewayRequest, invocation?: Invocation) => Promise<Answer>;

/** Where gateway-made server errors (5xx) are reported; caller mistakes (4xx) are not logged as errors. */
export interface GatewayErrorLog {
  error(message: string, details: Record<string, unknown>): void;
  /** A caller who left is reported here, not as an error. */
  info?(message: string, details: Record<string, unknown>): void;
}

export interface GatewayOptions {
  readonly config: ConfigSource;
  readonly authorize: UpstreamAuthorizer;
  /**
   * Who the caller is and which models it may use (`lambda/auth/`). The Lambda handler and `npm start` always set it.
   * @default every caller anonymous with every model: for tests and the demo only
   */
  readonly authenticate?: Authenticate;
  /** @default node:http(s) over keep-alive agents ({@link createNodeHttpFetch}) */
  readonly fetch?: FetchFunction;
  /**
   * Time allowed until Mantle's response headers. A non-streamed generation sends its headers only when done.
   * The first-byte timeout of each attempt; always cut to the invocation's remaining time.
   * @default 600000 (10 minutes; the Lambda timeout bounds the whole call anyway)
   */
  readonly headersTimeoutMs?: number;
  /** Retries, backoff, budget and cool-down. @default DEFAULT_RETRY_SETTINGS */
  readonly retry?: Partial<RetrySettings>;
  /**
   * A started stream with no bytes from Mantle for this long ends with one in-band error event; a route's
   * `stream_idle_timeout_seconds` overrides it. @default 60000
   */
  readonly streamIdleTimeoutMs?: number;
  /** Backoff jitter and weighted route order. @default Math.random */
  readonly random?: () => number;
  readonly log?: GatewayErrorLog;
  /** Where the request records go (logger and metrics). @default none: answers only get `x-request-id` */
  readonly records?: RequestRecordSink;
}

/**
 * Builds the gateway.
 *
 * @example
 * const gateway = createGateway({ config: staticConfigSource(config), authorize });
 * const response = await gateway(new Request('http://localhost/v1/models'));
 */
export function createGateway(options: GatewayOptions): Gateway {
  const context = gatewayContext(options);
  return async (request, invocation = localInvocation()) => {
    const facts = newRequestFacts();
    const response = request.refusal ? refuse(request.refusal, facts, invocation) : await handle(request, { ...context, facts }, options, invocation);
    if (options.records) return recordResponse(response, facts, invocation, request.signal, options.records);
    return { ...response, headers: { ...response.headers, 'x-request-id': invocation.requestId } };
  };
}

/** What lives as long as the gateway (one per execution environment): settings, cool-downs, affinity hints. */
function gatewayContext(options: GatewayOptions): Omit<ForwardContext, 'facts'> {
  const settings = { ...DEFAULT_RETRY_SETTINGS, ...options.retry };
  const authorize = options.authorize;
  const fetchUpstream = options.fetch ?? createNodeHttpFetch();
  const headersTimeoutMs = options.headersTimeoutMs ?? 600_000;
  const cooldown = new RouteCooldown(settings.cooldownMs);
  const attempt = { authorize, fetch: fetchUpstream, settings, firstByteTimeoutMs: headersTimeoutMs, cooldown, random: options.random ?? Math.random, now: () => performance.now() };
  const streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? 60_000;
  return { authorize, fetch: fetchUpstream, headersTimeoutMs, attempt, streamIdleTimeoutMs, responseHomes: new ResponseHomes() };
}

/** A request the adapter refused: its error, in the envelope its path asks for; nothing is read or sent. */
function refuse(refusal: Refusal, facts: RequestFacts, invocation: Invocation): Answer {
  noteGatewayError(facts, refusal.error);
  return renderError(refusal.error, surfaceOf(refusal.path), invocation.requestId);
}

const OPEN_LOCAL_CALLER: AuthenticatedCaller = { caller: { type: 'anonymous' }, grants: ALL_MODELS };

async function handle(request: GatewayRequest, context: ForwardContext, options: GatewayOptions, invocation: Invocation): Promise<Answer> {
  const url = new URL(request.url);
  let surface: ApiSurface = surfaceOf(url.pathname);
  try {
    const snapshot = await options.config.snapshot();
    if (snapshot.revision !== undefined) context.facts.configRevision = snapshot.revision;
    // Before anything else: an unauthenticated caller learns nothing, not even which paths or models exist.
    const { caller, grants } = options.authenticate ? await options.authenticate(request, invocation, snapshot.documents) : OPEN_LOCAL_CALLER;
    // Without caller auth the record falls back to what the adapter knows (a verified IAM ARN, or anonymous).
    if (options.authenticate) context.facts.caller = caller;
    const match = matchEndpoint(request.method, url.pathname);
    surface = match.surface;
    context.facts.endpoint = endpointName(match.operation);
    return await dispatch(match, request, url, snapshot.routes, grants, context, invocation);
  } catch (error) {
    const gatewayError = asGatewayError(error, options.log, url.pathname, invocation.requestId);
    noteGatewayError(context.facts, gatewayError);
    return renderError(gatewayError, surface, invocation.requestId);
  }
}

async function dispatch(
  match: EndpointMatch,
  request: GatewayRequest,
  url: URL,
  table: RouteTable,
  grants: ModelGrants,
  context: ForwardContext,
  invocation: Invocation,
): Promise<Answer> {
  if (match.modelId !== undefined) noteModel(context.facts, match.modelId, table.models.has(match.modelId));
  if (match.operation === 'responses_get') context.facts.stream = url.searchParams.get('stream') === 'true';
  switch (match.operation) {
    case 'models_list':
      return jsonAnswer(200, modelListFor(table, grants));
    case 'models_get': {
      const id = match.modelId ?? '';
      const model = grantedModel(table, id, grants) && table.modelJson.get(id);
      if (!model) {
        throw new GatewayError(404, 'not_found', `The model ${JSON.stringify(match.modelId)} does not exist on this gateway.`, { code: 'model_not_found' });
      }
      return jsonAnswer(200, model);
    }
    case 'responses_get':
    case 'responses_delete':
    case 'responses_cancel':
      return forwardStoredResponseOperation(match, request, url, table, grants, context, invocation);
    default:
      return forwardInference(match.operation, match.surface, request, table, grants, context, invocation);
  }
}

/** Server errors are logged with their details and the request id; callers see a generic message and that id. */
function asGatewayError(error: unknown, log: GatewayErrorLog | undefined, path: string, requestId: string): GatewayError {
  const gatewayError =
    error instanceof GatewayError
      ? error
      : new GatewayError(500, 'internal', 'The gateway failed to handle this request.', { code: 'internal_error', cause: error });
  if (gatewayError.status === 499) log?.info?.(gatewayError.message, { requestId, path, status: 499, code: gatewayError.code });
  else if (gatewayError.status >= 500) {
    const attempts = gatewayError instanceof AllRoutesFailedError ? { attempts: gatewayError.attempts } : {};
    log?.error(gatewayError.message, { requestId, path, status: gatewayError.status, code: gatewayError.code, cause: describe(gatewayError.cause), ...attempts });
  }
  return gatewayError;
}

function describe(cause: unknown): string | undefined {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? undefined : String(cause);
}

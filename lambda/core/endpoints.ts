import { GatewayError, InvalidRequestError } from '../domain/errors.js';
import type { ApiSurface } from '../domain/api-surface.js';
import type { CapabilityName } from '../config/types.js';

/** What an inbound request asks for, independent of the alias it used (`/v1`, `/openai/v1`, `/anthropic/v1`). */
export type Operation =
  | 'chat_completions'
  | 'responses_create'
  | 'responses_get'
  | 'responses_delete'
  | 'responses_cancel'
  | 'messages'
  | 'count_tokens'
  | 'models_list'
  | 'models_get';

export interface EndpointMatch {
  readonly operation: Operation;
  readonly surface: ApiSurface;
  /** `resp_...` for stored-response operations. */
  readonly responseId?: string;
  /** The gateway model id for `GET /v1/models/{id}`. */
  readonly modelId?: string;
}

/** The endpoint capability an inference operation needs from a route, and the path callers know it by. */
export const INFERENCE_ENDPOINTS = {
  chat_completions: { capability: 'chat_completions', path: '/v1/chat/completions' },
  responses_create: { capability: 'responses', path: '/v1/responses' },
  messages: { capability: 'messages', path: '/v1/messages' },
  count_tokens: { capability: 'count_tokens', path: '/v1/messages/count_tokens' },
} as const satisfies Partial<Record<Operation, { capability: CapabilityName; path: string }>>;

export type InferenceOperation = keyof typeof INFERENCE_ENDPOINTS;

/** Mantle ids are `resp_` + 52 base32 characters; OpenAI's are hex. Anything else never reaches upstream. */
const RESPONSE_ID = /^resp_[A-Za-z0-9]{8,128}$/;

/** The surface of each operation: it decides upstream headers, where a Bedrock API key goes and the error envelope. */
const OPERATION_SURFACE: Record<Operation, ApiSurface> = {
  chat_completions: 'openai',
  responses_create: 'openai',
  responses_get: 'openai',
  responses_delete: 'openai',
  responses_cancel: 'openai',
  messages: 'anthropic',
  count_tokens: 'anthropic',
  models_list: 'openai',
  models_get: 'openai',
};

/** `/openai/v1` and `/anthropic/v1` are Mantle-style aliases of `/v1`, each for its own surface's operations. */
type Prefix = 'openai' | 'anthropic' | undefined;

/** The model list is neither surface's own: both SDKs list models, so both prefixes serve it. */
const SHARED_OPERATIONS: ReadonlySet<Operation> = new Set(['models_list', 'models_get']);

/**
 * The envelope for a path, even one the gateway does not serve: the operation's surface where the path names one
 * (Messages speak Anthropic on any prefix), else the prefix's (`/anthropic/...` speaks Anthropic).
 */
export function surfaceOf(rawPath: string): ApiSurface {
  const { prefix, path } = splitPrefix(rawPath);
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  if (path.startsWith('/v1/chat/') || path === '/v1/responses' || path.startsWith('/v1/responses/')) return 'openai';
  return prefix === 'anthropic' ? 'anthropic' : 'openai';
}

/**
 * Maps method and path to an operation, or throws a GatewayError (404 unknown path or an operation under the
 * other surface's prefix, 405 wrong method, 400 malformed response id or an endpoint Mantle does not serve).
 */
export function matchEndpoint(method: string, rawPath: string): EndpointMatch {
  const { prefix, path } = splitPrefix(rawPath);
  const match = matchOperation(method, rawPath, path);
  if (prefix !== undefined && match.surface !== prefix && !SHARED_OPERATIONS.has(match.operation)) throw wrongPrefix(method, rawPath, path);
  return match;
}

function matchOperation(method: string, rawPath: string, path: string): EndpointMatch {
  const segments = path.split('/').slice(2); // drop '' and 'v1'
  const [first, second, third, ...rest] = segments;
  if (!path.startsWith('/v1/') || rest.length > 0) throw unknownPath(method, rawPath);

  switch (first) {
    case 'chat':
      if (second === 'completions' && third === undefined) return only(method, 'POST', rawPath, operation('chat_completions'));
      break;
    case 'responses':
      return matchResponses(method, rawPath, second, third);
    case 'messages':
      if (second === undefined) return only(method, 'POST', rawPath, operation('messages'));
      if (second === 'count_tokens' && third === undefined) return only(method, 'POST', rawPath, operation('count_tokens'));
      break;
    case 'models':
      if (second === undefined) return only(method, 'GET', rawPath, operation('models_list'));
      if (third === undefined && second.length > 0) {
        return only(method, 'GET', rawPath, { ...operation('models_get'), modelId: decodePathSegment(second) });
      }
      break;
  }
  throw unknownPath(method, rawPath);
}

function operation(name: Operation): EndpointMatch {
  return { operation: name, surface: OPERATION_SURFACE[name] };
}

function matchResponses(method: string, rawPath: string, id: string | undefined, action: string | undefined): EndpointMatch {
  if (id === undefined) return only(method, 'POST', rawPath, operation('responses_create'));
  if (!RESPONSE_ID.test(id)) {
    throw new InvalidRequestError(`${JSON.stringify(id.slice(0, 80))} is not a response id (expected resp_ followed by letters and digits).`, {
      code: 'invalid_response_id',
    });
  }
  if (action === 'input_items') {
    throw new GatewayError(400, 'unsupported_endpoint', 'GET /v1/responses/{id}/input_items is not served by Amazon Bedrock Mantle; retrieve the response with GET /v1/responses/{id} instead.', {
      code: 'unsupported_endpoint',
    });
  }
  if (action === 'cancel') return only(method, 'POST', rawPath, { ...operation('responses_cancel'), responseId: id });
  if (action !== undefined) throw unknownPath(method, rawPath);
  if (method === 'GET') return { ...operation('responses_get'), responseId: id };
  if (method === 'DELETE') return { ...operation('responses_delete'), responseId: id };
  throw methodNotAllowed(method, rawPath, 'GET, DELETE');
}

/** Splits `/openai/v1/x` and `/anthropic/v1/x` into their prefix and `/v1/x`; drops one trailing slash. */
function splitPrefix(rawPath: string): { prefix: Prefix; path: string } {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  if (path.startsWith('/openai/v1/')) return { prefix: 'openai', path: path.slice('/openai'.length) };
  if (path.startsWith('/anthropic/v1/')) return { prefix: 'anthropic', path: path.slice('/anthropic'.length) };
  return { prefix: undefined, path };
}

function only(method: string, allowed: string, rawPath: string, match: EndpointMatch): EndpointMatch {
  if (method !== allowed) throw methodNotAllowed(method, rawPath, allowed);
  return match;
}

function methodNotAllowed(method: string, rawPath: string, allowed: string): GatewayError {
  return new GatewayError(405, 'method_not_allowed', `${method} is not allowed on ${truncate(rawPath)}; use ${allowed}.`, {
    code: 'method_not_allowed',
    headers: { allow: allowed },
  });
}

/** An operation under the other surface's prefix: a misconfigured base URL, which Mantle would not serve either. */
function wrongPrefix(method: string, rawPath: string, path: string): GatewayError {
  const home = path.startsWith('/v1/messages') ? `/anthropic${path}` : `/openai${path}`;
  return new GatewayError(404, 'not_found', `Unknown endpoint ${method} ${truncate(rawPath)}; this operation is served on ${truncate(path)} and ${truncate(home)}.`, {
    code: 'unknown_endpoint',
  });
}

function unknownPath(method: string, rawPath: string): GatewayError {
  return new GatewayError(404, 'not_found', `Unknown endpoint ${method} ${truncate(rawPath)}. This gateway serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/messages/count_tokens and /v1/models.`, {
    code: 'unknown_endpoint',
  });
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidRequestError('The path has a malformed percent-encoding.', { code: 'invalid_path' });
  }
}

function truncate(path: string): string {
  return path.length > 120 ? `${path.slice(0, 120)}...` : path;
}

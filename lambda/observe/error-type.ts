/**
 * Maps what went wrong to the record's closed set of error types ({@link ERROR_TYPES}): gateway-made errors by
 * their kind, upstream answers by their status.
 */
import type { GatewayErrorKind } from '../domain/errors.js';
import type { ErrorType } from '../domain/request-facts.js';

const GATEWAY_KIND: Record<GatewayErrorKind, ErrorType> = {
  invalid_request: 'invalid_request',
  authentication: 'authentication',
  not_found: 'not_found',
  method_not_allowed: 'invalid_request',
  request_too_large: 'invalid_request',
  unsupported_endpoint: 'invalid_request',
  capability_not_supported: 'invalid_request',
  upstream_unreachable: 'upstream_unreachable',
  upstream_timeout: 'upstream_timeout',
  upstream_unavailable: 'upstream_error',
  upstream_error: 'upstream_error',
  rate_limited: 'rate_limited',
  client_closed_request: 'client_gone',
  config_unavailable: 'config_unavailable',
  internal: 'internal',
};

/** Kinds the other stages add (auth's 401/403, resilience's stream errors) map by name when they are in the set. */
export function errorTypeOfKind(kind: string): ErrorType {
  if (kind in GATEWAY_KIND) return GATEWAY_KIND[kind as GatewayErrorKind];
  switch (kind) {
    case 'authentication':
    case 'permission_denied':
    case 'rate_limited':
    case 'stream_idle_timeout':
    case 'stream_interrupted':
    case 'upstream_error':
      return kind;
    default:
      return 'internal';
  }
}

/** An upstream answer's status: 429 is throttling, 5xx Mantle's failure, 404 a missing thing, other 4xx the request. */
export function errorTypeOfUpstreamStatus(status: number): ErrorType {
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'upstream_timeout';
  // Mantle's 401/403 mean the gateway's role (or the route's key) is not allowed: the operator's problem.
  if (status >= 500 || status === 401 || status === 403) return 'upstream_error';
  return 'invalid_request';
}

import { randomUUID } from 'node:crypto';
import { jsonAnswer, type Answer } from '../domain/answer.js';
import type { ApiSurface } from '../domain/api-surface.js';
import type { GatewayError, GatewayErrorKind } from '../domain/errors.js';

const OPENAI_TYPE: Record<GatewayErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'invalid_request_error',
  not_found: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  unsupported_endpoint: 'invalid_request_error',
  capability_not_supported: 'invalid_request_error',
  upstream_unreachable: 'server_error',
  upstream_timeout: 'server_error',
  upstream_unavailable: 'server_error',
  upstream_error: 'server_error',
  rate_limited: 'rate_limit_error',
  client_closed_request: 'invalid_request_error',
  config_unavailable: 'server_error',
  internal: 'server_error',
};

/** Anthropic's documented error types (docs.anthropic.com, "Errors"). */
const ANTHROPIC_TYPE: Record<GatewayErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  request_too_large: 'request_too_large',
  unsupported_endpoint: 'invalid_request_error',
  capability_not_supported: 'invalid_request_error',
  upstream_unreachable: 'api_error',
  upstream_timeout: 'timeout_error',
  upstream_unavailable: 'overloaded_error',
  upstream_error: 'api_error',
  rate_limited: 'rate_limit_error',
  client_closed_request: 'invalid_request_error',
  config_unavailable: 'overloaded_error',
  internal: 'api_error',
};

/**
 * What callers read of a gateway-made server error whose own message is for operators (SSM prefixes, SDK error
 * names, token references). Upstream failures (502, 504) keep theirs: they were written for callers and name no
 * more than a network error code.
 */
const CALLER_MESSAGE: Partial<Record<GatewayErrorKind, string>> = {
  internal: 'The gateway failed to handle this request.',
  config_unavailable: 'The gateway cannot serve requests right now; try again shortly.',
};

/**
 * Renders a gateway-made error as a JSON response in the caller's API envelope. A 5xx names the request id, which
 * the error log line carries next to the details.
 *
 * @param requestId the invocation's id (Lambda's request id, or the local server's); generated when absent
 */
export function renderError(error: GatewayError, surface: ApiSurface, requestId: string = generatedRequestId()): Answer {
  const message = error.status >= 500 ? `${CALLER_MESSAGE[error.kind] ?? error.message} (request id ${requestId})` : error.message;
  const body =
    surface === 'anthropic'
      ? { type: 'error', error: { type: ANTHROPIC_TYPE[error.kind], message }, request_id: requestId }
      : { error: { message, type: OPENAI_TYPE[error.kind], param: error.param ?? null, code: error.code ?? null } };
  return jsonAnswer(error.status, JSON.stringify(body), { 'x-request-id': requestId, ...lowerCaseNames(error.headers) });
}

/** Error headers are given as HTTP names (`Retry-After`); answers carry lower-case ones. */
function lowerCaseNames(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const name in headers) lower[name.toLowerCase()] = headers[name]!;
  return lower;
}

function generatedRequestId(): string {
  return `req_gw_${randomUUID().replaceAll('-', '')}`;
}

import { randomUUID } from 'node:crypto';
import type { ApiSurface } from '../domain/api-surface.js';
import type { GatewayError, GatewayErrorKind } from '../domain/errors.js';

const OPENAI_TYPE: Record<GatewayErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  not_found: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  unsupported_endpoint: 'invalid_request_error',
  capability_not_supported: 'invalid_request_error',
  upstream_unreachable: 'server_error',
  upstream_timeout: 'server_error',
  config_unavailable: 'server_error',
  internal: 'server_error',
};

/** Anthropic's documented error types (docs.anthropic.com, "Errors"). */
const ANTHROPIC_TYPE: Record<GatewayErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  request_too_large: 'request_too_large',
  unsupported_endpoint: 'invalid_request_error',
  capability_not_supported: 'invalid_request_error',
  upstream_unreachable: 'api_error',
  upstream_timeout: 'timeout_error',
  config_unavailable: 'overloaded_error',
  internal: 'api_error',
};

/** Renders a gateway-made error as a JSON response in the caller's API envelope. */
export function renderError(error: GatewayError, surface: ApiSurface): Response {
  const body =
    surface === 'anthropic'
      ? {
          type: 'error',
          error: { type: ANTHROPIC_TYPE[error.kind], message: error.message },
          request_id: `req_gw_${randomUUID().replaceAll('-', '')}`,
        }
      : {
          error: { message: error.message, type: OPENAI_TYPE[error.kind], param: error.param ?? null, code: error.code ?? null },
        };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...error.headers },
  });
}

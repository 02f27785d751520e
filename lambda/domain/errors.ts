/**
 * Errors the gateway itself raises. Each carries an HTTP status and a stable kind; `render-error.ts` turns it
 * into the caller's API envelope (OpenAI or Anthropic). Upstream errors never become these: they pass through.
 */
export type GatewayErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'not_found'
  | 'method_not_allowed'
  | 'request_too_large'
  | 'unsupported_endpoint'
  | 'capability_not_supported'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'rate_limited'
  | 'client_closed_request'
  | 'config_unavailable'
  | 'internal';

export interface GatewayErrorOptions {
  readonly code?: string;
  readonly param?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly status: number,
    readonly kind: GatewayErrorKind,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = options.code;
    this.param = options.param;
    this.headers = options.headers;
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(400, 'invalid_request', message, options);
    this.name = 'InvalidRequestError';
  }
}

/**
 * 401: no key, a malformed, unknown, disabled or expired key, or no verified IAM caller. The message never
 * repeats what the caller sent; it may say *why* only once the caller has shown it holds the key's secret.
 */
export class AuthenticationError extends GatewayError {
  constructor(message: string) {
    super(401, 'authentication', message, { code: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer realm="mantle-gateway"' } });
    this.name = 'AuthenticationError';
  }
}

export class UnknownModelError extends GatewayError {
  constructor(model: string) {
    super(404, 'not_found', `The model ${JSON.stringify(model)} does not exist on this gateway; GET /v1/models lists the models it serves.`, {
      code: 'model_not_found',
      param: 'model',
    });
    this.name = 'UnknownModelError';
  }
}

export class UpstreamUnreachableError extends GatewayError {
  constructor(host: string, cause: unknown) {
    super(502, 'upstream_unreachable', `Could not reach Amazon Bedrock Mantle at ${host}${describeCause(cause)}.`, {
      code: 'upstream_unreachable',
      cause,
    });
    this.name = 'UpstreamUnreachableError';
  }
}

export class UpstreamTimeoutError extends GatewayError {
  constructor(host: string, timeoutMs: number) {
    super(504, 'upstream_timeout', `Amazon Bedrock Mantle at ${host} did not answer within ${timeoutMs} ms.`, {
      code: 'upstream_timeout',
    });
    this.name = 'UpstreamTimeoutError';
  }
}

/**
 * The caller went away (closed the connection, or its platform aborted the request) before the answer was
 * complete. Not an upstream failure: never retried, never counted against a route, never logged as an error.
 * 499 is nginx's "client closed request": nobody receives it, but logs and tests can tell it apart.
 */
export class ClientClosedRequestError extends GatewayError {
  constructor() {
    super(499, 'client_closed_request', 'The caller closed the request before the answer was complete.', {
      code: 'client_closed_request',
    });
    this.name = 'ClientClosedRequestError';
  }
}

/** The network error code (ECONNREFUSED, ENOTFOUND...) without anything that could carry a secret. */
function describeCause(cause: unknown): string {
  // fetch wraps the socket error: TypeError('fetch failed', {cause: Error{code}}). Duck-typed, not instanceof:
  // errors may come from another realm.
  const inner = isObject(cause) && isObject(cause['cause']) ? cause['cause'] : cause;
  const code = isObject(inner) ? inner['code'] : undefined;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

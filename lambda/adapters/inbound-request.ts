import { GatewayError, InvalidRequestError } from '../domain/errors.js';
import type { Answer } from '../domain/answer.js';
import { refusedRequest, surfaceOf, type Gateway, type GatewayRequest, type Invocation } from '../core/index.js';
import { renderError } from '../core/render-error.js';
import { InboundHeaders } from './inbound-headers.js';

/**
 * Builds the request both adapters hand to the gateway, or throws a GatewayError the adapter renders in the API
 * envelope. What a hostile or broken client can send and no web Request could hold (the methods CONNECT, TRACE
 * and TRACK, a header value above U+00FF, an invalid URL) is answered here; unchecked, that was an empty reply from
 * the local server and a bare 502 plus an invocation error from the function URL.
 */
export interface InboundRequestParts {
  readonly method: string;
  /** Absolute URL (scheme, host and origin-form target). */
  readonly url: string;
  /** Name and value pairs; an undefined value (a function URL event may hold one) is skipped. */
  readonly headers: Iterable<readonly [string, string | undefined]>;
  /** Ignored on GET and HEAD, which have no body. */
  readonly body?: Uint8Array | string;
  readonly signal: AbortSignal;
}

/** The methods the gateway serves on some path; the gateway answers 405 per path for the rest. */
export const SERVED_METHODS = 'GET, POST, DELETE';

/** Methods the Fetch standard forbids (a Request cannot carry them) and that no API endpoint uses. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** RFC 9110 token: a method is one. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The Fetch standard upper-cases these methods whatever their case; any other method keeps its case. */
const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

const NO_BODY = new Uint8Array(0);

/**
 * The request the gateway sees: a plain {@link GatewayRequest} over the body already read whole, validated as a
 * web `Request` would be (method, headers, URL) but without building one.
 *
 * @throws GatewayError 405 for a method no endpoint takes (with `Allow`), 400 for a header or URL that cannot be
 * represented.
 */
export function toInboundRequest(parts: InboundRequestParts): GatewayRequest {
  const upper = parts.method.toUpperCase();
  if (!TOKEN.test(parts.method) || FORBIDDEN_METHODS.has(upper)) throw unservedMethod(parts.method);
  const method = NORMALIZED_METHODS.has(upper) ? upper : parts.method;
  const headers = new InboundHeaders(parts.headers);
  if (!URL.canParse(parts.url)) throw new InvalidRequestError('The request target is not a valid URL path.', { code: 'invalid_path' });
  const body = parts.body !== undefined && method !== 'GET' && method !== 'HEAD' ? parts.body : undefined;
  const bytes = body === undefined ? NO_BODY : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { method, url: parts.url, headers, signal: parts.signal, arrayBuffer: () => Promise.resolve(bytes) };
}

export function unservedMethod(method: string): GatewayError {
  return new GatewayError(405, 'method_not_allowed', `${JSON.stringify(method.slice(0, 20))} is not a method this gateway serves; it serves ${SERVED_METHODS}.`, {
    code: 'method_not_allowed',
    headers: { allow: SERVED_METHODS },
  });
}

/**
 * A request the adapter refused, answered and recorded by the gateway like any other (endpoint `unknown`); should
 * the gateway fail even at that, the caller still gets the error in its envelope.
 */
export async function answerRefusal(gateway: Gateway, error: unknown, target: string, signal: AbortSignal, invocation: Invocation): Promise<Answer> {
  const refusal = asGatewayError(error);
  // Only an origin-form target names a path; an absolute or asterisk form gets the default envelope.
  const path = target.startsWith('/') ? target : '/';
  try {
    return await gateway(refusedRequest(refusal, path, signal), invocation);
  } catch {
    return renderError(refusal, surfaceOf(path), invocation.requestId);
  }
}

/** Anything an adapter caught: a GatewayError as it is, else a 500 that names nothing internal. */
export function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new GatewayError(500, 'internal', 'The gateway failed to handle this request.', { code: 'internal_error', cause: error });
}

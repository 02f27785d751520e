/**
 * Header names the gateway owns. A route's `extra_headers` may not set them and a caller's never pass upstream:
 * credentials would leak or be overridden, and hop-by-hop headers describe a connection, not a request.
 */

/** RFC 9110 section 7.6.1 hop-by-hop headers, plus the non-standard ones proxies still see. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Credentials and identity: only the signer (or the bearer provider) sets these. */
export const AUTH_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
]);

/** Framing headers the HTTP client computes from the body and URL. */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set(['host', 'content-length']);

/**
 * Headers the gateway sets on every upstream request from the body, the caller or itself, with why a route may
 * not override them. An `Expect: 100-continue` makes the HTTP client (undici) throw, so every request on the
 * route would fail; a content or encoding header would mislabel the caller's body or the bytes passed back.
 */
const GATEWAY_SET_HEADERS: ReadonlyMap<string, string> = new Map([
  ['expect', 'the gateway sends the whole body at once, and the HTTP client refuses Expect'],
  ['content-type', "the gateway sends the caller's JSON body as is (application/json)"],
  ['content-encoding', "the gateway sends the caller's JSON body as is (application/json)"],
  ['accept-encoding', 'the gateway asks Mantle for uncompressed bytes, which it passes through unchanged'],
  ['accept', 'it is taken from the caller (JSON or an event stream)'],
  ['user-agent', 'the gateway identifies itself to Mantle'],
  ['anthropic-version', 'it is taken from the caller (default 2023-06-01)'],
  ['anthropic-beta', "set compatibility.aws_bedrock.anthropic_betas instead; callers' flags are filtered against it"],
]);

/** True for `x-amz-*`: SigV4 and AWS metadata, never caller- or admin-supplied. */
export function isAwsHeader(lowerCaseName: string): boolean {
  return lowerCaseName.startsWith('x-amz-');
}

/** Why a route may not set this header, or undefined when it may. */
export function reservedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (AUTH_HEADERS.has(lower) || isAwsHeader(lower)) return 'it carries credentials, which come from the provider auth';
  if (lower === 'host') return 'host is set from the provider endpoint';
  if (FRAMING_HEADERS.has(lower)) return 'it is computed from the body';
  if (HOP_BY_HOP_HEADERS.has(lower)) return 'it is a hop-by-hop header';
  return GATEWAY_SET_HEADERS.get(lower);
}

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
  return undefined;
}

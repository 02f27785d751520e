import type { ApiSurface } from '../domain/api-surface.js';
import type { RequestHeaders } from '../domain/request-headers.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';

/** Mantle accepts this version on the Messages path; callers may name another. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

const USER_AGENT = 'mantle-gateway/0.1';

/**
 * The headers the gateway sends upstream: an allow-list of caller headers plus the route's `extra_headers`.
 * Everything else a caller sent (Authorization, x-api-key, OpenAI-Project, anthropic-workspace, cookies,
 * x-amz-*, forwarding headers) stays here by construction: only the names below are ever read.
 */
export function buildUpstreamHeaders(inbound: RequestHeaders, target: ResolvedRoute, surface: ApiSurface, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    accept: inbound.get('accept') ?? 'application/json',
    // Ask for the bytes as Mantle has them: passing them through needs no decompression and no recompression.
    'accept-encoding': 'identity',
    'user-agent': USER_AGENT,
  };
  if (hasBody) headers['content-type'] = 'application/json';
  if (surface === 'anthropic') {
    headers['anthropic-version'] = inbound.get('anthropic-version') ?? DEFAULT_ANTHROPIC_VERSION;
    const betas = allowedBetas(inbound.get('anthropic-beta'), target.route.anthropic_betas);
    if (betas) headers['anthropic-beta'] = betas;
  }
  for (const [name, value] of target.extraHeaders) headers[name] = value;
  return headers;
}

/** Keeps the caller's beta flags the route allows; unknown flags would make Bedrock answer 400. */
function allowedBetas(requested: string | null, allowed: readonly string[]): string | undefined {
  if (!requested || allowed.length === 0) return undefined;
  const kept = requested
    .split(',')
    .map((flag) => flag.trim())
    .filter((flag) => allowed.includes(flag));
  return kept.length > 0 ? kept.join(',') : undefined;
}

import type { ErrorType } from '../domain/request-facts.js';

/**
 * What an upstream answer means for the attempt loop:
 * - `success`: a 2xx (or 3xx, never followed): give it to the caller;
 * - `retry`: 429, 500, 502, 503, 504: try this route again after a backoff, then the next route;
 * - `next_route`: 404 (the model is not in this region, or a stored response is not here) and 403 (access
 *   denied there): no point retrying this route, the next one may serve;
 * - `final`: any other status (400, 401, 413, 422...): the request itself is wrong, and every route would say so.
 */
export type Verdict = 'success' | 'retry' | 'next_route' | 'final';

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export function verdictForStatus(status: number): Verdict {
  if (status < 400) return 'success';
  if (RETRYABLE.has(status)) return 'retry';
  if (status === 404 || status === 403) return 'next_route';
  return 'final';
}

export function failureForStatus(status: number): ErrorType {
  return status === 429 ? 'rate_limited' : 'upstream_error';
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the wait
 * before retry `n` (0-based) is uniform in [0, base * 2^n). Jitter spreads retries of many callers hit by the
 * same throttle, so they do not return in lockstep.
 */
export function backoffMs(retryIndex: number, baseDelayMs: number, random: () => number): number {
  return Math.floor(random() * baseDelayMs * 2 ** Math.min(retryIndex, 16));
}

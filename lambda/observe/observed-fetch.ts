/**
 * Records each upstream call as an attempt (`{region, status or error, ms}`), and the parts of Mantle's answer
 * the record keeps but the caller does not get: its request id and the usage-reservation headers.
 */
import type { ResolvedRoute } from '../domain/resolved-route.js';
import type { QuotaRecord, RequestFacts, RouteRecord } from '../domain/request-facts.js';
import { headerValue, type FetchFunction, type UpstreamHeaders } from '../upstream/send-upstream.js';

/** Wraps `fetch` for one attempt at `target`. */
export function observedFetch(fetch: FetchFunction, facts: RequestFacts, target: ResolvedRoute, clientSignal: AbortSignal): FetchFunction {
  return async (input, init) => {
    const region = target.provider.region;
    facts.route = routeRecord(target);
    const started = performance.now();
    try {
      const response = await fetch(input, init);
      facts.attempts.push({ region, status: response.status, ms: elapsed(started) });
      noteUpstreamHeaders(facts, response.headers);
      return response;
    } catch (error) {
      const type = clientSignal.aborted ? 'client_gone' : init.signal.aborted ? 'upstream_timeout' : 'upstream_unreachable';
      facts.attempts.push({ region, error: type, ms: elapsed(started) });
      throw error;
    }
  };
}

export function routeRecord(target: ResolvedRoute): RouteRecord {
  return {
    provider: target.provider.id,
    region: target.provider.region,
    upstreamModel: target.route.upstream_model,
    apiStyle: target.route.api_style,
  };
}

/** Mantle's request id and usage-reservation headers of the latest answer. */
export function noteUpstreamHeaders(facts: RequestFacts, headers: UpstreamHeaders): void {
  const requestId = headerValue(headers, 'x-request-id') ?? headerValue(headers, 'x-amzn-requestid');
  if (requestId !== undefined) facts.upstreamRequestId = requestId;
  else delete facts.upstreamRequestId;
  const quota = quotaOf(headers);
  if (quota) facts.quota = quota;
}

const QUOTA_HEADERS = [
  ['reserved', 'x-amzn-usage-reservation-quota'],
  ['remaining', 'x-amzn-usage-reservation-remaining-quota'],
  ['spillover', 'x-amzn-usage-reservation-spillover'],
] as const;

function quotaOf(headers: UpstreamHeaders): QuotaRecord | undefined {
  let quota: Record<string, number | string> | undefined;
  for (const [field, name] of QUOTA_HEADERS) {
    const value = headerValue(headers, name);
    if (value === undefined) continue;
    const number = Number(value);
    (quota ??= {})[field] = value.trim() !== '' && Number.isFinite(number) ? number : value.slice(0, 100);
  }
  return quota;
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

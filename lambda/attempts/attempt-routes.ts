import { discardBody, type Answer } from '../domain/answer.js';
import type { ErrorType, RequestFacts } from '../domain/request-facts.js';
import { observedFetch } from '../observe/observed-fetch.js';
import type { ApiSurface } from '../domain/api-surface.js';
import { ClientClosedRequestError, UpstreamTimeoutError, UpstreamUnreachableError } from '../domain/errors.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import type { UpstreamAuthorizer } from '../upstream/authorize.js';
import { sendUpstream, type FetchFunction } from '../upstream/send-upstream.js';
import type { UpstreamRequest } from '../upstream/upstream-request.js';
import { allRoutesFailed } from './all-routes-failed.js';
import { backoffMs, failureForStatus, verdictForStatus, type Verdict } from './retry-policy.js';
import type { RetrySettings } from './retry-settings.js';
import type { RouteCooldown } from './route-cooldown.js';

/** Lambda needs a moment after the gateway gives up to send its error; attempts end this long before the hard stop. */
export const EXIT_MARGIN_MS = 1_000;

/** What the watch stage says about a 2xx answer before it reaches the caller. */
export type Admission =
  | { readonly ok: true; readonly response: Answer }
  | { readonly ok: false; readonly failure: ErrorType; readonly message: string };

/**
 * Looks at a successful upstream answer before the caller sees a byte (e.g. holds a stream's opening events until
 * its first content event), so a failure there can still be retried. `deadline` is the attempt's first-byte
 * deadline on the `now()` clock; `abort` aborts the upstream call. The attempt stage imports no watch code: the
 * gateway passes the watch stage's admission in.
 */
export type Admit = (response: Answer, route: ResolvedRoute, deadline: number, abort: AbortController) => Promise<Admission>;

/** Per gateway: how to send, and the environment's memory of failing routes. */
export interface AttemptContext {
  readonly authorize: UpstreamAuthorizer;
  readonly fetch: FetchFunction;
  readonly settings: RetrySettings;
  /** Time allowed until the first byte of an attempt (headers, or the first content event when held). */
  readonly firstByteTimeoutMs: number;
  readonly cooldown: RouteCooldown;
  /** @default Math.random */
  readonly random: () => number;
  /** @default performance.now */
  readonly now: () => number;
}

/** One request's attempts. */
export interface AttemptPlan {
  /** In the order to try them; never empty. */
  readonly routes: readonly ResolvedRoute[];
  /** The upstream request for a route, before authorization (each attempt is authorized and signed afresh). */
  readonly build: (route: ResolvedRoute) => UpstreamRequest;
  /** Where credentials go (the operation's surface). */
  readonly surface: ApiSurface;
  readonly clientSignal: AbortSignal;
  /** The request's facts: attempts, route and fallback go here for the record. */
  readonly facts: RequestFacts;
  readonly admit?: Admit;
  /**
   * The request needs state only one upstream holds (a stored response): every route is asked even when cooling
   * down, a 404 means "not here", and a failure of some route beats the 404s of the others (it is the holder).
   */
  readonly affinity?: boolean;
  /** The platform's remaining time (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingTimeMs?: () => number;
  /** Told which route served a 2xx (for affinity hints). */
  readonly onServed?: (route: ResolvedRoute) => void;
}

interface Outcome {
  readonly verdict: Verdict;
  readonly response?: Answer;
  readonly failure?: ErrorType;
}

/**
 * The attempt stage: tries the plan's routes in order, retrying retryable failures with backoff and falling over
 * to the next route, until one answers, the request is shown to be wrong (a 4xx other than 429/403/404), or the
 * budget is spent. Returns what the caller gets (a success, or an upstream error passed through as is).
 *
 * @throws GatewayError summarizing the attempts when every route failed (see {@link allRoutesFailed}).
 * @throws ClientClosedRequestError when the caller left meanwhile.
 */
export async function attemptRoutes(plan: AttemptPlan, context: AttemptContext): Promise<Answer> {
  const { settings, now, cooldown } = context;
  const budgetEnd = now() + settings.budgetMs;
  const failures: ErrorType[] = [];
  let passOn: Answer | undefined;
  const routes = plan.affinity ? plan.routes : skipCooling(plan.routes, cooldown, now());
  plan.facts.fallback = routes[0] !== plan.routes[0];
  outer: for (const [index, route] of routes.entries()) {
    if (index > 0) plan.facts.fallback = true;
    const attempts = route.route.max_attempts ?? settings.attemptsPerRoute;
    for (let tryIndex = 0; tryIndex < attempts; tryIndex += 1) {
      const wait = tryIndex > 0 ? backoffMs(tryIndex - 1, settings.baseDelayMs, context.random) : 0;
      if (failures.length > 0 && now() + wait >= budgetEnd) break outer;
      if (wait > 0) await pause(wait, plan.clientSignal);
      if (plan.clientSignal.aborted) throw new ClientClosedRequestError();
      const timeoutMs = attemptTimeout(context.firstByteTimeoutMs, plan.remainingTimeMs);
      if (timeoutMs <= 0) break outer;
      const outcome = await attemptOnce(plan, context, route, timeoutMs);
      if (outcome.verdict === 'success' || outcome.verdict === 'final') {
        if (outcome.verdict === 'success') {
          cooldown.clear(route);
          plan.onServed?.(route);
        }
        discardBody(passOn);
        return outcome.response!;
      }
      if (outcome.verdict === 'next_route') {
        discardBody(passOn);
        passOn = outcome.response;
        continue outer;
      }
      failures.push(outcome.failure!);
      if (tryIndex === attempts - 1) cooldown.trip(route, now());
    }
  }
  if (failures.length === 0 && passOn) return passOn;
  discardBody(passOn);
  throw allRoutesFailed(plan.routes[0]!.modelId, plan.facts.attempts, failures.length > 0 ? failures : ['upstream_timeout']);
}

async function attemptOnce(plan: AttemptPlan, context: AttemptContext, route: ResolvedRoute, timeoutMs: number): Promise<Outcome> {
  const request = plan.build(route);
  const authorizing = context.authorize(request, route.provider, plan.surface);
  if (authorizing) await authorizing;
  const controller = new AbortController();
  const started = context.now();
  // The record stage's view of each call: {region, status or error, ms}, Mantle's request id, quota headers.
  const fetch = observedFetch(context.fetch, plan.facts, route, plan.clientSignal);
  let response: Answer;
  try {
    response = await sendUpstream(request, { fetch, clientSignal: plan.clientSignal, headersTimeoutMs: timeoutMs, controller });
  } catch (error) {
    return { verdict: 'retry', failure: networkFailure(error) };
  }
  const verdict = verdictForStatus(response.status);
  if (verdict === 'retry') {
    discardBody(response);
    return { verdict, failure: failureForStatus(response.status) };
  }
  if (verdict !== 'success' || !plan.admit) return { verdict, response };
  const admission = await plan.admit(response, route, started + timeoutMs, controller);
  if (plan.clientSignal.aborted) throw new ClientClosedRequestError();
  if (!admission.ok) {
    // The 200 turned out to be a failure before any content: the record shows it as such.
    const region = route.provider.region;
    plan.facts.attempts.pop();
    plan.facts.attempts.push({ region, error: admission.failure, ms: Math.round(context.now() - started) });
    return { verdict: 'retry', failure: admission.failure };
  }
  return { verdict, response: admission.response };
}

/** Timeouts and unreachable upstreams are retried; a departed caller ends everything; anything else is a bug. */
function networkFailure(error: unknown): ErrorType {
  if (error instanceof ClientClosedRequestError) throw error;
  if (error instanceof UpstreamTimeoutError) return 'upstream_timeout';
  if (error instanceof UpstreamUnreachableError) return 'upstream_unreachable';
  throw error;
}

/** Cooling routes go last rather than away: when the healthy ones fail too, trying them beats failing unasked. */
function skipCooling(routes: readonly ResolvedRoute[], cooldown: RouteCooldown, now: number): readonly ResolvedRoute[] {
  const cooling = routes.filter((route) => cooldown.isCooling(route, now));
  if (cooling.length === 0 || cooling.length === routes.length) return routes;
  return [...routes.filter((route) => !cooling.includes(route)), ...cooling];
}

/** The first-byte timeout, cut so the caller still gets the gateway's error before the platform stops the function. */
function attemptTimeout(firstByteTimeoutMs: number, remainingTimeMs: (() => number) | undefined): number {
  if (!remainingTimeMs) return firstByteTimeoutMs;
  return Math.min(firstByteTimeoutMs, remainingTimeMs() - EXIT_MARGIN_MS);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

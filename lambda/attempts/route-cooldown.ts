import type { ResolvedRoute } from '../domain/resolved-route.js';

/**
 * Routes this execution environment skips for a while because a request just used up all their attempts: during
 * a region outage only the first request pays for the failed tries, the next ones go straight to the fallback.
 * Per environment (Lambda environments share no memory), so each learns on its own; at worst one request each.
 */
export class RouteCooldown {
  readonly #until = new Map<string, number>();

  constructor(private readonly cooldownMs: number) {}

  isCooling(route: ResolvedRoute, now: number): boolean {
    if (this.#until.size === 0) return false;
    const until = this.#until.get(keyOf(route));
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(keyOf(route));
    return false;
  }

  trip(route: ResolvedRoute, now: number): void {
    if (this.cooldownMs > 0) this.#until.set(keyOf(route), now + this.cooldownMs);
  }

  /** A route that served is healthy again, whatever an earlier request saw. */
  clear(route: ResolvedRoute): void {
    if (this.#until.size > 0) this.#until.delete(keyOf(route));
  }
}

/** One upstream model at one endpoint: the unit that fails together. */
function keyOf(route: ResolvedRoute): string {
  return `${route.baseUrl} ${route.route.upstream_model}`;
}

import type { ResolvedRoute } from '../domain/resolved-route.js';

/** Enough for the follow-ups of a busy environment; the oldest entries go first. */
const MAX_ENTRIES = 10_000;

/**
 * Where this execution environment last found each stored response (docs/adr/0007): the upstream asked first by
 * the next get, delete, cancel or chained create of that id, so a response found once costs no extra call again.
 * Only a hint: another environment knows nothing of it, and a wrong hint costs one fast 404.
 */
export class ResponseHomes {
  readonly #homes = new Map<string, string>();

  remember(responseId: string, route: ResolvedRoute): void {
    this.#homes.delete(responseId);
    this.#homes.set(responseId, upstreamKey(route));
    if (this.#homes.size > MAX_ENTRIES) this.#homes.delete(this.#homes.keys().next().value!);
  }

  forget(responseId: string): void {
    this.#homes.delete(responseId);
  }

  /** `routes` with the remembered holder's routes first, the others in their order. */
  homeFirst(responseId: string, routes: readonly ResolvedRoute[]): readonly ResolvedRoute[] {
    const home = this.#homes.get(responseId);
    if (home === undefined) return routes;
    const first = routes.filter((route) => upstreamKey(route) === home);
    return first.length === 0 || first[0] === routes[0] ? routes : [...first, ...routes.filter((route) => !first.includes(route))];
  }
}

/** Stored responses are scoped by endpoint (region), base path and project headers. */
export function upstreamKey(route: ResolvedRoute): string {
  return `${route.baseUrl} ${JSON.stringify(route.extraHeaders)} ${route.provider.id}`;
}

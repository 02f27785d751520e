import { isChunkSource, type Answer } from '../domain/answer.js';
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

/** The first response id in an answer's first bytes: a create's JSON starts with it, a stream's `response.created` holds it. */
const RESPONSE_ID = /"id"\s*:\s*"(resp_[A-Za-z0-9_-]{1,200})"/;
const PEEK_BYTES = 4096;

/**
 * A Responses create's answer, passed through unchanged, that tells `homes` where the new response lives as soon
 * as its first chunk shows the id: a later get, delete, cancel or chained create from this environment then asks
 * that upstream first, even when the create was served by a fallback route.
 */
export function rememberCreatedResponse(answer: Answer, route: ResolvedRoute, homes: ResponseHomes): Answer {
  const source = answer.body;
  if (answer.status !== 200 || !isChunkSource(source)) return answer;
  let peeked = false;
  const body = {
    read: async () => {
      const chunk = await source.read();
      if (!peeked && chunk !== undefined) {
        peeked = true;
        const id = RESPONSE_ID.exec(Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, PEEK_BYTES)).toString('latin1'))?.[1];
        if (id !== undefined) homes.remember(id, route);
      }
      return chunk;
    },
    cancel: () => source.cancel(),
  };
  return { ...answer, body };
}

/** Stored responses are scoped by endpoint (region), base path and project headers. */
export function upstreamKey(route: ResolvedRoute): string {
  return `${route.baseUrl} ${JSON.stringify(route.extraHeaders)} ${route.provider.id}`;
}

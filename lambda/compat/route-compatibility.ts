/**
 * The compatibility step of the forward path: given the route a request resolved to, decides which translation
 * (if any) applies, and returns the body to send and how to present the answer. Each translation lives in its own
 * module and is pure; this file only picks. Nothing here does I/O.
 */
import type { Answer } from '../domain/answer.js';
import type { Route } from '../config/types.js';
import { bridgeChatToResponses, type AnswerHooks } from './chat-bridge.js';
import { translateThinking } from './thinking.js';

/** The inference operations as the gateway's endpoints name them (`core/endpoints.ts`). */
export type InboundOperation = 'chat_completions' | 'responses_create' | 'messages' | 'count_tokens';

export interface RouteExchange {
  /** The body to send upstream, before the model id swap. */
  readonly body: string;
  /** Replaces the path suffix under the route's base URL (`/responses` for a bridged Chat call). */
  readonly upstreamSuffix?: string;
  /** Turns Mantle's answer into the caller's API; absent when it passes through unchanged. */
  readonly translateAnswer?: (response: Answer, hooks?: AnswerHooks) => Answer | Promise<Answer>;
}

/**
 * @param text the request body as received; `body` is its parse
 * @example
 * const exchange = routeExchange('messages', target.route, text, body);
 */
export function routeExchange(operation: InboundOperation, route: Route, text: string, body: Readonly<Record<string, unknown>>): RouteExchange {
  if (operation === 'chat_completions' && isBridged(route)) return bridgeChatToResponses(body);
  if (route.thinking === 'adaptive_only' && (operation === 'messages' || operation === 'count_tokens')) {
    return { body: translateThinking(text, body) };
  }
  return { body: text };
}

/** A Chat call on a Responses route reaches it only through the bridge (the validator allows nothing else). */
export function isBridged(route: Route): boolean {
  return route.api_style === 'mantle_openai_responses' && (route.bridge ?? []).includes('chat_completions');
}

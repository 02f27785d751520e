/** Small helpers the core uses to fill a request's facts, so its wiring stays a line per fact. */
import { randomUUID } from 'node:crypto';
import type { GatewayError } from '../domain/errors.js';
import type { Invocation } from '../domain/invocation.js';
import type { RequestFacts } from '../domain/request-facts.js';
import { errorTypeOfKind } from './error-type.js';
import { mergeUsage } from './usage-fields.js';

/** The record's `endpoint` for each operation the core matches. */
const ENDPOINT_NAMES: Readonly<Record<string, string>> = {
  chat_completions: 'chat_completions',
  responses_create: 'responses',
  responses_get: 'responses_get',
  responses_delete: 'responses_delete',
  responses_cancel: 'responses_cancel',
  messages: 'messages',
  count_tokens: 'count_tokens',
  models_list: 'models',
  models_get: 'models_get',
};

export function endpointName(operation: string): string {
  return ENDPOINT_NAMES[operation] ?? 'unknown';
}

/** For callers without an adapter (tests, embedding): a generated request id, arrival now. */
export function localInvocation(): Invocation {
  return { requestId: randomUUID(), receivedAt: performance.now() };
}

/** Usage a translation learned that the caller's answer may not carry (a bridged stream without include_usage). */
export function noteUsage(facts: RequestFacts, usage: Record<string, unknown>): void {
  mergeUsage((facts.usage ??= {}), usage);
}

export function noteModel(facts: RequestFacts, model: string, configured: boolean): void {
  facts.model = model;
  facts.modelConfigured = configured;
}

/**
 * A gateway-made error. The message is the one the caller got, except for a body that is not JSON: the
 * parser's message quotes the body, and bodies stay out of logs.
 */
export function noteGatewayError(facts: RequestFacts, error: GatewayError): void {
  const message = error.code === 'invalid_json' ? 'The request body is not valid JSON (or not a JSON object).' : error.message;
  facts.error = { type: errorTypeOfKind(error.kind), message };
}

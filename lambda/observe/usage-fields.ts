/**
 * Token counts and error descriptions as the three Mantle surfaces spell them, read from a parsed JSON body or
 * SSE event. The shapes do not collide, so one reader serves all surfaces:
 * - Chat: `usage.{prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens}`
 * - Responses: `response.usage.{input_tokens, output_tokens, input_tokens_details.cached_tokens}`
 * - Messages: `message.usage` (message_start) and `usage` (message_delta, cumulative) with
 *   `{input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens}`
 * OpenAI's input counts include cached tokens; Anthropic's exclude cache reads and writes. The record keeps
 * each surface's own meaning.
 */
import type { ErrorType, UsageRecord } from '../domain/request-facts.js';

type Json = Record<string, unknown>;

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The usage object of a body or event, wherever the surface puts it. */
export function usageObjectOf(value: Json): Json | undefined {
  for (const candidate of [value['usage'], (value['message'] as Json | undefined)?.['usage'], (value['response'] as Json | undefined)?.['usage']]) {
    if (isJsonObject(candidate)) return candidate;
  }
  return undefined;
}

/** Merges the counts `usage` reports into `into` (later events override earlier ones, as message_delta does). */
export function mergeUsage(into: UsageRecord, usage: Json): void {
  setCount(into, 'inputTokens', usage['prompt_tokens'] ?? usage['input_tokens']);
  setCount(into, 'outputTokens', usage['completion_tokens'] ?? usage['output_tokens']);
  const details = usage['prompt_tokens_details'] ?? usage['input_tokens_details'];
  setCount(into, 'cacheReadTokens', isJsonObject(details) ? details['cached_tokens'] : usage['cache_read_input_tokens']);
  setCount(into, 'cacheWriteTokens', usage['cache_creation_input_tokens']);
}

function setCount(into: UsageRecord, field: keyof UsageRecord, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) into[field] = value;
}

export interface AnswerError {
  readonly type: ErrorType;
  readonly message: string;
}

/**
 * The error an upstream body or in-band event describes: OpenAI's `{error: {...}}`, Anthropic's
 * `{type: 'error', error: {...}}`, Responses' `response.failed`, or a bare `{message}` frame.
 */
export function errorOf(value: Json, fallback: ErrorType): AnswerError | undefined {
  const response = value['response'];
  const failed = value['type'] === 'response.failed' && isJsonObject(response) ? response['error'] : undefined;
  const error = failed ?? value['error'];
  if (isJsonObject(error)) return { type: classify(error, fallback), message: messageOf(error['message']) };
  if (value['type'] === 'response.failed') return { type: fallback, message: 'response.failed' };
  if (typeof value['message'] === 'string' && Object.keys(value).length <= 2) return { type: fallback, message: messageOf(value['message']) };
  return undefined;
}

function classify(error: Json, fallback: ErrorType): ErrorType {
  const kind = `${String(error['type'] ?? '')} ${String(error['code'] ?? '')}`;
  return /rate_limit|throttl|too_many/i.test(kind) ? 'rate_limited' : fallback;
}

/** Error messages are bounded: a log line is not the place for a whole upstream document. */
export function messageOf(value: unknown): string {
  const text = typeof value === 'string' ? value : 'no message';
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

import type { ApiStyle } from '../config/types.js';

/**
 * What one upstream SSE event means while the gateway still holds the stream back:
 * - `opening`: status and preamble (`response.created`, `message_start`, a role-only chat delta, `ping`);
 * - `failure`: a retryable in-band failure before any content (`response.failed` with `server_error`, an
 *   `overloaded_error`), which the attempt stage may still retry or fail over;
 * - `content`: anything else, including a failure that no retry mends: the caller gets the stream from here.
 */
export type OpeningVerdict = 'opening' | 'failure' | 'content';

const RESPONSES_OPENING = new Set(['response.created', 'response.in_progress', 'response.queued', 'response.output_item.added', 'response.content_part.added']);
const MESSAGES_OPENING = new Set(['message_start', 'ping', 'content_block_start']);
/** In-band failure codes and types that say "the service, not your request": worth another try. */
const RETRYABLE_CODES = new Set(['server_error', 'internal_error', 'rate_limit_exceeded', 'service_unavailable', 'overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

/** Classifies one complete SSE event (the text between blank lines) of a stream in the route's api_style. */
export function classifyOpeningEvent(style: ApiStyle, eventText: string): OpeningVerdict {
  const { name, data } = parseEvent(eventText);
  if (data === undefined) return 'opening'; // comments, keep-alives
  switch (style) {
    case 'mantle_openai_responses':
      if (RESPONSES_OPENING.has(name ?? '')) return 'opening';
      if (name === 'response.failed' || name === 'error') return retryable(failureCode(data)) ? 'failure' : 'content';
      return 'content';
    case 'mantle_anthropic_messages':
      if (MESSAGES_OPENING.has(name ?? '')) return 'opening';
      if (name === 'error') return retryable(failureCode(data)) ? 'failure' : 'content';
      return 'content';
    case 'mantle_openai_chat':
      return classifyChatChunk(data);
  }
}

function classifyChatChunk(data: string): OpeningVerdict {
  if (data === '[DONE]') return 'content';
  const chunk = parse(data);
  if (!chunk) return 'content';
  if (isRecord(chunk['error'])) return retryable(failureCode(data)) ? 'failure' : 'content';
  const choices = chunk['choices'];
  if (!Array.isArray(choices) || choices.length !== 1) return 'content';
  const choice = choices[0] as Record<string, unknown>;
  const delta = isRecord(choice['delta']) ? choice['delta'] : {};
  const roleOnly = Object.entries(delta).every(([key, value]) => key === 'role' || value === '' || value === null);
  return roleOnly && (choice['finish_reason'] === null || choice['finish_reason'] === undefined) ? 'opening' : 'content';
}

/** `response.error.code`, `error.code`, `error.type` or `code`, whichever the surface uses. */
function failureCode(data: string): string | undefined {
  const value = parse(data);
  if (!value) return undefined;
  const response = isRecord(value['response']) ? value['response'] : undefined;
  const error = isRecord(response?.['error']) ? response['error'] : isRecord(value['error']) ? value['error'] : value;
  const code = error['code'] ?? error['type'];
  return typeof code === 'string' ? code : undefined;
}

function retryable(code: string | undefined): boolean {
  return code === undefined || RETRYABLE_CODES.has(code);
}

function parseEvent(text: string): { name: string | undefined; data: string | undefined } {
  let name: string | undefined;
  let data: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data = (data === undefined ? '' : `${data}\n`) + line.slice(5).trimStart();
  }
  if (name === undefined && data !== undefined) name = typeOf(data);
  return { name, data };
}

/** Responses events carry their type in the data too; a stream without `event:` lines is still understood. */
function typeOf(data: string): string | undefined {
  const value = parse(data);
  return value && typeof value['type'] === 'string' ? value['type'] : undefined;
}

function parse(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

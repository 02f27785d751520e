/**
 * The simulated model: it answers `Echo: <last user text>`, deterministically, so tests can assert on content
 * that went through the gateway. Token counts follow the usual rule of thumb (about four characters per input
 * token); each streamed word delta counts as one output token, so `max_tokens: n` yields exactly n deltas.
 */
import { isRecord } from './request-fields.js';

/** Keeps answers to pasted documents readable in test output and demo logs. */
const MAX_ECHO_CHARS = 2_000;

export interface Completion {
  text: string;
  /** Word-sized pieces whose concatenation is `text`; one per streamed delta. */
  deltas: string[];
  inputTokens: number;
  outputTokens: number;
  /** True when `maxTokens` cut the answer short. */
  truncated: boolean;
}

/**
 * Builds the answer to `userText`.
 * @param promptChars characters of all text in the request (system prompt and history included)
 * @param maxTokens the request's output limit, if any
 */
export function complete(userText: string, promptChars: number, maxTokens?: number): Completion {
  const echoed = userText.length > MAX_ECHO_CHARS ? `${userText.slice(0, MAX_ECHO_CHARS)}…` : userText;
  const full = echoed.trim() === '' ? 'Echo:' : `Echo: ${echoed.trim()}`;
  // Each delta is a word with the whitespace before it, so the deltas concatenate back to the full text.
  const allDeltas = full.match(/\s*\S+/g) ?? [];
  const limit = maxTokens !== undefined && maxTokens >= 0 ? Math.floor(maxTokens) : allDeltas.length;
  const deltas = allDeltas.slice(0, limit);
  return {
    text: deltas.join(''),
    deltas,
    inputTokens: estimateTokens(promptChars),
    outputTokens: deltas.length,
    truncated: deltas.length < allDeltas.length,
  };
}

export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

const STRUCTURAL_KEYS = new Set(['role', 'type', 'id', 'call_id', 'cache_control']);

/** Total length of every string inside `value` except structural ones (`role`, `type`, ids). */
export function textChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + textChars(item), 0);
  if (value !== null && typeof value === 'object') {
    let sum = 0;
    for (const [key, item] of Object.entries(value)) {
      if (!STRUCTURAL_KEYS.has(key)) sum += textChars(item);
    }
    return sum;
  }
  return 0;
}

/**
 * The text of a message's content in any of the three APIs' shapes: a string, or an array of parts carrying
 * `text` (`text`, `input_text`, `output_text` parts).
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      if (typeof part === 'string') return part;
      const text = isRecord(part) ? part['text'] : undefined;
      return typeof text === 'string' ? text : '';
    })
    .filter((text) => text !== '')
    .join(' ');
}

/** The text of the last `role: 'user'` entry of a message list (chat `messages`, Anthropic `messages`, Responses `input`). */
export function lastUserText(messages: unknown): string {
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return '';
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message: unknown = messages[index];
    if (isRecord(message) && message['role'] === 'user') return contentText(message['content']);
  }
  return '';
}

/**
 * The Chat Completions bridge as one exchange: the Responses request to send for a Chat call, and the answer
 * turned back into Chat's shape (a `chat.completion`, or a `chat.completion.chunk` stream). Mantle's error
 * answers are already in the OpenAI envelope Chat callers read, so they pass through with their status.
 */
import { isChunkSource, readText, type Answer, type AnswerHeaders } from '../domain/answer.js';
import { chatToResponses } from './chat-to-responses.js';
import { chatCompletionFromResponse, isRecord } from './responses-to-chat.js';
import { chatStreamFromResponses } from './responses-stream-to-chat.js';

export interface BridgeExchange {
  readonly body: string;
  readonly upstreamSuffix: '/responses';
  readonly translateAnswer: (response: Answer, hooks?: AnswerHooks) => Promise<Answer>;
}

/** What the gateway may want to learn from a translated answer that the caller's shape may not show. */
export interface AnswerHooks {
  /** A streamed answer's usage, in Chat's names, even when the caller did not ask for the usage chunk. */
  readonly onUsage?: (usage: Record<string, unknown>) => void;
}

/** @throws InvalidRequestError (400) naming a parameter the bridge cannot translate; nothing is sent then */
export function bridgeChatToResponses(chat: Readonly<Record<string, unknown>>): BridgeExchange {
  const { body, stream, includeUsage } = chatToResponses(chat);
  return {
    body: JSON.stringify(body),
    upstreamSuffix: '/responses',
    translateAnswer: async (response, hooks) => {
      if (response.status !== 200 || response.body === undefined) return response;
      if (stream && isEventStream(response) && isChunkSource(response.body)) {
        return {
          status: 200,
          headers: headersFrom(response, 'text/event-stream; charset=utf-8'),
          body: chatStreamFromResponses(response.body, { includeUsage, ...(hooks?.onUsage ? { onUsage: hooks.onUsage } : {}) }),
        };
      }
      return completionAnswer(response);
    },
  };
}

async function completionAnswer(response: Answer): Promise<Answer> {
  const text = await readText(response.body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed) || parsed['object'] !== 'response') {
    return chatError(502, 'Amazon Bedrock Mantle answered the bridged Responses call with something that is not a response.', 'bad_upstream_response', response);
  }
  if (parsed['status'] === 'failed') {
    const error = isRecord(parsed['error']) ? parsed['error'] : {};
    const message = typeof error['message'] === 'string' ? error['message'] : 'The model failed to complete the response.';
    return chatError(502, message, typeof error['code'] === 'string' ? error['code'] : 'server_error', response);
  }
  return { status: 200, headers: headersFrom(response, 'application/json'), body: JSON.stringify(chatCompletionFromResponse(parsed)) };
}

function chatError(status: number, message: string, code: string, response: Answer): Answer {
  const body = { error: { message, type: 'server_error', param: null, code } };
  return { status, headers: headersFrom(response, 'application/json'), body: JSON.stringify(body) };
}

function isEventStream(response: Answer): boolean {
  return (response.headers['content-type'] ?? '').startsWith('text/event-stream');
}

/** Mantle's request ids stay; the content type is the translation's. */
function headersFrom(response: Answer, contentType: string): AnswerHeaders {
  const headers: AnswerHeaders = { ...response.headers, 'content-type': contentType };
  delete headers['content-length'];
  if (contentType.startsWith('text/event-stream')) headers['cache-control'] = 'no-cache';
  return headers;
}
